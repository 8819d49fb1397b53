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
