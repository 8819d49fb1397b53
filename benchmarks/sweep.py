"""Benchmark the deadline sweep on PostgreSQL with synthetic persons and realistic facts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench .venv/bin/python benchmarks/sweep.py

Drops and recreates the benchmark database (never the default one: the name must contain
"bench"; `--keep` reuses it and adds persons up to each size), migrates it, then for each
size (default 1,000 and 10,000) prints: the first full recompute (every deadline created) by
one process taking the run's chunks in turn, with its queries per batch; the agenda sweep
right after (the steady state every 15 minutes) and on the next day; the time of one
recompute after one fact changed; and the first full recompute on `--workers` real Celery
workers through Redis (REDIS_URL), with the CPU time of the workers and of their PostgreSQL
backends and the wall time that CPU implies on a quiet machine. Machine load is printed
beside: the machine is shared. CPU time is this process's plus its PostgreSQL backend's. `--workers-only` runs just the
last part on data already made (with `--keep`). Targets at 100,000: steady sweep <= 3 s,
first full recompute <= 45 s on two workers, one recompute median <= 25 ms, the same queries
per batch at every size. Needs the bench extra (`.venv/bin/pip install -e .[bench]`: psutil).
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


def recreate_database(url: str, *, drop: bool = True) -> None:
    """Drop and create the benchmark database; with drop=False (--keep) only create it if
    it is missing, so that --keep on a new machine makes the data instead of failing."""
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use {name!r}: the benchmark database's name must contain 'bench'")
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        if drop:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
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


def database_cpu() -> float:
    """CPU seconds so far of this connection's PostgreSQL backend (on this machine): the
    database's share of the work, which the process's own CPU time leaves out."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def timed(fn, **kwargs):
    """Wall seconds, CPU seconds (this process + its database backend), result, queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    db = database_cpu()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = fn(**kwargs)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu + database_cpu() - db, result, len(queries)


def cpu_reference() -> float:
    """Seconds for a fixed piece of pure Python (20 million additions): machines of the same
    kind differ (1.0 to 1.5 s seen here), and a figure measured on one compares with
    another's only beside this."""
    started = time.process_time()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.process_time() - started


def forget_computed() -> None:
    """Every deadline, assessment, alert, reminder, agenda row and run gone: the next
    recompute is a first one (a fresh deployment's, or after a rule change of everything).
    A CHECKPOINT after: the previous run's WAL is flushed before this one starts, not while
    it runs, so runs one after another compare."""
    from django.db import DatabaseError, connection

    from engine.models import (
        Alert,
        Deadline,
        PersonAgenda,
        RecomputeChunk,
        RecomputeRun,
        Reminder,
        RiskAssessment,
    )

    tables = [
        m._meta.db_table
        for m in (Reminder, Alert, Deadline, Deadline.history.model, RiskAssessment, PersonAgenda)
    ] + [RecomputeChunk._meta.db_table, RecomputeRun._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("VACUUM ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError:  # a role without the right (PostgreSQL: superuser or pg_checkpoint)
            print("  (no CHECKPOINT between runs: this database role may not)")


def run_in_process(today, batch_size):
    """A recompute of everyone, its chunks taken one after the other by this process: what
    one worker does (without the queue)."""
    from engine import services
    from engine.models import RecomputeChunk

    total = services.RecomputeResult()
    send, services._send_chunks = services._send_chunks, lambda chunk_ids: None
    try:  # the chunks' tasks are not sent: this process takes them
        run = services.recompute_run_start(reason="requested", detail="benchmark")
    finally:
        services._send_chunks = send
    for chunk_id in RecomputeChunk.objects.filter(run=run).values_list("pk", flat=True):
        total.add(services.recompute_chunk(chunk_id=chunk_id, today=today, batch_size=batch_size))
    return total


def backends_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to this database, but this
    process's own (on this machine): the workers' share of the database's work."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    found = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        found[pid] = times.user + times.system
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has spent on anything but idling and waiting for the
    disk, on all cores: the workers, their backends, and what else ran (PostgreSQL's WAL
    writer and checkpointer, Redis, the neighbours)."""
    import psutil

    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)


def wal_position() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def run_on_workers(n: int, today: date) -> tuple[float, float, float, float, float, int]:
    """A recompute of everyone on `n` real Celery workers (one process each) through Redis:
    seconds from the run's start to its last chunk done, the seconds the workers took to
    come up (not counted), the CPU seconds the workers' processes and their database
    backends used meanwhile (a backend's CPU is read before its worker stops), the whole
    machine's busy CPU seconds meanwhile, and the bytes of WAL the run wrote."""
    import subprocess

    import psutil
    import redis

    def workers_cpu() -> float:
        total = 0.0
        for w in workers:
            try:
                procs = [psutil.Process(w.pid), *psutil.Process(w.pid).children(recursive=True)]
            except psutil.Error:
                continue
            for proc in procs:
                try:
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                total += times.user + times.system
        return total

    from config.celery import app
    from engine import services
    from engine.models import RecomputeRun

    url = os.environ["REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    env = dict(os.environ)  # the workers' today is the real one: the same work, other statuses
    # Each worker keeps its database connection, as deployed (compose sets 60): one backend
    # per worker for the whole run, whose CPU time is then the worker's share of the database.
    env.setdefault("DB_CONN_MAX_AGE", "60")
    venv_bin = Path(sys.executable).parent
    workers = [
        subprocess.Popen(
            [
                str(venv_bin / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "1",
                "-n",
                f"bench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for i in range(n)
    ]
    try:
        t = time.perf_counter()
        while len(app.control.inspect(timeout=1).ping() or {}) < n:
            if time.perf_counter() - t > 120:
                sys.exit("the workers did not come up")
        up = time.perf_counter() - t
        before, db_before = workers_cpu(), backends_cpu()
        busy_before, wal_before = machine_busy(), wal_position()
        seen = dict(db_before)  # every backend's last reading (one may close before the end)
        started = time.perf_counter()
        run = services.recompute_run_start(reason="requested", detail=f"benchmark, {n} workers")
        while RecomputeRun.objects.filter(pk=run.pk, status="running").exists():
            time.sleep(0.2)
            seen.update(backends_cpu())
        elapsed = time.perf_counter() - started
        busy, wal = machine_busy() - busy_before, wal_position() - wal_before
        seen.update(backends_cpu())
        db = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in seen.items())
        return elapsed, up, workers_cpu() - before, db, busy, wal
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(60)
        redis.Redis.from_url(url).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="do not recreate the database")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[2],
        help="also run the first full recompute on this many Celery workers (needs REDIS_URL)",
    )
    parser.add_argument(
        "--workers-only",
        action="store_true",
        help="only the first full recompute on --workers Celery workers (data already made)",
    )
    args = parser.parse_args()

    recreate_database(os.environ["DATABASE_URL"], drop=not args.keep)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from casework.models import Person
    from engine import signals

    # Measure the recompute itself: no queue here (the task would only call the same service).
    signals.enqueue_person = lambda person_id: None

    rng = random.Random(2011)
    today = date(2026, 1, 15)
    print(
        f"database: {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}, batch size {args.batch_size}"
        f", machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        f", CPU reference {cpu_reference():.2f} s (20 million Python additions)"
    )
    for size in sorted(args.sizes):
        missing = size - Person.objects.count()
        if missing > 0:
            t = time.perf_counter()
            make_persons(missing, rng)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
            print(f"\n{size:>6} persons (made {missing} in {time.perf_counter() - t:.1f} s)")
        else:
            print(f"\n{size:>6} persons")
        if not args.workers_only:
            measure_in_process(args, today)
        for n in args.workers or ():
            forget_computed()
            load = os.getloadavg()[0]
            elapsed, up, cpu, db, busy, wal = run_on_workers(n, today)
            # A worker and its backend take turns (each waits for the other), so n workers
            # keep at most n cores busy: on a quiet machine, the CPU seconds over that many
            # cores is the wall time to expect.
            cores = min(os.cpu_count() or 1, n)
            print(
                f"  first full recompute, {n} Celery worker{'s' if n > 1 else ''}  "
                f"{elapsed:6.2f} s  (workers up in {up:.1f} s, not counted), load "
                f"{load:.1f} -> {os.getloadavg()[0]:.1f}; CPU: workers {cpu:.1f} s + their "
                f"database backends {db:.1f} s = {(cpu + db) / size * 1000:.2f} ms per person"
                f", on a quiet {os.cpu_count()}-core machine about {(cpu + db) / cores:.0f} s"
            )
            print(
                f"    the machine meanwhile: {busy:.1f} s of CPU busy on {os.cpu_count()} cores"
                f" ({busy - cpu - db:.1f} s of it neither the workers nor their backends),"
                f" {wal / 2**20:.0f} MB of WAL written"
            )


def measure_in_process(args, today: date) -> None:
    """The first full recompute in this process, the agenda sweeps after it, one recompute."""
    from casework.models import ExtraditionRequest
    from engine import services
    from engine.models import Deadline, PersonAgenda

    forget_computed()
    elapsed, cpu, result, queries = timed(run_in_process, today=today, batch_size=args.batch_size)
    # CPU time (this process's and its database backend's) beside the wall time: on a
    # shared machine the wall time says as much about the neighbours as about the sweep.
    print(
        f"  first full recompute, 1 worker  {elapsed:6.2f} s ({cpu:5.2f} s cpu with the db)  "
        f"{result.batches:>3} batches  {queries / max(result.batches, 1):5.1f} queries/batch"
        f"  created {result.created}, load {os.getloadavg()[0]:.1f}"
    )
    due = PersonAgenda.objects.filter(next_on__isnull=False).count()
    print(f"  deadlines stored: {Deadline.objects.count()}; persons with a day ahead: {due}")
    for label in ("steady sweep", "next sweep"):
        elapsed, cpu, result, queries = timed(
            services.agenda_sweep, today=today, batch_size=args.batch_size
        )
        print(
            f"  {label:<13} (agenda) {elapsed:6.2f} s ({cpu:5.2f} s cpu)  "
            f"{result.persons} persons due, {queries} queries"
        )
    tomorrow = today + timedelta(days=1)
    elapsed, cpu, result, queries = timed(
        services.agenda_sweep, today=tomorrow, batch_size=args.batch_size
    )
    print(
        f"  the next day's first sweep {elapsed:6.2f} s ({cpu:5.2f} s cpu)  "
        f"{result.persons} persons due, {result.batches} batches, {queries} queries"
    )

    # Per-change recompute: change one notification date, recompute that person.
    rulebook = services.RuleBook.load()
    timings, cpus = [], []
    for request in ExtraditionRequest.objects.order_by("?")[:20]:
        request.notified_on = request.notified_on + timedelta(days=1)
        request.save(update_fields=["notified_on"])
        elapsed, cpu, _, _ = timed(
            services.person_recompute,
            person_id=request.person_id,
            today=today,
            rulebook=rulebook,
        )
        timings.append(elapsed * 1000)
        cpus.append(cpu * 1000)
    print(
        f"  per-change recompute: median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms (20 changes); CPU median "
        f"{statistics.median(cpus):.1f} ms (process + database), load "
        f"{os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
