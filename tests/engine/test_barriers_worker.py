"""Protection lost with a real Celery worker on Redis and PostgreSQL: a measure lifted
through the API reaches the assigned lawyer and the coordinator within seconds, through the
recompute enqueued on commit (no sweep), and once."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from engine.models import Alert, AlertKind, RiskAssessment
from tests.conftest import wait_for
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    InterimMeasureFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped(transactional_db):
    # A transactional test flushes tables, data migrations' rows included: put them back.
    for name in (
        "0002_default_rules",
        "0004_default_risk_signals",
        "0031_default_caps_and_suspensive_effects",
    ):
        importlib.import_module(f"engine.migrations.{name}").forwards(django_apps, None)


def test_lifting_a_measure_through_the_api_raises_protection_lost_once_on_commit(
    shipped, celery_worker_process, client_for, lawyer, coordinator
):
    today = timezone.localdate()
    person = PersonFactory(assigned_lawyer=lawyer)
    DetentionFactory(person=person, started_on=today - timedelta(days=90))
    extradition = ExtraditionRequestFactory(
        person=person, status="approved", decided_on=today - timedelta(days=60)
    )
    AppealFactory(
        person=person,
        extradition_request=extradition,
        lodged_on=today - timedelta(days=55),
        outcome="rejected",
        decided_on=today - timedelta(days=30),
    )
    AsylumClaimFactory(person=person, decision="refused", decided_on=today - timedelta(days=40))
    measure = InterimMeasureFactory(
        person=person,
        status="granted",
        requested_on=today - timedelta(days=21),
        granted_on=today - timedelta(days=20),
    )
    current = RiskAssessment.objects.filter(person=person, is_current=True)
    wait_for(lambda: current.filter(barriers_standing=1, level="high").exists(), timeout=30)

    response = client_for(lawyer).patch(
        f"/api/interim-measures/{measure.pk}/",
        {"status": "lifted", "lifted_on": today.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    lost = Alert.objects.filter(person=person, kind=AlertKind.PROTECTION_LOST)
    wait_for(lambda: lost.count() >= 2, timeout=30)
    assert sorted(lost.values_list("recipient__username", flat=True)) == ["co", "lw"]
    assert current.get().level == "imminent"

    # A later fact re-runs the recompute: still one alert per recipient for this loss.
    rows = RiskAssessment.objects.filter(person=person).count()
    DetentionFactory(person=person, started_on=today - timedelta(days=2))
    wait_for(lambda: RiskAssessment.objects.filter(person=person).count() > rows, timeout=30)
    assert lost.count() == 2
