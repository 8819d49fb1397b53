"""Redis stopped (its queue lost: no persistence) and started again while staff save facts.

What covers it: the save never depends on the broker (the on_commit hook logs a failed publish
and returns), and the periodic sweep (beat, every 15 minutes; called here directly) recomputes
everyone, so a recompute lost with the broker is a recompute delayed, not a deadline lost.
The worker reconnects by itself once Redis is back."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import Deadline
from engine.tasks import sweep_task
from tests.conftest import wait_for
from tests.factories import PersonFactory

from .conftest import BOUND, assert_alerts_raised_once, assert_engine_settled, succeeded

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# A save while the broker is down pays for the failed publish (connection refused, kombu's
# retries): bounded, and far below a caseworker's patience.
SLOWEST_SAVE_SECONDS = 10


def has_deadline(person_id) -> bool:
    return Deadline.objects.filter(person_id=person_id, kind="appeal_asylum").exists()


def test_facts_saved_while_redis_is_down_still_get_their_deadlines(
    shipped_rules, workers, own_redis, lawyer, client_for
):
    today = timezone.localdate()
    client = client_for(lawyer)
    worker = workers("a")

    def save_refusals(n: int) -> list:
        """Through the API, as a lawyer records decisions: n refused asylum claims."""
        ids = []
        for _ in range(n):
            person = PersonFactory()
            started = time.monotonic()
            response = client.post(
                "/api/asylum-claims/",
                {
                    "person": str(person.pk),
                    "authority_kind": "state",
                    "country": "RU",
                    "decision": "refused",
                    "decided_on": str(today - timedelta(days=2)),
                    "notified_on": str(today - timedelta(days=2)),
                },
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
            assert time.monotonic() - started < SLOWEST_SAVE_SECONDS
            ids.append(person.pk)
        return ids

    before = save_refusals(3)
    wait_for(lambda: all(has_deadline(p) for p in before), timeout=BOUND)

    own_redis.kill()  # the queue and everything in it are gone
    during = save_refusals(3)  # every save succeeds
    own_redis.start()  # same port, empty

    after = save_refusals(3)  # the worker reconnected: these are computed on their own
    wait_for(lambda: all(has_deadline(p) for p in after), timeout=BOUND)
    assert not any(has_deadline(p) for p in during), "nothing carried these recomputes"

    sweep_task.delay()  # what beat sends every 15 minutes
    wait_for(lambda: succeeded(worker, "engine.tasks.sweep_task"), timeout=BOUND)
    assert all(has_deadline(p) for p in during)
    assert_alerts_raised_once()
    assert_engine_settled(today)
