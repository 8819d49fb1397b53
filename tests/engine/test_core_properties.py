"""Property tests on the pure core: thousands of dates, no database, no clock."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import WorkCalendar, period_end
from engine.deadlines import compute_deadlines
from engine.facts import (
    AppealFact,
    AsylumFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
    RuleSpec,
)
from engine.kinds import Event, Kind, Unit


@lru_cache
def _country(code):
    return holidays.country_holidays(code)


CODES = ["KZ", "KG", "UZ", "RU", "TJ", "TR", ""]
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
codes = st.sampled_from(CODES)
units = st.sampled_from(list(Unit))


@settings(max_examples=3000, deadline=None)
@given(start=days, n=st.integers(min_value=-30, max_value=60), code=codes)
def test_a_working_day_deadline_never_ends_on_a_weekend_or_holiday_of_its_calendar(start, n, code):
    cal = WorkCalendar(code)
    end = period_end(start, n, Unit.WORKING_DAYS, cal, roll_forward=False).due_on
    if code:
        country = _country(code)
        assert end not in country or end in country.weekend_workdays
        assert end.weekday() < 5 or end in country.weekend_workdays
    else:
        assert end.weekday() < 5


@settings(max_examples=3000, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=120), unit=units, code=codes)
def test_a_rolled_forward_deadline_is_a_working_day_and_at_most_the_holidays_later(
    start, n, unit, code
):
    cal = WorkCalendar(code)
    end = period_end(start, n, unit, cal, roll_forward=True)
    assert cal.is_working_day(end.due_on)
    assert end.due_on >= end.last_day
    # Every day skipped was a non-working day.
    day = end.last_day
    while day < end.due_on:
        assert not cal.is_working_day(day)
        day += timedelta(days=1)


@settings(max_examples=2000, deadline=None)
@given(start=days, months=st.integers(min_value=1, max_value=24))
def test_month_periods_end_on_the_same_day_or_the_last_day_of_a_shorter_month(start, months):
    end = period_end(start, months, Unit.MONTHS, WorkCalendar(""), roll_forward=False).due_on
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    if end.day != start.day:
        assert end.day < start.day
        assert (end + timedelta(days=1)).day == 1  # the month's last day


def test_31_january_plus_one_month_is_the_end_of_february():
    cal = WorkCalendar("")
    assert period_end(date(2011, 1, 31), 1, Unit.MONTHS, cal, roll_forward=False).due_on == date(
        2011, 2, 28
    )
    assert period_end(date(2012, 1, 31), 1, Unit.MONTHS, cal, roll_forward=False).due_on == date(
        2012, 2, 29
    )


def test_an_admin_adjustment_overrides_the_package():
    cal = WorkCalendar("KZ", extra_holidays=frozenset({date(2011, 9, 30)}))
    assert not cal.is_working_day(date(2011, 9, 30))
    cal = WorkCalendar("KZ", extra_working_days=frozenset({date(2011, 10, 1)}))
    assert cal.is_working_day(date(2011, 10, 1))  # a Saturday made a working day


RULES = [
    RuleSpec(
        code=f"t.{kind}.{unit}",
        kind=kind,
        counts_from=event,
        description="Test",
        period_amount=amount,
        unit=unit,
        calendar=code,
        roll_forward=roll,
        citation="Test",
    )
    for kind, event, amount, unit, code, roll in [
        (Kind.APPEAL_EXTRADITION, Event.EXTRADITION_DECISION_NOTIFIED, 10, Unit.DAYS, "RU", True),
        (Kind.APPEAL_ASYLUM, Event.ASYLUM_REFUSAL_NOTIFIED, 1, Unit.MONTHS, "KZ", True),
        (Kind.APPEAL_LOWER_COURT, Event.COURT_DECISION_NOTIFIED, 5, Unit.WORKING_DAYS, "TR", False),
        (Kind.ECTHR_APPLICATION, Event.FINAL_DOMESTIC_DECISION, 4, Unit.MONTHS, "", False),
        (Kind.CUSTODY_MAXIMUM, Event.DETENTION_STARTED, 2, Unit.MONTHS, "RU", False),
        (Kind.DETENTION_TERM_ENDS, Event.DETENTION_AUTHORISED_UNTIL, 0, Unit.DAYS, "", False),
        (Kind.WELFARE_CHECK_OVERDUE, Event.LAST_CONFIRMED_CONTACT, 3, Unit.DAYS, "", False),
    ]
] + [
    RuleSpec(
        code="t.cat.obs",
        kind=Kind.STATE_OBSERVATIONS_DUE,
        counts_from=Event.COMPLAINT_TRANSMITTED,
        description="Test",
        period_amount=6,
        unit=Unit.MONTHS,
        jurisdiction="CAT",
        citation="Test",
    )
]


@st.composite
def person_facts(draw, notified=None):
    base = draw(days)
    notified = notified or base + timedelta(days=draw(st.integers(0, 30)))
    lodged = draw(st.none() | st.just(notified + timedelta(days=draw(st.integers(0, 20)))))
    return PersonFacts(
        person_id="p",
        detentions=(
            DetentionFact(
                "d",
                base,
                authorised_until=base + timedelta(days=60),
                legal_basis="extradition_arrest",
                country="RU",
            ),
        ),
        last_confirmed_contact_on=draw(st.none() | st.just(base + timedelta(days=3))),
        extraditions=(ExtraditionFact("e", "RU", "approved", base, notified),),
        asylum_claims=(AsylumFact("c", "KZ", "refused", decided_on=base, notified_on=notified),),
        appeals=(
            AppealFact(
                "a",
                "extradition_request",
                "e",
                "TR",
                lodged_on=lodged,
                outcome="rejected" if lodged else "pending",
                decided_on=lodged,
                notified_on=lodged,
            ),
        ),
        interim_measures=(
            InterimFact("m", "cat", complaint_transmitted_on=notified, respondent_state="KZ"),
        ),
    )


@settings(max_examples=1000, deadline=None)
@given(facts=person_facts(), today=days)
def test_the_same_facts_give_the_same_deadlines(facts, today):
    first = compute_deadlines(facts, RULES, today)
    assert first == compute_deadlines(facts, list(reversed(RULES)), today)
    assert len({d.key for d in first}) == len(first)  # one per (kind, source)


@settings(max_examples=2000, deadline=None)
@given(
    start=days,
    later=st.integers(min_value=0, max_value=60),
    amount=st.integers(min_value=0, max_value=40),
    unit=units,
    code=codes,
    roll=st.booleans(),
)
def test_a_later_notification_never_gives_an_earlier_due_date(
    start, later, amount, unit, code, roll
):
    rule = RuleSpec(
        code="t",
        kind=Kind.APPEAL_EXTRADITION,
        counts_from=Event.EXTRADITION_DECISION_NOTIFIED,
        description="Test",
        period_amount=amount,
        unit=unit,
        calendar=code,
        roll_forward=roll,
        citation="Test",
    )

    def due(notified):
        facts = PersonFacts(
            "p", extraditions=(ExtraditionFact("e", "RU", "approved", start, notified),)
        )
        (deadline,) = compute_deadlines(facts, [rule], start)
        return deadline.due_on

    assert due(start + timedelta(days=later)) >= due(start)
