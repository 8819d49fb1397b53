"""Casework wakes the engine: a saved or deleted fact enqueues its person's recompute on
commit, never before (a rolled-back save enqueues nothing)."""

from datetime import date
from unittest import mock

import pytest
from django.utils import timezone

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


def test_editing_a_rule_enqueues_a_recompute_of_the_persons_it_affects_on_commit(
    django_capture_on_commit_callbacks,
):
    with mock.patch("engine.tasks.recompute_edit_task.delay") as run:
        with django_capture_on_commit_callbacks(execute=True):
            rule = Rule.objects.get(code="kz.extr.appeal")
            rule.roll_forward = True
            rule.save()
            run.assert_not_called()
    run.assert_called_once_with("rule", "kz.extr.appeal", {"rule": rule.pk})


def test_the_agenda_sweep_and_the_nightly_run_are_on_a_static_beat_schedule():
    entry = BEAT_SCHEDULE["engine-sweep"]
    assert entry["task"] == "engine.tasks.agenda_sweep_task"
    assert entry["schedule"] <= 15 * 60
    nightly = BEAT_SCHEDULE["engine-nightly"]
    assert nightly["task"] == "engine.tasks.recompute_run_task"
    assert nightly["args"] == ("nightly",)
    assert nightly["schedule"].remaining_estimate(timezone.now()).total_seconds() <= 24 * 3600


def test_an_import_and_its_undo_recompute_the_persons_they_wrote(
    django_capture_on_commit_callbacks, caseworker
):
    """An import writes by bulk (no save signals): it wakes the engine once, on commit, for
    every person it created or filled, and the batch task gives each of them a risk
    assessment; an undo wakes it for the matched persons whose fields it put back."""
    from casework.importing import import_commit, import_decide, import_preview, import_undo
    from engine.models import RiskAssessment
    from engine.tasks import recompute_persons_task
    from tests.imports.helpers import csv_bytes, mapping

    known = PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 1, 1))
    batch = import_preview(
        content=csv_bytes(
            [
                ["Rustam Abdullayev", "02.05.1980", "UNHCR-77", "UZ"],
                ["Invented Newman", "1975", "", ""],
            ]
        ),
        file_name="list.csv",
        mapping=mapping(),
        by=caseworker,
    )
    import_decide(batch=batch, line_number=2, decision="match", by=caseworker)
    with mock.patch("engine.tasks.recompute_persons_task.delay") as send:
        with django_capture_on_commit_callbacks(execute=True):
            import_commit(batch=batch, by=caseworker)
    (sent,) = [c.args[0] for c in send.call_args_list]
    new = batch.rows.get(line_number=3).person_id
    assert sorted(sent) == sorted([str(known.pk), str(new)])
    assert not RiskAssessment.objects.filter(person_id__in=sent).exists()
    recompute_persons_task.apply(args=[sent])
    assert set(
        RiskAssessment.objects.filter(person_id__in=sent).values_list("person_id", flat=True)
    ) == {
        known.pk,
        new,
    }

    with mock.patch("engine.tasks.recompute_persons_task.delay") as send:
        with django_capture_on_commit_callbacks(execute=True):
            import_undo(batch=batch, by=caseworker)
    send.assert_called_once_with([str(known.pk)])
    # What the engine worked out for the created person is not a change that blocks the
    # undo: it goes with the person.
    assert not RiskAssessment.objects.filter(person_id=new).exists()


def test_every_beat_entry_names_a_registered_task():
    from config.celery import app

    app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert BEAT_SCHEDULE["casework-duplicates"]["schedule"] <= 60 * 60
