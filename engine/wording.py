"""A generated sentence as a message and its arguments, so that a page can say it in the
reader's language while the core stays pure (no Django, no locale).

The core writes each reason as a `text` -- an English msgid with %(name)s placeholders, the
same string a translator finds in locale/ru/LC_MESSAGES/django.po -- and `args`, JSON values
naming facts rather than words:

* a str or an int is said as it is (a group's name, a number of days);
* {"date": "2011-06-09"} -- a day;
* {"month": "2005-06"} -- a month of a year (a return known only to the month);
* {"country": "KZ", "case": "gen"} -- a state, in the grammatical case the sentence needs
  (Russian declines country names: "из Казахстана", "в Казахстане"; English ignores it);
* {"body": "cat"} -- the body of an interim measure (cat, hrc, ecthr, other);
* {"people": 6} -- the word for that many people ("person", "people");
* {"days": 3} -- that many days, with the word ("1 day", "3 days"; "3 дня");
* {"relation": "spouse"} -- what a relative is to the person;
* {"level": "high"} -- a return-risk level (alerts: "raised from high to imminent");
* {"and": [...]} and {"list": [...]} -- values joined ("A and B"; "a, b");
* {"msg": "...", "args": {...}} -- a phrase of its own, said the same way.

`say(text, args)` gives the English sentence the core stores (alerts, history, the API);
engine/templatetags/risk_sentences.py gives the same through gettext in the page's language.
Both walk the arguments with `render`, each with its own `Speaker`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date


def N_(message: str) -> str:
    """Marks a message for translation and returns it unchanged: the core needs no Django.
    `makemessages --keyword=N_` finds these; tests/engine/test_wording.py checks that each is
    in the Russian catalogue."""
    return message


MONTHS = (
    "January February March April May June July August September October November December"
).split()

COUNTRY_NAMES = {
    "CN": "China",
    "KG": "Kyrgyzstan",
    "KZ": "Kazakhstan",
    "RU": "Russia",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "TR": "Turkey",
    "UA": "Ukraine",
    "UZ": "Uzbekistan",
}
BODY_NAMES = {
    "cat": N_("the UN Committee against Torture"),
    "hrc": N_("the UN Human Rights Committee"),
    "ecthr": N_("the European Court of Human Rights"),
    "other": N_("an international body"),
}
# The grammatical cases a sentence may ask a country name in (pgettext contexts in Russian).
CASES = ("gen", "prep", "acc")


class Speaker:
    """Says each kind of argument in English (the core's language)."""

    def text(self, msg: str) -> str:
        return msg

    def day(self, day: date) -> str:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    def month(self, day: date) -> str:
        return f"{MONTHS[day.month - 1]} {day.year}"

    def country(self, code: str, case: str) -> str:
        return COUNTRY_NAMES.get(code, code or "the state")

    def body(self, code: str) -> str:
        return BODY_NAMES.get(code, code)

    def people(self, n: int) -> str:
        return "person" if n == 1 else "people"

    def days(self, n: int) -> str:
        return f"{n} day" if n == 1 else f"{n} days"

    def relation(self, relation: str) -> str:
        return relation

    def level(self, code: str) -> str:
        return code

    def both(self, items: list[str]) -> str:
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} and {items[-1]}"

    def listed(self, items: list[str]) -> str:
        return ", ".join(items)


ENGLISH = Speaker()


def render(value, speaker: Speaker) -> str:  # noqa: C901 - one line per kind of argument
    if type(value) is dict or isinstance(value, Mapping):  # the first test is the quick one
        if "msg" in value:
            return say(value["msg"], value.get("args") or {}, speaker)
        if "date" in value:
            return speaker.day(date.fromisoformat(value["date"]))
        if "month" in value:
            return speaker.month(date.fromisoformat(f"{value['month']}-01"))
        if "country" in value:
            return speaker.country(value["country"], value.get("case", ""))
        if "body" in value:
            return speaker.body(value["body"])
        if "people" in value:
            return speaker.people(int(value["people"]))
        if "days" in value:
            return speaker.days(int(value["days"]))
        if "relation" in value:
            return speaker.relation(value["relation"])
        if "level" in value:
            return speaker.level(value["level"])
        if "and" in value:
            return speaker.both([render(v, speaker) for v in value["and"]])
        if "list" in value:
            return speaker.listed([render(v, speaker) for v in value["list"]])
    return str(value)


def say(text: str, args: Mapping, speaker: Speaker = ENGLISH) -> str:
    msg = speaker.text(text)
    if not args:
        return msg
    return msg % {name: render(value, speaker) for name, value in args.items()}


# Builders, so the core reads as sentences and not as dictionaries.


def on(day: date) -> dict:
    return {"date": day.isoformat()}


def state(code: str, case: str = "") -> dict:
    return {"country": code, "case": case} if case else {"country": code}


def phrase(text: str, **args) -> dict:
    return {"msg": text, "args": args} if args else {"msg": text}
