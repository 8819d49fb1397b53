"""Merging two records of one person carries the merged one's documents and packs over: they
move to the kept person, still open under their keys, and stay attached to their facts."""

from __future__ import annotations

import pytest

from casework.merge import person_merge
from documents import services
from documents.models import Document, FactKind
from tests import factories as f

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_documents_to_the_kept_person_and_they_still_open(
    django_capture_on_commit_callbacks,
):
    lawyer = f.UserFactory(username="merger", roles=["lawyer", "admin"])
    keep, merge = f.PersonFactory(), f.PersonFactory()
    appeal = f.AppealFactory(person=merge)
    kept_document = services.document_upload(
        person=keep, upload=services.Upload("a.pdf", PDF_BYTES), kind="letter", by=lawyer
    )
    moved = services.document_upload(
        person=merge,
        upload=services.Upload("b.pdf", PDF_BYTES),
        kind="court_decision",
        by=lawyer,
        fact_kind=FactKind.APPEAL,
        fact_id=appeal.pk,
    )
    path = moved.path

    with django_capture_on_commit_callbacks(execute=True):
        record = person_merge(keep=keep, merge=merge, by=lawyer)

    assert record.moved.get("documents.Document") == 1
    assert set(keep.documents.values_list("pk", flat=True)) == {kept_document.pk, moved.pk}
    moved = Document.objects.get(pk=moved.pk)
    assert moved.fact == appeal and appeal.__class__.objects.get(pk=appeal.pk).person_id == keep.pk
    assert path.exists() and services.document_bytes(moved) == PDF_BYTES
