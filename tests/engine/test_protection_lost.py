"""Losing a barrier is an event: a measure lifted raises "protection lost" to the assigned
staff and the coordinators at once (on commit of the change, no sweep needed), exactly once;
the assessment stores what still protects and what threatens."""

from __future__ import annotations

from datetime import UTC, date, datetime
from unittest import mock

import pytest
import time_machine

from engine import services, tasks
from engine.models import Alert, AlertKind, RiskAssessment
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    InterimMeasureFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2012, 5, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2012, 5, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


def protected_man(**kw):
    """Detained, extradition approved, appeal rejected, asylum refused, a CAT measure in
    force against a state with no recorded return despite one: held at high by the measure,
    imminent without it."""
    person = PersonFactory(**kw)
    AsylumClaimFactory(person=person, decision="refused", decided_on=date(2011, 12, 1))
    DetentionFactory(person=person, started_on=date(2011, 9, 1))
    extradition = ExtraditionRequestFactory(
        person=person, status="approved", decided_on=date(2012, 1, 10)
    )
    AppealFactory(
        person=person,
        extradition_request=extradition,
        lodged_on=date(2012, 1, 15),
        outcome="rejected",
        decided_on=date(2012, 3, 1),
    )
    measure = InterimMeasureFactory(
        person=person, status="granted", requested_on=date(2012, 4, 1), granted_on=date(2012, 4, 2)
    )
    return person, measure


def recompute(person):
    return services.person_recompute(person_id=person.pk, today=DAY)


def lost_alerts(person):
    return Alert.objects.filter(person=person, kind=AlertKind.PROTECTION_LOST)


def test_the_assessment_stores_what_protects_and_how_far_it_holds_the_level(caseworker):
    person, measure = protected_man(assigned_caseworker=caseworker)
    recompute(person)
    current = RiskAssessment.objects.get(person=person, is_current=True)
    assert current.level == "high"
    assert current.capped_from == "imminent"
    assert current.barriers_standing == 1
    (barrier,) = current.barriers
    assert barrier["kind"] == "interim_measure"
    assert barrier["source_id"] == str(measure.pk)
    assert barrier["cap"] == "high" and barrier["lifted_by"] == []
    assert not lost_alerts(person).exists()


def test_a_lifted_measure_raises_protection_lost_to_staff_and_coordinators_once(
    caseworker, lawyer, coordinator
):
    person, measure = protected_man(assigned_caseworker=caseworker, assigned_lawyer=lawyer)
    recompute(person)
    measure.status, measure.lifted_on = "lifted", DAY
    measure.save()
    recompute(person)

    assert sorted(lost_alerts(person).values_list("recipient__username", flat=True)) == [
        "co",
        "cw",
        "lw",
    ]
    alert = lost_alerts(person).first()
    assert alert.subject == f"Protection lost: {person.case_number}"
    assert "Interim measure of the UN Committee against Torture" in alert.body
    assert "No barrier is left." in alert.body
    assert person.primary_name not in alert.subject + alert.body
    current = RiskAssessment.objects.get(person=person, is_current=True)
    assert (current.level, current.barriers_standing) == ("imminent", 0)

    # Recomputing again, or sweeping, raises nothing more.
    count = Alert.objects.count()
    assert recompute(person).assessed == 0
    services.sweep(today=DAY)
    assert Alert.objects.count() == count


def test_a_measure_that_caps_nothing_any_more_is_not_a_loss_but_the_rise_alerts(
    caseworker, coordinator
):
    """A removal scheduled lifts the cap; the barrier is still there (not lost), and the
    level raised to imminent alerts as any rise does."""
    from tests.factories import RemovalOrderFactory

    person, _measure = protected_man(assigned_caseworker=caseworker)
    recompute(person)
    RemovalOrderFactory(
        person=person, country="KZ", issued_on=date(2012, 5, 1), scheduled_removal_on=DAY
    )
    recompute(person)
    current = RiskAssessment.objects.get(person=person, is_current=True)
    assert current.level == "imminent"
    assert current.barriers[0]["lifted_by"] == ["removal_scheduled"]
    assert not lost_alerts(person).exists()
    assert Alert.objects.filter(person=person, kind=AlertKind.RISK_RAISED, level="imminent")


def test_lifting_a_measure_through_the_api_alerts_on_commit_once(
    client_for, lawyer, coordinator, django_capture_on_commit_callbacks
):
    """The hook's task run in process when enqueued (tests/engine/test_barriers_worker.py
    does the same with a real worker)."""
    person, measure = protected_man(assigned_lawyer=lawyer)
    recompute(person)
    api = client_for(lawyer)
    run = mock.patch.object(
        tasks.recompute_person_task, "delay", side_effect=tasks.recompute_person_task
    )
    with run, django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            f"/api/interim-measures/{measure.pk}/",
            {"status": "lifted", "lifted_on": DAY.isoformat()},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert sorted(lost_alerts(person).values_list("recipient__username", flat=True)) == [
        "co",
        "lw",
    ]
    # The same change saved again (a retried request) raises nothing new.
    with run, django_capture_on_commit_callbacks(execute=True):
        api.patch(
            f"/api/interim-measures/{measure.pk}/",
            {"notes": "Lifted at the state's request."},
            content_type="application/json",
        )
    assert lost_alerts(person).count() == 2


def test_a_returned_person_raises_no_protection_lost(caseworker):
    from tests.factories import ReturnFactory

    person, _measure = protected_man(assigned_caseworker=caseworker)
    recompute(person)
    ReturnFactory(person=person, returned_on=DAY)
    recompute(person)
    assert RiskAssessment.objects.get(person=person, is_current=True).level == "none"
    assert not lost_alerts(person).exists()
