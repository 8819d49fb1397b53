"""With a real Celery worker on Redis and PostgreSQL: a fact saved in the case record becomes
a deadline within seconds, through transaction.on_commit and the queue."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from engine import services
from engine.models import Deadline
from tests.conftest import wait_for
from tests.factories import AppealFactory, AsylumClaimFactory, PersonFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_rules(transactional_db):
    # A transactional test flushes tables, data migrations' rows included: put them back.
    migration = importlib.import_module("engine.migrations.0002_default_rules")
    migration.forwards(django_apps, None)


def snapshot():
    return sorted(Deadline.objects.values_list("id", "status", "due_on", "computed_at"))


def test_a_saved_notification_date_becomes_a_deadline_through_the_worker(
    shipped_rules, celery_worker_process
):
    today = timezone.localdate()
    notified = today - timedelta(days=7)
    person = PersonFactory()
    claim = AsylumClaimFactory(
        person=person, country="RU", decision="refused", decided_on=notified, notified_on=notified
    )
    appeal_deadlines = Deadline.objects.filter(person=person, kind="appeal_asylum")

    first = wait_for(lambda: appeal_deadlines.filter(status="open").first(), timeout=20)
    assert first.rule_code == "ru.refugee.appeal"
    assert first.counted_from == notified

    # Five days later: a different due date whatever the weekends (one day might roll onto
    # the same Monday, and a same due date is rightly left alone).
    claim.notified_on = notified + timedelta(days=5)
    claim.save()
    wait_for(lambda: appeal_deadlines.filter(status="superseded").exists(), timeout=20)
    current = appeal_deadlines.exclude(status="superseded").get()
    assert current.counted_from == notified + timedelta(days=5)
    assert appeal_deadlines.count() == 2  # superseded, not duplicated

    AppealFactory(
        person=person,
        extradition_request=None,
        asylum_claim=claim,
        country="RU",
        lodged_on=today,
    )
    wait_for(lambda: appeal_deadlines.filter(status="met").exists(), timeout=20)
    assert appeal_deadlines.exclude(status="superseded").get().met_on == today

    before = snapshot()
    assert services.sweep(today=today).changes == 0
    assert services.sweep(today=today).changes == 0
    assert snapshot() == before
