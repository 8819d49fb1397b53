"""Shared fixtures: role personas, the CI service check, and a real Celery worker.

With CI=true the suite must run against real PostgreSQL and Redis and fails at once, with a
sentence naming what is missing, when either is not there.
"""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


# Each pytest-xdist process gets its own Redis database: config/settings/test.py.


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    if not IN_CI:
        return
    db = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    problems = []
    if not db.startswith("postgres"):
        problems.append("DATABASE_URL does not point at PostgreSQL")
    elif not _reachable(db, 5432):
        problems.append(
            f"PostgreSQL is not reachable at {urlparse(db).hostname}:{urlparse(db).port or 5432}"
        )
    if not redis_url.startswith("redis"):
        problems.append("REDIS_URL is not set to a Redis server")
    elif not _reachable(redis_url, 6379):
        problems.append(
            f"Redis is not reachable at {urlparse(redis_url).hostname}:{urlparse(redis_url).port or 6379}"
        )
    if problems:
        pytest.exit("CI=true needs real services: " + "; ".join(problems) + ".", returncode=3)


def real_services_available() -> bool:
    db = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    return (
        db.startswith("postgres")
        and redis_url.startswith("redis")
        and _reachable(db, 5432)
        and _reachable(redis_url, 6379)
    )


def require_real_services():
    """Integration tests call this first: outside CI they skip without services; in CI the
    session check above has already failed the run if the services are missing."""
    if not real_services_available():
        if IN_CI:
            pytest.fail("PostgreSQL and Redis are required in CI for integration tests.")
        pytest.skip("integration test: set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test gets its own cache namespace (same backend: Redis when REDIS_URL is set),
    so throttle counters and used TOTP codes of one test or run never leak into another."""
    caches = copy.deepcopy(settings.CACHES)
    for alias in caches.values():
        alias["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def shipped_reference_data(request):
    """Transactional tests (real workers, live servers) run after a flush: give them the rules,
    risk signals and letter templates that migrations ship, as every other test has them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from tests.reference_data import ensure_shipped_reference_data

        ensure_shipped_reference_data()


# --- personas ---------------------------------------------------------------------------


@pytest.fixture
def caseworker(db):
    return UserFactory(username="cw", roles=["caseworker"])


@pytest.fixture
def lawyer(db):
    return UserFactory(username="lw", roles=["lawyer"])


@pytest.fixture
def coordinator(db):
    return UserFactory(username="co", roles=["coordinator"])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ad", roles=["admin"], is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Logged in, but holds no role: must see nothing."""
    return UserFactory(username="nobody")


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client logged in as user, with the session a real
    password + TOTP login leaves (the user is enrolled in TOTP if not yet)."""
    from accounts.testing import login_with_second_factor

    def login(user):
        return login_with_second_factor(client, user)

    return login


# --- a real Celery worker ----------------------------------------------------------------


class WorkerProcess:
    """A `celery worker` subprocess on the test database and the test Redis."""

    def __init__(self, env: dict, name: str, concurrency: int = 1):
        self.env = env
        self.name = name
        self.concurrency = concurrency
        self.proc: subprocess.Popen | None = None
        self.log = ROOT / "var" / f"test-worker-{name}.log"

    def start(self) -> WorkerProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "-n",
                f"{self.name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()[-2000:]}")
            if b"ready." in self.log.read_bytes():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start: {self.log.read_text()[-2000:]}")

    def kill(self, sig=9):
        if self.proc and self.proc.poll() is None:
            # Kill the whole prefork family, as a crash would.
            subprocess.run(["pkill", f"-{sig}", "-P", str(self.proc.pid)], check=False)
            self.proc.send_signal(sig)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_env(transactional_db, settings):
    """Environment for a worker process that sees what this (transactional) test commits."""
    require_real_services()
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    # The worker takes the Redis database this process was given as it is (settings/test.py).
    env.pop("PYTEST_XDIST_WORKER", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["REDIS_URL"] = settings.CELERY_BROKER_URL
    return env


@pytest.fixture
def purge_queue(settings):
    """Start with an empty queue: a task left by another test must not run against this one."""
    from config.celery import app

    def purge():
        try:
            app.control.purge()
        except RuntimeError:
            # A test that broke the broker (fault tests) can leave the pool closed: make a new one.
            app._pool = None
            app.control.purge()

    purge()
    yield
    purge()


@pytest.fixture
def celery_worker_process(worker_env, purge_queue):
    worker = WorkerProcess(worker_env, name=f"w{os.getpid()}").start()
    yield worker
    worker.stop()


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail with the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")
