"""Working days and periods. Pure: dates in, dates out; no database, no clock.

A calendar is a country's public holidays from the `holidays` package, including the official
transfers of working days (Russia worked on Saturday 27 April 2024), plus the days an admin
added or removed (CalendarAdjustment, passed in here as plain sets). A plain "weekday < 5" test
is wrong for these countries, so every working-day question goes through `WorkCalendar`.

The calendar code "" means Monday to Friday with no public holidays: the ECtHR counts its
Rule 39 working days that way (Practice Direction on requests for interim measures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from .kinds import Unit


@lru_cache(maxsize=32)
def _country_holidays(code: str) -> holidays.HolidayBase | None:
    # Cached because building a calendar is costly and its content depends only on the code
    # and the pinned package version; years are added lazily as dates are asked about.
    if not code:
        return None
    return holidays.country_holidays(code)


@dataclass(frozen=True)
class WorkCalendar:
    code: str = ""
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return _is_working_day(self, day)

    def _is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_holidays:
            return False
        country = _country_holidays(self.code)
        if country is None:
            return day.weekday() < 5
        return country.is_working_day(day)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def shift_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n < 0); n == 0 is
        `next_working_day`. Same contract as holidays' `get_nth_working_day`, but aware of
        the admin's adjustments."""
        if n == 0:
            return self.next_working_day(day)
        step = timedelta(days=1 if n > 0 else -1)
        for _ in range(abs(n)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day


@lru_cache(maxsize=65536)
def _is_working_day(calendar: WorkCalendar, day: date) -> bool:
    # The holidays package is slow per lookup; a sweep asks about the same days many times.
    return calendar._is_working_day(day)


MONDAY_TO_FRIDAY = WorkCalendar("")


@dataclass(frozen=True)
class PeriodEnd:
    last_day: date  # the last day of the period as counted
    due_on: date  # after rolling forward, if the rule does
    rolled: bool


@lru_cache(maxsize=65536)
def period_end(
    start: date,
    amount: int,
    unit: Unit,
    calendar: WorkCalendar,
    *,
    roll_forward: bool,
    first_day_counts: bool = False,
) -> PeriodEnd:
    """The last day of a period of `amount` `unit`s counted from the event on `start`.

    - Days: the event day is not counted (CPC RF Art. 128(1)): 10 days from 20 September end
      on 30 September.
    - Months: the corresponding day of the last month, or that month's last day when it has
      no such day (CPC RF Art. 128(2); `relativedelta`: 31 January + 1 month = 28/29 February).
    - Working days: the n-th working day of the calendar after the event (before it for a
      negative amount: "not less than one working day before removal").
    - First day counts (custody terms, CPC RF Arts. 109, 128): the day of the event is day
      one, so the period ends a day earlier: two months from 5 February end on 4 April
      inclusive, 10 days from 1 March on 10 March. For working days, the event day is day one
      when it is itself a working day. Not for periods counted back (negative amounts).
    - Roll forward: a last day that is not a working day moves to the next working day, only
      for rules that say so (not custody terms, not ECtHR periods).

    Cached: a pure function of its arguments, and every sweep asks again about the same
    facts' dates.
    """
    inclusive = first_day_counts and amount > 0
    if unit == Unit.DAYS:
        last = start + timedelta(days=amount - 1 if inclusive else amount)
    elif unit == Unit.MONTHS:
        last = start + relativedelta(months=amount)
        if inclusive:
            last -= timedelta(days=1)
    elif unit == Unit.WORKING_DAYS:
        last = calendar.shift_working_days(
            start - timedelta(days=1) if inclusive else start, amount
        )
    else:  # pragma: no cover - the model's choices prevent it
        raise ValueError(f"unknown unit {unit!r}")
    due = calendar.next_working_day(last) if roll_forward else last
    return PeriodEnd(last_day=last, due_on=due, rolled=due != last)
