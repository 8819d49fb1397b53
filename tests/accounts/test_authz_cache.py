"""The staff-access gate's answers (roles, second factor, permissions) are kept between
requests, and a change to any of them is seen on the very next request."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache, caches

from accounts import authz

pytestmark = pytest.mark.django_db


def _auth_queries(captured) -> list[str]:
    tables = ("auth_group", "auth_permission", "mfa_authenticator")
    return [q["sql"] for q in captured if any(t in q["sql"] for t in tables)]


def test_a_second_page_asks_nothing_about_roles_second_factor_or_permissions(
    caseworker, client_for, django_assert_max_num_queries
):
    client = client_for(caseworker)
    assert client.get("/persons/").status_code == 200
    with django_assert_max_num_queries(20) as second:
        assert client.get("/persons/").status_code == 200
    assert _auth_queries(second.captured_queries) == []


def test_a_role_taken_away_is_refused_on_the_next_request(caseworker, client_for):
    client = client_for(caseworker)
    assert client.get("/persons/").status_code == 200
    caseworker.groups.clear()
    assert client.get("/persons/").status_code == 403


def test_a_permission_taken_from_a_role_is_gone_on_the_next_request(caseworker, client_for):
    client = client_for(caseworker)
    assert client.get("/groups/log/").status_code == 200
    role = Group.objects.get(name="caseworker")
    role.permissions.remove(Permission.objects.get(codename="add_groupevent"))
    assert client.get("/groups/log/").status_code == 403


def test_a_removed_second_factor_sends_the_user_to_enrol_on_the_next_request(
    caseworker, client_for
):
    client = client_for(caseworker)
    assert client.get("/persons/").status_code == 200
    Authenticator.objects.filter(user=caseworker).delete()
    response = client.get("/persons/")
    assert response.status_code == 302 and "/totp/activate/" in response["Location"]


def test_pages_work_from_the_database_when_the_cache_is_down(caseworker, client_for, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    client = client_for(caseworker)
    backend = caches["default"]
    for method in ("get", "get_or_set", "set", "incr"):
        monkeypatch.setattr(backend, method, down)
    assert client.get("/persons/").status_code == 200
    caseworker.groups.clear()
    assert client.get("/persons/").status_code == 403


def test_a_login_stamp_keeps_the_cached_answers(caseworker):
    generation = cache.get_or_set(authz.GENERATION_KEY, 1, timeout=None)
    caseworker.save(update_fields=["last_login"])
    assert cache.get(authz.GENERATION_KEY) == generation
    caseworker.save()
    assert cache.get(authz.GENERATION_KEY) > generation
