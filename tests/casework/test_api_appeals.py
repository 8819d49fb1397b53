"""An appeal is against exactly one thing, and that thing is a fact of the same person."""

from __future__ import annotations

import pytest

from casework import models as m
from tests import factories as f

from .conftest import list_url, post


def _appeal(person, **targets):
    return {"person": str(person.pk), "court": "District court", "country": "KZ", **targets}


@pytest.mark.django_db
def test_an_appeal_against_nothing_is_refused_with_a_clear_message(client_for, lawyer):
    response = post(client_for(lawyer), list_url("appeals"), _appeal(f.PersonFactory()))

    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "exactly one thing" in message and "given: none" in message
    assert not m.Appeal.objects.exists()


@pytest.mark.django_db
def test_an_appeal_against_two_things_is_refused_naming_both(client_for, lawyer):
    extradition = f.ExtraditionRequestFactory()
    detention = f.DetentionFactory(person=extradition.person)

    response = post(
        client_for(lawyer),
        list_url("appeals"),
        _appeal(
            extradition.person,
            extradition_request=str(extradition.pk),
            detention=str(detention.pk),
        ),
    )

    assert response.status_code == 400
    assert "given: extradition_request, detention" in response.json()["non_field_errors"][0]
    assert not m.Appeal.objects.exists()


@pytest.mark.django_db
def test_an_appeal_against_another_persons_decision_is_refused(client_for, lawyer):
    someone_elses = f.ExtraditionRequestFactory()

    response = post(
        client_for(lawyer),
        list_url("appeals"),
        _appeal(f.PersonFactory(), extradition_request=str(someone_elses.pk)),
    )

    assert response.status_code == 400
    assert response.json() == {"extradition_request": ["This belongs to another person."]}


@pytest.mark.django_db
def test_an_appeal_against_a_lower_appeal_climbs_the_courts(client_for, lawyer):
    district = f.AppealFactory()

    response = post(
        client_for(lawyer),
        list_url("appeals"),
        _appeal(district.person, lower_appeal=str(district.pk), court_level="appeal"),
    )

    assert response.status_code == 201, response.content
    assert response.json()["target_kind"] == "lower_appeal"


@pytest.mark.django_db
def test_a_welfare_check_cannot_name_another_persons_detention(client_for, caseworker):
    response = post(
        client_for(caseworker),
        list_url("welfare-checks"),
        {
            "person": str(f.PersonFactory().pk),
            "detention": str(f.DetentionFactory().pk),
            "observed_at": "2011-06-01T12:00:00Z",
            "contact_confirmed": True,
        },
    )
    assert response.status_code == 400
    assert "detention" in response.json()


@pytest.mark.django_db
def test_a_welfare_check_is_linked_to_the_open_detention_and_its_recorder(client_for, caseworker):
    detention = f.DetentionFactory()

    response = post(
        client_for(caseworker),
        list_url("welfare-checks"),
        {
            "person": str(detention.person_id),
            "observed_at": "2011-06-01T12:00:00Z",
            "contact_confirmed": True,
            "seen_by": "lawyer",
            "condition": "health poor",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["detention"] == str(detention.pk)
    assert response.json()["recorded_by"] == caseworker.pk
