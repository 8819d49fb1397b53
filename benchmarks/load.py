"""Load: the three roles' daily flows against Haven on PostgreSQL with 10,000 persons, served by
gunicorn with DEBUG off, while a sweep runs; locust, headless, loopback only, bounded in time.

    .venv/bin/python benchmarks/load.py                       # build the data, then 60 s, 50 users
    .venv/bin/python benchmarks/load.py --keep --seconds 120   # reuse the data

Builds `haven_bench_load` (the name must contain "bench": it is dropped and recreated), with
the sweep benchmark's synthetic persons, 5 staff per role with TOTP enrolled, and their
authenticated sessions (a password + TOTP login's, written by the same code the tests use). Then
starts gunicorn on a free loopback port, the Celery workers (which recompute the persons the
users' saves touch, and run the sweeps), the agenda sweep on schedule, and locust; prints
requests/s and p50/p95/p99 per page. Target: 50 users, p95 < 300 ms, no errors.

The workers run as docker-compose.yml runs them: one for the "events" queue (a saved fact's
recompute) at the web's priority, one for the rest at nice 10, so that staff waiting on a page
come before a sweep or a run's chunk (`--workers one`: a single worker for both queues, as
`haven.py run`). The agenda sweep is sent to the queue, as beat sends it every 15 minutes,
every `--sweep-every` seconds (60: more often than in production); `--sweep loop` sends a
recompute run of everyone each time the last one is done instead (the nightly net or a rule
edit, always under way), `--sweep none` none.
`--probes N` also measures change -> alert latency (benchmarks/latency.py).
gunicorn runs 3 sync workers, as in docker-compose.yml: on 2 cores with PostgreSQL on the
same machine a request is CPU work, Python's or PostgreSQL's; one worker a core plus one for
the time a worker waits on the database. More would add memory and switching, not throughput.

Run by locust, this same file is the locustfile (the classes at the bottom).
"""

from __future__ import annotations

import os
import sys

# Each user's first page, when it arrives. Locust resets its figures once the last user has
# been started, which is before the last users' first pages have been answered: named apart,
# these ramp-up requests (ten users a second, all at once on the home page) are shown but not
# judged, like the rest of the ramp-up (--count-ramp-up judges them all).
FIRST_PAGE = "home (first page)"

if __name__ == "__main__":
    import argparse
    import csv
    import json
    import signal
    import socket
    import subprocess
    import tempfile
    import time
    import urllib.request
    from pathlib import Path

    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/haven_bench_load"
    WORKER_NICE = 10  # the `nice -n 10` of the worker in docker-compose.yml

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def prepare(env: dict, persons: int, keep: bool, probes: int = 0) -> dict:
        """The data and the sessions; returns what the locust users need (JSON-able)."""
        os.environ.update(env)
        from benchmarks.sweep import recreate_database

        recreate_database(env["DATABASE_URL"], drop=not keep)  # --keep: created if missing
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from accounts.testing import login_with_second_factor
        from benchmarks.loaddata import make_persons, make_staff
        from casework.models import Person
        from engine import services, signals

        call_command("migrate", verbosity=0)
        signals.enqueue_person = lambda person_id: None  # the sweep below computes everyone
        missing = persons - Person.objects.count()
        if missing > 0:
            t = time.perf_counter()
            make_persons(missing)
            print(f"made {missing} persons in {time.perf_counter() - t:.0f} s", flush=True)
            t = time.perf_counter()
            services.sweep(today=django.utils.timezone.localdate())
            print(f"first sweep in {time.perf_counter() - t:.0f} s", flush=True)
        logins = make_staff(5)
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.in_bulk(
            [u.username for u in logins], field_name="username"
        )
        sessions = {role: [] for role in ("caseworker", "lawyer", "coordinator")}
        for login in logins:
            client = login_with_second_factor(Client(), users[login.username])
            sessions[login.role].append(client.cookies["sessionid"].value)
        with connection.cursor() as cursor:
            # What autovacuum does on a production server (it is off on this machine's): the
            # planner must know the deadlines and assignments, and rows rewritten by earlier
            # runs' sweeps and saves must not be fetched from the heap to be found dead.
            cursor.execute("VACUUM ANALYZE")
        person_ids = [
            str(pk) for pk in Person.objects.order_by("?").values_list("pk", flat=True)[:500]
        ]
        probe = []
        if probes:
            from benchmarks.latency import probe_subjects

            probe = probe_subjects(probes)
        return {"sessions": sessions, "persons": person_ids, "probe": probe}

    def main() -> int:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--spawn-rate", type=float, default=10)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--web-workers", type=int, default=3)
        parser.add_argument("--keep", action="store_true", help="reuse the database as it is")
        parser.add_argument(
            "--sweep",
            choices=("agenda", "loop", "none"),
            default="agenda",
            help="agenda: the agenda sweep every --sweep-every s (as beat sends it); loop: the "
            "full sweep over and over (the nightly net, always under way); none",
        )
        parser.add_argument("--sweep-every", type=float, default=60)
        parser.add_argument(
            "--workers",
            choices=("compose", "one"),
            default="compose",
            help="compose: a worker for the events queue (nice 0) and one for the rest (nice "
            "--worker-nice), as docker-compose.yml; one: a single worker taking both queues, "
            "as `haven.py run`",
        )
        parser.add_argument(
            "--worker-nice",
            type=int,
            default=WORKER_NICE,
            help="the worker's and the sweep's niceness (10, as in docker-compose.yml; on a "
            "machine shared with other nice-0 work, 0 shows what the worker itself needs)",
        )
        parser.add_argument(
            "--probes",
            type=int,
            default=0,
            help="also save this many rejected appeals through the API and time how long the "
            "deadline and the alert take to be visible to the lawyer (benchmarks/latency.py)",
        )
        parser.add_argument(
            "--count-ramp-up",
            action="store_true",
            help="keep the requests made while users are still arriving (cold web processes, "
            "every user's first page at once) in the figures; by default locust resets its "
            "figures once all users have arrived",
        )
        args = parser.parse_args()

        env = {
            "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DB),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "load-benchmark-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "HAVEN_LOG_LEVEL": "WARNING",
            # Each web process keeps one connection for the whole run, so the CPU of its
            # database backend can be counted (compose reconnects once a minute: no cost).
            "DB_CONN_MAX_AGE": "3600",
            # Cache and queue in a Redis database of their own; the worker takes the
            # recomputes the users' saves enqueue, and what is left is dropped at the end.
            "REDIS_URL": os.environ.get("HAVEN_LOAD_REDIS_URL", "redis://127.0.0.1:6379/11"),
        }
        for url in (env["DATABASE_URL"], env["REDIS_URL"]):
            if "127.0.0.1" not in url and "localhost" not in url:
                sys.exit(f"loopback only: {url}")
        data = prepare(env, args.persons, args.keep, args.probes)
        work = Path(tempfile.mkdtemp(prefix="haven-load-"))
        (work / "data.json").write_text(json.dumps(data))
        child_env = {**os.environ, **env, "HAVEN_LOAD_DATA": str(work / "data.json")}
        # Each task's legs (sent, taken, started, done), from every process the run starts.
        child_env["HAVEN_TIMING_LOG"] = str(work / "tasks.jsonl")
        port = free_port()
        venv_bin = Path(sys.executable).parent
        procs = []
        try:
            web = subprocess.Popen(
                [str(venv_bin / "gunicorn"), "config.wsgi:application", "--bind",
                 f"127.0.0.1:{port}", "--workers", str(args.web_workers), "--log-level", "warning",
                 # Each request's own time in the web process (%(D)s, microseconds), to tell
                 # it apart from the time spent waiting for a free process.
                 "--access-logfile", str(work / "access.log"),
                 "--access-logformat", "%(m)s %(U)s %(q)s %(D)s %(t)s",
                 "-c", "python:benchmarks.timing"],
                cwd=ROOT, env=child_env,
            )  # fmt: skip
            procs.append(web)
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or web.poll() is not None:
                        sys.exit("gunicorn did not come up")
                    time.sleep(0.5)
            # The workers as docker-compose.yml runs them: one for the "events" queue (a saved
            # fact's recompute) at the web's priority, one for the rest (the sweeps, a run's
            # chunks) at nice 10, so that staff waiting on a page come first. `--workers one`:
            # a single worker taking both queues, events first, as `haven.py run` starts it.
            import redis

            redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # nothing left from `prepare`
            shapes = [("events", "events", 1, 0), ("celery", "bulk", 2, args.worker_nice)]
            if args.workers == "one":
                shapes = [(None, "one", 2, args.worker_nice)]
            workers = []
            for queue, name, concurrency, nice in shapes:
                workers.append(subprocess.Popen(
                    [str(venv_bin / "celery"), "-A", "config", "worker",
                     "--concurrency", str(concurrency), "-n", f"load-{name}@%h",
                     *(["-Q", queue] if queue else []), "-I", "benchmarks.timing",
                     "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
                    cwd=ROOT, env=child_env, stdout=open(work / f"worker-{name}.log", "w"),
                    stderr=subprocess.STDOUT, preexec_fn=lambda nice=nice: os.nice(nice),
                ))  # fmt: skip
                procs.append(workers[-1])
            wait_for_workers(env, len(workers))  # starting at nice 10 on a busy machine: slow
            sweeper = None
            if args.sweep != "none":
                # What beat does: send the agenda sweep to the queue every --sweep-every s (or,
                # looping, a recompute run of everyone as soon as the last one is done).
                loop = SWEEP_LOOP if args.sweep == "loop" else AGENDA_LOOP
                sweeper = subprocess.Popen(
                    [sys.executable, "-c", loop, str(args.sweep_every)], cwd=ROOT, env=child_env,
                    stdout=open(work / "sweeps.log", "w"), stderr=subprocess.STDOUT,
                )  # fmt: skip
                procs.append(sweeper)
            background = [p.pid for p in (*workers, sweeper) if p is not None]
            before = cpu_use(web.pid, background, env)
            started = time.monotonic()
            # Locust resets its figures once every user has arrived; the server's are cut there.
            counted_from = time.time() + (0 if args.count_ramp_up else args.users / args.spawn_rate)
            locust = subprocess.Popen(
                [str(venv_bin / "locust"), "-f", __file__, "--headless",
                 "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "run"),
                 "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
                 *([] if args.count_ramp_up else ["--reset-stats"])],
                cwd=ROOT, env=child_env,
            )  # fmt: skip
            probes = []
            probes_from = django_now()
            if data["probe"]:
                from django.utils import timezone

                from benchmarks.latency import run_probes

                time.sleep(args.users / args.spawn_rate + 5)  # every user arrived
                spacing = max(0.5, (args.seconds - args.users / args.spawn_rate - 15))
                probes = run_probes(
                    f"http://127.0.0.1:{port}",
                    data["probe"],
                    timezone.localdate(),
                    spacing=spacing / len(data["probe"]),
                    load_over=lambda: locust.poll() is not None,
                )
            locust.wait(args.seconds + 120)
            elapsed = time.monotonic() - started
            after = cpu_use(web.pid, background, env)
            used = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
        finally:
            for proc in reversed(procs):
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            import redis

            redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        sweeps = sweep_times(work, args.sweep)
        server = server_times(work / "access.log", counted_from)
        code = report(work / "run_stats.csv", args, elapsed, sweeps, used, server)
        if data["probe"]:
            from benchmarks.latency import committed, legs
            from benchmarks.latency import report as latency_report

            rows = legs(probes, child_env.get("HAVEN_TIMING_LOG"))
            code = max(code, 0 if latency_report(rows, committed(probes_from)) else 1)
        return code

    def sweep_times(work: Path, sweep: str) -> list[str]:
        """Seconds each sweep took in the worker (the agenda sweep's task, from the timing
        log) or, looping, each recompute run of everyone (from sending to its last chunk)."""
        if sweep == "loop":
            log = work / "sweeps.log"
            return log.read_text().split() if log.exists() else []
        from benchmarks import timing

        tasks = timing.read(work / "tasks.jsonl") if (work / "tasks.jsonl").exists() else {}
        return [
            f"{t['done'] - t['started']:.2f}"
            for t in sorted(tasks.values(), key=lambda t: t.get("started", 0))
            if t.get("task") == "engine.tasks.agenda_sweep_task" and "done" in t
        ]

    def django_now():
        from django.utils import timezone

        return timezone.now()

    def wait_for_workers(env: dict, count: int, timeout: float = 300) -> None:
        """Until every worker answers a ping: the load and the probes must not start while the
        recomputes they enqueue could only queue up behind a worker's start."""
        from config.celery import app

        app.conf.broker_url = env["REDIS_URL"]
        started = time.monotonic()
        while len(app.control.inspect(timeout=1).ping() or {}) < count:
            if time.monotonic() - started > timeout:
                sys.exit("the workers did not come up")
        print(f"{count} workers up in {time.monotonic() - started:.0f} s", flush=True)

    def cpu_use(web_pid: int, background: list[int], env: dict) -> dict[str, float]:
        """CPU seconds so far of the web processes, of the database backends serving them
        and the background (the worker and the sweep), of the background, and of the whole
        machine. The machine is shared: what the run cost is told apart from what else ran
        at the same time."""
        import psutil
        import psycopg2

        def cpu(proc) -> float:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                return 0.0
            return times.user + times.system

        web = psutil.Process(web_pid)
        out = {"web": cpu(web) + sum(cpu(c) for c in web.children(recursive=True))}
        sweep_ports = set()
        out["worker and sweep"] = 0.0
        for pid in background:
            try:
                procs = [psutil.Process(pid)]
                procs += procs[0].children(recursive=True)
            except psutil.Error:
                continue
            for proc in procs:
                out["worker and sweep"] += cpu(proc)
                try:
                    sweep_ports |= {c.laddr.port for c in proc.net_connections(kind="tcp")}
                except psutil.Error:
                    pass
        with psycopg2.connect(env["DATABASE_URL"]) as conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT pid, client_port FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            for pid, port in cursor.fetchall():
                key = "database (worker, sweep)" if port in sweep_ports else "database (web)"
                out[key] = out.get(key, 0.0) + cpu(psutil.Process(pid))
        machine = psutil.cpu_times()
        out["machine"] = machine.user + machine.system + machine.nice
        return out

    def page_name(method: str, path: str, query: str) -> str | None:
        """The locust name of a request in gunicorn's access log (None: not a page of the run)."""
        names = {
            "/": "home",
            "/persons/": "persons?q=" if query.startswith("q=") else "persons",
            "/engine/deadlines/": "deadlines",
            "/engine/board/": "board",
            "/engine/inbox/": "inbox",
            "/advocacy/urgent-actions/": "urgent-actions",
            "/api/engine/deadlines/": "api/engine/deadlines",
            "/api/welfare-checks/": "POST api/welfare-checks",
        }
        if path in names:
            return names[path]
        if path.startswith("/persons/") and path.count("/") == 3:
            return "person"
        return None

    def server_times(access_log: Path, counted_from: float) -> dict[str, list[float]]:
        """Milliseconds each request spent in a web process, by page, from `counted_from` on."""
        from datetime import datetime

        out: dict[str, list[float]] = {}
        if not access_log.exists():
            return out
        for line in access_log.read_text().splitlines():
            method, path, query, micros, when = line.split(" ", 4)
            at = datetime.strptime(when.strip("[]"), "%d/%b/%Y:%H:%M:%S %z").timestamp()
            name = page_name(method, path, query.strip("-"))
            if name and at >= counted_from:
                out.setdefault(name, []).append(int(micros) / 1000)
        return out

    def percentile(values: list[float], share: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0

    def report(
        stats_csv: Path, args, elapsed: float, sweeps: list[str], used: dict, server: dict
    ) -> int:
        rows = list(csv.DictReader(stats_csv.open()))
        print(
            f"\n{args.users} users, {args.seconds} s, {args.persons} persons, "
            f"gunicorn x{args.web_workers}, workers: {args.workers}, {args.sweep} sweeps during the run:"
            f" {len(sweeps)} ({', '.join(sweeps)} s)"
        )
        print(
            f"{'page':<40} {'reqs':>6} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
            f"  {'server p50':>10} {'p95':>6}"
        )
        worst = 0.0
        failures = 0
        for row in rows:
            name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
            p95 = float(row["95%"] or 0)
            if name != "ALL" and (name != FIRST_PAGE or args.count_ramp_up):
                worst = max(worst, p95)
            failures += int(row["Failure Count"]) if name != "ALL" else 0
            times = (
                [t for v in server.values() for t in v] if name == "ALL" else server.get(name, [])
            )
            print(
                f"{row['Type'] + ' ' + name:<40.40} {row['Request Count']:>6} "
                f"{row['Failure Count']:>5} {float(row['Requests/s']):7.1f} "
                f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
                f"  {percentile(times, 0.5):10.0f} {percentile(times, 0.95):6.0f}"
            )
        served = sum(int(r["Request Count"]) for r in rows if r["Name"] != "Aggregated")
        if served:
            web_ms = 1000 * (used.get("web", 0) + used.get("database (web)", 0)) / served
            print(
                f"\nCPU during the run ({elapsed:.0f} s, {psutil_cores()} cores): "
                + ", ".join(f"{k} {v:.0f} s" for k, v in used.items())
                + f"\nper request served: {web_ms:.0f} ms of CPU (web processes and their"
                " database backends; a backend that closed during the run is not counted)"
            )
        print(
            "\nserver: the time in a web process, from taking the request to writing the"
            " response; the rest of what locust measures is spent outside it, mostly waiting"
            " for a free one."
        )
        ok = failures == 0 and worst < 300
        print(f"\nworst page p95 {worst:.0f} ms, {failures} failures: {'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1

    def psutil_cores() -> int:
        import psutil

        return psutil.cpu_count()

    # A recompute run of everyone (the nightly net, or a rule edit), over and over: the
    # run's chunks always on the queue, as when a rule edit reaches everyone at noon.
    SWEEP_LOOP = """
import time, django
django.setup()
from django.utils import timezone
from engine.models import RecomputeRun, RunStatus
from engine.tasks import recompute_run_task
while True:
    t, since = time.perf_counter(), timezone.now()
    recompute_run_task.delay("requested", "load benchmark")
    while not RecomputeRun.objects.filter(
        requested_at__gte=since, status__in=[RunStatus.DONE, RunStatus.SUPERSEDED]
    ).exists():
        time.sleep(0.5)
    print(round(time.perf_counter() - t), flush=True)
"""
    # What beat does with the agenda sweep (engine.tasks.agenda_sweep_task), every N seconds.
    AGENDA_LOOP = """
import sys, time, django
django.setup()
import benchmarks.timing
from engine.tasks import agenda_sweep_task
every = float(sys.argv[1])
while True:
    agenda_sweep_task.apply_async(expires=every)
    time.sleep(every)
"""

    sys.exit(main())

else:  # imported by locust: the users
    import json
    import random

    from locust import HttpUser, between, task

    DATA = json.loads(open(os.environ["HAVEN_LOAD_DATA"]).read())

    class Staff(HttpUser):
        abstract = True
        role = ""
        wait_time = between(1, 3)  # a person reading a page, not a script hammering it

        def on_start(self):
            self.client.cookies.set("sessionid", random.choice(DATA["sessions"][self.role]))
            self.client.get("/", name=FIRST_PAGE)
            self.csrf = self.client.cookies.get("csrftoken", "")

        def any_person(self) -> str:
            return random.choice(DATA["persons"])

        def get(self, url: str, name: str):
            with self.client.get(url, name=name, catch_response=True) as response:
                if response.status_code != 200 or "/accounts/" in response.url:
                    response.failure(f"{response.status_code} {response.url}")

    class Caseworker(Staff):
        """Who is detained where, who has not been seen: persons, searches, welfare checks."""

        role = "caseworker"
        weight = 3

        @task(3)
        def dashboard(self):
            self.get("/", "home")

        @task(3)
        def persons(self):
            self.get("/persons/", "persons")

        @task(2)
        def search(self):
            self.get(f"/persons/?q={random.choice(['HV-B', 'ab', 'ov', 'Kar'])}", "persons?q=")

        @task(4)
        def person(self):
            self.get(f"/persons/{self.any_person()}/", "person")

        @task(1)
        def welfare_check(self):
            self.client.post(
                "/api/welfare-checks/",
                json={"person": self.any_person(), "observed_at": "2026-01-15T10:00:00Z",
                      "contact_confirmed": True, "notes": "seen by lawyer today"},
                headers={"X-CSRFToken": self.csrf},
                name="POST api/welfare-checks",
            )  # fmt: skip

    class Lawyer(Staff):
        """Every deadline of their persons."""

        role = "lawyer"
        weight = 2

        @task(3)
        def deadlines(self):
            self.get("/engine/deadlines/", "deadlines")

        @task(2)
        def board(self):
            self.get("/engine/board/", "board")

        @task(3)
        def person(self):
            self.get(f"/persons/{self.any_person()}/", "person")

        @task(2)
        def api_deadlines(self):
            self.get(f"/api/engine/deadlines/?person={self.any_person()}", "api/engine/deadlines")

    class Coordinator(Staff):
        """Who is at risk with no urgent action out: the board, the inbox, urgent actions."""

        role = "coordinator"
        weight = 1

        @task(3)
        def board(self):
            self.get("/engine/board/", "board")

        @task(2)
        def inbox(self):
            self.get("/engine/inbox/", "inbox")

        @task(2)
        def urgent_actions(self):
            self.get("/advocacy/urgent-actions/", "urgent-actions")

        @task(1)
        def persons(self):
            self.get("/persons/", "persons")
