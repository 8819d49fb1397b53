"""Routing: a saved fact's recompute goes to the events queue, which a worker takes before the
long tasks (chunks of a recompute run, sweeps) queued ahead of it (config/settings/base.py)."""

import pytest

from config.celery import app
from tests.conftest import WorkerProcess, wait_for
from tests.factories import PersonFactory, WelfareCheckFactory

EVENT_TASKS = ("engine.tasks.recompute_person_task", "engine.tasks.recompute_affected_task")
LONG_TASKS = (
    "engine.tasks.recompute_chunk_task",
    "engine.tasks.recompute_run_task",
    "engine.tasks.recompute_edit_task",
    "engine.tasks.agenda_sweep_task",
    "engine.tasks.sweep_task",
    "engine.tasks.recompute_persons_task",
)


@pytest.mark.parametrize("name", EVENT_TASKS)
def test_a_saved_facts_recompute_is_routed_to_the_events_queue(name):
    assert app.amqp.router.route({}, name)["queue"].name == "events"


@pytest.mark.parametrize("name", LONG_TASKS)
def test_long_tasks_stay_on_the_default_queue(name):
    assert app.amqp.router.route({}, name)["queue"].name == "celery"


def test_a_worker_without_dash_q_consumes_both_queues_events_first():
    # What `haven.py run` and the tests' workers start: no -Q, so every declared queue.
    assert [q.name for q in app.amqp.queues.values()] == ["events", "celery"]


def _received(log: str) -> list[str]:
    """Task names in the order the worker's log says it received them."""
    return [
        line.split("Task ", 1)[1].split("[", 1)[0]
        for line in log.splitlines()
        if "Task " in line and "] received" in line
    ]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_event_recomputes_are_taken_before_chunks_queued_ahead_of_them(worker_env, purge_queue):
    from engine.tasks import agenda_sweep_task, recompute_chunk_task

    # A recompute run's chunks and a sweep already waiting (no such chunk: each a no-op) ...
    for chunk_id in range(900_001, 900_006):
        recompute_chunk_task.delay(chunk_id)
    agenda_sweep_task.delay()
    # ... then caseworkers save three welfare checks: each person's recompute is enqueued on
    # commit. Taken in turn with the chunks (round robin), the last would wait for two chunks.
    for _ in range(3):
        WelfareCheckFactory(person=PersonFactory())

    worker = WorkerProcess(worker_env, name="queues", concurrency=1).start()
    try:
        wait_for(lambda: len(_received(worker.log.read_text())) == 9)
        order = _received(worker.log.read_text())
    finally:
        worker.stop()
    assert order[:3] == ["engine.tasks.recompute_person_task"] * 3, order
    assert sorted(order[3:]) == sorted([LONG_TASKS[0]] * 5 + ["engine.tasks.agenda_sweep_task"])
