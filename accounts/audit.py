"""Record reads of restricted records. Call it from every view, endpoint, export and feed
that shows casework records: it writes one row per restricted record read, in one query."""

from __future__ import annotations

from collections.abc import Iterable

from casework.access import PERSON_PATH


def _person_of(obj):
    path = PERSON_PATH.get(type(obj).__name__, "person")
    target = obj
    for part in filter(None, path.split("__")):
        target = getattr(target, part)
    return target


def record_read(*, user, objects: Iterable, channel: str, path: str = "") -> int:
    """Log each object whose person is restricted. Returns how many rows were written."""
    from .models import ReadAudit

    rows = []
    for obj in objects:
        person = _person_of(obj)
        if person.confidentiality == "restricted":
            rows.append(
                ReadAudit(
                    user=user,
                    person_id=person.pk,
                    record_type=type(obj).__name__,
                    record_id=obj.pk,
                    channel=channel,
                    path=path[:300],
                )
            )
    if rows:
        ReadAudit.objects.bulk_create(rows)
    return len(rows)
