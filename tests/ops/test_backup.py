"""A backup round-trips every row and every history record, and refuses what it must."""

import io
import json

import pytest
from django.core import management, serializers
from django.core.management.base import CommandError

from casework.models import Consent, Person, PersonName
from documents.models import Document
from documents.services import Upload, document_bytes, document_delete, document_upload
from ops.backup import _models_backed_up
from tests.factories import (
    AppealFactory,
    DetentionFactory,
    InterimMeasureFactory,
    PersonFactory,
    UserFactory,
)

PASSPHRASE = "correct horse battery staple"


def snapshot() -> dict[str, list]:
    """Every row of every backed-up table, serialised with natural keys, sorted."""
    out = {}
    for model in _models_backed_up():
        rows = serializers.serialize(
            "json",
            model._default_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        out[model._meta.label] = sorted(json.dumps(r, sort_keys=True) for r in json.loads(rows))
    return out


def history_moments() -> list:
    """Every history record's moment, to the microsecond (the JSON snapshot above keeps only
    milliseconds, so it alone would not see a restore that rounds them)."""
    moments = []
    for model in _models_backed_up():
        if model.__name__.startswith("Historical") and any(
            f.name == "history_date" for f in model._meta.fields
        ):
            moments += [
                (model.__name__, d) for d in model.objects.values_list("history_date", flat=True)
            ]
    return sorted(moments)


def make_record(user):
    person = PersonFactory(name="Testmurod Karimov")
    PersonName.objects.create(person=person, full_name="Тестмурод Каримов")
    person.consent_to_be_named = Consent.NO
    person._history_user = user
    person.save()
    DetentionFactory(person=person)
    AppealFactory(person=person)
    InterimMeasureFactory(person=person)


PDF = b"%PDF-1.4\n%Testmurod Karimov's decision\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_backup_round_trips_every_row_and_history_record(tmp_path, monkeypatch, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    (tmp_path / "media" / "letters").mkdir(parents=True)
    (tmp_path / "media" / "letters" / "a.pdf").write_bytes(b"%PDF-1.7 letter")
    user = UserFactory(username="keeper", roles=["admin"])
    make_record(user)
    kept = document_upload(
        person=Person.objects.get(), upload=Upload("decision.pdf", PDF), kind="other", by=user
    )
    gone = document_upload(
        person=Person.objects.get(), upload=Upload("old.pdf", PDF), kind="other", by=user
    )
    document_delete(document=gone, by=user)  # its history row is backed up, its file is not
    before = snapshot()
    moments = history_moments()
    assert any(label.startswith("casework.Historical") and rows for label, rows in before.items())
    archive = tmp_path / "haven.havenbak"
    monkeypatch.setenv("HAVEN_BACKUP_PASSPHRASE", PASSPHRASE)
    management.call_command("backup_export", str(archive), stdout=io.StringIO())
    assert b"Testmurod" not in archive.read_bytes()  # encrypted, not merely packed

    management.call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "letters" / "a.pdf").unlink()
    stored = kept.path.read_bytes()
    kept.path.unlink()
    assert not Person.objects.exists()
    management.call_command("backup_restore", str(archive), stdout=io.StringIO())

    assert snapshot() == before
    assert history_moments() == moments
    assert (tmp_path / "media" / "letters" / "a.pdf").read_bytes() == b"%PDF-1.7 letter"
    restored = Document.objects.get()
    assert restored.path.read_bytes() == stored  # as stored: still encrypted
    assert document_bytes(restored) == PDF
    assert Document.history.filter(history_type="-", history_user__username="keeper").count() == 1


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("HAVEN_BACKUP_PASSPHRASE", PASSPHRASE)
    make_record(UserFactory(username="keeper2"))
    archive = tmp_path / "b.havenbak"
    management.call_command("backup_export", str(archive), stdout=io.StringIO())
    count = Person.objects.count()
    with pytest.raises(CommandError, match="needs an empty database"):
        management.call_command("backup_restore", str(archive), stdout=io.StringIO())
    assert Person.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_wrong_passphrase_and_tampering_are_refused_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("HAVEN_BACKUP_PASSPHRASE", PASSPHRASE)
    make_record(UserFactory(username="keeper3"))
    archive = tmp_path / "c.havenbak"
    management.call_command("backup_export", str(archive), stdout=io.StringIO())
    management.call_command("flush", interactive=False, verbosity=0)

    monkeypatch.setenv("HAVEN_BACKUP_PASSPHRASE", "another passphrase entirely")
    with pytest.raises(CommandError, match="wrong passphrase"):
        management.call_command("backup_restore", str(archive), stdout=io.StringIO())

    monkeypatch.setenv("HAVEN_BACKUP_PASSPHRASE", PASSPHRASE)
    truncated = tmp_path / "t.havenbak"
    truncated.write_bytes(archive.read_bytes()[:-20])
    with pytest.raises(CommandError):
        management.call_command("backup_restore", str(truncated), stdout=io.StringIO())
    assert not Person.objects.exists()


def test_export_without_a_passphrase_says_what_to_do(tmp_path, monkeypatch, db):
    monkeypatch.delenv("HAVEN_BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="HAVEN_BACKUP_PASSPHRASE"):
        management.call_command("backup_export", str(tmp_path / "x.havenbak"))
    assert not (tmp_path / "x.havenbak").exists()
