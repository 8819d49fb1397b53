"""Every way to a document, for every role, through the real gate: the person's documents
page, the download, the documents of a fact, the API (list, detail, content) and the admin.
A restricted person's documents are seen only by the assigned caseworker and lawyer and by
admins, and each such read is in the read audit; an account without a role gets nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ReadAudit
from accounts.testing import login_with_second_factor
from casework import models as m
from documents import services
from documents.models import FactKind
from tests import factories as f

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

ALLOWED_TO_RESTRICTED = {"assigned caseworker", "assigned lawyer", "admin"}


@pytest.fixture
def world(caseworker, lawyer, coordinator, admin_user, outsider):
    assigned_cw = f.UserFactory(username="acw", roles=["caseworker"], is_staff=True)
    assigned_lw = f.UserFactory(username="alw", roles=["lawyer"], is_staff=True)
    for user in (caseworker, lawyer, coordinator):
        user.is_staff = True  # let the admin itself answer, so that the gate is what refuses
        user.save()
    restricted = f.PersonFactory(
        name="Zafarbek Qodirov",
        confidentiality=m.Confidentiality.RESTRICTED,
        assigned_caseworker=assigned_cw,
        assigned_lawyer=assigned_lw,
    )
    normal = f.PersonFactory(name="Visible Testperson")
    docs = {}
    for label, person in (("normal", normal), ("restricted", restricted)):
        appeal = f.AppealFactory(person=person)
        docs[label] = services.document_upload(
            person=person,
            upload=services.Upload(f"{label}.pdf", PDF_BYTES),
            kind="court_decision",
            by=None,
            fact_kind=FactKind.APPEAL,
            fact_id=appeal.pk,
        )
    users = {
        "caseworker": caseworker,
        "lawyer": lawyer,
        "coordinator": coordinator,
        "admin": admin_user,
        "assigned caseworker": assigned_cw,
        "assigned lawyer": assigned_lw,
    }
    return {"docs": docs, "users": users, "outsider": outsider}


def ways(document) -> dict[str, str]:
    return {
        "list page": reverse("documents:person", args=[document.person_id]),
        "download": reverse("documents:download", args=[document.pk]),
        "fact": reverse("documents:fact", args=[document.fact_kind, document.fact_id]),
        "api detail": f"/api/documents/{document.pk}/",
        "api content": f"/api/documents/{document.pk}/content/",
        "admin": reverse("admin:documents_document_change", args=[document.pk]),
        "admin history": reverse("admin:documents_document_history", args=[document.pk]),
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "who",
    ["caseworker", "lawyer", "coordinator", "admin", "assigned caseworker", "assigned lawyer"],
)
@pytest.mark.parametrize("which", ["normal", "restricted"])
def test_each_role_reaches_a_document_exactly_when_it_may_see_the_person(world, who, which):
    document = world["docs"][which]
    user = world["users"][who]
    client = login_with_second_factor(Client(), user)
    allowed = which == "normal" or who in ALLOWED_TO_RESTRICTED

    for way, url in ways(document).items():
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, f"{who} {way} {which}: {response.status_code}"
        elif way == "admin":
            # The admin answers an object outside its queryset with a redirect to its index.
            assert response.status_code == 302 and response.headers["Location"] == "/admin/"
        else:
            assert response.status_code == 404, f"{who} {way} {which}: {response.status_code}"
            assert b"Qodirov" not in body(response) and b"restricted.pdf" not in body(response)
        if allowed and way in ("download", "api content"):
            assert body(response) == PDF_BYTES

    audited = ReadAudit.objects.filter(user=user, record_type="Document", record_id=document.pk)
    if which == "restricted" and allowed:
        assert set(audited.values_list("channel", flat=True)) >= {"download", "api", "admin"}
    else:
        assert not audited.exists()


@pytest.mark.parametrize("who", ["caseworker", "lawyer", "coordinator"])
def test_lists_leave_out_the_restricted_persons_documents_for_unassigned_staff(world, who):
    client = login_with_second_factor(Client(), world["users"][who])
    restricted = world["docs"]["restricted"]

    api = client.get("/api/documents/").json()
    assert [row["id"] for row in api["results"]] == [str(world["docs"]["normal"].pk)]
    assert api["count"] == 1
    filtered = client.get(f"/api/documents/?person={restricted.person_id}")
    assert str(restricted.pk) not in filtered.content.decode()
    admin_list = client.get(reverse("admin:documents_document_changelist"))
    assert str(restricted.pk) not in admin_list.content.decode()


@pytest.mark.parametrize("who", ["assigned lawyer", "admin"])
def test_assigned_staff_and_admins_find_the_restricted_document_in_lists(world, who):
    client = login_with_second_factor(Client(), world["users"][who])
    restricted = world["docs"]["restricted"]

    ids = [row["id"] for row in client.get("/api/documents/").json()["results"]]
    assert str(restricted.pk) in ids
    assert ReadAudit.objects.filter(record_id=restricted.pk, channel="api").exists()


def test_an_account_without_a_role_is_refused_everywhere(world):
    client = login_with_second_factor(Client(), world["outsider"])
    for document in world["docs"].values():
        for way, url in ways(document).items():
            response = client.get(url)
            assert response.status_code in (302, 403), f"{way}: {response.status_code}"
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/admin/login/")
    assert client.get("/api/documents/").status_code == 403


def test_a_coordinator_may_read_documents_but_not_upload_or_delete_them(world):
    client = login_with_second_factor(Client(), world["users"]["coordinator"])
    document = world["docs"]["normal"]

    assert client.post(reverse("documents:delete", args=[document.pk])).status_code == 403
    upload = client.post(
        "/api/documents/",
        {"person": str(document.person_id), "kind": "other", "file": _file()},
    )
    assert upload.status_code == 403


def test_an_unassigned_lawyer_cannot_delete_the_restricted_document(world):
    client = login_with_second_factor(Client(), world["users"]["lawyer"])
    document = world["docs"]["restricted"]

    assert client.post(reverse("documents:delete", args=[document.pk])).status_code == 404
    assert client.delete(f"/api/documents/{document.pk}/").status_code == 404
    assert document.path.exists()


def _file(name="decision.pdf", data=PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_lawyer_uploads_through_the_api_and_a_fake_pdf_is_a_400_with_the_reason(world):
    client = login_with_second_factor(Client(), world["users"]["lawyer"])
    person = world["docs"]["normal"].person

    good = client.post(
        "/api/documents/", {"person": str(person.pk), "kind": "court_decision", "file": _file()}
    )
    assert good.status_code == 201, good.content
    assert good.json()["content_type"] == "application/pdf"
    bad = client.post(
        "/api/documents/",
        {"person": str(person.pk), "kind": "court_decision", "file": _file(data=b"not a pdf")},
    )
    assert bad.status_code == 400
    assert bad.json() == {"file": ["The file is called a PDF, but its content is not one."]}


def test_a_caseworker_uploads_on_the_page_and_a_refused_file_shows_the_form_error(world):
    client = login_with_second_factor(Client(), world["users"]["caseworker"])
    person = world["docs"]["normal"].person
    url = reverse("documents:person", args=[person.pk])

    refused = client.post(url, {"kind": "other", "file": _file(data=b"<html>")})
    assert refused.status_code == 400
    assert "but its content is not one" in refused.content.decode()
    accepted = client.post(url, {"kind": "other", "file": _file()})
    assert accepted.status_code == 302
    assert person.documents.count() == 2


def test_the_restricted_persons_page_of_documents_is_audited_for_the_assigned_lawyer(world):
    user = world["users"]["assigned lawyer"]
    document = world["docs"]["restricted"]
    login_with_second_factor(Client(), user).get(ways(document)["list page"])

    assert ReadAudit.objects.filter(user=user, record_id=document.pk, channel="page").exists()


def test_the_api_list_costs_the_same_queries_for_one_document_or_ten(
    world, django_assert_num_queries
):
    user = world["users"]["admin"]
    client = login_with_second_factor(Client(), user)
    client.get("/api/documents/")  # warm the session and permission caches
    person = world["docs"]["normal"].person
    for i in range(9):
        services.document_upload(
            person=person, upload=services.Upload(f"{i}.pdf", PDF_BYTES), kind="other", by=None
        )
    # session, user, roles, count, the page of documents with their persons (the audit reads
    # the persons' confidentiality off the joined rows: no query of its own)
    with django_assert_num_queries(5):
        client.get("/api/documents/")


@pytest.mark.parametrize(
    ("who", "sees"),
    [("lawyer", False), ("caseworker", False), ("assigned caseworker", True), ("admin", True)],
)
def test_the_api_filtered_by_a_fact_finds_the_restricted_document_only_for_those_allowed(
    world, who, sees
):
    client = login_with_second_factor(Client(), world["users"][who])
    document = world["docs"]["restricted"]

    rows = client.get(
        f"/api/documents/?fact_kind={document.fact_kind}&fact_id={document.fact_id}"
    ).json()["results"]
    assert [row["id"] for row in rows] == ([str(document.pk)] if sees else [])


def test_a_document_deleted_in_the_admin_keeps_a_history_row_naming_who_deleted_it(
    world, django_capture_on_commit_callbacks
):
    admin = world["users"]["admin"]
    client = login_with_second_factor(Client(), admin)
    document = world["docs"]["restricted"]
    path = document.path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:documents_document_delete", args=[document.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    deleted = m.Person.objects.get(pk=document.person_id).documents.filter(pk=document.pk)
    assert not deleted.exists()
    row = services.Document.history.get(id=document.pk, history_type="-")
    assert row.history_user == admin
    assert not path.exists()  # removed once the deletion committed


def test_a_download_under_the_wrong_key_fails_loudly_and_sends_no_bytes(world, settings):
    import base64

    from documents.crypto import DocumentKeyError

    client = login_with_second_factor(Client(), world["users"]["admin"])
    client.raise_request_exception = True
    document = world["docs"]["normal"]
    settings.DOCUMENTS_KEY = base64.urlsafe_b64encode(b"w" * 32).decode()

    for url in (ways(document)["download"], ways(document)["api content"]):
        with pytest.raises(DocumentKeyError, match="stored under documents key"):
            client.get(url)
    assert not ReadAudit.objects.filter(record_id=document.pk, channel="download").exists()


def test_an_api_upload_refused_for_its_fact_leaves_no_file_and_no_row(world, documents_root):
    client = login_with_second_factor(Client(), world["users"]["admin"])
    normal, restricted = world["docs"]["normal"], world["docs"]["restricted"]
    before = sorted(p.name for p in documents_root.iterdir())

    refused = client.post(
        "/api/documents/",
        {
            "person": str(normal.person_id),
            "kind": "court_decision",
            "fact_kind": restricted.fact_kind,
            "fact_id": str(restricted.fact_id),  # another person's appeal
            "file": _file(),
        },
    )
    assert refused.status_code == 400
    assert refused.json() == {"fact_id": ["That fact is not one of this person's."]}
    assert sorted(p.name for p in documents_root.iterdir()) == before
    assert services.Document.objects.count() == 2
