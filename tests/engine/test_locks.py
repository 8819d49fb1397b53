"""The sweep's person locks keep two recomputes of one person apart, but a caseworker saving
a new fact for a person in the batch being swept does not wait for the batch to commit."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from casework.models import WelfareCheck
from engine import services
from tests.conftest import require_real_services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sweep_holding_its_lock(monkeypatch):
    """A sweep whose (single) batch holds its persons' locks for 3 s before committing."""
    require_real_services()  # row locks: PostgreSQL (a failure in CI, a skip elsewhere)
    monkeypatch.setenv("HAVEN_TEST_SWEEP_BATCH_PAUSE", "3")
    person = PersonFactory()
    errors = []

    def run():
        try:
            services.sweep(today=timezone.localdate())
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.0)  # the batch is locked and pausing
    yield person
    thread.join(10)
    assert not errors


def test_saving_a_fact_does_not_wait_for_the_sweeps_batch(sweep_holding_its_lock):
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
        WelfareCheck.objects.create(person=sweep_holding_its_lock, observed_at=timezone.now())
    assert time.monotonic() - started < 1.0


def test_a_recompute_of_a_person_in_the_batch_waits_for_it(sweep_holding_its_lock):
    from django.db.utils import OperationalError

    with pytest.raises(OperationalError, match="lock timeout"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            services.person_recompute(
                person_id=sweep_holding_its_lock.pk, today=timezone.localdate()
            )
