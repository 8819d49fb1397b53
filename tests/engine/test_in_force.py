"""The law as it stood on the day, counting conventions as data, and next-instance events."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engine.deadlines import compute_deadlines
from engine.facts import AppealFact, DetentionFact, PersonFacts, RuleSpec
from engine.kinds import Event, Kind, Unit
from engine.models import Rule


def final_decision(country, on, court_level="supreme"):
    appeal = AppealFact(
        "a", "extradition_request", "e", country, on, "rejected", on, on, court_level=court_level
    )
    return PersonFacts("p", appeals=(appeal,))


def family_specs(family):
    return [r.to_spec() for r in Rule.objects.filter(family=family)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "decided,code,due",
    [
        # Protocol No. 15 Art. 8(3): four months only for final decisions from 1 February 2022.
        (date(2022, 1, 31), "echr.application.pre2022", date(2022, 7, 31)),
        (date(2022, 2, 1), "echr.application", date(2022, 6, 1)),
    ],
)
def test_the_ecthr_window_in_force_on_the_final_decisions_date(decided, code, due):
    (d,) = compute_deadlines(
        final_decision("TR", decided), family_specs("echr.application"), decided
    )
    assert (d.rule_code, d.due_on) == (code, due), d.why


@pytest.mark.django_db
def test_the_migration_split_the_one_change_rules_into_two_rows():
    rows = {
        r.code: (r.family, r.period_amount, r.in_force_from, r.in_force_until)
        for r in Rule.objects.filter(family__in=["echr.application", "ru.appeal.general"])
    }
    assert rows == {
        "echr.application": ("echr.application", 4, date(2022, 2, 1), None),
        "echr.application.pre2022": ("echr.application", 6, None, date(2022, 1, 31)),
        "ru.appeal.general": ("ru.appeal.general", 15, date(2022, 12, 29), None),
        "ru.appeal.general.pre2022": ("ru.appeal.general", 10, None, date(2022, 12, 28)),
    }
    assert all(r.family for r in Rule.objects.all())


def spec(**kw):
    base = dict(
        code="t",
        kind=Kind.CUSTODY_MAXIMUM,
        counts_from=Event.DETENTION_STARTED,
        description="Custody pending extradition",
        period_amount=2,
        unit=Unit.MONTHS,
        citation="CPC RF Art. 109",
    )
    return RuleSpec(**{**base, **kw})


def custody(started):
    return PersonFacts(
        "p", detentions=(DetentionFact("d", started, legal_basis="extradition_arrest"),)
    )


def test_a_custody_term_counts_the_day_of_arrest_and_says_inclusive():
    # The example: two months from 5 February end at midnight on 4 April.
    rule = spec(first_day_counts=True, counting_citation="CPC RF Art. 128(1)")
    (d,) = compute_deadlines(custody(date(2026, 2, 5)), [rule], date(2026, 2, 6))
    assert d.due_on == date(2026, 4, 4)
    assert "inclusive: the day of the event counts as day one, CPC RF Art. 128(1)" in d.why
    (plain,) = compute_deadlines(custody(date(2026, 2, 5)), [spec()], date(2026, 2, 6))
    assert plain.due_on == date(2026, 4, 5) and "inclusive" not in plain.why


def test_first_day_counts_for_days_and_an_end_hour_is_said():
    rule = spec(unit=Unit.DAYS, period_amount=40, first_day_counts=True, ends_at_hour=24)
    (d,) = compute_deadlines(custody(date(2010, 6, 15)), [rule], date(2010, 6, 16))
    assert d.due_on == date(2010, 7, 24)  # 15 June is day 1, 24 July day 40
    assert "ends at 24:00" in d.why


def test_a_row_out_of_force_on_the_facts_date_gives_nothing():
    old = spec(code="t.1997", in_force_until=date(2014, 12, 31), period_amount=1)
    new = spec(code="t", in_force_from=date(2015, 1, 1))
    (d,) = compute_deadlines(custody(date(2011, 3, 15)), [old, new], date(2011, 3, 16))
    assert d.rule_code == "t.1997" and d.due_on == date(2011, 4, 15)
    (d,) = compute_deadlines(custody(date(2015, 1, 1)), [old, new], date(2015, 1, 2))
    assert d.rule_code == "t" and d.due_on == date(2015, 3, 1)


def next_instance(**kw):
    base = dict(
        code="n",
        kind=Kind.APPEAL_LOWER_COURT,
        counts_from=Event.EXTRADITION_APPEAL_REJECTED,
        description="Cassation",
        period_amount=10,
        unit=Unit.DAYS,
        countries=frozenset({"KZ"}),
    )
    return RuleSpec(**{**base, **kw})


def test_a_rejected_appeal_counts_for_the_next_instance_of_its_subject_and_level():
    first = AppealFact(
        "a1", "extradition_request", "e", "KZ", date(2026, 3, 1), "rejected",
        date(2026, 3, 10), date(2026, 3, 11), court_level="district",
    )  # fmt: skip
    second = AppealFact(
        "a2", "lower_appeal", "a1", "KZ", date(2026, 3, 15), "rejected",
        date(2026, 4, 1), date(2026, 4, 2), court_level="regional",
    )  # fmt: skip
    facts = PersonFacts("p", appeals=(first, second))
    rule = next_instance(after_court_levels=frozenset({"regional"}))
    (d,) = compute_deadlines(facts, [rule], date(2026, 4, 3))
    assert (d.source_id, d.due_on) == ("a2", date(2026, 4, 12))  # the regional court's
    asylum = next_instance(counts_from=Event.ASYLUM_APPEAL_REJECTED)
    assert compute_deadlines(facts, [asylum], date(2026, 4, 3)) == []  # not an asylum case


@pytest.mark.django_db
def test_two_enabled_rows_of_a_family_cannot_share_a_day():
    current = Rule.objects.get(code="echr.application")
    older = Rule.objects.get(code="echr.application.pre2022")
    older.in_force_until = date(2022, 2, 1)  # one day into the current row's window
    with pytest.raises(ValidationError, match="echr.application"):
        older.full_clean()
    older.in_force_until = date(2022, 1, 31)
    older.full_clean()
    current.enabled = False
    current.in_force_from = date(2020, 1, 1)
    current.full_clean()  # a disabled row does not count


@pytest.mark.django_db
def test_the_database_refuses_a_window_that_ends_before_it_starts():
    rule = Rule.objects.get(code="echr.application")
    rule.in_force_until = date(2022, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()
