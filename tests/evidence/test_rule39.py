"""The last useful moment for a Rule 39 request: one working day of the Registry's time
(Mon-Fri 08:00-16:00 Strasbourg) before the removal, skipping the Court's closure days, shown
in the lawyer's time zone; an alert when less than a working day is left before it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from engine import rule39

PARIS = rule39.STRASBOURG
ALMATY = ZoneInfo("Asia/Almaty")
NONE_CLOSED: frozenset[date] = frozenset()


def at(*args, tz=PARIS):
    return datetime(*args, tzinfo=tz)


def moment(removal, now, closed=NONE_CLOSED, tz=PARIS):
    return rule39.last_useful_moment(removal_at=removal, now=now, lawyer_tz=tz, closure_days=closed)


def test_a_monday_morning_flight_must_be_asked_about_by_friday_morning():
    # Learned on Friday evening of a flight on Monday at 06:00: already too late.
    result = moment(at(2011, 6, 13, 6), now=at(2011, 6, 10, 19))
    assert result.latest_strasbourg == at(2011, 6, 10, 8)
    assert result.passed and result.alert


def test_a_removal_mid_morning_leaves_until_the_same_hour_of_the_working_day_before():
    result = moment(at(2011, 6, 14, 11), now=at(2011, 6, 6, 9))
    assert result.latest_strasbourg == at(2011, 6, 13, 11)
    assert not result.alert and not result.passed


def test_the_courts_closure_days_are_skipped():
    # Friday 10 June is closed: the working day before a Monday 06:00 removal is Thursday.
    result = moment(
        at(2011, 6, 13, 6), now=at(2011, 6, 1, 9), closed=frozenset({date(2011, 6, 10)})
    )
    assert result.latest_strasbourg == at(2011, 6, 9, 8)


def test_the_default_closures_include_whit_monday_and_the_christmas_closure():
    closed = rule39.default_closure_days([2011])
    assert date(2011, 6, 13) in closed  # Whit Monday
    assert date(2011, 12, 26) in closed and date(2011, 12, 28) in closed
    result = rule39.last_useful_moment(
        removal_at=at(2011, 6, 14, 12), now=at(2011, 6, 1, 9), lawyer_tz=PARIS
    )
    assert result.latest_strasbourg == at(2011, 6, 10, 12)  # Friday, over Whit Monday
    assert result.closure_days_verified is False  # shown flagged: the Court's list not read


def test_the_moment_is_shown_in_the_lawyers_time_zone():
    result = moment(at(2011, 6, 14, 11), now=at(2011, 6, 6, 9), tz=ALMATY)
    assert result.latest_at == at(2011, 6, 13, 15, tz=ALMATY)  # 11:00 in Strasbourg
    assert result.latest_at.utcoffset() == timedelta(hours=6)


def test_the_alert_fires_when_less_than_a_working_day_is_left_before_the_moment():
    removal = at(2011, 6, 16, 12)  # Thursday noon: latest Wednesday noon
    assert not moment(removal, now=at(2011, 6, 14, 11, 59)).alert  # 8 h 1 min left
    late = moment(removal, now=at(2011, 6, 14, 12, 1))
    assert late.alert and not late.passed
    assert late.working_time_left == timedelta(hours=7, minutes=59)


def test_working_time_after_four_and_at_weekends_does_not_count():
    friday_evening, monday_morning = at(2011, 6, 10, 17), at(2011, 6, 13, 8)
    assert rule39.working_time_between(friday_evening, monday_morning, NONE_CLOSED) == timedelta(0)


def test_naive_datetimes_are_refused():
    import pytest

    with pytest.raises(ValueError):
        rule39.last_useful_moment(
            removal_at=datetime(2011, 6, 13, 6), now=at(2011, 6, 1), lawyer_tz=PARIS
        )


@given(
    st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2030, 12, 31)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
)
def test_the_moment_is_a_working_day_of_working_time_before_the_removal(naive, before):
    removal = naive.replace(tzinfo=PARIS)
    closed = rule39.default_closure_days(range(removal.year - 1, removal.year + 1))
    result = rule39.last_useful_moment(
        removal_at=removal, now=removal - before, lawyer_tz=ALMATY, closure_days=closed
    )
    latest = result.latest_strasbourg
    assert rule39.working_time_between(latest, removal, closed) == rule39.WORKING_DAY
    assert rule39.is_working_day(latest.date(), closed)
    assert rule39.OPENS <= latest.timetz().replace(tzinfo=None) < rule39.CLOSES
    assert result.alert == (result.passed or result.working_time_left < rule39.WORKING_DAY)
