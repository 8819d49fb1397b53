"""The last useful moment to send an ECtHR Rule 39 request before a scheduled removal.

Pure: the removal moment, the Court's closure days and `now` come in; nothing reads a clock
or the database.

The rule (ECtHR, Practice Direction "Requests for interim measures" and the Court's page "How
to contact the Court for lodging a request for an interim measure"): the Registry deals with
requests Monday to Friday, 08:00 to 16:00 Strasbourg time; a request received after 16:00 is
not dealt with that day, one received on a weekend or holiday on the next working day; and
"the Court may not be able to deal with requests in expulsion or extradition cases received
less than a working day before the scheduled time of removal". Confidence S (the Court's own
pages, read through a copy). There is no out-of-hours service to count on: the same page says
"Requests received during weekends and public holidays are not dealt with on those days but
are processed during the next working day" (europeancourt.org copy, read 3 December 2026).

So the latest useful moment is one working day (eight working hours) of the Registry's time
before the removal, counted back through working hours only. The alert fires when less than
a working day of the Registry's time is left before that moment (or it has passed).

The Court's closure days: the Court publishes a "List of public and other holidays", not read
here. Until it is, the default is Alsace-Moselle's public holidays (the `holidays` package,
France subdivision 6AE: Strasbourg's, with Good Friday and 26 December) and the Council of
Europe's Christmas closure assumed as 24-31 December. Confidence U: shown flagged wherever the
moment shows; an admin can pass the Court's own list instead (`closure_days`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

STRASBOURG = ZoneInfo("Europe/Paris")  # Strasbourg keeps Paris time
OPENS, CLOSES = time(8), time(16)
WORKING_DAY = timedelta(hours=8)
CITATION = (
    "ECtHR Practice Direction, Requests for interim measures (Rule 39 of the Rules of Court); "
    "ECtHR, How to contact the Court for lodging a request for an interim measure"
)
CLOSURE_DAYS_VERIFIED = False


@cache
def _closure_days(year: int) -> frozenset[date]:
    import holidays

    days = set(holidays.France(subdiv="6AE", years=year))
    days |= {date(year, 12, d) for d in range(24, 32)}
    return frozenset(days)


def default_closure_days(years: Iterable[int]) -> frozenset[date]:
    out: set[date] = set()
    for year in years:
        out |= _closure_days(year)
    return frozenset(out)


def is_working_day(day: date, closed: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def _working_before(moment: datetime, closed: frozenset[date]):
    """(start, end) of the Registry's working time before `moment` (Strasbourg), newest first."""
    day = moment.date()
    while True:
        if is_working_day(day, closed):
            start = datetime.combine(day, OPENS, STRASBOURG)
            end = min(datetime.combine(day, CLOSES, STRASBOURG), moment)
            if end > start:
                yield start, end
        day -= timedelta(days=1)


def working_time_between(start: datetime, end: datetime, closed: frozenset[date]) -> timedelta:
    """The Registry's working time in [start, end)."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    for a, b in _working_before(end.astimezone(STRASBOURG), closed):
        if b <= start:
            break
        total += b - max(a, start)
    return total


def minus_working_time(moment: datetime, amount: timedelta, closed: frozenset[date]) -> datetime:
    """The moment `amount` of the Registry's working time before `moment`."""
    left = amount
    for a, b in _working_before(moment.astimezone(STRASBOURG), closed):
        if b - a >= left:
            return b - left
        left -= b - a
    raise AssertionError("unreachable: working days never run out")


@dataclass(frozen=True)
class Rule39Moment:
    removal_at: datetime
    latest_at: datetime  # in the lawyer's time zone
    latest_strasbourg: datetime
    working_time_left: timedelta  # of the Registry's time, from now to latest_at
    alert: bool  # less than a working day left before latest_at, or it has passed
    passed: bool
    citation: str = CITATION
    closure_days_verified: bool = CLOSURE_DAYS_VERIFIED


def last_useful_moment(
    *,
    removal_at: datetime,
    now: datetime,
    lawyer_tz: ZoneInfo,
    closure_days: frozenset[date] | None = None,
) -> Rule39Moment:
    """When a Rule 39 request must reach the Court, at the latest, for a removal at
    `removal_at` (aware). `closure_days` defaults to default_closure_days around it."""
    if removal_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("removal_at and now must be aware datetimes")
    closed = closure_days
    if closed is None:
        years = range(min(now.year, removal_at.year) - 1, max(now.year, removal_at.year) + 1)
        closed = default_closure_days(years)
    latest = minus_working_time(removal_at, WORKING_DAY, closed)
    left = working_time_between(now, latest, closed)
    passed = now >= latest
    return Rule39Moment(
        removal_at=removal_at.astimezone(lawyer_tz),
        latest_at=latest.astimezone(lawyer_tz),
        latest_strasbourg=latest,
        working_time_left=left,
        alert=passed or left < WORKING_DAY,
        passed=passed,
    )
