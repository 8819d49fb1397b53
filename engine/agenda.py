"""The agenda: the next day on which time alone changes what the engine shows or sends for a
person. Pure: the person's facts, the deadlines just computed, the signal settings and today
in; a date (or None: no day ahead changes anything) out. No ORM, no clock.

With the facts unchanged, the engine's output on a day depends on that day only through
comparisons of the day with dates the facts name, or with such dates shifted by a fixed number
of days: a deadline is missed the day after its due date, a reminder is owed 7, 3 and 1 days
before it and daily for OVERDUE_ALERT_DAYS after it, a signal fires from a fact's date and
stops a window's length later ("no contact for 3 days" starts on the fourth day after the last
contact, a transfer counts for 14 days, a removal scheduled within 7 days). So the output can
only change on a day `d + k` for some date `d` of the facts and some offset `k` of the
settings; on any other day it is the same as the day before.

This module does not re-derive which comparison each signal or rule makes. It is
deliberately generic and errs early: every date anywhere in the facts (walked field by field,
so a fact or field added to the core later is covered without a change here), each shifted
by every offset any signal window or reminder could apply, before and after; the next moment
is the earliest such day after today. A person recomputed on a day when nothing changed costs
one recompute; a day missed would cost a wrong deadline or a late alert.

The one piece of knowledge about the core used here is which other persons' returns can
matter to a person (`_relevant_returns`): those from a state the person is exposed to at any
time, or of one of the person's groups. Every return is in each person's inputs, and taking
all their dates would make everyone's agenda the union of everyone's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from .deadlines import ComputedDeadline
from .facts import PersonFacts

# What engine.services uses; passed in by the caller, here as defaults for the tests.
REMINDER_DAYS_BEFORE = (7, 3, 1)
OVERDUE_ALERT_DAYS = 30


def offsets(
    windows: Iterable[int | None],
    *,
    reminder_days: Sequence[int] = REMINDER_DAYS_BEFORE,
    overdue_days: int = OVERDUE_ALERT_DAYS,
) -> tuple[int, ...]:
    """Every shift, in days, that a comparison of today with a fact's date may apply: 0 and 1
    (on the day; from the day after), each window w as ±w and ±(w + 1) (a window counted
    forward, "within the last w days", or back, "scheduled within w days"), the reminder days
    before a date and the last days of the overdue reminders after it."""
    out = {0, 1, -1}
    for w in windows:
        if w is None:
            continue
        out |= {w, w + 1, -w, -(w + 1)}
    for r in reminder_days:
        out |= {-r, -(r + 1)}
    out |= {overdue_days, overdue_days + 1}
    return tuple(sorted(out))


def settings_offsets(
    settings: Mapping,
    *,
    reminder_days: Sequence[int] = REMINDER_DAYS_BEFORE,
    overdue_days: int = OVERDUE_ALERT_DAYS,
) -> tuple[int, ...]:
    """`offsets` for a table of signal settings (engine.risk.SignalSetting by code)."""
    return offsets(
        (getattr(s, "window_days", None) for s in settings.values()),
        reminder_days=reminder_days,
        overdue_days=overdue_days,
    )


_SCALARS = (str, int, float, bool, type(None))


def dates_in(value, out: set[date]) -> set[date]:
    """Every date in a fact, its fields, and theirs (dataclasses, tuples, lists, dicts).
    A datetime is a moment, not a day the core compares with today: its day is always in the
    facts beside it (last_confirmed_contact_on beside _at)."""
    kind = type(value)
    if kind is date:
        out.add(value)
    elif kind in _SCALARS or kind is datetime:
        pass
    elif kind in (tuple, list, set, frozenset):
        for item in value:
            dates_in(item, out)
    elif kind is dict:
        for item in value.values():
            dates_in(item, out)
    elif hasattr(value, "__dataclass_fields__"):
        for item in vars(value).values():
            dates_in(item, out)
    elif isinstance(value, date) and not isinstance(value, datetime):
        out.add(value)  # a subclass of date
    return out


def _relevant_returns(facts: PersonFacts, returns: Iterable) -> list:
    """Other persons' returns that can count for this person: from a state the person is
    exposed to on any day (engine.risk.exposed_states asked about the end of time), or of
    one of the person's groups."""
    from .risk import exposed_states

    if not returns:
        return []
    states = exposed_states(facts, date.max)
    return [
        r
        for r in returns
        if getattr(r, "same_group", False) or getattr(r, "from_country", None) in states
    ]


def next_moment(
    facts: PersonFacts,
    extra: Mapping,
    deadlines: Iterable[ComputedDeadline],
    today: date,
    *,
    shifts: Sequence[int],
    global_days: Sequence[date] = (),
    reminder_days: Sequence[int] = REMINDER_DAYS_BEFORE,
    overdue_days: int = OVERDUE_ALERT_DAYS,
) -> date | None:
    """The earliest day after `today` on which recomputing this person may give anything else
    than recomputing today gave; None if no such day is ahead.

    - `facts`, `extra`: the person's facts and the risk inputs beyond them (the keyword
      arguments of engine.risk.RiskFacts besides `facts`), as the recompute read them;
    - `deadlines`: what the deadline core computed today;
    - `shifts`: `offsets(...)` of the settings in force (engine.risk windows, reminders),
      sorted;
    - `global_days`: days that matter to everyone (dates in the rules), sorted.

    Days are counted as ordinals (plain integers): a full recompute asks this of every
    person, and integer arithmetic is several times cheaper than dates and timedeltas.
    """
    now = today.toordinal()
    best = None  # the earliest candidate ordinal > now

    days: set[date] = set()
    dates_in(facts, days)
    for key, value in extra.items():
        dates_in(_relevant_returns(facts, value) if key == "other_returns" else value, days)
    if days and shifts:
        ordered = sorted(d.toordinal() for d in days)
        latest = ordered[-1]
        if latest + shifts[-1] > now:  # else every date is too far behind to matter again
            for k in shifts:
                if latest + k <= now:
                    continue
                # The first fact date d with d + k > today.
                i = bisect_right(ordered, now - k)
                candidate = ordered[i] + k
                if best is None or candidate < best:
                    best = candidate

    before = [-r for r in reminder_days]
    after = (0, 1, overdue_days, overdue_days + 1)
    for d in deadlines:
        due = d.due_on.toordinal()
        if due + overdue_days + 1 <= now:
            continue  # past its last overdue reminder: nothing more to change
        if due <= now < due + overdue_days and d.status != "met":
            best = now + 1  # overdue: a reminder (and perhaps an alert) each day
            break
        for k in (*before, *after):
            if due + k > now and (best is None or due + k < best):
                best = due + k

    i = bisect_right(global_days, today)
    if i < len(global_days):
        candidate = global_days[i].toordinal()
        if best is None or candidate < best:
            best = candidate
    return None if best is None else date.fromordinal(best)


def rule_days(specs: Iterable) -> tuple[date, ...]:
    """Every date named in the rules and the day after it, sorted: a rule whose period or
    force changes on a date may compute something else from that date on (cheap: rules are
    few and such dates rare)."""
    days: set[date] = set()
    for spec in specs:
        dates_in(spec, days)
    return tuple(sorted(days | {d + timedelta(days=1) for d in days}))
