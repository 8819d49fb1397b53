"""The personal iCalendar feed. Public output as far as privacy goes: a calendar is synced to
phones and third-party services, so a person is named only with consent and when not
restricted; otherwise the case number stands in. The sentences come from facts and rules,
never from names."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .kinds import KIND_LABELS, Kind


def feed_label(person) -> str:
    if person.may_be_named and not person.is_restricted and person.primary_name:
        return f"{person.primary_name} ({person.case_number})"
    return person.case_number


def deadlines_calendar(deadlines, *, gaps=(), today=None, host: str = "haven") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Haven//Deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Haven deadlines")
    stamp = timezone.now()
    for d in deadlines:
        flags = " [unverified rule]" if d.unverified else ""
        event = Event()
        event.add("uid", f"{d.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due_on)
        event.add("dtend", d.due_on + timedelta(days=1))
        event.add("summary", f"{KIND_LABELS[Kind(d.kind)]}: {feed_label(d.person)}{flags}")
        event.add(
            "description",
            f"{d.why}\n\nRule {d.rule_code}: {d.citation}\nStatus: {d.get_status_display()}",
        )
        event.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", str(KIND_LABELS[Kind(d.kind)]))
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    today = today or timezone.localdate()
    no_rule, check = _("No rule in Haven"), _("check the deadline yourself")
    for g in gaps:
        # No due date to put it on: it stands on today (or the fact's day, if later) until a
        # rule covers the fact or the appeal is lodged, updated in place (a stable uid).
        day = max(g.counted_from, today)
        event = Event()
        event.add("uid", f"rulegap-{g.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"{no_rule}: {feed_label(g.person)} [{check}]")
        event.add(
            "description",
            f"{g.decision_label}, {g.counted_from.isoformat()}\n\n{g.message}",
        )
        event.add("status", "TENTATIVE")
        cal.add_component(event)
    return cal.to_ical()
