"""Import, duplicate and export pages and endpoints: who may use them, and what they show."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.import_models import BatchStatus, ImportBatch
from casework.merge import duplicates_compute
from casework.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.imports.helpers import csv_bytes, mapping

pytestmark = pytest.mark.django_db


def upload(rows, name="list.csv"):
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


def test_a_caseworker_uploads_previews_and_commits_through_the_pages(client_for, caseworker):
    client = client_for(caseworker)
    m = mapping()
    response = client.post(
        reverse("imports:list"),
        {
            "file": upload([["Xurshid Tursunov", "1978", "", "UZ"]]),
            "mapping": m.pk,
            "group_name": "Osh",
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "imports:detail", args=[batch.pk]
    )
    page = client.get(response.url)
    assert "Xurshid Tursunov" in page.content.decode() and page.status_code == 200
    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and Person.objects.count() == 1
    client.post(reverse("imports:undo", args=[batch.pk]))
    assert Person.objects.count() == 0


def test_a_bad_file_shows_the_error_and_writes_nothing(client_for, caseworker):
    client = client_for(caseworker)
    response = client.post(
        reverse("imports:list"),
        {
            "file": SimpleUploadedFile("x.csv", "ФИО\nАбдуллаев".encode("cp1251")),
            "mapping": mapping().pk,
        },
        follow=True,
    )
    assert "Windows-1251" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["lawyer", "coordinator", "outsider"])
def test_only_caseworkers_and_admins_may_import(client_for, request, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.get(reverse("imports:list"))
    assert response.status_code in (302, 403)
    api = client.get(reverse("imports:api_batches"))
    assert api.status_code in (302, 403)


def test_the_import_list_page_takes_a_fixed_number_of_queries(
    client_for, caseworker, django_assert_max_num_queries
):
    client = client_for(caseworker)
    for _ in range(3):
        ImportBatch.objects.create(created_by=caseworker, checksum="0" * 64)
    client.get(reverse("imports:list"))  # warm the session and permission caches
    # session, user, roles, permissions, batches (+uploader, group), mappings, groups
    with django_assert_max_num_queries(12):
        client.get(reverse("imports:list"))


def test_preview_says_only_that_a_restricted_match_exists(client_for, caseworker):
    other = UserFactory(username="cw2", roles=["caseworker"])
    hidden = PersonFactory(
        name="Абдуллаев Рустам",
        born_on=date(1980, 1, 1),
        unhcr_number="UNHCR-9",
        confidentiality="restricted",
        assigned_caseworker=other,
    )
    client = client_for(caseworker)
    response = client.post(
        reverse("imports:api_batches"),
        {
            "file": upload([["Rustam Abdullayev", "1980", "UNHCR-9", "UZ"]]),
            "mapping": mapping().pk,
        },
    )
    assert response.status_code == 201
    detail = client.get(reverse("imports:api_batch", args=[response.json()["id"]])).json()
    row = detail["rows"][0]
    assert row["candidate"] is None and row["score"] is None and row["changes"] == {}
    assert row["reasons"] == ["matches a record you cannot see — ask an admin"]
    page = client.get(reverse("imports:detail", args=[response.json()["id"]])).content.decode()
    assert "matches a record you cannot see — ask an admin" in page
    commit = client.post(reverse("imports:api_commit", args=[response.json()["id"]]))
    assert commit.status_code == 409 and "cannot see" in commit.json()["detail"]
    for text in (str(detail), page, commit.content.decode()):
        # No case number, no name, no reason saying what the hidden record holds.
        assert hidden.case_number not in text and "Абдуллаев" not in text
        assert "same UNHCR number" not in text and "same date of birth" not in text


def test_duplicates_list_only_visible_persons_and_merge_through_the_api(client_for, caseworker):
    other = UserFactory(username="cw2", roles=["caseworker"])
    a = PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 1, 1))
    b = PersonFactory(name="Rustam Abdullayev", born_on=date(1980, 1, 1))
    PersonFactory(name="Rustam Abdullaev", confidentiality="restricted", assigned_caseworker=other)
    duplicates_compute()
    client = client_for(caseworker)
    pairs = client.get(reverse("imports:api_duplicates")).json()["pairs"]
    assert len(pairs) == 1
    assert {pairs[0]["a"]["id"], pairs[0]["b"]["id"]} == {str(a.pk), str(b.pk)}
    page = client.get(reverse("imports:duplicates"))
    assert page.status_code == 200 and a.case_number in page.content.decode()
    merged = client.post(reverse("imports:api_merge"), {"keep": str(a.pk), "merge": str(b.pk)})
    assert merged.status_code == 200
    assert Person.objects.filter(pk=b.pk).exists() is False


def test_export_view_applies_consent_when_public(client_for, caseworker):
    PersonFactory(
        name="Abdullaev Rustam", consent_to_be_named="no", description="an ethnic Uzbek man"
    )
    client = client_for(caseworker)
    public = client.get(reverse("imports:export_persons") + "?public=1")
    assert public["Content-Type"].startswith("text/csv")
    assert "Abdullaev" not in public.content.decode()
    internal = client.get(reverse("imports:export_persons"))
    assert "Abdullaev" in internal.content.decode()
