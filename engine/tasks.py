"""Thin tasks: primitive arguments, load, call one service. Safe to retry and to run twice:
the services are idempotent, and acks_late means a task whose worker died comes back."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services

_RETRY = dict(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)


@shared_task(**_RETRY)
def recompute_person_task(person_id: str) -> int:
    return services.person_recompute(person_id=person_id, today=timezone.localdate()).changes


@shared_task(**_RETRY)
def sweep_task() -> int:
    return services.sweep(today=timezone.localdate()).changes
