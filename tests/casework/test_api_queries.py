"""Every list endpoint runs the same number of queries for 2 rows as for 20: related rows
are selected up front, and the read audit writes all its rows in one insert."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import models as m
from tests import factories as f

from .conftest import ENDPOINTS, ROW_BUILDERS, list_url


def _queries(client, url, params=None) -> int:
    # A first request may do one-off work (a session refresh); measure the second.
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", sorted(ENDPOINTS))
def test_a_list_costs_the_same_queries_for_two_rows_as_for_twenty(api, prefix):
    def grow_to(n):
        while len(api.get(list_url(prefix)).json()["results"]) < n:
            ROW_BUILDERS[prefix]()
        # Restricted, so that every row read is also written to the read audit.
        m.Person.objects.update(confidentiality="restricted")

    grow_to(2)
    few = _queries(api, list_url(prefix))
    grow_to(20)
    many = _queries(api, list_url(prefix))

    assert few == many


@pytest.mark.django_db
def test_the_name_search_costs_the_same_for_two_matches_as_for_twenty(api):
    for _ in range(2):
        f.PersonFactory(name="Абдуллаев Рустам")
    few = _queries(api, list_url("persons"), {"q": "Abdullayev"})
    for _ in range(18):
        f.PersonFactory(name="Abdullaev Rustam")
    many = _queries(api, list_url("persons"), {"q": "Abdullayev"})

    assert few == many


@pytest.mark.django_db
def test_the_person_list_runs_a_fixed_set_of_queries(
    client_for, caseworker, django_assert_num_queries
):
    for _ in range(5):
        f.PersonFactory()
    client = client_for(caseworker)
    client.get(list_url("persons"))  # warm the session

    # 1 session, 2 user, 3 count for the paginator, 4 the page of persons, 5 their names (one
    # prefetch). Whether the user has a second factor, their roles and permissions come from
    # the cache the first request filled (accounts.authz); the read audit asks nothing: the
    # persons it audits are loaded, restricted or not (none: no insert).
    with django_assert_num_queries(5):
        response = client.get(list_url("persons"))
    assert response.json()["count"] == 5
