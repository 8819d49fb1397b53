"""Synthetic data shared by the fault tests, the fuzz pass and the load benchmark.

Persons come from the sweep benchmark's generator (detained pending extradition in KZ, RU or
TR, with decisions, appeals and CAT complaints), so every tool measures the same shape of case.
Staff are made with a TOTP second factor enrolled, as a real login needs.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass


def make_persons(n: int, *, seed: int = 2011) -> None:
    """n synthetic persons with facts, bulk-created (no save signals: nothing is enqueued)."""
    # benchmarks/sweep.py sets defaults for its own run in os.environ when imported (database
    # name, settings, log level): keep this process's environment as it was.
    saved = dict(os.environ)
    try:
        from benchmarks.sweep import make_persons as generate
    finally:
        os.environ.clear()
        os.environ.update(saved)
    generate(n, random.Random(seed))


ROLES = ("caseworker", "lawyer", "coordinator")
PASSWORD = "load-test-password-not-for-production"


@dataclass(frozen=True)
class StaffLogin:
    username: str
    role: str
    totp_secret: str


def make_staff(per_role: int, *, prefix: str = "load") -> list[StaffLogin]:
    """`per_role` users for each of the three roles, each with TOTP enrolled; persons are
    spread over them as assigned caseworker and lawyer, so every dashboard has a caseload."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.services import demo_totp_enrol
    from casework.models import Person

    user_model = get_user_model()
    logins = []
    by_role: dict[str, list] = {role: [] for role in ROLES}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        for i in range(per_role):
            user, created = user_model.objects.get_or_create(
                username=f"{prefix}-{role}-{i}",
                defaults={"email": f"{prefix}-{role}-{i}@example.org"},
            )
            if created:
                user.set_password(PASSWORD)
                user.save()
            user.groups.add(group)
            by_role[role].append(user)
            logins.append(StaffLogin(user.username, role, demo_totp_enrol(user)))
    _assign(Person, "assigned_caseworker_id", by_role["caseworker"])
    _assign(Person, "assigned_lawyer_id", by_role["lawyer"])
    return logins


def _assign(person_model, column: str, users: list) -> None:
    """Round-robin the persons over `users` with one UPDATE per user (not one per person)."""
    if not users or column[:-3] not in {f.name for f in person_model._meta.fields}:
        return
    ids = list(person_model.objects.order_by("pk").values_list("pk", flat=True))
    for i, user in enumerate(users):
        # Only rows not yet assigned so: a rerun with --keep rewrites nothing (each rewrite
        # leaves a dead row behind, and this machine's PostgreSQL runs no autovacuum).
        person_model.objects.filter(pk__in=ids[i :: len(users)]).exclude(
            **{column: user.pk}
        ).update(**{column: user.pk})
