"""Faults on real services: a Redis server owned by the test (so it can be killed and started
again without touching the shared one), workers pointed at it, a second PostgreSQL connection
that holds row locks (to catch a task in the middle), and a snapshot of what the engine wrote.

The worker's visibility timeout is a few seconds here (600 in production): a task whose worker
was SIGKILLed comes back when a worker next scans the unacknowledged set, which kombu does when
it starts and every ~100 s after.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from unittest import mock

import psycopg2
import pytest
from django.apps import apps as django_apps
from django.db.models import Count

from tests.advocacy.conftest import issued_update, kz_case  # noqa: F401  (fixtures)
from tests.conftest import WorkerProcess, require_real_services, wait_for

# Every wait is bounded by this: generous, because CI shares two cores with everything else.
BOUND = 240
# A killed task is restored once it is this old: short for the tests, 600 s in production.
VISIBILITY_SECONDS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway `redis-server` on a free loopback port, without persistence: stopping it
    loses every queued message, which is the fault under test."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            # The fault tests are part of what CI must prove: missing there is a failure.
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("CI=true needs redis-server for the fault tests, and it is missing.")
            pytest.skip("redis-server is not installed")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, interval=0.05)
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def own_redis():
    require_real_services()
    server = RedisServer().start()
    yield server
    server.kill()


@pytest.fixture
def app_on_own_redis(own_redis):
    """Point this process's Celery app (what on_commit hooks publish with) at the test's
    Redis, and back afterwards."""
    from config.celery import app

    old_url = app.conf.broker_url
    old_options = dict(app.conf.broker_transport_options or {})

    def switch(url, options):
        # Drop (not close: kombu's pools are shared by URL) the cached connection and producer
        # pools, so the next publish connects to `url`.
        app._pool = None
        app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)
        app.conf.broker_url = url
        app.conf.broker_transport_options = options

    switch(own_redis.url, {**old_options, "visibility_timeout": VISIBILITY_SECONDS})
    yield app
    switch(old_url, old_options)


@pytest.fixture
def fault_env(worker_env, own_redis, app_on_own_redis, tmp_path, settings):
    """Environment for workers on the test database and the test's own Redis."""
    settings.MEDIA_ROOT = tmp_path / "media"
    worker_env["REDIS_URL"] = own_redis.url
    worker_env["HAVEN_VISIBILITY_TIMEOUT"] = str(VISIBILITY_SECONDS)
    worker_env["HAVEN_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    return worker_env


@pytest.fixture
def workers(fault_env, request):
    """workers(name) -> a started worker on the test's Redis; all are stopped at the end."""
    started: list[WorkerProcess] = []

    def start(name: str = "a", concurrency: int = 1) -> WorkerProcess:
        worker = WorkerProcess(
            fault_env, name=f"{request.node.name[:30]}-{name}", concurrency=concurrency
        )
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def shipped_rules(transactional_db):
    """A transactional test flushes tables, data migrations' rows included: put the engine's
    shipped rules (and risk signals, once they exist) back."""
    from engine import signals

    # Loading rules enqueues a recompute of the persons they affect (rules changed): not
    # wanted on any broker here.
    with mock.patch.object(signals, "enqueue_recompute_edit", lambda *args: None):
        for name in ("0002_default_rules", "0004_default_risk_signals"):
            try:
                migration = importlib.import_module(f"engine.migrations.{name}")
            except ImportError:
                continue
            migration.forwards(django_apps, None)


# --- a second connection, to hold locks and to cut the worker's -----------------------------


@contextmanager
def other_connection():
    from django.db import connection

    db = connection.settings_dict
    conn = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


@contextmanager
def person_locked(person_id):
    """Hold a person's row lock as another transaction would. FOR NO KEY UPDATE blocks the
    engine's FOR UPDATE (so a recompute or a sweep batch waits right there) but not the
    foreign-key checks of facts saved meanwhile."""
    with other_connection() as conn:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id FROM casework_person WHERE id = %s FOR NO KEY UPDATE", [str(person_id)]
            )
        yield conn
        conn.rollback()


def backends_waiting_on_a_lock(conn) -> list[int]:
    """PostgreSQL backends of this database (a worker's) waiting on a row lock."""
    with conn.cursor() as cur:
        # Statistics views are a snapshot taken once per transaction: take a fresh one.
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return [row[0] for row in cur.fetchall()]


def terminate_backend(conn, pid: int) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", [pid])


def succeeded(worker, task: str) -> int:
    """How many runs of `task` the worker's log says succeeded."""
    return sum(
        1
        for line in worker.log.read_text(errors="replace").splitlines()
        if f"{task}[" in line and "] succeeded in" in line
    )


def wait_until_restorable(killed_at: float) -> None:
    """A message taken by a killed worker is restored once older than the visibility timeout."""
    remaining = killed_at + VISIBILITY_SECONDS + 1 - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


# --- what the engine wrote --------------------------------------------------------------------

# Engine tables that hold input (rules, calendars, risk weights, preferences) or secrets, not
# what the engine computes.
ENGINE_INPUT_MODELS = {
    "Rule",
    "CalendarAdjustment",
    "CalendarToken",
    "RiskSignal",
    "RiskThreshold",
    "AlertPreference",
}
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def engine_output_models() -> list:
    """Every model the engine computes: deadlines, reminders, risk assessments, alerts,
    digests, and whatever lands in `engine` next (found by app, not by name)."""
    return [
        model
        for model in django_apps.get_app_config("engine").get_models()
        if model.__name__ not in ENGINE_INPUT_MODELS and not model.__name__.startswith("Historical")
    ]


def engine_snapshot() -> dict[str, list[tuple]]:
    """What the engine has computed, with the engine's own row ids (in ids, foreign keys and
    alert dedup keys) and every moment (`*_at`) left out: equal for equal computations."""
    models = engine_output_models()
    rows = {model: list(model.objects.values()) for model in models}
    own_ids = {str(row["id"]) for model_rows in rows.values() for row in model_rows if "id" in row}

    def normal(value) -> str:
        return UUID_RE.sub(lambda m: "<id>" if m[0] in own_ids else m[0], str(value))

    snapshot = {}
    for model, model_rows in rows.items():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname != "id" and not f.attname.endswith("_at")
        ]
        snapshot[model.__name__] = sorted(
            tuple((name, normal(row[name])) for name in names) for row in model_rows
        )
    return snapshot


def engine_output_clear() -> None:
    for model in reversed(engine_output_models()):
        model.objects.all().delete()


def assert_engine_settled(today) -> None:
    """Everything owed has been computed: a fresh sweep in this process changes nothing, in
    deadlines nor in anything else the engine writes (risk, alerts)."""
    from engine import services

    before = engine_snapshot()
    result = services.sweep(today=today)
    assert result.changes == 0, f"the sweep still had work: {result}"
    assert engine_snapshot() == before


def assert_no_duplicate_live_deadlines() -> None:
    from engine.models import Deadline, DeadlineStatus

    duplicates = (
        Deadline.objects.exclude(status=DeadlineStatus.SUPERSEDED)
        .values("person_id", "kind", "source_type", "source_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists(), list(duplicates[:5])


def assert_alerts_raised_once() -> None:
    """Each alert once per event and recipient (issue 6's dedup key), and one current risk
    assessment per person; skipped while those models do not exist."""
    for model in engine_output_models():
        fields = {f.name for f in model._meta.fields}
        if {"recipient", "dedup_key"} <= fields:
            twice = model.objects.values("recipient", "dedup_key").annotate(n=Count("pk"))
            assert not twice.filter(n__gt=1).exists(), list(twice.filter(n__gt=1)[:5])
        if {"person", "is_current"} <= fields:
            twice = model.objects.filter(is_current=True).values("person").annotate(n=Count("pk"))
            assert not twice.filter(n__gt=1).exists(), list(twice.filter(n__gt=1)[:5])


@pytest.fixture(autouse=True)
def never_eager(settings):
    """Fault tests are about a real broker: tasks must never run in-process, whatever an
    earlier test in this process (the browser tests run tasks eagerly) left behind."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = old
