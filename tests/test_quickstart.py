"""README's first command, `python3 haven.py run`, comes up on the embedded defaults (SQLite and
the filesystem queue, no server): it serves the login page, its worker runs a task sent through
the queue, and Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A fresh machine may also install the dependencies first: generous, but bounded.
STARTUP_SECONDS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_started_with(marker: str) -> list[int]:
    """Pids whose environment contains `marker`: the launcher's children and grandchildren."""
    pids = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                pids.append(int(environ.parent.name))
        except OSError:
            continue
    return pids


def wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds children via /proc")
def test_run_serves_the_login_page_runs_a_task_and_stops_on_ctrl_c(tmp_path):
    var = tmp_path / "var"
    marker = str(var)
    env = {
        k: v
        for k, v in os.environ.items()
        # The point: the embedded defaults, whatever services the suite itself uses.
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "HAVEN_DEMO_PASSWORD"}
    }
    port = free_port()
    env.update(HAVEN_VAR_DIR=marker, HAVEN_PORT=str(port), HAVEN_WORKER_CONCURRENCY="1")
    log = tmp_path / "run.log"

    def output() -> str:
        return log.read_text(errors="replace")

    with open(log, "wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "haven.py", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        up = wait(
            lambda: "Haven is running" in output() or launcher.poll() is not None, STARTUP_SECONDS
        )
        assert up and launcher.poll() is None, f"did not come up:\n{output()[-4000:]}"
        assert processes_started_with(marker), "no children found"

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as r:
            assert r.status == 200

        # Beyond the launcher's own start-up check: a task sent from outside, as the app does.
        subprocess.run(
            [sys.executable, "-c", "from config.celery import app; app.send_task('haven.ping')"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )

        def pings_succeeded() -> int:
            return sum(
                1 for line in output().splitlines() if "haven.ping[" in line and "succeeded" in line
            )

        assert wait(lambda: pings_succeeded() >= 2, 60), output()[-4000:]

        # The one worker also takes the events queue (a saved fact's recompute; here of a
        # person who does not exist: nothing to do, but run).
        subprocess.run(
            [sys.executable, "-c", "from config.celery import app; app.send_task("
             "'engine.tasks.recompute_person_task', ['00000000-0000-0000-0000-000000000000'])"],
            cwd=ROOT, env=env, check=True, timeout=60,
        )  # fmt: skip
        assert wait(
            lambda: any(
                "recompute_person_task[" in line and "succeeded" in line
                for line in output().splitlines()
            ),
            60,
        ), output()[-4000:]
        for role in ("caseworker", "lawyer", "coordinator", "admin"):
            assert f"  {role} " in output()
        assert (var / "haven.sqlite3").exists()
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(60)
        except subprocess.TimeoutExpired:
            launcher.kill()
        leftovers = processes_started_with(marker)
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    assert launcher.returncode == 0, output()[-4000:]
    assert "Haven stopped." in output()
    assert not leftovers, f"processes left running after Ctrl-C: {leftovers}"
