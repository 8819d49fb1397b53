"""Two workers (two processes each) and the sweep, all at once over the same persons, leave
exactly what one worker leaves: the same deadlines, risk assessments and alerts, nothing twice.

Why it holds: a recompute and each sweep batch hold the persons' row locks (SELECT ... FOR NO KEY
UPDATE), so two computations of one person run in turn, and the second finds nothing to do;
underneath, unique constraints (one live deadline per person, kind and fact; one current
assessment per person; one alert per event and recipient) refuse a duplicate whatever happens.
This is how Haven grows past one machine: `docker compose up --scale worker=N`."""

from __future__ import annotations

import pytest
from django.utils import timezone

from benchmarks.loaddata import make_persons
from casework.models import Person
from engine.models import Deadline, DeadlineStatus
from engine.tasks import recompute_person_task, sweep_task
from tests.conftest import wait_for

from .conftest import (
    BOUND,
    assert_alerts_raised_once,
    assert_engine_settled,
    assert_no_duplicate_live_deadlines,
    engine_output_clear,
    engine_snapshot,
    succeeded,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PERSONS = 150


def test_two_workers_and_the_sweep_at_once_compute_what_one_worker_does(shipped_rules, workers):
    today = timezone.localdate()
    make_persons(PERSONS, seed=7)
    ids = [str(pk) for pk in Person.objects.order_by("?").values_list("pk", flat=True)]

    first, second = workers("a", concurrency=2), workers("b", concurrency=2)
    # Every person twice, with two sweeps among them: four processes take these as they come.
    sweep_task.delay()
    for round_ in range(2):
        for i, person_id in enumerate(ids):
            recompute_person_task.delay(person_id)
            if round_ == 0 and i == len(ids) // 2:
                sweep_task.delay()

    def all_done() -> bool:
        recomputes = sum(
            succeeded(w, "engine.tasks.recompute_person_task") for w in (first, second)
        )
        sweeps = sum(succeeded(w, "engine.tasks.sweep_task") for w in (first, second))
        return recomputes == 2 * len(ids) and sweeps == 2

    wait_for(all_done, timeout=BOUND, interval=0.5)
    task = "engine.tasks.recompute_person_task"
    assert succeeded(first, task) and succeeded(second, task), "both workers took a share"
    assert_no_duplicate_live_deadlines()
    assert_alerts_raised_once()
    # Same facts, many runs: nothing was ever superseded.
    assert not Deadline.objects.filter(status=DeadlineStatus.SUPERSEDED).exists()
    concurrent = engine_snapshot()
    assert concurrent["Deadline"], "the synthetic cases have deadlines"
    first.stop()
    second.stop()

    # The reference: from nothing, one worker, one sweep.
    engine_output_clear()
    alone = workers("c", concurrency=1)
    sweep_task.delay()
    wait_for(lambda: succeeded(alone, "engine.tasks.sweep_task"), timeout=BOUND)
    assert engine_snapshot() == concurrent
    assert_engine_settled(today)
