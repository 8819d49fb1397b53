"""Celery tasks for imports: thin, by id, one service each (progress lives on the batch)."""

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

    from .import_models import ImportBatch
    from .importing import ImportRefused, import_commit

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if batch is None or user is None:
        return
    try:
        import_commit(batch=batch, by=user)
    except ImportRefused as exc:
        ImportBatch.objects.filter(pk=batch_id).update(error=str(exc)[:2000])
