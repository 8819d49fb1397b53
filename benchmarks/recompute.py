"""One recompute after a fact changed, as a saved fact's task runs it, on a database the sweep
benchmark made (benchmarks/sweep.py --keep, any size):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench .venv/bin/python \\
        benchmarks/recompute.py --count 40

Each time, a lawyer's change is written (an appeal the court rejected ten days ago, against a
random person's extradition decision; its save signal does not enqueue here) and the task's
body runs in this process (engine.tasks.recompute_person_task: the rule book loaded, the person
locked and recomputed, committed), warm as a worker's pool process is after its first task.
Prints the median and p95 of the wall time, the CPU time of this process and of its
PostgreSQL backend, the queries, and the machine's load: the machine is shared, and on a
quiet one the wall time is about the two CPU times added. Target: median <= 25 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("HAVEN_LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks.sweep import database_cpu
    from casework.models import Appeal, ExtraditionRequest, Person
    from engine import signals
    from engine.tasks import recompute_person_task

    # The change's own save would enqueue the task: here the task's body is what is timed.
    signals.enqueue_person = signals.enqueue_affected = lambda person_id: None
    today = timezone.localdate()
    requests = list(
        ExtraditionRequest.objects.filter(status="approved").order_by("?")[: args.count + 3]
    )
    walls, cpus, db_cpus, queries = [], [], [], []
    load_before = os.getloadavg()[0]
    for i, request in enumerate(requests):
        notified = today - timedelta(days=10)
        Appeal.objects.create(
            person_id=request.person_id,
            extradition_request=request,
            court="Appeal court (recompute benchmark)",
            court_level="appeal",
            country=request.requested_state,
            lodged_on=notified - timedelta(days=30),
            outcome="rejected",
            decided_on=notified,
            notified_on=notified,
        )
        db = database_cpu()
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            recompute_person_task(str(request.person_id))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        if i < 3:
            continue  # the first tasks of a process: imports, holiday tables, connections
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        db_cpus.append((database_cpu() - db) * 1000)
        queries.append(len(captured))

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]

    print(
        f"{Person.objects.count()} persons, {len(walls)} recomputes (a rejected appeal saved, "
        f"then recompute_person_task's body), load {load_before:.1f} -> "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for label, values in (
        ("wall", walls),
        ("CPU, this process", cpus),
        ("CPU, its database backend", db_cpus),
        ("CPU, both", [a + b for a, b in zip(cpus, db_cpus, strict=True)]),
    ):
        print(
            f"  {label:<26} median {statistics.median(values):6.1f} ms   p95 {p95(values):6.1f} ms"
        )
    print(f"  queries                    {statistics.median(queries):.0f} (median)")
    # Leave the database as it was: the appeals gone, their persons recomputed without them.
    Appeal.objects.filter(court="Appeal court (recompute benchmark)").delete()
    for request in requests:
        recompute_person_task(str(request.person_id))


if __name__ == "__main__":
    main()
