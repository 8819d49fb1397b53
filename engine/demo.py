"""Demo data hook: the demo loader calls `load()` after loading the case record, so that the
2010-2011 Kazakhstan case shows its lawyer the deadlines it had."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from . import services


def load(stdout=None, *, today: date | None = None) -> services.RecomputeResult:
    today = today or timezone.localdate()
    result = services.sweep(today=today)
    if stdout is not None:
        stdout.write(
            f"engine: deadlines for {result.persons} persons computed as of {today} "
            f"({result.created} created, {result.updated} updated, "
            f"{result.superseded} superseded)\n"
        )
    return result
