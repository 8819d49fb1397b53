"""The personal iCalendar feed. Public output as far as privacy goes: a calendar is synced to
phones and third-party services, so a person is named only with consent and when not
restricted; otherwise the case number stands in. The sentences come from facts and rules,
never from names."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .kinds import KIND_LABELS, Kind


def feed_label(person) -> str:
    if person.may_be_named and not person.is_restricted and person.primary_name:
        return f"{person.primary_name} ({person.case_number})"
    return person.case_number


def deadlines_calendar(deadlines, *, host: str = "haven") -> bytes:
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
    return cal.to_ical()
