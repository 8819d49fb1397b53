"""The unread count (the navigation badge and the API) is the inbox's own count, through the
gate, for every role, with its SQL built once a process and reused for every user."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engine.alerts import inbox_for, unread_count
from engine.models import Alert
from tests.factories import AlertFactory, PersonFactory

pytestmark = pytest.mark.django_db


def alert(user, person=None, *, key, read=False):
    return AlertFactory(
        recipient=user, person=person, dedup_key=key, read_at=timezone.now() if read else None
    )


def inbox_unread(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def test_each_role_counts_what_its_inbox_shows_unread(
    caseworker, lawyer, coordinator, admin_user, outsider
):
    normal = PersonFactory()
    mine = PersonFactory(confidentiality="restricted", assigned_caseworker=caseworker)
    theirs = PersonFactory(confidentiality="restricted", assigned_lawyer=lawyer)
    users = (caseworker, lawyer, coordinator, admin_user, outsider)
    for n, user in enumerate(users):
        alert(user, normal, key=f"normal-{n}")
        alert(user, None, key=f"none-{n}")
        alert(user, mine, key=f"mine-{n}")
        alert(user, theirs, key=f"theirs-{n}")
        alert(user, normal, key=f"read-{n}", read=True)
    expected = {caseworker: 3, lawyer: 3, coordinator: 2, admin_user: 4, outsider: 0}
    # Twice round, so the second pass reuses the SQL built for each set of roles.
    for _ in range(2):
        for user in users:
            assert unread_count(user) == expected[user]
            if user is not outsider:  # no role: no inbox, no badge
                assert unread_count(user) == inbox_unread(user)


def test_two_users_with_the_same_roles_get_their_own_counts(coordinator):
    from tests.factories import UserFactory

    other = UserFactory(username="co2", roles=["coordinator"])
    for n in range(3):
        alert(coordinator, None, key=f"a{n}")
    alert(other, None, key="b")
    assert (unread_count(coordinator), unread_count(other)) == (3, 1)
    Alert.objects.filter(recipient=coordinator).update(read_at=timezone.now())
    assert (unread_count(coordinator), unread_count(other)) == (0, 1)


def test_the_badge_and_the_api_say_the_same(client_for, coordinator):
    alert(coordinator, PersonFactory(), key="x")
    alert(coordinator, PersonFactory(confidentiality="restricted"), key="y")  # not visible
    client = client_for(coordinator)
    assert client.get("/api/engine/alerts/unread-count/").json() == {"unread": 1}
    page = client.get("/persons/").content.decode()
    assert '<span class="badge unread">1</span>' in page
