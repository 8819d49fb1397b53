"""The rule in force on the triggering fact's date is the one that counts, for each change of
law the lawbook ships (issue 16), and the fixes to the old defaults. Every date is counted by
hand in the comment beside it; the rules are the shipped rows (migration 0169)."""

from datetime import date

import pytest

from engine.deadlines import compute_deadlines
from engine.facts import (
    AppealFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
    RemovalFact,
)
from engine.selectors import rule_specs, work_calendars

pytestmark = pytest.mark.django_db


def deadlines(facts, today):
    return compute_deadlines(facts, rule_specs(), today, work_calendars())


def by_kind(facts, today, kind):
    return sorted((d.rule_code, d.due_on) for d in deadlines(facts, today) if d.kind == kind)


def extradition(state, notified):
    return PersonFacts(
        "p", extraditions=(ExtraditionFact("e", state, "approved", notified, notified),)
    )


def final_decision(country, notified):
    return PersonFacts(
        "p",
        appeals=(
            AppealFact(
                "a", "extradition_request", "e", country, notified, "rejected", notified, notified
            ),
        ),
    )


def deportation(notified):
    return PersonFacts(
        "p", removal_orders=(RemovalFact("o", "TR", notified, "deportation", notified),)
    )


def test_kazakhstan_2011_facts_fall_under_the_1997_code():
    # Notified Saturday 26 February 2011: 1997 code, ten days, Tuesday 8 March 2011.
    got = by_kind(extradition("KZ", date(2011, 2, 26)), date(2011, 2, 27), "appeal_extradition")
    assert got == [("kz.extr.appeal.1997", date(2011, 3, 8))]


def test_kazakhstan_2015_facts_fall_under_the_2014_code():
    # Notified Friday 13 March 2015: CPC RK 2014 Art. 592(1), ten days, Monday 23 March 2015.
    got = by_kind(extradition("KZ", date(2015, 3, 13)), date(2015, 3, 14), "appeal_extradition")
    assert got == [("kz.extr.appeal", date(2015, 3, 23))]


def test_turkish_deportation_appeal_is_fifteen_days_before_law_7196_and_seven_after():
    # 23 December 2019: fifteen days, Tuesday 7 January 2020.
    before = by_kind(deportation(date(2019, 12, 23)), date(2019, 12, 24), "appeal_removal")
    assert before == [("tr.deport.appeal.15d", date(2020, 1, 7))]
    # 24 December 2019, Law 7196 in force: seven days, Tuesday 31 December 2019.
    after = by_kind(deportation(date(2019, 12, 24)), date(2019, 12, 25), "appeal_removal")
    assert after == [("tr.deport.appeal", date(2019, 12, 31))]


def test_ecthr_window_is_six_months_before_1_february_2022_and_four_from_it():
    got = by_kind(final_decision("TR", date(2022, 1, 31)), date(2022, 2, 1), "ecthr_application")
    assert got == [("echr.application.pre2022", date(2022, 7, 31))]  # Sunday, not moved
    got = by_kind(final_decision("TR", date(2022, 2, 1)), date(2022, 2, 2), "ecthr_application")
    assert got == [("echr.application", date(2022, 6, 1))]


def test_russian_appeal_period_became_fifteen_days_on_9_january_2023():
    # Decided and notified Sunday 8 January 2023: ten days, Wednesday 18 January.
    got = by_kind(final_decision("RU", date(2023, 1, 8)), date(2023, 1, 9), "appeal_lower_court")
    assert got == [("ru.appeal.general.pre2022", date(2023, 1, 18))]
    # Monday 9 January 2023: fifteen days, Tuesday 24 January.
    got = by_kind(final_decision("RU", date(2023, 1, 9)), date(2023, 1, 10), "appeal_lower_court")
    assert got == [("ru.appeal.general", date(2023, 1, 24))]


def test_russian_custody_counts_the_day_of_arrest():
    facts = PersonFacts(
        "p",
        detentions=(
            DetentionFact("d", date(2026, 2, 5), legal_basis="extradition_arrest", country="RU"),
        ),
    )
    got = dict(by_kind(facts, date(2026, 2, 6), "custody_maximum"))
    # Arrested 5 February: two months end at midnight on 4 April, inclusive (a Saturday).
    assert got["ru.extr.detention"] == date(2026, 4, 4)


def test_russian_custody_order_appeal_rolls_past_a_weekend():
    facts = PersonFacts(
        "p",
        detentions=(
            DetentionFact("d", date(2026, 4, 30), legal_basis="extradition_arrest", country="RU"),
        ),
    )
    # Thursday 30 April + 3 days = Sunday 3 May; Monday 4 May is a working day.
    assert by_kind(facts, date(2026, 5, 1), "appeal_detention") == [
        ("ru.detention.appeal", date(2026, 5, 4))
    ]


def test_turkish_periods_roll_past_the_bayram():
    # Notified Thursday 21 May 2026 + 7 = Thursday 28 May (Kurban Bayramı 27-30 May), Sunday
    # 31 May: Monday 1 June (İYUK Art. 8(2)).
    got = by_kind(deportation(date(2026, 5, 21)), date(2026, 5, 22), "appeal_removal")
    assert got == [("tr.deport.appeal", date(2026, 6, 1))]


def test_hrc_views_follow_up_is_180_days():
    facts = PersonFacts(
        "p",
        interim_measures=(
            InterimFact("m", "hrc", decision_on=date(2025, 7, 18), respondent_state="KZ"),
        ),
    )
    # Views of Friday 18 July 2025 + 180 days = Wednesday 14 January 2026.
    assert by_kind(facts, date(2025, 7, 19), "views_followup") == [
        ("hrc.followup", date(2026, 1, 14))
    ]


@pytest.mark.parametrize("state", ["KZ", "KG", "UZ", "RU", "TJ", "TR"])
@pytest.mark.parametrize("kind", ["appeal_extradition", "appeal_asylum"])
def test_each_state_of_the_region_has_its_extradition_and_asylum_appeal_rules(state, kind):
    from engine.models import Rule

    rows = Rule.objects.filter(jurisdiction=state, kind=kind)
    assert rows.exists(), f"no {kind} rule for {state}"
    for row in rows:
        # Primary or flagged: a rule not read in its text says so wherever it shows.
        assert row.citation and (row.confidence != "U" or row.is_unverified), row.code


@pytest.mark.parametrize(
    "body,kind",
    [("ECTHR", "ecthr_application"), ("CAT", "treaty_application"), ("HRC", "treaty_application")],
)
def test_each_treaty_body_has_its_application_window(body, kind):
    from engine.models import Rule

    assert Rule.objects.filter(jurisdiction=body, kind=kind).exists()
