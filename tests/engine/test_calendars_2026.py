"""The days off moved by decree in 2026 that the pinned `holidays` lacks (migration 0167),
and the ones it already has right. Each expected date is counted by hand on a calendar of
2026 (1 January 2026 is a Thursday)."""

from datetime import date

import pytest

from engine.calendar import WorkCalendar, period_end
from engine.kinds import Unit
from engine.selectors import work_calendars

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendars():
    return work_calendars()


def test_tajikistan_saturday_10_january_2026_is_a_working_day_and_counts(calendars):
    tj = calendars["TJ"]
    assert tj.is_working_day(date(2026, 1, 10))  # Saturday, worked for Friday 2 January
    assert not tj.is_working_day(date(2026, 1, 2))
    # Two working days after Thursday 8 January: Friday 9 (1), Saturday 10 (2).
    assert tj.shift_working_days(date(2026, 1, 8), 2) == date(2026, 1, 10)
    # The package alone would skip the Saturday and land on Monday 12 January.
    assert WorkCalendar("TJ").shift_working_days(date(2026, 1, 8), 2) == date(2026, 1, 12)


def test_tajikistan_navruz_2026_is_off_from_20_to_29_march(calendars):
    tj = calendars["TJ"]
    assert [tj.is_working_day(date(2026, 3, d)) for d in range(19, 31)] == [
        True,  # Thu 19
        *[False] * 10,  # Fri 20 (Eid al-Fitr) ... Sun 29
        True,  # Mon 30
    ]
    assert tj.is_working_day(date(2026, 3, 14))  # Saturday, worked for Friday 27 March
    # A 10-day period from 15 March ends on Wednesday 25 March, a day off: a rule that rolls
    # forward moves it through Sunday 29 to Monday 30 March.
    end = period_end(date(2026, 3, 15), 10, Unit.DAYS, tj, roll_forward=True)
    assert (end.last_day, end.due_on) == (date(2026, 3, 25), date(2026, 3, 30))


def test_tajikistan_holidays_on_a_weekend_move_to_the_monday(calendars):
    tj = calendars["TJ"]
    for monday in (date(2026, 3, 9), date(2026, 5, 11), date(2026, 6, 29), date(2025, 3, 10)):
        assert monday.weekday() == 0
        assert not tj.is_working_day(monday)
        assert WorkCalendar("TJ").is_working_day(monday)  # what the package alone says


def test_kyrgyzstan_8_and_9_january_2026_are_days_off(calendars):
    kg = calendars["KG"]
    assert not kg.is_working_day(date(2026, 1, 8))
    assert not kg.is_working_day(date(2026, 1, 9))
    # First working day after Christmas (Wednesday 7 January): not Thursday 8 but Monday 12.
    assert kg.shift_working_days(date(2026, 1, 7), 1) == date(2026, 1, 12)
    assert WorkCalendar("KG").shift_working_days(date(2026, 1, 7), 1) == date(2026, 1, 8)


def test_kazakhstan_31_august_2026_is_a_working_day(calendars):
    # Decided from the new Constitution (adopted 15 March 2026, whose day becomes Constitution
    # Day from 2027) and the Ministry of Labour's statement that 30 August is no longer a
    # holiday in 2026; the package agrees, so Haven adds nothing.
    kz = calendars["KZ"]
    assert kz.is_working_day(date(2026, 8, 31))
    assert not kz.is_working_day(date(2026, 8, 30))  # a Sunday


def test_russia_and_uzbekistan_2026_transfers_are_in_the_package(calendars):
    ru, uz = calendars["RU"], calendars["UZ"]
    assert not ru.is_working_day(date(2026, 1, 9))  # from Saturday 3 January
    assert not ru.is_working_day(date(2026, 12, 31))  # from Sunday 4 January
    assert uz.is_working_day(date(2026, 12, 12))  # Saturday, worked for 31 December
    assert not uz.is_working_day(date(2026, 12, 31))
    assert not uz.is_working_day(date(2026, 8, 31))  # presidential decree of 25.12.2025
