"""What threatens, in the reader's language: every message the risk core writes is in the
Russian catalogue with its placeholders, and a reason stored in English is said in Russian
from its message and arguments (countries declined, dates and people counted in Russian)."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.utils import translation

from casework.models import RelationshipKind
from engine import risk, wording
from engine.facts import (
    AppealFact,
    AsylumFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
)
from engine.templatetags.risk_barriers import READER, said

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.fixture(scope="module")
def russian():
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(PO)) if not e.obsolete}


def marked_messages() -> list[str]:
    """Every N_("...") literal of the core's modules."""
    found = []
    for module in (
        "engine/risk.py",
        "engine/barriers.py",
        "engine/wording.py",
        "engine/services.py",
        "evidence/services.py",  # the Rule 39 alert
    ):
        tree = ast.parse((ROOT / module).read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "N_"
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(node.args[0].value)
    return found


def test_the_core_marks_its_messages():
    messages = marked_messages()
    assert len(messages) > 40
    assert "Detained in %(country)s since %(date)s." in messages


@pytest.mark.parametrize("message", marked_messages())
def test_every_message_of_the_core_is_translated_into_russian(russian, message):
    entry = russian.get((None, message))
    assert entry is not None and entry.msgstr, f"not in the Russian catalogue: {message!r}"
    assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(message))


def test_every_country_has_each_case_a_message_asks_for(russian):
    missing = [
        (f"country, {case}", name)
        for name in wording.COUNTRY_NAMES.values()
        for case in wording.CASES
        if not getattr(russian.get((f"country, {case}", name)), "msgstr", "")
    ]
    assert not missing
    people = russian[("people returned", "person")]
    assert people.msgid_plural == "people" and all(people.msgstr_plural.values())
    assert all(russian.get(("relative", kind.value)) for kind in RelationshipKind)


# --- a man with most signals firing, said in English and in Russian ----------------------

TODAY = date(2011, 6, 20)


def assessment() -> risk.Assessment:
    facts = PersonFacts(
        person_id="p",
        detentions=(DetentionFact("d", date(2010, 6, 1), country="KZ", incommunicado=True),),
        extraditions=(
            ExtraditionFact("e", "KZ", "approved", date(2010, 9, 6), requesting_state="UZ"),
        ),
        appeals=(
            AppealFact(
                "a",
                "extradition_request",
                "e",
                "KZ",
                lodged_on=date(2010, 9, 10),
                outcome="rejected",
                decided_on=date(2011, 3, 15),
            ),
        ),  # fmt: skip
        asylum_claims=(AsylumFact("c", "KZ", "refused", decided_on=date(2010, 12, 1)),),
        interim_measures=(
            InterimFact("m", "cat", "granted", granted_on=date(2011, 3, 17), respondent_state="KZ"),
        ),
    )
    returned = risk.ReturnEvidence(
        "other",
        "KZ",
        date(2011, 6, 9),
        interim_measures=(InterimFact("o", "cat", "granted", granted_on=date(2011, 3, 17)),),
        same_group=True,
    )
    relative = risk.RelativeFact("spouse", ((date(2011, 6, 1), None),))
    rf = risk.RiskFacts(facts=facts, other_returns=(returned,), relatives=(relative,))
    return risk.assess(rf, TODAY)


def test_the_english_sentence_is_the_message_said_in_english():
    a = assessment()
    assert len(a.reasons) >= 8
    for reason in a.reasons_json():
        assert reason["text"], reason["code"]
        assert wording.say(reason["text"], reason["args"]) == reason["sentence"]
        with translation.override("en"):
            assert said(reason) == reason["sentence"]


def test_the_same_reasons_read_in_russian():
    by_code = {r["code"]: r for r in assessment().reasons_json()}
    with translation.override("ru"):
        russian = {code: said(r) for code, r in by_code.items()}
    assert russian["detained"] == "Под стражей в Казахстане с 1 июня 2010."
    assert russian["incommunicado"] == "Содержится без связи с внешним миром."
    assert russian["extradition_approved"] == (
        "Выдача в Узбекистан одобрена властями Казахстана 6 сентября 2010."
    )
    assert russian["appeal_rejected"] == "Жалоба на решение о выдаче отклонена 15 марта 2011."
    assert russian["asylum_refused"] == "В убежище отказано в Казахстане 1 декабря 2010."
    assert russian["state_returned_despite_interim"] == (
        "Из Казахстана вопреки действовавшим временным мерам Комитета ООН против пыток уже "
        "возвращены: 1 человек, последний раз — 9 июня 2011; мера, защищающая это лицо, тоже "
        "может не соблюдаться."
    )
    assert russian["returns_from_state"].startswith("Из Казахстана за последние 180 дн.")
    assert russian["group_members_returned"].startswith("Из той же группы уже возвращены: 1")
    assert russian["relatives_detained"] == "Родственники под стражей: супруг(а)."
    # Nothing left in English but the figures.
    for code, text in russian.items():
        assert not re.search(r"[A-Za-z]{3,}", text), (code, text)


def test_a_reason_stored_before_reasons_carried_their_message_shows_its_english_sentence():
    old = {"code": "detained", "sentence": "Detained since 1 June 2010.", "weight": 15}
    with translation.override("ru"):
        assert said(old) == "Detained since 1 June 2010."


def test_russian_counts_people_with_their_plural():
    reason = {
        "text": "%(count)s %(people)s of the same group already returned, most recently "
        "%(when)s.",
        "args": {"count": 3, "people": {"people": 3}, "when": wording.phrase("in %(year)s", year=2005)},
    }  # fmt: skip
    with translation.override("ru"):
        assert (
            said(reason)
            == "Из той же группы уже возвращены: 3 человека, последний раз — в 2005 году."
        )
    with translation.override("en"):
        assert said(reason) == "3 people of the same group already returned, most recently in 2005."


def test_a_barrier_reads_in_russian_without_its_citation_which_the_page_shows_apart():
    from engine import barriers
    from engine.templatetags.risk_barriers import barrier_text

    f = PersonFacts(
        person_id="p",
        extraditions=(ExtraditionFact("e", "RU", "approved", date(2015, 3, 1)),),
        appeals=(AppealFact("a", "extradition_request", "e", "RU", lodged_on=date(2015, 3, 5)),),
        interim_measures=(
            InterimFact("m", "ecthr", "granted", granted_on=date(2015, 3, 6), respondent_state="RU",
                        reaffirmed_on=(date(2015, 4, 1),)),
        ),
    )  # fmt: skip
    measure, appeal = (b.as_dict() for b in barriers.find_barriers(f, date(2015, 4, 2)))
    assert appeal["sentence"] == (
        "Appeal against the extradition decision lodged on 5 March 2015 is pending in Russia; it "
        "suspends removal (CPC RF Art. 462(6): no extradition until the court's decision on the "
        "appeal enters into force; unverified rule)."
    )
    with translation.override("ru"):
        assert barrier_text(measure) == (
            "Временная мера Европейского суда по правам человека в отношении России действует с "
            "6 марта 2015 (подтверждена повторно)."
        )
        assert barrier_text(appeal) == (
            "Жалоба на решение об экстрадиции, поданная 5 марта 2015, рассматривается в России; "
            "она приостанавливает высылку."
        )
        # Said whole (as an alert could be), the citation keeps its flag in Russian.
        assert wording.say(appeal["text"], appeal["args"], READER).endswith(
            "; норма не проверена)."
        )
    with translation.override("en"):
        assert barrier_text(appeal) == (
            "Appeal against the extradition decision lodged on 5 March 2015 is pending in Russia; "
            "it suspends removal."
        )
