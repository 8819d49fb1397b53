"""Thin tasks: load by id, call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .models import EvidencePack, PackStatus


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=5)
def build_pack_task(pack_id: str) -> None:
    from .services import evidence_pack_build

    pack = EvidencePack.objects.filter(pk=pack_id).first()
    if pack is None or pack.status == PackStatus.DONE:
        return
    try:
        evidence_pack_build(pack=pack)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        # Written on the row for the progress bar (the type only: a message may hold data).
        EvidencePack.objects.filter(pk=pack_id).update(
            status=PackStatus.FAILED, error=type(exc).__name__
        )
        raise


@shared_task(acks_late=True)
def rule39_alerts_task() -> int:
    from .services import rule39_alerts_raise

    return rule39_alerts_raise(now=timezone.now())
