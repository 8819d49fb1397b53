"""Writes of documents: upload (check, encrypt, store, record) and delete.

Nothing half-written: the encrypted file is written under a temporary name, renamed into
place inside the transaction that creates the row, and removed again if anything after it
fails; a refused or failed upload leaves no file and no row.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_read
from casework.access import can_see_person

from . import content, crypto
from .models import Document, fact_model


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    declared_type: str = ""


def _read(upload) -> Upload:
    """An UploadedFile (form or API) or an Upload as given."""
    if isinstance(upload, Upload):
        return upload
    data = b"".join(upload.chunks())
    return Upload(upload.name or "", data, getattr(upload, "content_type", "") or "")


def fact_of_person(*, person, fact_kind: str, fact_id) -> object:
    """The fact `fact_id` of kind `fact_kind`, which must be `person`'s; ValidationError if not."""
    model = fact_model(fact_kind)
    if model is None:
        raise ValidationError({"fact_kind": _("Choose what the document is attached to.")})
    from casework.access import PERSON_PATH

    path = PERSON_PATH.get(model.__name__, "person")
    fact = model._default_manager.filter(pk=fact_id, **{path: person}).first()
    if fact is None:
        raise ValidationError({"fact_id": _("That fact is not one of this person's.")})
    return fact


def document_upload(
    *,
    person,
    upload,
    kind: str,
    by,
    dated_on: date | None = None,
    language: str = "",
    description: str = "",
    fact_kind: str = "",
    fact_id=None,
    row_id: uuid.UUID | None = None,
) -> Document:
    """Check the file's content, encrypt it to DOCUMENTS_ROOT and record it. Raises
    ValidationError (with field messages) for a refused file or fact. `row_id` fixes the
    row's id (the demo's documents keep theirs across loads)."""
    upload = _read(upload)
    try:
        detected = content.check(
            upload.data,
            filename=upload.filename,
            declared_type=upload.declared_type,
            max_bytes=settings.DOCUMENTS_MAX_BYTES,
        )
    except content.ContentRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    if fact_kind or fact_id:
        fact_of_person(person=person, fact_kind=fact_kind, fact_id=fact_id)
    root = Path(settings.DOCUMENTS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    row_id = row_id or uuid.uuid4()
    storage_name = f"{uuid.uuid4().hex}.bin"
    final = root / storage_name
    partial = root / f"{storage_name}.partial"
    try:
        with open(partial, "wb") as out:
            sealed = crypto.encrypt_file(io.BytesIO(upload.data), out, row_id=row_id)
        with transaction.atomic():
            document = Document(
                id=row_id,
                person=person,
                fact_kind=fact_kind if fact_id else "",
                fact_id=fact_id or None,
                kind=kind,
                dated_on=dated_on,
                language=language,
                description=description,
                filename=Path(upload.filename).name[:200] or f"document{detected.extension}",
                content_type=detected.content_type,
                size=len(upload.data),
                storage_name=storage_name,
                wrapped_key=sealed.wrapped_key,
                key_id=sealed.key_id,
                uploaded_by=by,
            )
            document._history_user = by
            document.full_clean(exclude=["wrapped_key", "storage_name", "key_id"])
            document.save(force_insert=True)
            partial.replace(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    return document


def document_delete(*, document: Document, by) -> None:
    """Delete the row (its history keeps that it existed, and who deleted it) and, once that
    is committed, its encrypted file."""
    document._history_user = by
    with transaction.atomic():
        document.delete()  # documents.signals removes the file on commit


def document_read(*, document: Document, user, channel: str, path: str = ""):
    """The decrypted chunks of `document` for `user`, after the gate and the read audit.
    Raises PermissionError when the user may not see the document's person."""
    if not can_see_person(user, document.person):
        raise PermissionError
    chunks = crypto.decrypt_chunks(
        document.path,
        wrapped_key=document.wrapped_key,
        row_id=document.pk,
        stored_key_id=document.key_id,
    )
    record_read(user=user, objects=[document], channel=channel, path=path)
    return chunks


def document_bytes(document: Document) -> bytes:
    """The whole plaintext (for an evidence pack's ZIP); callers have passed the gate."""
    return b"".join(
        crypto.decrypt_chunks(
            document.path,
            wrapped_key=document.wrapped_key,
            row_id=document.pk,
            stored_key_id=document.key_id,
        )
    )


@dataclass
class RekeyResult:
    """What a rotation did: file keys re-wrapped, already under the current key, and the ids
    of rows under a key Haven does not hold (they stay as they were)."""

    rewrapped: int = 0
    current: int = 0
    unopened: list[str] = field(default_factory=list)

    def __iadd__(self, other: RekeyResult) -> RekeyResult:
        self.rewrapped += other.rewrapped
        self.current += other.current
        self.unopened += other.unopened
        return self


def rekey_rows(queryset, *, keys: dict[str, str], row_id=lambda pk, which: pk) -> RekeyResult:
    """Re-wrap, under the current documents key, the file keys held in `keys`' fields
    ({wrapped key field: label}) of each row of `queryset` not already under it. Each row is
    a compare-and-set on its key id, so two runs at once, or a run beside uploads, re-wrap a
    row once and never mix keys; running it again changes nothing."""
    current = crypto.key_id()
    result = RekeyResult()
    fields = list(keys)
    for pk, stored_key_id, *wrapped in queryset.values_list("pk", "key_id", *fields).iterator():
        if stored_key_id == current:
            result.current += 1
            continue
        try:
            sealed = {
                name: crypto.rewrap(
                    value, row_id=row_id(pk, keys[name]), stored_key_id=stored_key_id
                )
                for name, value in zip(fields, wrapped, strict=True)
                if value is not None
            }
        except crypto.DocumentKeyError:
            result.unopened.append(str(pk))
            continue
        updated = queryset.model._default_manager.filter(pk=pk, key_id=stored_key_id).update(
            key_id=current, **{name: s.wrapped_key for name, s in sealed.items()}
        )
        result.rewrapped += updated
    return result


def documents_rekey() -> RekeyResult:
    """Every document's file key under the current documents key (a key rotation)."""
    return rekey_rows(Document.objects.all(), keys={"wrapped_key": ""})
