"""Who may call the case record API, and which rows they get: nothing for the anonymous or
role-less user, and a restricted person only for their assigned staff and admins, without
ever revealing that a hidden person exists."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import ReadAudit
from casework import models as m
from tests import factories as f

from .conftest import ENDPOINTS, ROW_BUILDERS, detail_url, list_url, patch, post

METHODS = ["get-list", "post", "get-detail", "put", "patch", "delete"]


def _call(client, prefix, method):
    some_id = uuid.uuid4()
    return {
        "get-list": lambda: client.get(list_url(prefix)),
        "post": lambda: post(client, list_url(prefix), {}),
        "get-detail": lambda: client.get(detail_url(prefix, some_id)),
        "put": lambda: client.put(detail_url(prefix, some_id), {}, content_type="application/json"),
        "patch": lambda: patch(client, detail_url(prefix, some_id), {}),
        "delete": lambda: client.delete(detail_url(prefix, some_id)),
    }[method]()


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("prefix", sorted(ENDPOINTS))
def test_an_anonymous_request_to_every_endpoint_is_refused(client, prefix, method):
    assert _call(client, prefix, method).status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", sorted(ENDPOINTS))
def test_a_user_without_a_role_is_refused_on_every_endpoint(client_for, outsider, prefix):
    client = client_for(outsider)
    for method in METHODS:
        assert _call(client, prefix, method).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/", "/api/schema/", "/api/docs/"])
def test_the_api_root_schema_and_docs_refuse_the_anonymous(client, path):
    assert client.get(path).status_code in (302, 401, 403)


@pytest.mark.django_db
def test_a_coordinator_reads_but_cannot_write_the_case_record(client_for, coordinator):
    client = client_for(coordinator)
    person = f.PersonFactory()

    assert client.get(detail_url("persons", person.pk)).status_code == 200
    response = post(client, list_url("detentions"), {"person": str(person.pk)})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_caseworker_cannot_record_a_legal_decision(client_for, caseworker):
    response = post(
        client_for(caseworker),
        list_url("extradition-requests"),
        {"person": str(f.PersonFactory().pk), "requesting_state": "UZ", "requested_state": "KZ"},
    )
    assert response.status_code == 403


# --- restricted persons ----------------------------------------------------------------------


@pytest.fixture
def hidden(db, lawyer):
    """A restricted person assigned to the lawyer persona only."""
    return f.PersonFactory(confidentiality="restricted", assigned_lawyer=lawyer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "prefix", sorted(set(ENDPOINTS) - {"facilities", "groups", "group-events"})
)
def test_a_restricted_persons_facts_are_missing_from_every_list_for_other_staff(
    client_for, caseworker, prefix
):
    ROW_BUILDERS[prefix]()
    m.Person.objects.update(confidentiality="restricted")

    response = client_for(caseworker).get(list_url(prefix))

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_a_hidden_person_answers_like_one_that_does_not_exist(client_for, caseworker, hidden):
    client = client_for(caseworker)

    assert client.get(detail_url("persons", hidden.pk)).status_code == 404
    assert client.get(detail_url("persons", uuid.uuid4())).status_code == 404

    hidden_answer = post(client, list_url("detentions"), _detention(hidden.pk))
    missing_id = str(uuid.uuid4())
    missing_answer = post(client, list_url("detentions"), _detention(missing_id))
    assert hidden_answer.status_code == missing_answer.status_code == 400
    # The same message: only the id quoted in it differs.
    hidden_message = hidden_answer.json()["person"][0].replace(str(hidden.pk), "ID")
    assert missing_answer.json() == {"person": [hidden_message.replace("ID", missing_id)]}
    assert not m.Detention.objects.exists()


def _detention(person_id):
    return {"person": str(person_id), "started_on": "2010-06-15"}


@pytest.mark.django_db
def test_filtering_by_a_hidden_person_answers_like_an_unknown_one(client_for, caseworker, hidden):
    f.DetentionFactory(person=hidden)
    client = client_for(caseworker)

    for person_id in (hidden.pk, uuid.uuid4()):
        response = client.get(list_url("detentions"), {"person": str(person_id)})
        assert response.status_code == 200
        assert response.json()["count"] == 0


@pytest.mark.django_db
def test_a_group_lists_only_the_members_the_user_may_see(client_for, caseworker, hidden):
    group = f.GroupFactory(name="29 men detained in Osh", estimated_size=29)
    seen = f.PersonFactory()
    for person in (seen, hidden):
        m.GroupMembership.objects.create(group=group, person=person)

    response = client_for(caseworker).get(detail_url("groups", group.pk))

    assert response.json()["members"] == [str(seen.pk)]
    assert response.json()["estimated_size"] == 29


@pytest.mark.django_db
def test_a_relationship_to_a_hidden_relative_is_not_shown(client_for, caseworker, hidden):
    m.Relationship.objects.create(person=f.PersonFactory(), relative=hidden, kind="spouse")

    assert client_for(caseworker).get(list_url("relationships")).json()["count"] == 0


@pytest.mark.django_db
def test_assigned_staff_see_their_restricted_person_and_the_read_is_logged(
    client_for, lawyer, hidden
):
    detention = f.DetentionFactory(person=hidden)
    client = client_for(lawyer)

    assert client.get(detail_url("persons", hidden.pk)).status_code == 200
    assert client.get(list_url("detentions")).json()["count"] == 1

    reads = ReadAudit.objects.filter(user=lawyer, person_id=hidden.pk, channel="api")
    assert {(r.record_type, r.record_id) for r in reads} == {
        ("Person", hidden.pk),
        ("Detention", detention.pk),
    }


@pytest.mark.django_db
def test_reads_of_normal_persons_are_not_logged(client_for, caseworker):
    person = f.PersonFactory()
    client_for(caseworker).get(detail_url("persons", person.pk))
    assert not ReadAudit.objects.exists()


@pytest.mark.django_db
def test_a_name_cannot_be_used_in_a_url(client_for, caseworker):
    f.PersonFactory(name="Doston Ergashev")
    response = client_for(caseworker).get("/api/persons/Doston%20Ergashev/")
    assert response.status_code == 404
