"""Timestamps of each Celery task's legs, for benchmarks/latency.py: sent (in the process that
enqueued it, a web process for a save), received by a worker, started in a pool process, done.

Switched on by HAVEN_TIMING_LOG (a file path) in each process the benchmark starts: gunicorn
loads this file as its config (`-c python:benchmarks.timing`), the worker imports it
(`celery -A config worker -I benchmarks.timing`). Every process appends one JSON line per
event to the same file (O_APPEND: short lines from several processes do not interleave);
`time.time()` is the one clock of the machine they share. Never used in production.
"""

from __future__ import annotations

import json
import os
import time

_LOG = os.environ.get("HAVEN_TIMING_LOG", "")


def _write(event: str, task_id, **fields) -> None:
    line = json.dumps({"ev": event, "id": task_id, "at": time.time(), **fields}) + "\n"
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _sent(sender=None, headers=None, body=None, routing_key=None, **kwargs):
    headers = headers or {}
    args = body[0] if isinstance(body, list | tuple) and body else []
    _write("sent", headers.get("id"), task=sender, args=list(args), queue=routing_key)


def _received(request=None, **kwargs):
    _write("received", request.id, pid=os.getpid())


def _started(task_id=None, task=None, **kwargs):
    _write("started", task_id, pid=os.getpid())


def _done(task_id=None, task=None, state=None, **kwargs):
    _write("done", task_id, pid=os.getpid(), state=state)


def connect() -> None:
    from celery import signals

    signals.before_task_publish.connect(_sent, weak=False)
    signals.task_received.connect(_received, weak=False)
    signals.task_prerun.connect(_started, weak=False)
    signals.task_postrun.connect(_done, weak=False)


def read(path) -> dict[str, dict]:
    """task id -> {"task", "args", "queue", "sent", "received", "started", "done"} (epoch s)."""
    tasks: dict[str, dict] = {}
    with open(path) as lines:
        for line in lines:
            row = json.loads(line)
            task = tasks.setdefault(row["id"], {})
            task.setdefault(row["ev"], row["at"])  # a redelivered task: its first time
            for key in ("task", "args", "queue"):
                if key in row:
                    task[key] = row[key]
    return tasks


if _LOG:
    connect()
