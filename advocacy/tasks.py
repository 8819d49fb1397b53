"""Thin tasks: load by id, call one service."""

from __future__ import annotations

from celery import shared_task

from .models import BatchStatus, Letter, LetterBatch, UrgentAction

# Backoff for a failed e-mail: 30 s, 60 s, 120 s, ... at most 10 minutes, five tries.
SEND_RETRY_BASE = 30
SEND_MAX_RETRIES = 5


@shared_task(acks_late=True)
def generate_letters_task(ua_id: str, batch_id: str | None = None) -> None:
    """Idempotent: a redelivered or repeated run skips every letter already current."""
    from .services import letters_generate

    ua = UrgentAction.objects.filter(pk=ua_id).first()
    if ua is None:
        return
    batch = LetterBatch.objects.filter(pk=batch_id).first() if batch_id else None
    if batch is not None and batch.status == BatchStatus.DONE:
        return
    from casework.consent import ConsentError

    from .letters import TemplateError

    try:
        letters_generate(ua=ua, batch=batch)
    except (ConsentError, TemplateError):
        return  # a refusal, written on the batch row: retrying would refuse again
    except Exception as exc:
        if batch is not None:
            LetterBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, error=type(exc).__name__
            )
        raise


@shared_task(bind=True, acks_late=True, max_retries=SEND_MAX_RETRIES)
def send_letter_task(self, letter_id: str) -> None:
    from .services import LetterSendError, letter_send

    letter = (
        Letter.objects.select_related("authority", "urgent_action").filter(pk=letter_id).first()
    )
    if letter is None or letter.status in ("sent", "answered"):
        return
    try:
        letter_send(letter=letter)
    except LetterSendError as exc:
        countdown = min(SEND_RETRY_BASE * 2**self.request.retries, 600)
        raise self.retry(exc=exc, countdown=countdown) from exc
