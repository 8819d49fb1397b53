"""Benchmark the deadline sweep on PostgreSQL with synthetic persons and realistic facts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench .venv/bin/python benchmarks/sweep.py

Drops and recreates the benchmark database (never the default one: the name must contain
"bench"), migrates it, then for 1,000 and 10,000 persons prints: the first sweep (every
deadline created), a second sweep (nothing to change: the steady state every 15 minutes),
the queries per batch, and the time of one recompute after one fact changed.
Target: a constant number of queries per batch; 10,000 persons in under 20 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("HAVEN_LOG_LEVEL", "WARNING")


def recreate_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def make_persons(n: int, rng: random.Random) -> None:
    """n persons shaped like the seeds' cases: detained pending extradition in KZ or RU, an
    approved extradition decision, a refused asylum claim, appeals, some CAT complaints."""
    from casework import models as m

    facilities = [
        m.Facility.objects.get_or_create(name=f"SIZO {c}", city="City", country=c, kind="sizo")[0]
        for c in ("KZ", "RU", "TR")
    ]
    persons, detentions, checks, requests, claims, appeals, measures = [], [], [], [], [], [], []
    for _ in range(n):
        p = m.Person(case_number=f"HV-B-{uuid.uuid4().hex[:10].upper()}", status="detained")
        persons.append(p)
        facility = rng.choice(facilities)
        country = facility.country
        start = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 5000))
        detention = m.Detention(
            person=p,
            facility=facility,
            started_on=start,
            legal_basis="extradition_arrest",
            authorised_until=start + timedelta(days=rng.choice([30, 60, 180])),
            ended_on=start + timedelta(days=200) if rng.random() < 0.3 else None,
        )
        detentions.append(detention)
        checks.append(
            m.WelfareCheck(
                person=p,
                detention=detention,
                observed_at=datetime.combine(
                    start + timedelta(days=rng.randrange(0, 20)), datetime.min.time(), UTC
                ),
            )
        )
        decided = start + timedelta(days=rng.randrange(20, 90))
        request = m.ExtraditionRequest(
            person=p,
            requesting_state="UZ",
            requested_state=country,
            received_on=start + timedelta(days=10),
            status="approved",
            decided_on=decided,
            notified_on=decided + timedelta(days=rng.randrange(0, 5)),
        )
        requests.append(request)
        claim = m.AsylumClaim(
            person=p,
            authority_kind="state",
            country=country,
            lodged_on=start,
            decision="refused",
            decided_on=start + timedelta(days=40),
            notified_on=start + timedelta(days=42),
        )
        claims.append(claim)
        if rng.random() < 0.7:
            first = m.Appeal(
                person=p,
                extradition_request=request,
                court="District court",
                country=country,
                lodged_on=request.notified_on + timedelta(days=rng.randrange(1, 12)),
                outcome="rejected",
                decided_on=request.notified_on + timedelta(days=40),
                notified_on=request.notified_on + timedelta(days=41),
            )
            appeals.append(first)
            if rng.random() < 0.5:
                appeals.append(
                    m.Appeal(
                        person=p,
                        lower_appeal=first,
                        court="Appeal court",
                        court_level="appeal",
                        country=country,
                        lodged_on=first.notified_on + timedelta(days=5),
                    )
                )
        if rng.random() < 0.3:
            measures.append(
                m.InterimMeasure(
                    person=p,
                    body="cat",
                    respondent_state=country,
                    case_number=f"{rng.randrange(1, 999999)}/B",
                    requested_on=decided,
                    granted_on=decided + timedelta(days=2),
                    status="granted",
                    complaint_transmitted_on=decided + timedelta(days=2),
                )
            )
    m.Person.objects.bulk_create(persons, batch_size=2000)
    m.Detention.objects.bulk_create(detentions, batch_size=2000)
    m.WelfareCheck.objects.bulk_create(checks, batch_size=2000)
    m.ExtraditionRequest.objects.bulk_create(requests, batch_size=2000)
    m.AsylumClaim.objects.bulk_create(claims, batch_size=2000)
    m.Appeal.objects.bulk_create([a for a in appeals if a.lower_appeal is None], batch_size=2000)
    m.Appeal.objects.bulk_create(
        [a for a in appeals if a.lower_appeal is not None], batch_size=2000
    )
    m.InterimMeasure.objects.bulk_create(measures, batch_size=2000)


def timed_sweep(today, batch_size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engine import services

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = services.sweep(today=today, batch_size=batch_size)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, result, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="do not recreate the database")
    args = parser.parse_args()

    if not args.keep:
        recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from casework.models import ExtraditionRequest, Person
    from engine import services, signals

    # Measure the recompute itself: no queue here (the task would only call the same service).
    signals.enqueue_person = lambda person_id: None
    from engine.models import Deadline

    rng = random.Random(2011)
    today = date(2026, 1, 15)
    print(
        f"database: {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}, batch size {args.batch_size}"
    )
    for size in sorted(args.sizes):
        missing = size - Person.objects.count()
        if missing > 0:
            t = time.perf_counter()
            make_persons(missing, rng)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
            print(f"\n{size:>6} persons (made {missing} in {time.perf_counter() - t:.1f} s)")
        for label in ("first sweep", "second sweep"):
            elapsed, cpu, result, queries = timed_sweep(today, args.batch_size)
            # The process's own CPU time beside the wall time: on a shared machine the wall
            # time says as much about the neighbours as about the sweep.
            print(
                f"  {label:<13} {elapsed:6.2f} s ({cpu:5.2f} s cpu)  {result.batches:>3} batches  "
                f"{queries / max(result.batches, 1):5.1f} queries/batch  "
                f"created {result.created}, updated {result.updated}, superseded {result.superseded}"
            )
        print(f"  deadlines stored: {Deadline.objects.count()}")

        # Per-change recompute: change one notification date, recompute that person.
        rulebook = services.RuleBook.load()
        timings = []
        for request in ExtraditionRequest.objects.order_by("?")[:20]:
            request.notified_on = request.notified_on + timedelta(days=1)
            request.save(update_fields=["notified_on"])
            t = time.perf_counter()
            services.person_recompute(person_id=request.person_id, today=today, rulebook=rulebook)
            timings.append((time.perf_counter() - t) * 1000)
        print(
            f"  per-change recompute: median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms (20 changes)"
        )


if __name__ == "__main__":
    main()
