"""The record without the admin: creating and editing persons, detentions, transfers and
returns from the pages, with the API's validation and the history's user; bad input gives a
field error and writes nothing; each role does only what it may."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import models as m
from casework.selectors import TRANSFER_WINDOW_DAYS
from casework.services import detention_transfer
from tests import factories as f

pytestmark = pytest.mark.django_db


def _person_post(**fields):
    data = {
        "names-TOTAL_FORMS": "2",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
        "names-0-full_name": "Rustam Abdullaev",
        "names-0-script": "latin",
        "names-0-is_primary": "on",
        "names-1-full_name": "Рустам Абдуллаев",
        "names-1-script": "cyrillic",
        "born_on_precision": "year",
        "sex": "male",
        "status": "asylum_seeker",
        "consent_to_be_named": "unknown",
        "confidentiality": "normal",
        "citizenship": "uz",
    }
    data.update(fields)
    return data


def test_a_caseworker_creates_a_person_with_two_names_and_the_history_names_them(
    caseworker, client_for
):
    response = client_for(caseworker).post(reverse("casework:person-new"), _person_post())
    person = m.Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:person", args=[person.pk])
    assert sorted(person.names.values_list("full_name", flat=True)) == [
        "Rustam Abdullaev",
        "Рустам Абдуллаев",
    ]
    assert person.primary_name == "Rustam Abdullaev"
    assert person.citizenship == "UZ"  # stored as the code, upper case
    assert person.history.first().history_user == caseworker
    assert {n.history.first().history_user for n in person.names.all()} == {caseworker}


def test_a_country_typed_as_a_name_is_a_field_error_and_writes_nothing(caseworker, client_for):
    response = client_for(caseworker).post(
        reverse("casework:person-new"), _person_post(citizenship="Uzbekistan")
    )
    assert response.status_code == 200
    assert "two-letter ISO code" in response.context["form"].errors["citizenship"][0]
    assert not m.Person.objects.exists() and not m.PersonName.objects.exists()


def test_an_assigned_lawyer_must_hold_the_lawyer_role(caseworker, coordinator, client_for):
    response = client_for(caseworker).post(
        reverse("casework:person-new"), _person_post(assigned_lawyer=str(coordinator.pk))
    )
    assert response.status_code == 200
    assert "assigned_lawyer" in response.context["form"].errors
    assert not m.Person.objects.exists()


def test_the_api_refuses_a_coordinator_as_assigned_lawyer(caseworker, coordinator, client_for):
    person = f.PersonFactory()
    response = client_for(caseworker).patch(
        reverse("casework_api:person-detail", args=[person.pk]),
        {"assigned_lawyer": coordinator.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "lawyer role" in response.json()["assigned_lawyer"][0]
    person.refresh_from_db()
    assert person.assigned_lawyer is None


def test_a_unhcr_number_of_a_hidden_person_answers_as_for_anyone_and_names_no_case(
    caseworker, lawyer, client_for
):
    hidden = f.PersonFactory(
        unhcr_number="KAZ-11-0001", confidentiality="restricted", assigned_lawyer=lawyer
    )
    f.PersonFactory(unhcr_number="KAZ-11-0002")
    client = client_for(caseworker)
    answers = []
    for number in ("KAZ-11-0001", "KAZ-11-0002"):
        page = client.post(reverse("casework:person-new"), _person_post(unhcr_number=number))
        api = client.post(
            reverse("casework_api:person-list"),
            {"unhcr_number": number, "names": [{"full_name": "Someone New"}]},
            content_type="application/json",
        )
        assert api.status_code == 400
        answers.append((page.context["form"].errors["unhcr_number"], api.json()["unhcr_number"]))
        assert hidden.case_number not in page.content.decode() + api.content.decode()
        assert "exist" not in str(answers[-1])
    assert answers[0] == answers[1]  # the same answer, hidden holder or visible one
    assert m.Person.objects.count() == 2


def test_a_caseworker_edits_a_person_and_adds_a_name(caseworker, client_for):
    person = f.PersonFactory(name="Timur Old")
    name = person.names.get()
    data = _person_post(
        **{
            "names-TOTAL_FORMS": "2",
            "names-INITIAL_FORMS": "1",
            "names-0-id": str(name.pk),
            "names-0-full_name": "Timur Old",
            "names-0-script": "latin",
            "names-0-is_primary": "on",
            "names-1-full_name": "Тимур Олд",
            "citizenship": "UZ",
            "notes": "moved to Osh",
        }
    )
    response = client_for(caseworker).post(reverse("casework:person-edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.notes == "moved to Osh"
    assert person.names.count() == 2
    assert person.history.first().history_user == caseworker


def test_the_person_page_links_to_the_edit_page_not_the_admin(caseworker, client_for):
    person = f.PersonFactory()
    page = client_for(caseworker).get(reverse("casework:person", args=[person.pk])).content
    assert reverse("casework:person-edit", args=[person.pk]).encode() in page
    assert b"/admin/" not in page


def test_a_transfer_closes_the_old_detention_and_opens_the_new_one(caseworker, client_for):
    camp = f.FacilityFactory(name="Camp", city="Suzak", country="KG")
    osh = f.FacilityFactory(name="SIZO", city="Osh", country="KG")
    person = f.PersonFactory()
    old = f.DetentionFactory(person=person, facility=camp, started_on=date(2024, 6, 1))
    moved = timezone.localdate() - timedelta(days=1)
    response = client_for(caseworker).post(
        reverse("casework:detention-transfer", args=[person.pk, old.pk]),
        {"to_facility": str(osh.pk), "moved_on": moved.isoformat()},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = person.detentions.get(ended_on__isnull=True)
    assert old.ended_on == moved
    assert (new.facility, new.started_on, new.transferred_from) == (osh, moved, old)
    assert new.legal_basis == old.legal_basis
    assert new.history.first().history_user == caseworker


def test_a_transfer_dated_tomorrow_is_refused_and_changes_nothing(caseworker, client_for):
    person = f.PersonFactory()
    old = f.DetentionFactory(person=person)
    response = client_for(caseworker).post(
        reverse("casework:detention-transfer", args=[person.pk, old.pk]),
        {
            "to_facility": str(f.FacilityFactory().pk),
            "moved_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert "moved_on" in response.context["form"].errors
    old.refresh_from_db()
    assert old.ended_on is None and person.detentions.count() == 1


def test_a_caseworker_records_a_detention_and_a_return(caseworker, client_for):
    person = f.PersonFactory()
    client = client_for(caseworker)
    response = client.post(
        reverse("casework:detention-new", args=[person.pk]),
        {
            "facility": str(f.FacilityFactory().pk),
            "started_on": "2024-05-01",
            "legal_basis": "extradition_arrest",
            "lawyer_access": "unknown",
        },
    )
    assert response.status_code == 302
    assert person.detentions.get().history.first().history_user == caseworker
    response = client.post(
        reverse("casework:return-edit", args=[person.pk]),
        {
            "kind": m.ReturnKind.values[0],
            "returned_on": "2024-07-01",
            "returned_on_precision": "day",
            "from_country": "RU",
            "destination_country": "Uzbekistan",
        },
    )
    assert "destination_country" in response.context["form"].errors
    assert not m.Return.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("caseworker", True), ("lawyer", False), ("coordinator", False), ("outsider", False)],
)
def test_only_caseworkers_and_admins_open_the_record_forms(who, allowed, request, client_for):
    user = request.getfixturevalue(who)
    person = f.PersonFactory()
    detention = f.DetentionFactory(person=person)
    client = client_for(user)
    for url in (
        reverse("casework:person-new"),
        reverse("casework:person-edit", args=[person.pk]),
        reverse("casework:detention-new", args=[person.pk]),
        reverse("casework:detention-transfer", args=[person.pk, detention.pk]),
        reverse("casework:return-edit", args=[person.pk]),
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_a_restricted_person_is_not_found_by_an_unassigned_caseworker(
    caseworker, admin_user, client_for
):
    person = f.PersonFactory(confidentiality="restricted")
    url = reverse("casework:person-edit", args=[person.pk])
    assert client_for(caseworker).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200


# --- welfare checks and group events --------------------------------------------------------


def _welfare(client, person, **fields):
    data = {
        "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "contact_confirmed": "yes",
        "notes": "brought warm clothes",
    }
    data.update(fields)
    return client.post(
        reverse("casework:welfare-add", args=[person.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_a_welfare_check_in_the_future_is_a_field_error_and_writes_nothing(caseworker, client_for):
    person = f.PersonFactory()
    later = timezone.localtime() + timedelta(days=2)
    response = _welfare(
        client_for(caseworker), person, observed_at=later.strftime("%Y-%m-%dT%H:%M")
    )
    assert "observed_at" in response.context["welfare_form"].errors
    assert not m.WelfareCheck.objects.exists()


def test_contact_is_never_pre_ticked_and_unanswered_is_a_field_error(caseworker, client_for):
    person = f.PersonFactory()
    client = client_for(caseworker)
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert 'name="contact_confirmed"' in page and "checked" not in page.split("welfare-box")[1]
    response = _welfare(client, person, contact_confirmed="")
    assert "contact_confirmed" in response.context["welfare_form"].errors
    assert not m.WelfareCheck.objects.exists()
    _welfare(client, person, contact_confirmed="no", family_visit_refused="on")
    assert m.WelfareCheck.objects.get().contact_confirmed is False


def test_welfare_notes_are_shown_on_the_person_page(caseworker, client_for):
    person = f.PersonFactory()
    client = client_for(caseworker)
    _welfare(client, person)
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert "brought warm clothes" in page


def test_a_group_transfer_logged_today_is_on_the_home_page_with_its_notes_on_the_group(
    caseworker, client_for
):
    osh = f.FacilityFactory(city="Osh", country="KG")
    client = client_for(caseworker)
    response = client.post(
        reverse("casework:group-log"),
        {
            "new_group_name": "29 men moved to Osh",
            "estimated_size": "29",
            "kind": "transferred",
            "facility": str(osh.pk),
            "occurred_on": timezone.localdate().isoformat(),
            "notes": "seen in two buses",
        },
    )
    group = m.Group.objects.get()
    assert response["Location"] == reverse("casework:group", args=[group.pk])
    home = client.get("/").content.decode()
    assert "29 men moved to Osh" in home.split('id="h-transfers"')[1].split("</section>")[0]
    assert "seen in two buses" in client.get(response["Location"]).content.decode()


def _transfers_section(client) -> str:
    return client.get("/").content.decode().split('id="h-transfers"')[1].split("</section>")[0]


def test_a_persons_own_transfer_is_on_the_home_page_and_a_hidden_ones_is_not(
    caseworker, client_for
):
    camp = f.FacilityFactory(name="Camp", city="Suzak", country="KG")
    osh = f.FacilityFactory(name="SIZO-5", city="Osh", country="KG")
    moved = timezone.localdate() - timedelta(days=1)
    client = client_for(caseworker)
    for name, confidentiality in (("Dilshod Shown", "normal"), ("Hidden Moved", "restricted")):
        person = f.PersonFactory(name=name, confidentiality=confidentiality)
        old = f.DetentionFactory(person=person, facility=camp, started_on=date(2024, 6, 1))
        detention_transfer(detention=old, to_facility=osh, moved_on=moved, by=caseworker)
    section = _transfers_section(client)
    assert "Dilshod Shown" in section and "Camp, Suzak" in section and "SIZO-5, Osh" in section
    assert "Hidden Moved" not in section


def test_a_transfer_older_than_the_window_is_not_on_the_home_page(caseworker, client_for):
    person = f.PersonFactory(name="Long Ago Moved")
    old = f.DetentionFactory(person=person, started_on=date(2020, 1, 1))
    detention_transfer(
        detention=old,
        to_facility=f.FacilityFactory(),
        moved_on=timezone.localdate() - timedelta(days=TRANSFER_WINDOW_DAYS + 1),
    )
    assert "Long Ago Moved" not in _transfers_section(client_for(caseworker))


def test_a_group_event_in_the_future_is_refused(caseworker, client_for):
    response = client_for(caseworker).post(
        reverse("casework:group-log"),
        {
            "new_group_name": "Later",
            "kind": "transferred",
            "occurred_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert "occurred_on" in response.context["form"].errors
    assert not m.Group.objects.exists() and not m.GroupEvent.objects.exists()


def test_a_member_not_yet_in_haven_is_created_and_joins_the_group(caseworker, client_for):
    group = f.GroupFactory()
    client = client_for(caseworker)
    found = client.post(
        reverse("casework:person-search"), {"q": "Nodir Newman", "group": str(group.pk)}
    ).content.decode()
    assert "Nobody found" in found and reverse("casework:person-new") in found
    start = client.post(
        reverse("casework:person-new"), {"start": "1", "group": str(group.pk), "q": "Nodir Newman"}
    )
    assert start.context["names"].forms[0].initial["full_name"] == "Nodir Newman"
    assert not m.Person.objects.exists()
    data = _person_post(group=str(group.pk))
    data.update(
        {"names-0-full_name": "Nodir Newman", "names-1-full_name": "", "names-1-script": ""}
    )
    response = client.post(reverse("casework:person-new"), data)
    assert response["Location"] == reverse("casework:group", args=[group.pk])
    assert [p.primary_name for p in group.members.all()] == ["Nodir Newman"]


# --- proceedings ------------------------------------------------------------------------------


def test_a_court_decision_in_the_future_and_a_country_name_are_refused(lawyer, client_for):
    person = f.PersonFactory()
    extradition = f.ExtraditionRequestFactory(person=person)
    response = client_for(lawyer).post(
        reverse("casework:proceeding-new", args=[person.pk, "appeal"]),
        {
            "target": f"extradition_request:{extradition.pk}",
            "court": "Moscow City Court",
            "court_level": "regional",
            "country": "Russia",
            "outcome": "rejected",
            "decided_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    errors = response.context["form"].errors
    assert "country" in errors and "decided_on" in errors
    assert not m.Appeal.objects.exists()


def test_making_another_name_primary_demotes_the_old_one(caseworker, client_for):
    person = f.PersonFactory(name="Old Primary")
    old = person.names.get()
    other = m.PersonName.objects.create(person=person, full_name="Новое Имя", script="cyrillic")
    data = _person_post(
        **{
            "names-TOTAL_FORMS": "2",
            "names-INITIAL_FORMS": "2",
            "names-0-id": str(old.pk),
            "names-0-full_name": "Old Primary",
            "names-0-script": "",
            "names-0-is_primary": "",
            "names-1-id": str(other.pk),
            "names-1-full_name": "Новое Имя",
            "names-1-script": "cyrillic",
            "names-1-is_primary": "on",
            "citizenship": "UZ",
        }
    )
    response = client_for(caseworker).post(reverse("casework:person-edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.primary_name == "Новое Имя"
    assert list(person.names.filter(is_primary=True)) == [other]


def test_the_person_form_speaks_russian(caseworker, client_for):
    client = client_for(caseworker)
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("casework:person-new")).content.decode()
    assert "Имена во всех написаниях" in page


def test_a_restricted_person_created_without_the_creator_goes_back_to_the_list(
    caseworker, client_for
):
    response = client_for(caseworker).post(
        reverse("casework:person-new"), _person_post(confidentiality="restricted")
    )
    assert response["Location"] == reverse("casework:persons")
    assert m.Person.objects.get().is_restricted
