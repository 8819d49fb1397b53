"""Persons over the API: created with their names in any script, found by any spelling of
any name, and every change kept in the history with the user who made it."""

from __future__ import annotations

import pytest

from casework import models as m
from tests import factories as f

from .conftest import detail_url, list_url, patch, post

# Invented persons. The first is known in Cyrillic only; the API must find him by the Latin
# spellings partners send.
RUSTAM_CYRILLIC = "Абдуллаев Рустам Каримович"


@pytest.fixture
def rustam(db):
    return f.PersonFactory(name=RUSTAM_CYRILLIC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["Abdullaev", "Abdullayev", "Абдуллаев", "Abdullayev Rustam Karimovich", "rustam abdullaev"],
)
def test_the_name_search_finds_the_person_by_any_spelling(client_for, caseworker, rustam, query):
    f.PersonFactory(name="Doston Ergashev")  # someone else, not to be found

    response = client_for(caseworker).get(list_url("persons"), {"q": query})

    assert [row["id"] for row in response.json()["results"]] == [str(rustam.pk)]


@pytest.mark.django_db
def test_the_name_search_does_not_find_a_hidden_person(client_for, caseworker, lawyer):
    f.PersonFactory(name=RUSTAM_CYRILLIC, confidentiality="restricted", assigned_lawyer=lawyer)

    assert client_for(caseworker).get(list_url("persons"), {"q": "Abdullaev"}).json()["count"] == 0
    assert client_for(lawyer).get(list_url("persons"), {"q": "Abdullaev"}).json()["count"] == 1


@pytest.mark.django_db
def test_a_person_is_created_with_names_in_several_scripts(client_for, caseworker):
    response = post(
        client_for(caseworker),
        list_url("persons"),
        {
            "names": [
                {"full_name": "Ergashev Doston"},
                {"full_name": "Эргашев Достон", "is_primary": True},
            ],
            "born_on": "1979-01-01",
            "born_on_precision": "year",
            "citizenship": "UZ",
            "status": "detained",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["primary_name"] == "Эргашев Достон"
    assert body["case_number"].startswith("HV-")
    scripts = {n["full_name"]: (n["script"], n["is_primary"]) for n in body["names"]}
    assert scripts == {
        "Эргашев Достон": ("cyrillic", True),
        "Ergashev Doston": ("latin", False),
    }


@pytest.mark.django_db
def test_two_primary_names_at_creation_are_refused_and_nothing_is_written(client_for, caseworker):
    response = post(
        client_for(caseworker),
        list_url("persons"),
        {
            "names": [
                {"full_name": "A B", "is_primary": True},
                {"full_name": "C D", "is_primary": True},
            ]
        },
    )

    assert response.status_code == 400
    assert "names" in response.json()
    assert not m.Person.objects.exists() and not m.PersonName.objects.exists()


@pytest.mark.django_db
def test_history_records_the_user_who_created_a_person_through_the_api(client_for, caseworker):
    response = post(client_for(caseworker), list_url("persons"), {"names": [{"full_name": "A B"}]})

    person = m.Person.objects.get(pk=response.json()["id"])
    assert person.history.get().history_user == caseworker
    assert person.names.get().history.get().history_user == caseworker


@pytest.mark.django_db
def test_history_records_the_user_and_the_before_and_after_of_a_change(client_for, lawyer):
    appeal = f.AppealFactory()

    response = patch(
        client_for(lawyer),
        detail_url("appeals", appeal.pk),
        {"outcome": "rejected", "decided_on": "2011-03-15"},
    )

    assert response.status_code == 200, response.content
    latest, previous = appeal.history.all()[:2]
    assert latest.history_user == lawyer
    assert (previous.outcome, latest.outcome) == ("pending", "rejected")
    assert {c.field for c in latest.diff_against(previous).changes} == {"outcome", "decided_on"}


@pytest.mark.django_db
def test_a_new_primary_name_demotes_the_old_one(client_for, caseworker, rustam):
    response = post(
        client_for(caseworker),
        list_url("person-names"),
        {"person": str(rustam.pk), "full_name": "Abdullayev Rustam", "is_primary": True},
    )

    assert response.status_code == 201, response.content
    assert list(rustam.names.filter(is_primary=True).values_list("full_name", flat=True)) == [
        "Abdullayev Rustam"
    ]
    rustam.refresh_from_db()
    assert rustam.primary_name == "Abdullayev Rustam"


@pytest.mark.django_db
def test_deleting_the_primary_name_promotes_another(client_for, admin_user, rustam):
    other = m.PersonName.objects.create(person=rustam, full_name="Abdullaev Rustam")
    primary = rustam.names.get(is_primary=True)

    response = client_for(admin_user).delete(detail_url("person-names", primary.pk))

    assert response.status_code == 204
    other.refresh_from_db()
    rustam.refresh_from_db()
    assert other.is_primary and rustam.primary_name == "Abdullaev Rustam"


@pytest.mark.django_db
def test_a_name_cannot_be_moved_to_another_person(client_for, caseworker, rustam):
    name = rustam.names.get()
    response = patch(
        client_for(caseworker),
        detail_url("person-names", name.pk),
        {"person": str(f.PersonFactory().pk)},
    )
    assert response.status_code == 400
    assert "person" in response.json()


@pytest.mark.django_db
def test_persons_are_filtered_by_status_confidentiality_and_assigned_staff(
    client_for, admin_user, lawyer
):
    mine = f.PersonFactory(status="detained", assigned_lawyer=lawyer, confidentiality="restricted")
    f.PersonFactory(status="returned")
    client = client_for(admin_user)

    def ids(**params):
        return [row["id"] for row in client.get(list_url("persons"), params).json()["results"]]

    assert ids(status="detained") == [str(mine.pk)]
    assert ids(confidentiality="restricted") == [str(mine.pk)]
    assert ids(assigned_lawyer=lawyer.pk) == [str(mine.pk)]
    assert len(ids()) == 2


@pytest.mark.django_db
def test_assigned_staff_must_hold_a_staff_role(client_for, admin_user, outsider):
    response = post(
        client_for(admin_user),
        list_url("persons"),
        {"names": [{"full_name": "A B"}], "assigned_caseworker": outsider.pk},
    )
    assert response.status_code == 400
    assert "assigned_caseworker" in response.json()
