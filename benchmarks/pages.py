"""Milliseconds per page for every page of the caseworker's, lawyer's and coordinator's flows,
rendered on the demo data by Django's test client, logged in (password + TOTP session).

    DATABASE_URL=postgres://.../haven_pages_bench .venv/bin/python benchmarks/pages.py [ROUNDS]

The database must be migrated; the demo is loaded into it first (idempotent). Each page is
fetched once to warm up, then ROUNDS times (default 15); the figure is the median. Target:
every page under 300 ms. Exits 1 if one is over.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group as AuthGroup  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

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
    ):
        if args is None:
            continue
        path = url(name, *args)
        if path:
            out.append(("coordinator", label, path, None))
    return out


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    setup_test_environment()
    call_command("load_demo", verbosity=0)
    clients = {}
    for role in ("caseworker", "lawyer", "coordinator"):
        clients[role] = login_with_second_factor(Client(), user(role))
    print(f"{'role':<12} {'page':<36} {'median ms':>9} {'max ms':>8}  status")
    worst = 0.0
    for role, label, path, data in pages():
        client = clients[role]

        def fetch(client=client, path=path, data=data):
            if data is None:
                return client.get(path)
            return client.post(path, data, HTTP_HX_REQUEST="true")

        response = fetch()
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = fetch()
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        worst = max(worst, median)
        flag = "" if median < TARGET_MS else "  OVER TARGET"
        print(
            f"{role:<12} {label:<36} {median:9.1f} {max(times):8.1f}  {response.status_code}{flag}"
        )
    print(f"slowest median: {worst:.1f} ms (target < {TARGET_MS} ms, {rounds} rounds)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
