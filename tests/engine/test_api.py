"""GET /api/engine/deadlines/ and the waiver: who sees which deadlines, in which order, in
how many queries."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ReadAudit
from engine import services
from engine.models import Deadline
from tests.factories import DetentionFactory, ExtraditionRequestFactory, PersonFactory

URL = "/api/engine/deadlines/"
TODAY = datetime(2011, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def person_with_deadlines(**kw):
    """An approved KZ extradition decision (appeal due 25 March 2011, in 5 days), a detention
    authorised until 10 March (overdue) and one until 30 June (later)."""
    person = PersonFactory(**kw)
    ExtraditionRequestFactory(
        person=person,
        status="approved",
        decided_on=date(2011, 3, 14),
        notified_on=date(2011, 3, 15),
    )
    DetentionFactory(
        person=person, started_on=date(2011, 1, 10), authorised_until=date(2011, 3, 10)
    )
    DetentionFactory(
        person=person,
        started_on=date(2011, 1, 11),
        authorised_until=date(2011, 6, 30),
        legal_basis="immigration",
    )
    services.person_recompute(person_id=person.pk, today=timezone.localdate())
    return person


@pytest.fixture
def world(lawyer):
    return {
        "mine": person_with_deadlines(assigned_lawyer=lawyer),
        "mine_restricted": person_with_deadlines(
            assigned_lawyer=lawyer, confidentiality="restricted"
        ),
        "other": person_with_deadlines(),
        "other_restricted": person_with_deadlines(confidentiality="restricted"),
    }


def persons_in(response):
    assert response.status_code == 200, response.content
    return {row["person"] for row in response.json()["results"]}


def ids(*persons):
    return {str(p.pk) for p in persons}


def test_a_lawyer_sees_the_deadlines_of_their_persons(client_for, lawyer, world):
    response = client_for(lawyer).get(URL)
    assert persons_in(response) == ids(world["mine"], world["mine_restricted"])
    assert ReadAudit.objects.filter(user=lawyer, channel="api").exists()


def test_restricted_persons_deadlines_are_hidden_from_an_unassigned_lawyer(
    client_for, lawyer, world
):
    response = client_for(lawyer).get(URL, {"scope": "all"})
    assert persons_in(response) == ids(world["mine"], world["mine_restricted"], world["other"])


def test_a_coordinator_sees_all_visible_persons(client_for, coordinator, world):
    assert persons_in(client_for(coordinator).get(URL)) == ids(world["mine"], world["other"])


def test_an_admin_sees_everyone(client_for, admin_user, world):
    assert len(persons_in(client_for(admin_user).get(URL))) == 4


def test_an_outsider_sees_nothing(client_for, outsider, world):
    assert client_for(outsider).get(URL).status_code == 403


def test_overdue_first_then_the_next_seven_days_then_by_due_date(client_for, lawyer, world):
    rows = client_for(lawyer).get(URL, {"person": str(world["mine"].pk)}).json()["results"]
    buckets = [0 if r["overdue"] else 1 if r["days_left"] <= 7 else 2 for r in rows]
    assert buckets == sorted(buckets) and set(buckets) == {0, 1, 2}
    assert [(b, r["due_on"]) for b, r in zip(buckets, rows, strict=True)] == sorted(
        (b, r["due_on"]) for b, r in zip(buckets, rows, strict=True)
    )
    assert ("detention_term_ends", "2011-03-10") in [(r["kind"], r["due_on"]) for r in rows]
    (appeal,) = [r for r in rows if r["kind"] == "appeal_extradition"]
    assert (
        appeal["days_left"] == 5
        and appeal["citation"] == "CPC RK 1997 (chapter on extradition; article not identified)"
    )


def test_filters_by_kind_status_and_jurisdiction(client_for, lawyer, world):
    client = client_for(lawyer)
    rows = client.get(URL, {"kind": "appeal_extradition"}).json()["results"]
    assert {r["kind"] for r in rows} == {"appeal_extradition"} and len(rows) == 2
    assert client.get(URL, {"jurisdiction": "kz"}).json()["count"] == 2
    assert client.get(URL, {"status": "waived"}).json()["count"] == 0
    assert client.get(URL, {"person": "not-a-uuid"}).json()["count"] == 0


def test_query_count_does_not_grow_with_persons(client_for, lawyer, django_assert_num_queries):
    client = client_for(lawyer)
    person_with_deadlines(assigned_lawyer=lawyer)
    client.get(URL)  # warm the session
    # session, user, roles, user's and group's permissions, count, the page of deadlines
    # with persons and rules, the read audit's lookup of restricted persons among them (8 on
    # SQLite; PostgreSQL adds one); what matters is that it does not grow with the rows.
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    assert len(small) <= 9
    for _ in range(4):
        person_with_deadlines(assigned_lawyer=lawyer)
    with django_assert_num_queries(len(small)):
        client.get(URL)


def test_a_lawyer_waives_a_deadline_with_a_reason(client_for, lawyer, world):
    client = client_for(lawyer)
    deadline = Deadline.objects.filter(person=world["mine"], kind="appeal_extradition").get()
    url = f"/api/engine/deadlines/{deadline.pk}/waive/"
    assert client.post(url, {"reason": " "}, content_type="application/json").status_code == 400
    response = client.post(
        url, {"reason": "Client instructs not to appeal"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "waived"
    assert client.post(url, {"reason": "again"}, content_type="application/json").status_code == 409


def test_waiving_needs_the_permission_and_sight_of_the_person(
    client_for, caseworker, lawyer, world
):
    hidden = Deadline.objects.filter(person=world["other_restricted"]).first()
    visible = Deadline.objects.filter(person=world["other"]).first()
    body = {"reason": "x"}
    assert (
        client_for(lawyer).post(f"/api/engine/deadlines/{hidden.pk}/waive/", body).status_code
        == 404
    )
    assert (
        client_for(caseworker).post(f"/api/engine/deadlines/{visible.pk}/waive/", body).status_code
        == 403
    )
