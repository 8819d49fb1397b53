import time

import pytest

from casework.models import Person
from tests.conftest import wait_for


@pytest.mark.integration
def test_real_worker_consumes_a_task_from_redis(celery_worker_process):
    from config.celery import app

    result = app.send_task("haven.ping", ignore_result=False)
    # ignore_result is on globally; prove consumption through the worker's own log instead.
    wait_for(
        lambda: (
            b"haven.ping" in celery_worker_process.log.read_bytes()
            and b"succeeded" in celery_worker_process.log.read_bytes()
        )
    )
    assert result.id


@pytest.mark.integration
def test_worker_sees_rows_the_test_committed(celery_worker_process, worker_env):
    assert "test_" in worker_env["DATABASE_URL"]
    Person.objects.create()
    assert Person.objects.count() == 1


def _worker_backends(connection) -> set[int]:
    """PostgreSQL backends on this test's database other than this test's own connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.integration
@pytest.mark.parametrize("max_age", ["60", "0"])
def test_a_worker_keeps_its_database_connection_as_long_as_conn_max_age(
    worker_env, purge_queue, max_age
):
    """Celery's Django fixup closes the connection around every task; config.celery closes it
    as Django does after a request, so DB_CONN_MAX_AGE reaches the workers too: the same
    PostgreSQL backend serves one task after another, and none stays open with an age of 0."""
    from django.db import connection

    from config.celery import app
    from tests.conftest import WorkerProcess

    worker = WorkerProcess({**worker_env, "DB_CONN_MAX_AGE": max_age}, name=f"age{max_age}")
    worker.start()
    try:
        seen = []
        for done in (1, 2):
            app.send_task("engine.tasks.agenda_sweep_task")
            wait_for(lambda n=done: worker.log.read_bytes().count(b"succeeded") >= n)
            time.sleep(0.3)  # the postrun handler runs just after the log line
            seen.append(_worker_backends(connection))
    finally:
        worker.stop()
    if max_age == "0":
        assert seen == [set(), set()]
    else:
        assert len(seen[0]) == 1 and seen[1] == seen[0]
