"""Every route of the URLconf and every operation of the API schema either is on the short
public list (accounts/public_routes.py) or refuses: the anonymous visitor, the signed-in
account without a role, and (for our own views) even without the staff-access middleware,
so that a new route without a permission check fails here."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.public_routes import PUBLIC_ROUTES, is_public, is_self_service
from tests.accounts.discovery import all_routes, api_endpoints, refuses

ROUTES, UNSAMPLED = all_routes()
GUARDED = [r for r in ROUTES if not is_public(r.view_name)]
OUR_APPS = ("casework.", "engine.", "advocacy.", "accounts.", "config.", "monitoring.")
GATE = "accounts.middleware.StaffAccessMiddleware"


def _id(route) -> str:
    return route.path


def test_every_route_has_a_concrete_url_for_the_walk():
    assert not UNSAMPLED, f"teach tests/accounts/discovery.py these patterns: {UNSAMPLED}"


def test_the_public_list_is_short_and_names_real_routes():
    names = {r.view_name for r in ROUTES}
    assert len(PUBLIC_ROUTES) <= 12
    assert PUBLIC_ROUTES <= names, PUBLIC_ROUTES - names


@pytest.mark.django_db
@pytest.mark.parametrize("route", GUARDED, ids=_id)
def test_route_refuses_the_anonymous_visitor(route):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(route.path)
        assert refuses(response), (
            f"{method.upper()} {route.pattern} ({route.view_name}) answered "
            f"{response.status_code} to an anonymous visitor"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in GUARDED if not is_self_service(r.view_name)], ids=_id)
def test_route_refuses_an_account_without_a_role(route, outsider, client_for):
    response = client_for(outsider).get(route.path)
    assert refuses(response), (
        f"GET {route.pattern} ({route.view_name}) answered {response.status_code} "
        "to a signed-in account with no role"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in GUARDED if r.lookup_str.startswith(OUR_APPS)], ids=_id
)
def test_our_view_refuses_the_anonymous_visitor_by_itself(route, settings):
    """Defence in depth: without the middleware, each of our views still checks."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != GATE]
    response = Client().get(route.path)
    assert refuses(response), (
        f"{route.pattern} ({route.lookup_str}) has no permission check of its own: "
        f"{response.status_code}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint", api_endpoints(), ids=lambda e: f"{e.method.upper()} {e.template}"
)
def test_api_operation_refuses_the_anonymous_visitor(endpoint):
    response = getattr(Client(), endpoint.method)(endpoint.path, content_type="application/json")
    assert response.status_code in (401, 403), (
        f"{endpoint.method.upper()} {endpoint.template}: {response.status_code}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint", api_endpoints(), ids=lambda e: f"{e.method.upper()} {e.template}"
)
def test_api_operation_refuses_an_account_without_a_role(endpoint, outsider, client_for):
    client = client_for(outsider)
    response = getattr(client, endpoint.method)(endpoint.path, content_type="application/json")
    assert response.status_code == 403, (
        f"{endpoint.method.upper()} {endpoint.template}: {response.status_code}"
    )
