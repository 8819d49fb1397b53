"""Files no row refers to are set aside after a day and removed after thirty more; files of
documents and packs are never touched; a deleted person's packs take their files along."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents import services
from documents.storage import ORPHANS, documents_orphans_sweep
from tests import factories as f

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def age(path, days: float) -> None:
    moment = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))


def files_in(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def stored(documents_root):
    lawyer = f.UserFactory(username="orphanlw", roles=["lawyer"])
    person = f.PersonFactory(assigned_lawyer=lawyer)
    document = services.document_upload(
        person=person, upload=services.Upload("a.pdf", PDF_BYTES), kind="letter", by=lawyer
    )
    from evidence import services as evidence

    pack = evidence.evidence_pack_build(
        pack=evidence.evidence_pack_request(person=person, body="cat", language="en", by=lawyer)
    )
    old_orphan = documents_root / "0123old.bin"
    old_orphan.write_bytes(b"left by a process that died")
    stale_pack = documents_root / "packs" / "dead.partial"
    stale_pack.write_bytes(b"half a pack")
    new_orphan = documents_root / "0123new.bin.partial"
    new_orphan.write_bytes(b"an upload in progress")
    for path in (document.path, pack.path("pdf"), pack.path("zip"), old_orphan, stale_pack):
        age(path, 3)
    return {"person": person, "document": document, "pack": pack}


def test_only_old_files_no_row_refers_to_are_set_aside(stored, documents_root):
    kept = [stored["document"].path, stored["pack"].path("pdf"), stored["pack"].path("zip")]

    result = documents_orphans_sweep(now=timezone.now())

    assert sorted(result.set_aside) == ["0123old.bin", "packs/dead.partial"]
    assert result.too_recent == 1 and result.removed == []
    assert all(path.exists() for path in kept)
    assert services.document_bytes(stored["document"]) == PDF_BYTES
    assert (documents_root / "0123new.bin.partial").exists()
    assert sorted(os.listdir(documents_root / ORPHANS)) == ["0123old.bin", "packs__dead.partial"]

    # Thirty days later (the set-aside files' time is the day they were set aside).
    later = documents_orphans_sweep(now=timezone.now() + timedelta(days=31))
    assert sorted(later.removed) == ["0123old.bin", "packs__dead.partial"]
    # The upload that was in progress is, by now, a file no row ever named: set aside in turn.
    assert later.set_aside == ["0123new.bin.partial"]
    assert os.listdir(documents_root / ORPHANS) == ["0123new.bin.partial"]
    assert all(path.exists() for path in kept)


def test_a_dry_run_changes_nothing_and_the_command_says_what_it_would_do(stored, documents_root):
    before = files_in(documents_root)
    out = io.StringIO()

    call_command("documents_orphans", "--dry-run", stdout=out)

    assert files_in(documents_root) == before
    assert "orphan: 0123old.bin" in out.getvalue()
    assert "2 files no row refers to would be set aside" in out.getvalue()


def test_deleting_a_person_removes_their_packs_files_once_committed(
    stored, django_capture_on_commit_callbacks
):
    pack = stored["pack"]
    paths = [pack.path("pdf"), pack.path("zip"), stored["document"].path]

    with django_capture_on_commit_callbacks(execute=True):
        stored["person"].delete()

    assert not any(path.exists() for path in paths)
