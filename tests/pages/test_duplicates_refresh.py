"""The duplicates refresh when the task queue cannot be reached: the embedded broker's
folders are created when missing, and a publish that still fails is said, not a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.import_models import DuplicateScan, ScanStatus
from casework.tasks import duplicates_compute_task
from config.celery import ensure_broker_folders

pytestmark = pytest.mark.django_db


def test_the_filesystem_broker_folders_are_created_when_missing(settings, tmp_path):
    broker = tmp_path / "var" / "broker"
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(broker / "out"),
        "data_folder_out": str(broker / "out"),
        "processed_folder": str(broker / "processed"),
        "control_folder": str(broker / "control"),
    }
    ensure_broker_folders()
    assert {p.name for p in broker.iterdir()} == {"out", "processed", "control"}


def test_with_redis_no_folder_is_made(settings, tmp_path):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/7"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "x")}
    ensure_broker_folders()
    assert not (tmp_path / "x").exists()


@pytest.fixture
def queue_unreachable(monkeypatch):
    def refuse(*args):
        raise FileNotFoundError(2, "No such file or directory", "var/broker/out/x.msg")

    monkeypatch.setattr(duplicates_compute_task, "delay", refuse)


# Transactional, as in production: the publish runs when the claim commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_cannot_be_queued_says_why_instead_of_a_500(
    caseworker, client_for, queue_unreachable
):
    client = client_for(caseworker)
    response = client.post(reverse("imports:duplicates_refresh"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "task queue cannot be reached" in page and "Refresh the list now" in page
    assert DuplicateScan.objects.get().status == ScanStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_api_refresh_answers_503_with_the_reason(caseworker, client_for, queue_unreachable):
    client = client_for(caseworker)
    response = client.post(reverse("imports:api_duplicates_refresh"))
    assert response.status_code == 503
    assert "task queue cannot be reached" in response.json()["error"]
    # A later click tries again (a failed scan is not "queued").
    assert client.post(reverse("imports:api_duplicates_refresh")).status_code == 503
