"""Change -> alert latency: a lawyer saves a rejected appeal through the API, and the time is
measured until the deadline it opens and the alert it raises are visible to that lawyer
through the API, on PostgreSQL and Redis with a real Celery worker, while the agenda sweep runs
on schedule and 50 users' load (benchmarks/load.py) runs against the same gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench_load \\
    HAVEN_LOAD_REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python benchmarks/latency.py

It is the load benchmark (same data, same users, same report) with a worker, the agenda sweep
sent to it every `--sweep-every` seconds, and probes: each saves, on a different person held
in Russia, an appeal the court rejected ten days ago (ru.appeal.general gives 15 days, so the
next appeal is due within the week: a deadline and its first reminder at once), then polls
the lawyer's deadlines (GET /api/engine/deadlines/?person=) and alerts (GET
/api/engine/alerts/) every 50 ms. Target: p95 <= 2 s. Options are load.py's (--probes, the
number of saves, default 20); `--sweep loop` loops the full sweep (the nightly net) instead.
"""

from __future__ import annotations

import json
import os
import statistics
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


def probe_once(base: str, subject: dict, today) -> tuple[float, float, float]:
    """Save one rejected appeal; seconds until the save answered, until its deadline and
    until an alert about the person new since the save are visible to the lawyer."""
    lawyer = _Session(base, subject["session"])
    person = subject["person"]
    seen = {a["id"] for a in _results(lawyer.request("GET", "/api/engine/alerts/"))}
    notified = today - timedelta(days=10)
    started = time.perf_counter()
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
    saved = time.perf_counter() - started
    deadline_at = alert_at = None
    while deadline_at is None or alert_at is None:
        now = time.perf_counter() - started
        if now > GIVE_UP_SECONDS:
            break
        if deadline_at is None:
            rows = _results(lawyer.request("GET", f"/api/engine/deadlines/?person={person}"))
            if any(str(d.get("source_id")) == str(appeal["id"]) for d in rows):
                deadline_at = time.perf_counter() - started
        if alert_at is None:
            rows = _results(lawyer.request("GET", "/api/engine/alerts/"))
            if any(a["id"] not in seen and str(a.get("person")) == person for a in rows):
                alert_at = time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    missing = float("inf")
    return saved, deadline_at or missing, alert_at or missing


def run_probes(
    base: str, subjects: list[dict], today, *, spacing: float, load_over=lambda: False
) -> list[tuple]:
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
            out.append((float("inf"),) * 3)
        saved, deadline, alert = out[-1]
        print(
            f"probe {len(out)}: saved in {saved:.2f} s, deadline {deadline:.2f} s, "
            f"alert {alert:.2f} s, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        time.sleep(spacing)
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


def report(results: list[tuple], engine: list[tuple] = ()) -> bool:
    """p50/p95/max of each figure; True if the target is met (p95 <= 2 s, all seen)."""

    def pct(values: list[float], share: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

    print(f"\nchange -> visible to the lawyer, {len(results)} rejected appeals saved:")
    print(f"{'':<28} {'p50':>7} {'p95':>7} {'max':>7}")
    labels = ("save answered", "deadline visible", "alert visible", "both visible")
    columns = list(zip(*results, strict=True)) if results else [[], [], []]
    columns.append([max(d, a) for _, d, a in results])
    for label, values in zip(labels, columns, strict=True):
        values = list(values)
        if not values:
            continue
        print(f"{label:<28} {pct(values, 0.5):6.2f}s {pct(values, 0.95):6.2f}s {max(values):6.2f}s")
    for label, values in zip(
        ("deadline committed", "alert committed"), zip(*engine, strict=True), strict=False
    ):
        values = list(values)
        print(
            f"{label:<28} {pct(values, 0.5):6.2f}s {pct(values, 0.95):6.2f}s {max(values):6.2f}s"
            "  (database clocks: the worker's part)"
        )
    both = columns[-1]
    ok = (
        bool(both)
        and pct(both, 0.95) <= 2.0
        and statistics.fmean([v != float("inf") for v in both]) == 1.0
    )
    print(f"latency p95 {pct(both, 0.95) if both else 0:.2f} s: {'PASS' if ok else 'FAIL'}")
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
