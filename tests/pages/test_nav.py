"""The navigation bar links where `{% url %}` would, for each role, with its addresses worked
out once a process (config.context_processors.nav)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from config.context_processors import NAV_ROUTES, _addresses

pytestmark = pytest.mark.django_db


def test_every_address_is_the_routes_own():
    addresses = _addresses("/")
    assert addresses == {key: reverse(name) for key, name in NAV_ROUTES.items()}


def test_each_role_sees_its_links(client_for, caseworker, lawyer, coordinator):
    def links(user) -> set[str]:
        page = client_for(user).get(reverse("casework:persons")).content.decode()
        nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
        return {key for key, name in NAV_ROUTES.items() if f'"{reverse(name)}"' in nav}

    everyone = {"home", "persons", "groups", "board", "inbox", "monitoring", "returns", "logout"}
    assert links(caseworker) == everyone | {"group_log", "imports", "deadlines"}
    assert links(lawyer) == everyone | {"deadlines"}
    assert links(coordinator) == everyone | {"deadlines", "urgent_actions"}
