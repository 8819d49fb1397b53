"""Rotating the documents key: `manage.py documents_rekey` re-wraps every file key (documents
and evidence packs) under the new key without touching the files; during the rotation files
under the old key still open; afterwards the old key can go; history rows keep no key."""

from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.management import CommandError, call_command

from documents import crypto, services
from documents.models import Document
from tests import factories as f

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def store(person, name="a.pdf"):
    return services.document_upload(
        person=person, upload=services.Upload(name, PDF_BYTES), kind="letter", by=None
    )


def rekey() -> str:
    out = io.StringIO()
    call_command("documents_rekey", stdout=out)
    return out.getvalue()


def test_a_rotation_rewraps_every_file_key_and_leaves_the_files_as_they_were(settings):
    person = f.PersonFactory()
    documents = [store(person, f"{i}.pdf") for i in range(3)]
    on_disk = {d.pk: d.path.read_bytes() for d in documents}
    old = settings.DOCUMENTS_KEY
    settings.DOCUMENTS_KEY, settings.DOCUMENTS_OLD_KEYS = new_key(), [old]

    # Mid-rotation: still readable through the old key.
    assert services.document_bytes(documents[0]) == PDF_BYTES
    assert "documents: 3 re-wrapped" in rekey()

    settings.DOCUMENTS_OLD_KEYS = []  # the old key is dropped once the rotation is done
    for document in Document.objects.all():
        assert document.key_id == crypto.key_id()
        assert document.path.read_bytes() == on_disk[document.pk]
        assert services.document_bytes(document) == PDF_BYTES
    assert "0 re-wrapped under key" in rekey() and "3 already under it" in rekey()


def test_without_the_old_key_nothing_is_rewrapped_and_the_command_says_which(settings):
    document = store(f.PersonFactory())
    before = bytes(document.wrapped_key)
    settings.DOCUMENTS_KEY = new_key()

    with pytest.raises(CommandError, match="neither HAVEN_DOCUMENTS_KEY nor in") as refused:
        rekey()
    assert str(document.pk) in str(refused.value)
    document.refresh_from_db()
    assert bytes(document.wrapped_key) == before


def test_an_evidence_packs_files_are_rewrapped_too(settings, tmp_path):
    from evidence import services as evidence
    from evidence.services import evidence_pack_chunks

    lawyer = f.UserFactory(username="rekeylw", roles=["lawyer"])
    person = f.PersonFactory(assigned_lawyer=lawyer)
    store(person)
    pack = evidence.evidence_pack_request(person=person, body="cat", language="en", by=lawyer)
    pack = evidence.evidence_pack_build(pack=pack)
    pdf = b"".join(evidence_pack_chunks(pack=pack, which="pdf"))
    settings.DOCUMENTS_KEY, settings.DOCUMENTS_OLD_KEYS = new_key(), [settings.DOCUMENTS_KEY]

    assert "evidence packs: 1 re-wrapped" in rekey()
    settings.DOCUMENTS_OLD_KEYS = []
    pack.refresh_from_db()
    assert b"".join(evidence_pack_chunks(pack=pack, which="pdf")) == pdf
    assert b"".join(evidence_pack_chunks(pack=pack, which="zip"))


def test_history_rows_keep_no_file_key():
    document = store(f.PersonFactory())

    row = Document.history.get(id=document.pk)
    assert not hasattr(row, "wrapped_key")
    assert row.key_id == document.key_id
