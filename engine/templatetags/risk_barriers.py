"""What still protects and what threatens a person, in the reader's language, for the board
and the person page.

Reads the barriers and reasons stored on the current assessment row (engine/barriers.py and
engine/risk.py, as_dict): no query. The core's own sentences are English (alerts, history,
the API); these say the same from the same facts through gettext, so the pages read in
Russian too. A reason or a barrier carries its message and arguments (engine/wording.py), said
here by `Reader`; a row stored before they carried them shows its English sentence."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext, pgettext

from engine import wording
from engine.barriers import NO_RULE

register = template.Library()

# The signals that lift a cap, as a reader would say why the barrier is not respected.
LIFTERS = {
    "state_returned_despite_interim": gettext_lazy(
        "the state returned people despite interim measures"
    ),
    "removal_scheduled": gettext_lazy("a removal is scheduled"),
    "transfer_reported": gettext_lazy("a transfer was reported"),
    "incommunicado": gettext_lazy("held incommunicado"),
}
LEVELS = {
    "none": gettext_lazy("None"),
    "monitoring": gettext_lazy("Monitoring"),
    "elevated": gettext_lazy("Elevated"),
    "high": gettext_lazy("High"),
    "imminent": gettext_lazy("Imminent"),
}


def barrier_text(b: dict) -> str:
    """A stored barrier's sentence in the reader's language, without its citation (the
    pages show it apart, with the unverified flag)."""
    if b.get("text"):
        try:
            return wording.say(b["text"], {**(b.get("args") or {}), "law": ""}, READER)
        except (KeyError, TypeError, ValueError):
            pass  # a translation that lost a placeholder: the English sentence still says it
    return b.get("sentence", "")


@register.simple_tag
def barriers_of(assessment) -> dict:
    """{lines: [{text, stands, lifted, unverified, no_rule, citation, kind}], standing: n, capped: text}
    for a RiskAssessment (or None)."""
    if assessment is None:
        return {"lines": [], "standing": 0, "capped": ""}
    lines = []
    for b in getattr(assessment, "barriers", None) or []:
        lifted = ", ".join(str(LIFTERS.get(c, c)) for c in b.get("lifted_by") or [])
        lines.append(
            {
                "kind": b.get("kind", ""),
                "text": barrier_text(b),
                "stands": bool(b.get("cap")) and not lifted,
                "lifted": lifted,
                "unverified": bool(b.get("unverified")),
                "no_rule": b.get("kind") == NO_RULE,
                "citation": b.get("citation", ""),
            }
        )
    capped = ""
    if getattr(assessment, "capped_from", ""):
        capped = _(
            "Held at %(level)s by what still protects; the threats alone make it %(without)s."
        ) % {  # fmt: skip
            "level": LEVELS.get(assessment.level, assessment.level),
            "without": LEVELS.get(assessment.capped_from, assessment.capped_from),
        }
    return {"lines": lines, "standing": sum(1 for x in lines if x["stands"]), "capped": capped}


class Reader(wording.Speaker):
    """Says a reason's arguments in the active language. A country is looked up in the case
    its message asks for ("country, gen": "Kazakhstan" -> "Казахстана"); English has no
    entries for these, so it reads the English name."""

    def text(self, msg: str) -> str:
        return _(msg)

    def day(self, day: date) -> str:
        return date_format(day, "j E Y")

    def month(self, day: date) -> str:
        return date_format(day, "F Y")

    def country(self, code: str, case: str) -> str:
        name = wording.COUNTRY_NAMES.get(code)
        if name is None:
            return code or _("the state")
        return pgettext(f"country, {case}", name) if case else _(name)

    def body(self, code: str) -> str:
        return _(wording.BODY_NAMES[code]) if code in wording.BODY_NAMES else code

    def people(self, n: int) -> str:
        return npgettext("people returned", "person", "people", n)

    def days(self, n: int) -> str:
        return ngettext("%(days)s day", "%(days)s days", n) % {"days": n}

    def relation(self, relation: str) -> str:
        return pgettext("relative", relation)

    def level(self, code: str) -> str:
        return pgettext("risk level", code)

    def both(self, items: list[str]) -> str:
        if len(items) < 2:
            return "".join(items)
        return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


READER = Reader()


@register.filter
def said(reason: dict) -> str:
    """A stored reason's sentence in the reader's language."""
    if reason.get("text"):
        try:
            return wording.say(reason["text"], reason.get("args") or {}, READER)
        except (KeyError, TypeError, ValueError):
            pass  # a translation that lost a placeholder: the English sentence still says it
    return reason.get("sentence", "")


@register.filter
def alert_subject(alert) -> str:
    """An alert's subject in the reader's language."""
    from engine.alerts import alert_subject as subject

    return subject(alert)


@register.filter
def alert_body(alert) -> str:
    """An alert's body in the reader's language."""
    from engine.alerts import alert_body as body

    return body(alert)
