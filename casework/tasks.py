"""Celery tasks for imports and the duplicate list: thin, by id, one service each (progress
lives on the batch, or on the DuplicateScan row)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def import_match_task(batch_id: str) -> None:
    from .import_models import ImportBatch
    from .importing import import_match

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        import_match(batch=batch)


@shared_task(acks_late=True)
def import_commit_task(batch_id: str, user_id: int) -> None:
    from django.contrib.auth import get_user_model

    from .import_models import BatchStatus, ImportBatch
    from .importing import ImportRefused, import_commit

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if batch is None or user is None:
        return
    try:
        import_commit(batch=batch, by=user)
    except ImportRefused as exc:
        # Only a batch still waiting shows why: a redelivered task finding the batch
        # committed already must not write "cannot be committed now" on it.
        ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PREVIEWED).update(
            error=str(exc)[:2000]
        )


@shared_task(acks_late=True)
def duplicates_compute_task() -> None:
    """Recompute the stored list of likely duplicates (beat, or the page's refresh button)."""
    from .merge import duplicates_compute

    duplicates_compute()
