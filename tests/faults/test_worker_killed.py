"""SIGKILL of the whole worker (pool children included, as a crash or an OOM kill would) in the
middle of a sweep, of a recompute and of a letter batch. acks_late keeps the message unacknowledged
in Redis; once older than the visibility timeout, the next worker restores and reruns it, and the
services' idempotence makes the rerun finish the job without duplicating anything.

"In the middle" is made certain, not hoped for: a second connection holds one person's row lock,
so the task is caught waiting inside its transaction when the worker is killed."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from benchmarks.loaddata import make_persons
from casework.models import Person
from engine.models import Deadline
from engine.tasks import LOCKED_BATCH, sweep_task
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
    wait_until_restorable,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_sweep_killed_midway_is_redelivered_and_completes(shipped_rules, workers):
    today = timezone.localdate()
    make_persons(700)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    # Batches of LOCKED_BATCH (200): the first commits, the second waits on this person's lock.
    with person_locked(ids[LOCKED_BATCH + 100]) as conn:
        worker = workers("a")
        sweep_task.delay()
        wait_for(lambda: backends_waiting_on_a_lock(conn), timeout=BOUND)
        computed = set(Deadline.objects.values_list("person_id", flat=True))
        assert computed and computed <= set(ids[:LOCKED_BATCH]), "caught between two batches"
        worker.kill()
        killed_at = time.monotonic()

    wait_until_restorable(killed_at)
    rescuer = workers("b")
    wait_for(lambda: succeeded(rescuer, "engine.tasks.sweep_task"), timeout=BOUND)

    assert set(Deadline.objects.values_list("person_id", flat=True)) > computed
    assert_no_duplicate_live_deadlines()
    assert_alerts_raised_once()
    assert_engine_settled(today)


def test_a_recompute_killed_midway_is_redelivered_and_completes(shipped_rules, workers):
    today = timezone.localdate()
    person = PersonFactory()
    with person_locked(person.pk) as conn:
        # Saved (and enqueued on commit) while another transaction holds the person.
        AsylumClaimFactory(
            person=person,
            country="RU",
            decision="refused",
            decided_on=today - timedelta(days=3),
            notified_on=today - timedelta(days=3),
        )
        worker = workers("a")
        wait_for(lambda: backends_waiting_on_a_lock(conn), timeout=BOUND)
        worker.kill()
        killed_at = time.monotonic()
    assert not Deadline.objects.filter(person=person).exists()

    wait_until_restorable(killed_at)
    workers("b")
    deadline = wait_for(
        lambda: Deadline.objects.filter(person=person, kind="appeal_asylum").first(), timeout=BOUND
    )
    assert deadline.rule_code == "ru.refugee.appeal"
    assert_no_duplicate_live_deadlines()
    assert_engine_settled(today)


def test_a_letter_batch_killed_midway_ends_with_every_letter_once(
    shipped_rules, fault_env, issued_update, coordinator, workers, settings
):
    from advocacy import services
    from advocacy.models import Authority, BatchStatus, Letter, LetterBatch, UrgentActionRecipient

    ua = issued_update
    extra = Authority.objects.bulk_create(
        [
            Authority(country="KZ", title=f"Regional prosecutor {i}", name=f"Official {i}",
                      salutation="Dear Prosecutor", rank=200 + i)
            for i in range(27)
        ]
    )  # fmt: skip
    UrgentActionRecipient.objects.bulk_create(
        [
            UrgentActionRecipient(urgent_action=ua, authority=a, role="copy", position=10 + i)
            for i, a in enumerate(extra)
        ]
    )
    batch = services.letter_batch_start(ua=ua, by=coordinator)  # enqueued on commit
    worker = workers("a")

    def midway():
        row = LetterBatch.objects.get(pk=batch.pk)
        return row.status == BatchStatus.RUNNING and 0 < row.done < row.total and row

    caught = wait_for(midway, timeout=BOUND, interval=0.05)
    worker.kill()
    killed_at = time.monotonic()
    total = caught.total
    assert total == 30 * 2  # 30 recipients x (English, Russian)
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING  # left hanging

    wait_until_restorable(killed_at)
    workers("b")
    finished = wait_for(
        lambda: (b := LetterBatch.objects.get(pk=batch.pk)).status != BatchStatus.RUNNING and b,
        timeout=BOUND,
        interval=0.5,
    )
    assert finished.status == BatchStatus.DONE, finished.error
    assert (finished.total, finished.done) == (total, total)

    letters = Letter.objects.filter(urgent_action=ua)
    assert letters.count() == total
    assert len(set(letters.values_list("authority_id", "language"))) == total
    for letter in letters:
        assert letter.pdf and Path(letter.pdf.path).is_file(), letter.pk
