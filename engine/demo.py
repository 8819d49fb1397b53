"""Demo data hook: the demo loader calls `load()` after loading the case record.

On a first load, the seeds' timelines are replayed on their key days (Osh in June 2005, Almaty
from March to June 2011) before today's sweep, so that the demo shows how the levels rose and
why (the history of each person's assessment) and the alerts each rise raised. Later loads
only sweep as of today, which changes nothing when nothing changed: loading twice writes
nothing.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from . import services
from .models import Alert, RiskAssessment

TIMELINE = (
    date(2005, 6, 9),  # the men still in the camp; four already returned
    date(2005, 6, 10),  # moved to the detention centre in Osh: imminent
    date(2005, 6, 16),  # the Prosecutor General asks for 103 more to be detained
    date(2011, 3, 14),  # Almaty: appeals pending, CAT measures in force
    date(2011, 3, 15),  # appeals rejected: high despite the measures
    date(2011, 6, 9),  # 28 extradited despite the measures: imminent for the four
    date(2011, 6, 12),  # a transfer reported, a visit refused
)


def load(stdout=None, *, today: date | None = None) -> services.RecomputeResult:
    today = today or timezone.localdate()
    total = services.RecomputeResult()
    if not RiskAssessment.objects.exists():
        for day in TIMELINE:
            total.add(services.sweep(today=day))
    result = services.sweep(today=today)
    total.add(result)
    if stdout is not None:
        levels = dict.fromkeys(("imminent", "high", "elevated", "monitoring"), 0)
        for level in RiskAssessment.objects.filter(is_current=True).values_list("level", flat=True):
            if level in levels:
                levels[level] += 1
        stdout.write(
            f"engine: deadlines for {result.persons} persons computed as of {today} "
            f"({result.created} created, {result.updated} updated, "
            f"{result.superseded} superseded); return risk: "
            + ", ".join(f"{n} {level}" for level, n in levels.items())
            + f"; {Alert.objects.count()} alerts in the inboxes\n"
        )
    return total
