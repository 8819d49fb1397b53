"""Merging two records of one human into one.

`person_merge` moves everything that points at the merged person to the kept one. It does
not list the models it moves: it walks `Person._meta.related_objects`, so a fact, a deadline
(engine) or an urgent-action link (advocacy) added by any app tomorrow moves too. A row that
cannot move because the kept person already has its twin (a unique constraint: the same
group membership, the same name) or because it would point the person at themselves (a
relationship between the two) is dropped, and the drop is listed on the `PersonMerge`.
"""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .access import can_see_person, person_visibility_q
from .bulk import insert
from .import_models import DuplicateDismissal, DuplicatePair, DuplicateScan, ScanStatus
from .models import Person, PersonMerge, PersonName

log = logging.getLogger(__name__)

# Fields of the merged person copied to the kept one when the kept one has no value.
FILLABLE_FIELDS = (
    "born_on",
    "sex",
    "citizenship",
    "ethnicity",
    "languages",
    "unhcr_number",
    "alleged_affiliation",
    "country_of_origin",
    "description",
    "assigned_caseworker",
    "assigned_lawyer",
)
_EMPTY = (None, "", "unknown")


class MergeRefused(ValidationError):
    pass


@contextmanager
def acting_as(user):
    """History rows written inside this block name `user` (services run outside requests,
    where simple_history's middleware would have named the request's user)."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    if previous is not None and getattr(previous.user, "pk", None) == getattr(user, "pk", None):
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


def _relations():
    """(model, field) for every foreign key and many-to-many pointing at Person."""
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            if not through._meta.auto_created:
                continue  # the through model's own foreign key is walked on its own
            source = next(
                f
                for f in through._meta.fields
                if f.is_relation and f.related_model is Person and f.name != "id"
            )
            yield through, source
        else:
            yield rel.related_model, rel.field


def _check(keep: Person, merge: Person, by) -> None:
    if keep.pk == merge.pk:
        raise MergeRefused(_("A person cannot be merged with themselves."))
    if not (can_see_person(by, keep) and can_see_person(by, merge)):
        raise PermissionDenied(_("You may not see one of these persons."))
    if by is None or not by.has_perm("casework.change_person"):
        raise PermissionDenied(_("Merging persons needs the right to change persons."))
    if keep.unhcr_number and merge.unhcr_number and keep.unhcr_number != merge.unhcr_number:
        raise MergeRefused(
            _(
                "%(a)s and %(b)s have different UNHCR numbers: one person has one number. "
                "Correct the wrong number before merging."
            )
            % {"a": keep.case_number, "b": merge.case_number}
        )
    for model, field in _relations():
        if field.one_to_one:
            both = model._default_manager.filter(**{f"{field.name}__in": [keep.pk, merge.pk]})
            if both.count() > 1:
                raise MergeRefused(
                    _(
                        "Both persons have a %(what)s: keep one, correct or delete the other, "
                        "then merge."
                    )
                    % {"what": model._meta.verbose_name}
                )


def person_merge(*, keep: Person, merge: Person, by) -> PersonMerge:
    """Fold `merge` into `keep`: every fact, relationship, membership, deadline and link moves
    to `keep`; every name is kept (as non-primary); empty fields of `keep` are filled from
    `merge`; `merge` is deleted; the merge is recorded (history and a PersonMerge)."""
    with transaction.atomic(), acting_as(by):
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        merge = Person.objects.select_for_update().get(pk=merge.pk)
        _check(keep, merge, by)
        moved: Counter = Counter()
        dropped: list[dict] = []

        # Names first, as non-primary, so the kept person's primary name stays primary.
        PersonName.objects.filter(person=merge, is_primary=True).update(is_primary=False)
        for model, field in _relations():
            label = model._meta.label
            rows = list(model._default_manager.filter(**{field.name: merge.pk}))
            for row in rows:
                setattr(row, field.attname, keep.pk)
                try:
                    with transaction.atomic():
                        row.save()
                    moved[label] += 1
                except (IntegrityError, ValidationError):
                    # The kept person already has this row (or it would relate them to
                    # themselves): the merged copy goes, and the merge record says so.
                    with transaction.atomic():
                        model._default_manager.filter(pk=row.pk).delete()
                    dropped.append({"model": label, "id": str(row.pk)})

        filled = []
        unhcr = merge.unhcr_number
        for name in FILLABLE_FIELDS:
            field = Person._meta.get_field(name)
            attname = field.attname
            if getattr(keep, attname) in _EMPTY and getattr(merge, attname) not in _EMPTY:
                setattr(keep, attname, getattr(merge, attname))
                if name == "born_on":
                    keep.born_on_precision = merge.born_on_precision
                filled.append(name)
        record = PersonMerge.objects.create(
            kept=keep,
            kept_case_number=keep.case_number,
            merged_case_number=merge.case_number,
            merged_person_id=merge.pk,
            by=by,
            moved=dict(moved),
            dropped=dropped,
            filled=filled,
        )
        merge._change_reason = f"merged into {keep.case_number}"
        merge.delete()
        if "unhcr_number" in filled:
            keep.unhcr_number = unhcr  # free only now that the merged row is gone
        keep._change_reason = f"merged {record.merged_case_number} into this record"
        # Saving the kept person wakes whoever recomputes deadlines and risk on a change.
        keep.save()
    return record


def relation_counts(person: Person) -> dict[str, int]:
    """How many rows of each related model point at `person` (for the merge page)."""
    counts = {}
    for model, field in _relations():
        n = model._default_manager.filter(**{field.name: person.pk}).count()
        if n:
            counts[str(model._meta.verbose_name_plural)] = n
    return counts


def duplicate_candidates(*, threshold: float | None = None, on_progress=None) -> list[tuple]:
    """Likely duplicate pairs among all persons, best first, without pairs someone already
    judged to be different people: (score, person_a id, person_b id, reasons), ids as
    text, a < b. The whole record is compared (blocked, see matching.py): tens of seconds
    at 100,000 persons, so only `duplicates_compute` calls this, in a task.
    `on_progress(done, total)` follows the comparison."""
    from identity.matching import POSSIBLE

    from .importing import load_index

    index, _people = load_index()
    dismissed = {
        (str(a), str(b))
        for a, b in DuplicateDismissal.objects.values_list("person_a_id", "person_b_id")
    }
    found = []
    pairs = index.pairs(
        threshold=POSSIBLE if threshold is None else threshold, on_progress=on_progress
    )
    for a, b, match in pairs:
        pair = tuple(sorted((a.key, b.key), key=str))
        if pair in dismissed:
            continue
        found.append((match.score, pair[0], pair[1], match.reasons))
    found.sort(key=lambda item: -item[0])
    return found


# The best this many pairs are stored: no one works through more, and storing the ~120,000
# pairs that 100,000 persons give (most of them "possible", not "same person") cost the
# scan a fifth of its time. `DuplicateScan.pair_count` says how many were found.
MAX_STORED_PAIRS = 20_000


def duplicate_scan() -> DuplicateScan:
    """The state of the stored duplicate list (created on first use)."""
    return DuplicateScan.objects.get_or_create(pk=1)[0]


def _stale_before():
    return timezone.now() - timedelta(seconds=DuplicateScan.STALE_AFTER_SECONDS)


def duplicates_refresh(*, by) -> DuplicateScan:
    """Ask for the duplicate list to be computed again, now, in a task; a no-op while a scan
    is queued or running (unless that scan went stale with a dead worker)."""

    duplicate_scan()
    now = timezone.now()
    claimed = (
        DuplicateScan.objects.filter(pk=1)
        .filter(
            ~Q(status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING])
            | Q(heartbeat_at__lt=_stale_before())
        )
        .update(
            status=ScanStatus.QUEUED,
            requested_at=now,
            requested_by=by,
            heartbeat_at=now,
            progress_done=0,
            error="",
        )
    )
    if claimed:
        transaction.on_commit(_send_duplicates_compute)
    return DuplicateScan.objects.get(pk=1)


QUEUE_UNREACHABLE = gettext_lazy(
    "The list could not be sent to the worker: the task queue cannot be reached (%(error)s). "
    "Check that Redis answers (REDIS_URL) or that the folder var/broker/ can be written; the "
    "hourly computation will run once it can."
)


def _send_duplicates_compute() -> None:
    """Publish the scan; when the queue cannot be reached, the scan says why (the page and the
    API show it) instead of the request failing with a 500."""
    from config.celery import ensure_broker_folders

    from .tasks import duplicates_compute_task

    try:
        ensure_broker_folders()
        duplicates_compute_task.delay()
    except Exception as exc:  # noqa: BLE001 - any broker failure: say it, don't crash the page
        log.exception("duplicates: could not enqueue the scan")
        DuplicateScan.objects.filter(pk=1).update(
            status=ScanStatus.FAILED,
            error=str(QUEUE_UNREACHABLE % {"error": type(exc).__name__})[:500],
        )


def duplicates_compute() -> bool:
    """Compare the whole record and replace the stored pairs; False if another worker is
    computing them. Pairs of persons merged or deleted meanwhile are left out."""
    duplicate_scan()
    scan = DuplicateScan.objects.filter(pk=1)
    now = timezone.now()
    claimed = scan.filter(
        ~Q(status=ScanStatus.RUNNING) | Q(heartbeat_at__lt=_stale_before())
    ).update(status=ScanStatus.RUNNING, started_at=now, heartbeat_at=now, progress_done=0)
    if not claimed:
        return False

    def progress(done: int, total: int) -> None:
        # Reading the record is the first tenth; comparing the blocks the rest.
        scan.update(progress_done=10 + int(90 * done / total), heartbeat_at=timezone.now())

    try:
        found = duplicate_candidates(on_progress=progress)
        pair_count = len(found)
        found = found[:MAX_STORED_PAIRS]
        ids = {pk for _s, a, b, _r in found for pk in (a, b)}
        for attempt in (1, 2):
            try:
                _store_pairs(found, ids)
                break
            except IntegrityError:
                # A person was merged away between reading who is there and the insert
                # (the foreign key is checked at commit): read again, once.
                if attempt == 2:
                    raise
        scan.update(
            status=ScanStatus.DONE,
            computed_at=timezone.now(),
            heartbeat_at=timezone.now(),
            progress_done=100,
            pair_count=pair_count,
            error="",
        )
    except Exception as exc:
        scan.update(status=ScanStatus.FAILED, error=type(exc).__name__)
        raise
    return True


def _store_pairs(found: list[tuple], ids: set) -> None:
    """Replace the stored pairs with `found`, leaving out persons no longer there. On
    PostgreSQL the living are asked with one array parameter (an IN list of 30,000 ids took
    seconds to bind and plan) and the pairs are sent by COPY as plain rows (making 20,000
    model instances cost more than sending them)."""
    import json

    from django.db import connection

    from .bulk import _can_copy, copy_rows

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id::text FROM casework_person WHERE id = ANY(%s::uuid[])",
                    [sorted(str(pk) for pk in ids)],
                )
                alive = {row[0] for row in cursor.fetchall()}
        else:
            alive = {
                str(pk) for pk in Person.objects.filter(pk__in=ids).values_list("pk", flat=True)
            }
        DuplicatePair.objects.all().delete()
        kept = [
            (a, b, score, reasons) for score, a, b, reasons in found if a in alive and b in alive
        ]
        if _can_copy():
            columns = [DuplicatePair._meta.get_field(f).column for f in
                       ("person_a", "person_b", "score", "reasons")]  # fmt: skip
            copy_rows(
                DuplicatePair._meta.db_table,
                columns,
                [[a, b, score, json.dumps(reasons)] for a, b, score, reasons in kept],
            )
            return
        insert(
            DuplicatePair,
            [
                DuplicatePair(person_a_id=a, person_b_id=b, score=score, reasons=reasons)
                for a, b, score, reasons in kept
            ],
        )


def duplicate_pairs(*, user, limit: int = 200) -> list[DuplicatePair]:
    """The stored likely duplicates that `user` may see, best first, in one query: both
    persons visible to the user, and no pair judged since to be different people."""
    judged = DuplicateDismissal.objects.filter(
        person_a=OuterRef("person_a"), person_b=OuterRef("person_b")
    )
    return list(
        DuplicatePair.objects.filter(
            person_visibility_q(user, "person_a") & person_visibility_q(user, "person_b")
        )
        .exclude(Exists(judged))
        .select_related("person_a", "person_b")
        .order_by("-score", "id")[:limit]
    )


def duplicate_dismiss(*, a: Person, b: Person, by):
    """Record that `a` and `b` are different people, so the pair is not proposed again."""
    if not (can_see_person(by, a) and can_see_person(by, b)):
        raise PermissionDenied(_("You may not see one of these persons."))
    first, second = sorted((a, b), key=lambda p: str(p.pk))
    DuplicatePair.objects.filter(person_a=first, person_b=second).delete()
    return DuplicateDismissal.objects.get_or_create(
        person_a=first, person_b=second, defaults={"by": by}
    )[0]


__all__ = [
    "person_merge",
    "MergeRefused",
    "acting_as",
    "relation_counts",
    "duplicate_candidates",
    "duplicate_dismiss",
    "duplicate_pairs",
    "duplicate_scan",
    "duplicates_compute",
    "duplicates_refresh",
]
