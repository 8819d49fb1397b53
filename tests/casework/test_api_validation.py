"""The API refuses what the pages refuse (casework.validation is shared): a fact dated in the
future, a country that is not a code, an assignee without the role; a change that does not
touch an old value is not refused for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import models as m
from tests import factories as f

from .conftest import detail_url, list_url

pytestmark = pytest.mark.django_db


def _post(client, prefix, data):
    return client.post(list_url(prefix), data, content_type="application/json")


def test_a_welfare_check_in_the_future_is_a_400_on_its_field(caseworker, client_for):
    person = f.PersonFactory()
    later = timezone.now() + timedelta(days=3)
    response = _post(
        client_for(caseworker),
        "welfare-checks",
        {"person": str(person.pk), "observed_at": later.isoformat(), "contact_confirmed": True},
    )
    assert response.status_code == 400 and "observed_at" in response.json()
    assert not m.WelfareCheck.objects.exists()


def test_a_welfare_check_without_a_contact_answer_is_a_400_on_its_field(caseworker, client_for):
    person = f.PersonFactory()
    response = _post(
        client_for(caseworker),
        "welfare-checks",
        {"person": str(person.pk), "observed_at": "2011-06-01T12:00:00Z", "seen_by": "mother"},
    )
    assert response.status_code == 400
    assert response.json()["contact_confirmed"] == ["Say whether contact was confirmed."]
    assert not m.WelfareCheck.objects.exists()


def test_a_welfare_check_says_no_contact_and_a_change_keeps_the_answer(caseworker, client_for):
    person = f.PersonFactory()
    client = client_for(caseworker)
    response = _post(
        client,
        "welfare-checks",
        {
            "person": str(person.pk),
            "observed_at": "2011-06-01T12:00:00Z",
            "contact_confirmed": False,
            "family_visit_refused": True,
        },
    )
    assert response.status_code == 201, response.content
    check = m.WelfareCheck.objects.get()
    assert check.contact_confirmed is False
    response = client.patch(
        detail_url("welfare-checks", check.pk),
        {"notes": "tried again"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    check.refresh_from_db()
    assert (check.contact_confirmed, check.notes) == (False, "tried again")


def test_a_decision_in_the_future_and_a_three_letter_country_are_400s(lawyer, client_for):
    person = f.PersonFactory()
    response = _post(
        client_for(lawyer),
        "asylum-claims",
        {
            "person": str(person.pk),
            "authority_kind": m.AsylumAuthorityKind.values[0],
            "country": "XX",
            "decision": m.AsylumDecision.values[-1],
            "decided_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert {"country", "decided_on"} <= response.json().keys()
    assert not m.AsylumClaim.objects.exists()


def test_a_lowercase_code_is_stored_upper_case(caseworker, client_for):
    response = _post(
        client_for(caseworker),
        "persons",
        {"citizenship": "kg", "names": [{"full_name": "Azamat Example"}]},
    )
    assert response.status_code == 201
    assert m.Person.objects.get().citizenship == "KG"


def test_an_appeal_lawyer_must_hold_the_lawyer_role(lawyer, coordinator, client_for):
    appeal = f.AppealFactory()
    client = client_for(lawyer)
    refused = client.patch(
        detail_url("appeals", appeal.pk),
        {"lawyer": coordinator.pk},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "lawyer" in refused.json()
    accepted = client.patch(
        detail_url("appeals", appeal.pk), {"lawyer": lawyer.pk}, content_type="application/json"
    )
    assert accepted.status_code == 200


def test_an_assigned_caseworker_must_hold_the_caseworker_role(caseworker, lawyer, client_for):
    person = f.PersonFactory()
    response = client_for(caseworker).patch(
        detail_url("persons", person.pk),
        {"assigned_caseworker": lawyer.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "assigned_caseworker" in response.json()


def test_editing_a_note_is_not_refused_for_an_old_value_nobody_touched(caseworker, client_for):
    person = f.PersonFactory()
    m.Person.objects.filter(pk=person.pk).update(country_of_origin="U")  # a legacy value
    response = client_for(caseworker).patch(
        detail_url("persons", person.pk), {"notes": "seen"}, content_type="application/json"
    )
    assert response.status_code == 200
