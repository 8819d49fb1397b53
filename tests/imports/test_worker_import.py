"""A large file imported through a real Celery worker on Redis and PostgreSQL: the preview and
the commit run in the worker, the batch shows progress while they run, and every row is
committed once even when the commit task is delivered twice."""

import itertools
import time

import pytest
from django.urls import reverse

from casework.import_models import BatchStatus, ImportBatch, ImportRow, RowOutcome
from casework.importing import import_preview
from casework.models import GroupMembership, Person, PersonName
from casework.tasks import import_commit_task
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.imports.helpers import csv_bytes, mapping

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROWS = 3000
SYLLABLES = ["ba", "ko", "ri", "mu", "te", "sa", "lo", "ni", "du", "fe", "go", "ha", "zu", "pe"]


def invented_names(n):
    """n two-word names made of invented syllables, each different from the others."""
    words = ("".join(p).capitalize() for p in itertools.product(SYLLABLES, repeat=4))
    words = list(itertools.islice(words, 2 * n))
    return [f"{words[i]} {words[n + i]}" for i in range(n)]


def watch(batch_id, running, timeout=180.0):
    """Poll the batch until it leaves the `running` statuses; the progress values seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, done = ImportBatch.objects.values_list("status", "progress_done").get(pk=batch_id)
        if status in running:
            seen.append(done)
        else:
            return status, seen
        time.sleep(0.02)
    pytest.fail(f"the batch was still {status} after {timeout}s")


def test_a_large_file_is_previewed_and_committed_once_by_the_worker_with_progress(
    celery_worker_process, client_for
):
    user = UserFactory(username="cw-worker", roles=["caseworker"])
    client = client_for(user)
    rows = [[name, str(1950 + i % 50), "", "UZ"] for i, name in enumerate(invented_names(ROWS))]
    batch = import_preview(
        content=csv_bytes(rows), file_name="big.csv", mapping=mapping(), by=user, group_name="Big"
    )
    assert batch.status == BatchStatus.QUEUED  # too large to match in the request

    status, seen = watch(batch.pk, {BatchStatus.QUEUED, BatchStatus.PREVIEWING})
    assert status == BatchStatus.PREVIEWED, ImportBatch.objects.get(pk=batch.pk).error
    assert any(0 < done < ROWS for done in seen), f"no progress seen while matching: {seen}"
    # Invented names may still look alike: whoever imports says they are different people.
    ImportRow.objects.filter(batch=batch, outcome=RowOutcome.DUPLICATE).update(decision="new")

    response = client.post(reverse("imports:commit", args=[batch.pk]))
    assert response.status_code == 302
    import_commit_task.delay(str(batch.pk), user.pk)  # delivered twice: committed once
    status, seen = watch(batch.pk, {BatchStatus.PREVIEWED, BatchStatus.COMMITTING})
    batch.refresh_from_db()
    assert status == BatchStatus.COMMITTED, batch.error
    assert any(0 < done < ROWS for done in seen), f"no progress seen while importing: {seen}"
    assert batch.progress_done == ROWS and batch.error == ""

    # Once the second delivery has run too, count: every row once.
    def commits_finished():
        lines = celery_worker_process.log.read_text().splitlines()
        return sum("import_commit_task" in line and "succeeded" in line for line in lines)

    wait_for(lambda: commits_finished() >= 2, timeout=60)
    assert Person.objects.count() == ROWS
    assert PersonName.objects.count() == ROWS
    assert GroupMembership.objects.filter(group__name="Big").count() == ROWS
    assert batch.rows.filter(person_created=True).count() == ROWS
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.error == ""
    assert "Traceback" not in celery_worker_process.log.read_text()
