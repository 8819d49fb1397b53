"""Alerts with a real Celery worker on Redis and PostgreSQL: a raised level reaches every
recipient once within seconds, and a worker killed with SIGKILL in the middle of a sweep
loses no alert and duplicates none once a new worker sweeps again."""

from __future__ import annotations

import importlib
import os
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db.models import Count
from django.utils import timezone

from config.celery import app as celery_app
from engine import services
from engine.models import Alert, AlertKind, RiskAssessment
from engine.tasks import sweep_task
from tests.conftest import WorkerProcess, wait_for
from tests.factories import DetentionFactory, ExtraditionRequestFactory, PersonFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped(transactional_db):
    # A transactional test flushes tables, data migrations' rows included: put them back.
    for name in ("0002_default_rules", "0004_default_risk_signals"):
        importlib.import_module(f"engine.migrations.{name}").forwards(django_apps, None)


def at_risk(**kw):
    today = timezone.localdate()
    person = PersonFactory(**kw)
    DetentionFactory(person=person, started_on=today - timedelta(days=20))
    ExtraditionRequestFactory(
        person=person, status="approved", decided_on=today - timedelta(days=10)
    )
    return person


def test_a_raised_level_alerts_each_recipient_once_within_seconds(
    shipped, celery_worker_process, caseworker, coordinator
):
    person = at_risk(assigned_caseworker=caseworker)  # saved: on commit, a recompute task
    raised = Alert.objects.filter(person=person, kind=AlertKind.RISK_RAISED)
    wait_for(lambda: raised.count() >= 2, timeout=20)
    assert sorted(raised.values_list("recipient__username", flat=True)) == ["co", "cw"]
    # Every later fact re-runs the recompute: still one alert per recipient for this rise.
    DetentionFactory(person=person, started_on=timezone.localdate() - timedelta(days=5))
    wait_for(lambda: RiskAssessment.objects.filter(person=person).count() >= 2, timeout=20)
    assert raised.count() == 2
    # The outbox task, enqueued on commit, sent the e-mails.
    wait_for(lambda: not raised.exclude(email_status="sent").exists(), timeout=20)


def test_sigkill_in_the_middle_of_a_sweep_loses_no_alert_and_duplicates_none(
    shipped, worker_env, purge_queue, coordinator
):
    persons = [at_risk() for _ in range(24)]
    celery_app.control.purge()  # the saves' own recomputes: this test is about the sweep
    slow = {**worker_env, "HAVEN_TEST_SWEEP_BATCH_PAUSE": "1.5"}
    first = WorkerProcess(slow, name=f"slow{os.getpid()}").start()
    try:
        sweep_task.delay(4)  # six batches of four, 1.5 s each inside its transaction
        wait_for(lambda: Alert.objects.filter(kind=AlertKind.RISK_RAISED).count() >= 4, 30)
        first.kill()  # SIGKILL, the whole prefork family, mid-sweep
    finally:
        first.stop()
    partial = Alert.objects.filter(kind=AlertKind.RISK_RAISED).count()
    assert 0 < partial < len(persons), "the kill did not land in the middle of the sweep"

    second = WorkerProcess(worker_env, name=f"fresh{os.getpid()}").start()
    try:
        sweep_task.delay(4)
        wait_for(
            lambda: Alert.objects.filter(kind=AlertKind.RISK_RAISED).count() >= len(persons), 60
        )
    finally:
        second.stop()

    # Each person's rise alerted the coordinator exactly once; nothing is doubled anywhere.
    per_person = dict(
        Alert.objects.filter(kind=AlertKind.RISK_RAISED)
        .values_list("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    assert per_person == {p.pk: 1 for p in persons}
    doubles = (
        Alert.objects.values("recipient_id", "dedup_key").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not doubles.exists()
    assert RiskAssessment.objects.filter(is_current=True).count() == len(persons)
    # One current assessment each, and one row each: the killed batch left nothing behind.
    assert RiskAssessment.objects.count() == len(persons)

    before = Alert.objects.count()
    assert services.sweep(today=timezone.localdate()).alerts == 0
    assert Alert.objects.count() == before
