"""Thin tasks: primitive arguments, load, call one service. Safe to retry and to run twice:
the services are idempotent, and acks_late means a task whose worker died comes back."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import alerts, selectors, services
from .models import RecomputeReason

_RETRY = dict(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)

# Persons locked per transaction by the tasks that recompute many (a run's chunks, the sweeps,
# an import's, the others a fact affects). A saved fact's recompute waits for the batch that
# holds its person's row, so a batch is kept to well under a second of a worker's work (about
# 0.4 s on a free core). Measured with the latency benchmark, a batch of 500 held a person for
# 40 s in a nice-10 worker on a saturated machine. Costs about 5% more CPU than 500 (each
# batch's queries are a fixed number).
LOCKED_BATCH = 200


@shared_task(**_RETRY)
def recompute_person_task(person_id: str) -> int:
    return services.person_recompute(person_id=person_id, today=timezone.localdate()).changes


@shared_task(**_RETRY)
def recompute_affected_task(person_id: str) -> int:
    """Others whose risk this person's facts are evidence for (relatives, groups, the state
    that returned them). Too many: a sweep instead."""
    ids = selectors.affected_person_ids(person_id)
    if ids is None:
        services.recompute_run_start(reason=RecomputeReason.REQUESTED, detail="many affected")
        return 0
    return services.persons_recompute(
        person_ids=ids, today=timezone.localdate(), batch_size=LOCKED_BATCH
    ).changes


@shared_task(**_RETRY)
def recompute_persons_task(person_ids: list[str]) -> int:
    """Several persons at once (an import's): batches like the sweep's, not one task each."""
    return services.persons_recompute(
        person_ids=person_ids, today=timezone.localdate(), batch_size=LOCKED_BATCH
    ).changes


@shared_task(**_RETRY)
def sweep_task(batch_size: int = LOCKED_BATCH) -> int:
    """Everyone, in this one task (the fault tests' "next sweep"; runs spread it out)."""
    return services.sweep(today=timezone.localdate(), batch_size=batch_size).changes


@shared_task(**_RETRY)
def agenda_sweep_task(batch_size: int = LOCKED_BATCH) -> int:
    """Beat's periodic sweep: the persons whose next moment has come."""
    return services.agenda_sweep(today=timezone.localdate(), batch_size=batch_size).changes


@shared_task(**_RETRY)
def recompute_run_task(reason: str, detail: str = "") -> int:
    """Start a recompute of everyone, cut into chunk tasks (a rule changed, the nightly net).
    Run twice, the second run supersedes the first: everyone is recomputed, once more."""
    return services.recompute_run_start(reason=reason, detail=detail).pk


@shared_task(**_RETRY)
def recompute_edit_task(reason: str, detail: str, edit: dict) -> int:
    """Start a run of the persons an admin's edit affects (engine.services.recompute_edit).
    Run twice, two runs recompute them: the second changes nothing."""
    return services.recompute_edit(reason=reason, detail=detail, edit=edit).pk


@shared_task(**_RETRY)
def recompute_chunk_task(chunk_id: int) -> int:
    return services.recompute_chunk(
        chunk_id=chunk_id, today=timezone.localdate(), batch_size=LOCKED_BATCH
    ).changes


@shared_task(**_RETRY)
def alert_outbox_task() -> int:
    return alerts.alerts_outbox_drain()


@shared_task(**_RETRY)
def digests_task() -> int:
    return alerts.digests_send_due()
