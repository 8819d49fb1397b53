"""A document is checked from its content, stored encrypted, opened only with its key, and
leaves nothing behind when its upload fails; deleting it keeps a history row of who did."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from documents import content, crypto, services
from documents.models import Document, FactKind
from tests import factories as f

from .conftest import PDF_BYTES, png_bytes

pytestmark = pytest.mark.django_db

SECRET_TEXT = b"Decision of the Prosecutor General on the extradition of Testmurod Karimov"
PDF_WITH_TEXT = PDF_BYTES.replace(b"trailer", b"%" + SECRET_TEXT + b"\ntrailer")


def upload(person, data=PDF_WITH_TEXT, name="decision.pdf", **kwargs):
    return services.document_upload(
        person=person,
        upload=services.Upload(name, data),
        kind=kwargs.pop("kind", "court_decision"),
        by=kwargs.pop("by", None),
        **kwargs,
    )


def files_in(root) -> list:
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_bytes_on_disk_are_not_the_plaintext_and_read_back_whole(documents_root):
    document = upload(f.PersonFactory())

    stored = document.path.read_bytes()
    assert SECRET_TEXT not in stored
    assert b"%PDF" not in stored
    assert document.path.parent == documents_root
    assert services.document_bytes(document) == PDF_WITH_TEXT
    assert document.content_type == "application/pdf" and document.size == len(PDF_WITH_TEXT)


def test_a_wrong_documents_key_fails_loudly_instead_of_reading_garbage(settings):
    document = upload(f.PersonFactory())
    settings.DOCUMENTS_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()

    with pytest.raises(crypto.DocumentKeyError, match="HAVEN_DOCUMENTS_KEY"):
        services.document_bytes(document)


def test_a_missing_documents_key_is_a_sentence_saying_how_to_make_one(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DOCUMENTS_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="HAVEN_DOCUMENTS_KEY is not set"):
        upload(f.PersonFactory())


def test_an_altered_file_on_disk_does_not_read_back(documents_root):
    document = upload(f.PersonFactory(), data=PDF_WITH_TEXT * 1)
    raw = bytearray(document.path.read_bytes())
    raw[-5] ^= 1
    document.path.write_bytes(bytes(raw))

    with pytest.raises(crypto.DocumentCorrupted):
        services.document_bytes(document)


def test_a_wrapped_key_moved_to_another_row_does_not_open_it():
    person = f.PersonFactory()
    first, second = upload(person), upload(person)
    Document.objects.filter(pk=second.pk).update(wrapped_key=first.wrapped_key)
    second.refresh_from_db()

    with pytest.raises(crypto.DocumentKeyError):
        services.document_bytes(second)


def test_a_file_claiming_to_be_a_pdf_that_is_not_is_refused_and_nothing_is_stored(
    documents_root,
):
    with pytest.raises(ValidationError) as refused:
        upload(f.PersonFactory(), data=b"MZ\x90\x00 this is a program", name="decision.pdf")

    assert refused.value.message_dict["file"] == [
        "The file is called a PDF, but its content is not one."
    ]
    assert not Document.objects.exists()
    assert files_in(documents_root) == []


def test_an_image_named_as_a_pdf_is_refused_with_what_it_really_is():
    with pytest.raises(ValidationError, match="called a PDF, but its content is a PNG"):
        upload(f.PersonFactory(), data=png_bytes(), name="scan.pdf")


def test_images_and_office_documents_are_recognised_from_their_content():
    import io
    import zipfile

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert content.detect(png_bytes()) == "image/png"
    assert content.detect(docx.getvalue()).endswith("wordprocessingml.document")
    assert content.detect(PDF_BYTES) == "application/pdf"
    assert content.detect(b"just some text") is None


def test_an_unknown_kind_of_file_and_an_oversized_one_are_refused(settings):
    with pytest.raises(ValidationError, match="not accepted"):
        upload(f.PersonFactory(), data=b"plain text notes", name="notes.txt")
    settings.DOCUMENTS_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="at most"):
        upload(f.PersonFactory())


def test_nothing_is_left_on_disk_when_the_row_cannot_be_written(documents_root):
    person = f.PersonFactory()
    with (
        mock.patch.object(Document, "save", side_effect=RuntimeError("database went away")),
        pytest.raises(RuntimeError),
    ):
        upload(person)

    assert files_in(documents_root) == []
    assert not Document.objects.exists()


def test_a_fact_of_another_person_is_refused():
    person, other = f.PersonFactory(), f.PersonFactory()
    appeal = f.AppealFactory(person=other)

    with pytest.raises(ValidationError, match="not one of this person"):
        upload(person, fact_kind=FactKind.APPEAL, fact_id=appeal.pk)


def test_deleting_keeps_a_history_row_of_who_deleted_it_and_removes_the_file(
    django_capture_on_commit_callbacks,
):
    lawyer = f.UserFactory(username="deleter", roles=["lawyer"])
    document = upload(f.PersonFactory(), by=lawyer)
    path, document_id = document.path, document.pk

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, by=lawyer)

    assert not Document.objects.exists()
    deleted = Document.history.get(id=document_id, history_type="-")
    assert deleted.history_user == lawyer and deleted.filename == "decision.pdf"
    assert not path.exists()


def test_nothing_is_left_on_disk_when_writing_the_encrypted_file_fails_half_way(documents_root):
    def disk_full(source, target, aead, *, size):
        target.write(b"x" * 100)  # some bytes reached the disk before it filled
        raise OSError(28, "No space left on device")

    with (
        mock.patch.object(crypto, "seal_chunks", side_effect=disk_full),
        pytest.raises(OSError, match="No space"),
    ):
        upload(f.PersonFactory())

    assert files_in(documents_root) == []
    assert not Document.objects.exists()


def test_a_document_is_stored_outside_the_public_media_folder(settings, documents_root):
    document = upload(f.PersonFactory())
    media = settings.MEDIA_ROOT

    assert not str(document.path.resolve()).startswith(str(media.resolve()))
    assert documents_root.name in document.path.parts
