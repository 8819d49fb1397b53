"""The pure core's own cost, per person, on a database the sweep benchmark made
(benchmarks/sweep.py --keep, any size):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench .venv/bin/python \\
        benchmarks/core.py [--persons 10000]

The facts of `--persons` persons are read as a recompute reads them (not timed), then the
core runs for each on two days, 15 January and 4 December 2026, with nothing written:
deadlines and risk together (engine.risk.assess_with_deadlines), the agenda's next moment,
and the facts no rule covers. Prints the CPU time of each part per person and a digest of
everything the core returned, so that a change meant to make it faster can be shown to give
the same output (run before and after; the digests must be equal).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("HAVEN_LOG_LEVEL", "WARNING")

DAYS = (date(2026, 1, 15), date(2026, 12, 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from casework.models import Person
    from engine import agenda, risk, selectors, services
    from engine.deadlines import find_gaps

    book = services.RuleBook.load()
    ids = sorted(str(p) for p in Person.objects.order_by("pk").values_list("pk", flat=True))
    ids = ids[: args.persons]
    if not ids:
        sys.exit("no persons: run benchmarks/sweep.py --keep first")
    digest = hashlib.sha256()
    spent = {"deadlines and risk": 0.0, "agenda": 0.0, "gaps": 0.0}
    for today in DAYS:
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            with selectors.uuids_as_text():
                facts = selectors.person_facts(batch)
                inputs = selectors.risk_inputs(batch, book.evidence)
            out = []
            for pid in batch:
                f, extra = facts[pid], inputs.get(pid, {})
                t = time.process_time()
                deadlines, assessment = risk.assess_with_deadlines(
                    f,
                    extra,
                    today,
                    specs=book.specs,
                    calendars=book.calendars,
                    settings=book.signals,
                    thresholds=book.thresholds,
                    caps=book.caps,
                    suspensive=book.suspensive,
                )
                u = time.process_time()
                moment = agenda.next_moment(
                    f,
                    extra,
                    deadlines,
                    today,
                    shifts=book.shifts,
                    global_days=book.global_days,
                    reminder_days=services.REMINDER_DAYS_BEFORE,
                    overdue_days=services.OVERDUE_ALERT_DAYS,
                )
                v = time.process_time()
                gaps = find_gaps(f, book.specs, deadlines)
                w = time.process_time()
                spent["deadlines and risk"] += u - t
                spent["agenda"] += v - u
                spent["gaps"] += w - v
                out.append((deadlines, assessment, moment, gaps))
            for deadlines, a, moment, gaps in out:
                said = (a.level, a.score, a.reasons_json(), a.barriers_json(), a.capped_from)
                digest.update(repr((deadlines, said, moment, gaps)).encode())
    n = len(ids) * len(DAYS)
    print(f"{len(ids)} persons on {len(DAYS)} days, load {os.getloadavg()[0]:.1f}")
    for part, seconds in spent.items():
        print(f"  {part:<20} {seconds / n * 1000:.3f} ms a person")
    print(f"  {'the core':<20} {sum(spent.values()) / n * 1000:.3f} ms a person")
    print(f"  digest of its output: {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
