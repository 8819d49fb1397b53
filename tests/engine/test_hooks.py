"""Casework wakes the engine: a saved or deleted fact enqueues its person's recompute on
commit, never before (a rolled-back save enqueues nothing)."""

from datetime import date
from unittest import mock

import pytest

from engine.models import Rule
from engine.schedule import BEAT_SCHEDULE
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    InterimMeasureFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def delay():
    with mock.patch("engine.tasks.recompute_person_task.delay") as m:
        yield m


def test_saving_a_fact_enqueues_its_persons_recompute_on_commit(
    django_capture_on_commit_callbacks, delay
):
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim = AsylumClaimFactory(person=person)
    delay.assert_not_called()  # nothing before the commit
    for callback in callbacks:
        callback()
    delay.assert_called_with(str(person.pk))

    delay.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        claim.delete()
    delay.assert_called_with(str(person.pk))


def test_facts_reached_through_a_parent_enqueue_the_parents_person(
    django_capture_on_commit_callbacks, delay
):
    measure = InterimMeasureFactory()
    delay.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        measure.reaffirmations.create(reaffirmed_on=date(2011, 1, 5))
    delay.assert_called_once_with(str(measure.person_id))


def test_a_broker_that_is_down_does_not_break_the_save(django_capture_on_commit_callbacks):
    with mock.patch(
        "engine.tasks.recompute_person_task.delay", side_effect=ConnectionError("broker down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            AppealFactory()  # no exception: the sweep will catch up


def test_editing_a_rule_enqueues_a_sweep(django_capture_on_commit_callbacks):
    with mock.patch("engine.tasks.sweep_task.delay") as sweep:
        with django_capture_on_commit_callbacks(execute=True):
            rule = Rule.objects.get(code="kz.extr.appeal")
            rule.roll_forward = True
            rule.save()
    sweep.assert_called_once_with()


def test_the_sweep_is_on_a_static_beat_schedule():
    entry = BEAT_SCHEDULE["engine-sweep"]
    assert entry["task"] == "engine.tasks.sweep_task"
    assert entry["schedule"] <= 15 * 60
