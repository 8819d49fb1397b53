"""PostgreSQL drops the worker's connection in the middle of a task (a failover, a restart, an
idle-connection killer): the task fails with OperationalError, is retried with backoff
(`autoretry_for`, `retry_backoff` in engine/tasks.py), the Django fixup gives the retry a new
connection, and the work completes once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks.loaddata import make_persons
from casework.models import Person
from engine.models import Deadline
from engine.tasks import sweep_task
from tests.conftest import wait_for
from tests.factories import AsylumClaimFactory, PersonFactory

from .conftest import (
    BOUND,
    assert_alerts_raised_once,
    assert_engine_settled,
    assert_no_duplicate_live_deadlines,
    backends_waiting_on_a_lock,
    person_locked,
    succeeded,
    terminate_backend,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def retried(worker) -> bool:
    return "OperationalError" in worker.log.read_text(errors="replace") and "Retry in" in (
        worker.log.read_text(errors="replace")
    )


def test_a_recompute_whose_connection_is_cut_is_retried_and_completes(shipped_rules, workers):
    today = timezone.localdate()
    worker = workers("a")
    person = PersonFactory()
    with person_locked(person.pk) as conn:
        AsylumClaimFactory(
            person=person,
            country="RU",
            decision="refused",
            decided_on=today - timedelta(days=3),
            notified_on=today - timedelta(days=3),
        )
        (pid,) = wait_for(lambda: backends_waiting_on_a_lock(conn), timeout=BOUND)
        terminate_backend(conn, pid)
        wait_for(lambda: retried(worker), timeout=BOUND)

    wait_for(lambda: Deadline.objects.filter(person=person).exists(), timeout=BOUND)
    assert_no_duplicate_live_deadlines()
    assert_engine_settled(today)


def test_a_sweep_whose_connection_is_cut_is_retried_and_completes(shipped_rules, workers):
    today = timezone.localdate()
    make_persons(600)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    worker = workers("a")
    with person_locked(ids[550]) as conn:
        sweep_task.delay()
        (pid,) = wait_for(lambda: backends_waiting_on_a_lock(conn), timeout=BOUND)
        terminate_backend(conn, pid)
        wait_for(lambda: retried(worker), timeout=BOUND)

    wait_for(lambda: succeeded(worker, "engine.tasks.sweep_task"), timeout=BOUND)
    assert Deadline.objects.filter(person_id__in=ids[500:]).exists()  # past the cut batch
    assert_no_duplicate_live_deadlines()
    assert_alerts_raised_once()
    assert_engine_settled(today)
