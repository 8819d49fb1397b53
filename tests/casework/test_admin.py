"""The admin: every case-record model is there with its history, persons are found by any
name in any script, and a restricted person stays hidden from staff not assigned to them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import ReadAudit
from casework import models as m
from tests import factories as f

from .conftest import ENDPOINTS, ROW_BUILDERS

CASE_RECORD = [apps.get_model("casework", name) for name in ENDPOINTS.values()]


def _url(model, view, *args):
    return reverse(f"admin:casework_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", CASE_RECORD, ids=lambda model: model.__name__)
def test_every_case_record_model_is_in_the_admin_with_its_history(model):
    assert isinstance(admin.site._registry.get(model), SimpleHistoryAdmin)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", sorted(ENDPOINTS))
def test_every_admin_page_of_the_case_record_opens(client_for, admin_user, prefix):
    obj = ROW_BUILDERS[prefix]()
    model = type(obj)
    client = client_for(admin_user)

    for url in (
        _url(model, "changelist"),
        _url(model, "add"),
        _url(model, "change", obj.pk),
        _url(model, "history", obj.pk),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Abdullaev", "Abdullayev", "Абдуллаев"])
def test_the_person_admin_finds_a_person_by_any_spelling(client_for, admin_user, term):
    person = f.PersonFactory(name="Абдуллаев Рустам Каримович")
    f.PersonFactory(name="Doston Ergashev")

    response = client_for(admin_user).get(_url(m.Person, "changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [person]


@pytest.mark.django_db
def test_a_detention_is_found_in_the_admin_by_its_persons_name(client_for, admin_user):
    detention = f.DetentionFactory(person=f.PersonFactory(name="Абдуллаев Рустам"))
    f.DetentionFactory()

    response = client_for(admin_user).get(_url(m.Detention, "changelist"), {"q": "Abdullayev"})

    assert list(response.context["cl"].result_list) == [detention]


@pytest.fixture
def staff_caseworker(caseworker):
    caseworker.is_staff = True
    caseworker.save()
    return caseworker


@pytest.mark.django_db
def test_admin_pages_hide_a_restricted_person_from_unassigned_staff(
    client_for, staff_caseworker, lawyer
):
    hidden = f.PersonFactory(confidentiality="restricted", assigned_lawyer=lawyer)
    detention = f.DetentionFactory(person=hidden)
    shown = f.PersonFactory()
    client = client_for(staff_caseworker)

    people = client.get(_url(m.Person, "changelist")).context["cl"].result_list
    assert list(people) == [shown]
    assert client.get(_url(m.Detention, "changelist")).context["cl"].result_count == 0
    assert client.get(_url(m.Person, "change", hidden.pk)).status_code in (302, 404)
    assert client.get(_url(m.Person, "history", hidden.pk)).status_code == 404
    assert client.get(_url(m.Detention, "history", detention.pk)).status_code == 404


@pytest.mark.django_db
def test_opening_a_restricted_person_in_the_admin_is_logged(client_for, admin_user):
    hidden = f.PersonFactory(confidentiality="restricted")

    client_for(admin_user).get(_url(m.Person, "change", hidden.pk))

    assert ReadAudit.objects.filter(
        user=admin_user, person_id=hidden.pk, record_type="Person", channel="admin"
    ).exists()


@pytest.mark.django_db
def test_the_admin_shows_a_person_by_case_number_never_by_name(client_for, admin_user):
    detention = f.DetentionFactory(person=f.PersonFactory(name="Doston Secretname"))

    page = client_for(admin_user).get(_url(m.Detention, "changelist")).content.decode()

    assert detention.person.case_number in page
    assert "Secretname" not in page


@pytest.mark.django_db
def test_history_in_the_admin_shows_who_made_the_change(client_for, admin_user):
    person = f.PersonFactory()
    client = client_for(admin_user)
    client.patch(
        f"/api/persons/{person.pk}/", {"status": "detained"}, content_type="application/json"
    )

    page = client.get(_url(m.Person, "history", person.pk)).content.decode()

    assert person.history.first().history_user == admin_user
    assert admin_user.username in page


@pytest.mark.django_db
def test_the_admin_refuses_a_future_welfare_check_and_a_non_code_country_as_the_pages_do(
    client_for, admin_user
):
    from datetime import timedelta

    from django.utils import timezone

    person = f.PersonFactory()
    client = client_for(admin_user)
    later = timezone.localtime() + timedelta(days=2)
    response = client.post(
        _url(m.WelfareCheck, "add"),
        {
            "person": str(person.pk),
            "observed_at_0": later.strftime("%Y-%m-%d"),
            "observed_at_1": later.strftime("%H:%M:%S"),
            "contact_confirmed": "on",
        },
    )
    assert response.status_code == 200
    assert "observed_at" in response.context["adminform"].form.errors
    assert not m.WelfareCheck.objects.exists()

    response = client.post(
        _url(m.Facility, "add"),
        {
            "name": "SIZO-1",
            "city": "Tashkent",
            "country": "XX",
            "kind": m.FacilityKind.values[0],
        },
    )
    assert response.status_code == 200
    assert "country" in response.context["adminform"].form.errors
    assert not m.Facility.objects.filter(name="SIZO-1").exists()
