"""Change -> alert latency: a lawyer saves a rejected appeal through the API, and the time is
measured until the deadline it opens and the alert it raises are visible to that lawyer
through the API, on PostgreSQL and Redis with a real Celery worker, while the agenda sweep runs
on schedule and 50 users' load (benchmarks/load.py) runs against the same gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench_load \\
    HAVEN_LOAD_REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python benchmarks/latency.py

It is the load benchmark (same data, same users, same workers, same report) with probes:
each saves, on a different person held in Russia, an appeal the court rejected ten days ago
(ru.appeal.general gives 15 days, so the next appeal is due within the week: a deadline and
its first reminder at once), then polls, side by side, the lawyer's deadlines (GET
/api/engine/deadlines/?person=) and alerts (GET /api/engine/alerts/) every 50 ms. Target:
p95 <= 2 s. Printed per leg (p50, p95, max), from the tasks' timestamps
(benchmarks/timing.py): the save until its recompute was enqueued, queued until a worker took
it, taken until a pool process started it, the recompute, and its commit until the deadline
and the alert were seen (with how long the poll that saw each took). Options are load.py's
(--probes, the number of saves, default 20; --workers; `--sweep loop`: a recompute run of
everyone always under way, its chunks on the queue, instead of the agenda sweep).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

POLL_SECONDS = 0.05
PROBE_COURT = "Moscow City Court (latency probe)"
GIVE_UP_SECONDS = 60


def probe_subjects(count: int) -> list[dict]:
    """`count` persons held in Russia with an approved extradition request, each with its
    assigned lawyer's authenticated session (as load.py makes the users'). Runs in the
    benchmark's Django process, before the servers start."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.testing import login_with_second_factor
    from casework.models import ExtraditionRequest

    rows = list(
        ExtraditionRequest.objects.filter(
            requested_state="RU", status="approved", person__assigned_lawyer__isnull=False
        )
        .order_by("?")
        .values_list("person_id", "pk", "person__assigned_lawyer_id")[:count]
    )
    users = get_user_model().objects.in_bulk({lawyer for _, _, lawyer in rows})
    sessions = {}
    for user_id, user in users.items():
        client = login_with_second_factor(Client(), user)
        sessions[user_id] = client.cookies["sessionid"].value
    return [
        {"person": str(person), "extradition": str(request), "session": sessions[lawyer]}
        for person, request, lawyer in rows
    ]


class _Session:
    """A logged-in lawyer's HTTP session (cookie, CSRF token) against the benchmark's server."""

    def __init__(self, base: str, sessionid: str):
        self.base = base
        self.cookies = {"sessionid": sessionid}
        self.request("GET", "/")  # the CSRF cookie

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = self.base + "/"
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            text = response.read().decode()
            return json.loads(text) if "json" in response.headers.get("Content-Type", "") else text


def _results(payload) -> list:
    return payload["results"] if isinstance(payload, dict) and "results" in payload else payload


def probe_once(base: str, subject: dict, today) -> dict:
    """Save one rejected appeal; the moments (epoch seconds, the machine's one clock) the
    save started and answered and its deadline and an alert about the person new since the
    save were first seen by the lawyer, and how long the poll that saw each took."""
    lawyer = _Session(base, subject["session"])
    person = subject["person"]
    seen = {a["id"] for a in _results(lawyer.request("GET", "/api/engine/alerts/"))}
    notified = today - timedelta(days=10)
    out = {"person": person, "posted": time.time()}
    appeal = lawyer.request(
        "POST",
        "/api/appeals/",
        {
            "person": person,
            "extradition_request": subject["extradition"],
            "court": PROBE_COURT,
            "court_level": "appeal",
            "country": "RU",
            "lodged_on": (notified - timedelta(days=30)).isoformat(),
            "outcome": "rejected",
            "decided_on": notified.isoformat(),
            "notified_on": notified.isoformat(),
        },
    )
    out["answered"] = time.time()
    out["appeal"] = str(appeal["id"])
    # The deadlines page and the alerts, polled side by side (two tabs): under load a poll
    # can take seconds, and one must not delay seeing the other.
    from concurrent.futures import ThreadPoolExecutor

    def poll(key: str, path: str, found) -> None:
        while time.time() - out["posted"] < GIVE_UP_SECONDS:
            asked = time.time()
            if found(_results(lawyer.request("GET", path))):
                out[key], out[key + "_poll"] = time.time(), time.time() - asked
                return
            time.sleep(POLL_SECONDS)

    with ThreadPoolExecutor(2) as pool:
        waits = [
            pool.submit(
                poll,
                "deadline",
                f"/api/engine/deadlines/?person={person}",
                lambda rows: any(str(d.get("source_id")) == out["appeal"] for d in rows),
            ),
            pool.submit(
                poll,
                "alert",
                "/api/engine/alerts/",
                lambda rows: any(
                    a["id"] not in seen and str(a.get("person")) == person for a in rows
                ),
            ),
        ]
        for wait in waits:
            wait.result()
    return out


def _since(probe: dict, key: str) -> float:
    return probe[key] - probe["posted"] if key in probe else float("inf")


def run_probes(
    base: str, subjects: list[dict], today, *, spacing: float, load_over=lambda: False
) -> list[dict]:
    """The probes, one after the other, `spacing` seconds apart, while the load runs: none is
    started once `load_over()` says it has ended (a probe on an idle server measures
    nothing that matters)."""
    out = []
    for subject in subjects:
        if load_over():
            print(f"the load ended: {len(subjects) - len(out)} probes not run", flush=True)
            break
        try:
            out.append(probe_once(base, subject, today))
        except (OSError, urllib.error.HTTPError) as error:
            print(f"probe failed: {error}", flush=True)
            out.append({"person": subject["person"], "posted": time.time()})
        probe = out[-1]
        print(
            f"probe {len(out)}: saved in {_since(probe, 'answered'):.2f} s, deadline "
            f"{_since(probe, 'deadline'):.2f} s, alert {_since(probe, 'alert'):.2f} s, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        time.sleep(spacing)
    return out


def legs(probes: list[dict], timing_log) -> list[dict]:
    """Each probe's legs in seconds, from the tasks' timestamps (benchmarks/timing.py): the
    recompute its save enqueued is the first recompute_person_task of its person sent after
    the save started."""
    from benchmarks import timing

    tasks = timing.read(timing_log) if timing_log and Path(timing_log).exists() else {}
    recomputes = sorted(
        (t for t in tasks.values() if t.get("task") == "engine.tasks.recompute_person_task"),
        key=lambda t: t.get("sent", 0),
    )
    out = []
    for probe in probes:
        task = next(
            (
                t
                for t in recomputes
                if t.get("args") == [probe["person"]] and t.get("sent", 0) >= probe["posted"]
            ),
            {},
        )
        moments = [
            ("save until enqueued", probe["posted"], task.get("sent")),
            ("queued until taken", task.get("sent"), task.get("received")),
            ("taken until started", task.get("received"), task.get("started")),
            ("recompute (task)", task.get("started"), task.get("done")),
            ("done until deadline seen", task.get("done"), probe.get("deadline")),
            ("done until alert seen", task.get("done"), probe.get("alert")),
            ("save answered", probe["posted"], probe.get("answered")),
            ("deadline visible", probe["posted"], probe.get("deadline")),
            ("alert visible", probe["posted"], probe.get("alert")),
        ]
        row = {
            label: (end - start) if start is not None and end is not None else float("inf")
            for label, start, end in moments
        }
        row["both visible"] = max(row["deadline visible"], row["alert visible"])
        row["poll that saw the deadline"] = probe.get("deadline_poll", float("inf"))
        row["poll that saw the alert"] = probe.get("alert_poll", float("inf"))
        row["queue"] = task.get("queue", "?")
        out.append(row)
    return out


def committed(since) -> list[tuple[float, float]]:
    """The engine's part, from the database's own clocks: for each probe's appeal saved since
    `since`, seconds from its row's creation to its deadline's and to its first alert's (the
    worker's recompute committed), whatever the web processes' queue added on top."""
    from casework.models import Appeal
    from engine.models import Alert, Deadline

    out = []
    for appeal_id, person_id, created in Appeal.objects.filter(
        court=PROBE_COURT, created_at__gte=since
    ).values_list("pk", "person_id", "created_at"):
        deadline = (
            Deadline.objects.filter(source_id=str(appeal_id))
            .order_by("computed_at")
            .values_list("computed_at", flat=True)
            .first()
        )
        alert = (
            Alert.objects.filter(person_id=person_id, created_at__gte=created)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        out.append(
            tuple(
                (moment - created).total_seconds() if moment else float("inf")
                for moment in (deadline, alert)
            )
        )
    return out


LEGS = (
    "save until enqueued",
    "queued until taken",
    "taken until started",
    "recompute (task)",
    "done until deadline seen",
    "done until alert seen",
    "poll that saw the deadline",
    "poll that saw the alert",
)
TOTALS = ("save answered", "deadline visible", "alert visible", "both visible")


def report(rows: list[dict], engine: list[tuple] = ()) -> bool:
    """p50/p95/max of each leg and total (seconds); True if the target is met (p95 of both
    visible <= 2 s, every probe seen)."""

    def pct(values: list[float], share: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

    def line(label: str, values: list[float], note: str = "") -> None:
        print(
            f"{label:<28} {pct(values, 0.5):6.2f}s {pct(values, 0.95):6.2f}s "
            f"{max(values):6.2f}s{note}"
        )

    print(f"\nchange -> visible to the lawyer, {len(rows)} rejected appeals saved:")
    if not rows:
        print("latency: no probe ran: FAIL")
        return False
    queues = sorted({row["queue"] for row in rows})
    print(f"{'':<28} {'p50':>7} {'p95':>7} {'max':>7}   (the recomputes' queue: {queues})")
    for label in LEGS:
        line(label, [row[label] for row in rows])
    print("-" * 52)
    for label in TOTALS:
        line(label, [row[label] for row in rows], "  (from the save's start)")
    for label, values in zip(
        ("deadline committed", "alert committed"), zip(*engine, strict=True), strict=False
    ):
        line(label, list(values), "  (database clocks: from the appeal's row written)")
    both = [row["both visible"] for row in rows]
    ok = pct(both, 0.95) <= 2.0 and all(v != float("inf") for v in both)
    print(f"latency p95 {pct(both, 0.95):.2f} s: {'PASS' if ok else 'FAIL'}")
    return ok


if __name__ == "__main__":
    import runpy

    argv = sys.argv[1:]
    if "--probes" not in argv:
        argv += ["--probes", "20"]
    if "--sweep" not in argv:
        argv += ["--sweep", "agenda"]
    sys.argv = [str(Path(__file__).with_name("load.py")), *argv]
    runpy.run_path(sys.argv[0], run_name="__main__")
