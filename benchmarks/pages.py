"""Milliseconds and queries per page for every page of the caseworker's, lawyer's and
coordinator's flows, rendered by Django's test client, logged in (password + TOTP session).

    DATABASE_URL=postgres://.../haven_pages_bench .venv/bin/python benchmarks/pages.py [ROUNDS]
    .venv/bin/python benchmarks/pages.py --load [ROUNDS]

By default the database must be migrated; the demo is loaded into it first (idempotent).
With --load the pages are those benchmarks/load.py replays, on its database of 10,000 persons
(haven_bench_load, built by a first run of load.py) with its settings (DEBUG off, Redis cache
and sessions), as one of its staff: the server time of each page alone, without the other
users and the sweep, to find what a page costs before it is queued behind others.

Each page is fetched once to warm up, then ROUNDS times (default 15); the figure is the median,
with the number of SQL queries of the last fetch. Target: every page under 300 ms. Exits 1 if
one is over.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOAD = "--load" in sys.argv
if LOAD:
    sys.argv.remove("--load")
    # benchmarks/load.py's environment for its web processes.
    os.environ.update(
        {
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven_bench_load"
            ),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "load-benchmark-only-" + "x" * 40,
            "HAVEN_LOG_LEVEL": "WARNING",
            "REDIS_URL": os.environ.get("HAVEN_LOAD_REDIS_URL", "redis://127.0.0.1:6379/11"),
        }
    )
    if "bench" not in os.environ["DATABASE_URL"]:
        sys.exit("--load reads the load benchmark's database (its name contains 'bench')")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group as AuthGroup  # noqa: E402
from django.core.cache.backends.dummy import DummyCache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

import monitoring.cache  # noqa: E402
from accounts.testing import login_with_second_factor  # noqa: E402
from casework import models as m  # noqa: E402

TARGET_MS = 300


def user(role: str):
    u, created = get_user_model().objects.get_or_create(username=f"bench-{role}")
    if created:
        u.set_password("bench-only-password-not-used")
        u.save()
    u.groups.add(AuthGroup.objects.get(name=role))
    return u


def url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def pages() -> list[tuple[str, str, str, dict | None]]:
    """(role, label, path, POST data or None)."""
    person = m.Person.objects.annotate(n=Count("appeals") + Count("detentions")).order_by("-n")[0]
    appeal = m.Appeal.objects.filter(person=person).first() or m.Appeal.objects.first()
    group = m.Group.objects.annotate(n=Count("memberships")).order_by("-n")[0]
    out = [
        ("caseworker", "home", "/", None),
        ("caseworker", "persons list", reverse("casework:persons"), None),
        (
            "caseworker",
            "persons list, detained, page 1",
            reverse("casework:persons") + "?detained=1&sort=-updated",
            None,
        ),
        ("caseworker", "search (htmx POST)", reverse("casework:person-search"), {"q": "Абдуллаев"}),
        ("caseworker", "person page", reverse("casework:person", args=[person.pk]), None),
        ("caseworker", "groups list", reverse("casework:groups"), None),
        ("caseworker", "group page", reverse("casework:group", args=[group.pk]), None),
        ("caseworker", "log a group event (form)", reverse("casework:group-log"), None),
        ("lawyer", "home", "/", None),
        ("lawyer", "person page", reverse("casework:person", args=[person.pk]), None),
        (
            "lawyer",
            "new appeal (form)",
            reverse("casework:proceeding-new", args=[person.pk, "appeal"]),
            None,
        ),
        (
            "lawyer",
            "appeal (form + deadlines)",
            reverse("casework:proceeding-edit", args=[appeal.person_id, "appeal", appeal.pk]),
            None,
        ),
        ("lawyer", "my deadlines", reverse("engine:deadlines"), None),
        ("coordinator", "home", "/", None),
    ]
    try:
        from advocacy.models import UrgentAction

        ua = UrgentAction.objects.order_by("-created_at").first()
    except Exception:  # noqa: BLE001 - advocacy not there
        ua = None
    for label, name, args in (
        ("urgent actions list", "advocacy:list", ()),
        ("draft an urgent action", "advocacy:draft", ()),
        ("urgent action page", "advocacy:detail", (ua.pk,) if ua else None),
        ("letters page", "advocacy:letters", (ua.pk,) if ua else None),
        ("monitoring", "monitoring:page", ()),
    ):
        if args is None:
            continue
        path = url(name, *args)
        if path:
            out.append(("coordinator", label, path, None))
    return out


YEAR = "start=2023-01-01&end=2023-12-31"
DECADE = "start=2014-01-01&end=2023-12-31"
# Pages timed without the monitoring cache, or each time after an edit that changes the cache
# key but no count (the figures are counted again, the charts come from the cache): shown, not
# judged (the target is the cached page's).
UNCACHED = "(uncached)"
AFTER_EDIT = "(after an edit)"


def load_pages() -> list[tuple[str, str, str, dict | None]]:
    """What benchmarks/load.py's users fetch (the JSON POST stands for the welfare check)."""
    person, other = m.Person.objects.order_by("case_number").values_list("pk", flat=True)[5000:5002]
    return [
        ("caseworker", "home", "/", None),
        ("caseworker", "persons", "/persons/", None),
        ("caseworker", "persons?q=ov", "/persons/?q=ov", None),
        ("caseworker", "persons?q=HV-B", "/persons/?q=HV-B", None),
        ("caseworker", "person", f"/persons/{person}/", None),
        (
            "caseworker",
            "POST api/welfare-checks",
            "/api/welfare-checks/",
            # Another person: each run's checks would lengthen the person page's timeline.
            {
                "person": str(other),
                "observed_at": "2026-01-15T10:00:00Z",
                "contact_confirmed": True,
                "notes": "bench",
            },
        ),
        ("lawyer", "home", "/", None),
        ("lawyer", "deadlines", "/engine/deadlines/", None),
        ("lawyer", "board", "/engine/board/", None),
        ("lawyer", "person", f"/persons/{person}/", None),
        ("lawyer", "api/engine/deadlines", f"/api/engine/deadlines/?person={person}", None),
        ("coordinator", "home", "/", None),
        ("coordinator", "board", "/engine/board/", None),
        ("coordinator", "inbox", "/engine/inbox/", None),
        ("coordinator", "urgent-actions", "/advocacy/urgent-actions/", None),
        ("coordinator", "persons", "/persons/", None),
        # The figures of the last twelve months (what load.py's users open), cached until a
        # figure's tables change. The synthetic facts are dated 2010-2024, so also a year of
        # them and the longest period the form allows, ten years: cached, and computed afresh
        # on every fetch (the cache replaced by a dummy), as on the first view after a change.
        ("coordinator", "monitoring", "/monitoring/", None),
        ("caseworker", "monitoring", "/monitoring/", None),
        ("coordinator", "monitoring 2023", f"/monitoring/?{YEAR}", None),
        ("caseworker", "monitoring 2023", f"/monitoring/?{YEAR}", None),
        ("coordinator", "monitoring 2014-2023", f"/monitoring/?{DECADE}", None),
        ("coordinator", f"monitoring 2023 {UNCACHED}", f"/monitoring/?{YEAR}", None),
        ("caseworker", f"monitoring 2023 {UNCACHED}", f"/monitoring/?{YEAR}", None),
        ("coordinator", f"monitoring 2014-2023 {UNCACHED}", f"/monitoring/?{DECADE}", None),
        ("coordinator", f"monitoring 2023 {AFTER_EDIT}", f"/monitoring/?{YEAR}", None),
    ]


def load_user(role: str):
    return get_user_model().objects.get(username=f"load-{role}-0")


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    setup_test_environment()
    if not LOAD:
        call_command("load_demo", verbosity=0)
    clients = {}
    for role in ("caseworker", "lawyer", "coordinator"):
        account = load_user(role) if LOAD else user(role)
        clients[role] = login_with_second_factor(Client(), account)
    # "python ms": this process's CPU time (Django and the templates, not PostgreSQL): on a
    # machine that is busy with other work it moves less than the wall-clock median.
    print(
        f"{'role':<12} {'page':<36} {'median ms':>9} {'max ms':>8} {'python ms':>9}"
        f" {'queries':>7}  status"
    )
    worst = 0.0
    for role, label, path, data in load_pages() if LOAD else pages():
        client = clients[role]

        def fetch(client=client, path=path, data=data):
            if data is None:
                return client.get(path)
            if path.startswith("/api/"):
                return client.post(path, data, content_type="application/json")
            return client.post(path, data, HTTP_HX_REQUEST="true")

        uncached, edit = UNCACHED in label, AFTER_EDIT in label
        if uncached:
            cached_by, monitoring.cache.cache = monitoring.cache.cache, DummyCache("bench", {})
        response = fetch()
        times, cpu = [], []
        for _ in range(rounds):
            if edit:
                m.Detention.objects.filter(pk=m.Detention.objects.values("pk")[:1]).update(
                    updated_at=timezone.now()
                )
            start, start_cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = fetch()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        if uncached:
            monitoring.cache.cache = cached_by
        median = statistics.median(times)
        if uncached or edit:
            flag = "  (not judged)"
        else:
            worst = max(worst, median)
            flag = "" if median < TARGET_MS else "  OVER TARGET"
        print(
            f"{role:<12} {label:<36} {median:9.1f} {max(times):8.1f}"
            f" {statistics.median(cpu):9.1f} {len(queries):7d}"
            f"  {response.status_code}{flag}"
        )
    print(f"slowest median: {worst:.1f} ms (target < {TARGET_MS} ms, {rounds} rounds)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
