"""How casework (and advocacy) wake the engine: after a fact is saved or deleted, on commit,
the person's deadlines are recomputed by a task. Connected in EngineConfig.ready(), so that
casework knows nothing of the engine.

A lost event is not a lost deadline: the nightly run recomputes everyone. So a broker that is
down must not break the caseworker's save: it is logged and the nightly run catches up.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

log = logging.getLogger(__name__)

# Facts with a `person` column.
DIRECT_FACTS = (
    "Detention",
    "WelfareCheck",
    "ExtraditionRequest",
    "AsylumClaim",
    "RemovalOrder",
    "Appeal",
    "InterimMeasure",
    "Return",
    "Relationship",
    "GroupMembership",
)
# Facts that reach their person through a parent: (model, parent model, parent field).
INDIRECT_FACTS = (
    ("Reaffirmation", "InterimMeasure", "measure_id"),
    ("Hearing", "Appeal", "appeal_id"),
    ("PostReturnReport", "Return", "return_record_id"),
)


# Facts of one person that are evidence for others' risk (relatives detained or returned,
# members of the same group, a state that returned people despite interim measures).
AFFECTS_OTHERS = ("Detention", "InterimMeasure", "Return", "Relationship", "GroupMembership")


def enqueue_person(person_id) -> None:
    if person_id is None:
        return
    transaction.on_commit(partial(_send_recompute, str(person_id)))


def enqueue_affected(person_id) -> None:
    if person_id is None:
        return
    transaction.on_commit(partial(_send_affected, str(person_id)))


def _send_affected(person_id: str) -> None:
    from .tasks import recompute_affected_task

    try:
        recompute_affected_task.delay(person_id)
    except Exception:  # noqa: BLE001 - the sweep is the safety net
        log.exception("engine: could not enqueue a recompute of others; the sweep will catch up")


def _send_recompute(person_id: str) -> None:
    from .tasks import recompute_person_task

    try:
        recompute_person_task.delay(person_id)
    except Exception:  # noqa: BLE001 - the sweep is the safety net; never fail the save
        log.exception("engine: could not enqueue a recompute; the sweep will catch up")


def _imported(sender, person_ids=(), **kwargs):
    """An import wrote persons, names, memberships and filled fields by bulk writes, which send
    no save signal; the import says so once, on commit. Recompute them in batches."""
    ids = [str(pk) for pk in person_ids]
    for start in range(0, len(ids), IMPORT_CHUNK):
        _send_persons(ids[start : start + IMPORT_CHUNK])


IMPORT_CHUNK = 2000


def _send_persons(person_ids: list[str]) -> None:
    from .tasks import recompute_persons_task

    try:
        recompute_persons_task.delay(person_ids)
    except Exception:  # noqa: BLE001 - the sweep is the safety net
        log.exception("engine: could not enqueue an import's recompute; the sweep will catch up")


def _direct(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the demo loader recomputes afterwards
        return
    enqueue_person(instance.person_id)
    if sender.__name__ in AFFECTS_OTHERS:
        enqueue_affected(instance.person_id)
    if sender.__name__ == "Relationship":
        enqueue_person(instance.relative_id)


def _person_deleted(sender, instance, **kwargs):
    """A deleted (or merged) person's agenda row goes with it (it has no foreign key)."""
    from .models import PersonAgenda

    PersonAgenda.objects.filter(person_id=instance.pk).delete()


def _group_event(sender, instance, raw=False, **kwargs):
    """A group's transfer, return or threat changes the risk of every member."""
    if raw:
        return
    for person_id in instance.group.memberships.values_list("person_id", flat=True):
        enqueue_person(person_id)


def _indirect(parent_model, parent_field):
    def handler(sender, instance, raw=False, **kwargs):
        if raw:
            return
        parent_id = getattr(instance, parent_field)
        person_id = (
            parent_model.objects.filter(pk=parent_id).values_list("person_id", flat=True).first()
        )
        enqueue_person(person_id)

    return handler


# What an admin edited -> why its persons are recomputed (engine.RecomputeReason).
_RULE_REASONS = {
    "Rule": "rule",
    "CalendarAdjustment": "calendar",
    "RiskSignal": "signal",
    "RiskThreshold": "threshold",
}
# A signal's fields that decide where it fires (or whether it counts at all): a change of
# any reaches persons it did not reach before, so everyone is recomputed.
_SIGNAL_FIRING = ("code", "window_days", "enabled")


def _remember_stored(sender, instance, raw=False, **kwargs):
    """Before an edit, what the row was: the persons a calendar day or a signal reached
    before the edit are affected too."""
    if raw or instance.pk is None:
        return
    instance._haven_stored = sender.objects.filter(pk=instance.pk).first()


# Inside `one_recompute_for_all()`: the (reason, detail) of the first change seen, else None.
_batched: ContextVar[list | None] = ContextVar("engine_batched_rule_changes", default=None)


def _rules_changed(sender, instance, raw=False, **kwargs):
    """A rule, a calendar's day, a signal or a threshold can change deadlines or risk,
    including of persons the agenda would not wake for months: recompute, now, the persons
    the edit can affect (everyone where that cannot be told), in chunks spread over the
    workers, with progress in the admin (engine.RecomputeRun). Inside
    `one_recompute_for_all()` the edits are collected and one run follows them."""
    if raw:
        return
    name = sender.__name__
    stored = getattr(instance, "_haven_stored", None)
    edit: dict = {}
    if name == "Rule":
        edit = {"rule": instance.pk}
    elif name == "CalendarAdjustment":
        days = {(instance.calendar, str(instance.day))}
        if stored is not None:
            days.add((stored.calendar, str(stored.day)))
        edit = {"calendar_days": sorted([code, day] for code, day in days)}
    elif name == "RiskSignal" and kwargs.get("signal") is post_save and stored is not None:
        if all(getattr(stored, f) == getattr(instance, f) for f in _SIGNAL_FIRING):
            edit = {"signal": instance.code}
    reason = _RULE_REASONS.get(name, "requested")
    batch = _batched.get()
    if batch is not None:
        batch.append((reason, str(instance), edit))
        return
    enqueue_recompute_edit(reason, str(instance), edit)


@contextmanager
def one_recompute_for_all(*, enqueue: bool = True):
    """Many rule rows written at once (engine.lawbook.sync): one recompute at the end, not one
    per row — of the persons the one edit affects, or of everyone after several (none with
    enqueue=False: the tests' restore after a flush)."""
    batch: list = []
    token = _batched.set(batch)
    try:
        yield batch
    finally:
        _batched.reset(token)
    if batch and enqueue:
        reason, detail, edit = batch[0]
        if len(batch) > 1:
            detail, edit = f"{len(batch)} rules", {}
        enqueue_recompute_edit(reason, detail, edit)


def enqueue_recompute_edit(reason: str, detail: str, edit: dict) -> None:
    transaction.on_commit(partial(_send_recompute_edit, reason, detail[:200], edit))


def _send_recompute_edit(reason: str, detail: str, edit: dict) -> None:
    from .tasks import recompute_edit_task

    try:
        recompute_edit_task.delay(reason, detail, edit)
    except Exception:  # noqa: BLE001 - the nightly run is the safety net
        log.exception("engine: could not enqueue the recompute of an edit; the nightly run will")


def _urgent_action_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for person_id in instance.persons.values_list("pk", flat=True):
        enqueue_person(person_id)


def _urgent_action_persons_changed(sender, instance, action, pk_set, model, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if model._meta.label == "casework.Person":  # instance is the urgent action
        ids = pk_set or (
            instance.persons.values_list("pk", flat=True) if action == "pre_clear" else ()
        )
        for person_id in ids:
            enqueue_person(person_id)
    else:  # instance is the person
        enqueue_person(instance.pk)


def connect() -> None:
    for name in DIRECT_FACTS:
        model = apps.get_model("casework", name)
        uid = f"engine.recompute.{name}"
        post_save.connect(_direct, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_direct, sender=model, dispatch_uid=uid + ".delete")
    for name, parent, parent_field in INDIRECT_FACTS:
        model = apps.get_model("casework", name)
        handler = _indirect(apps.get_model("casework", parent), parent_field)
        uid = f"engine.recompute.{name}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ".save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ".delete")
    post_delete.connect(
        _person_deleted, sender=apps.get_model("casework", "Person"), dispatch_uid="engine.agenda"
    )
    group_event = apps.get_model("casework", "GroupEvent")
    post_save.connect(_group_event, sender=group_event, dispatch_uid="engine.groupevent.save")
    post_delete.connect(_group_event, sender=group_event, dispatch_uid="engine.groupevent.del")
    for name in (
        "Rule",
        "CalendarAdjustment",
        "RiskSignal",
        "RiskThreshold",
        "RiskCap",
        "SuspensiveEffect",
    ):
        model = apps.get_model("engine", name)
        pre_save.connect(_remember_stored, sender=model, dispatch_uid=f"engine.sweep.{name}.pre")
        post_save.connect(_rules_changed, sender=model, dispatch_uid=f"engine.sweep.{name}.save")
        post_delete.connect(_rules_changed, sender=model, dispatch_uid=f"engine.sweep.{name}.del")

    from casework.importing import import_committed, import_undone

    import_committed.connect(_imported, dispatch_uid="engine.import.committed")
    import_undone.connect(_imported, dispatch_uid="engine.import.undone")

    from .selectors import urgent_action_model

    ua = urgent_action_model()
    if ua is not None:
        post_save.connect(_urgent_action_saved, sender=ua, dispatch_uid="engine.ua.save")
        # pre_delete: after the delete its persons are gone, and with them whom to wake.
        pre_delete.connect(_urgent_action_saved, sender=ua, dispatch_uid="engine.ua.delete")
        m2m_changed.connect(
            _urgent_action_persons_changed,
            sender=ua.persons.through,
            dispatch_uid="engine.ua.persons",
        )
