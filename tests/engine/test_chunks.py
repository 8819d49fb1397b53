"""A recompute of everyone is cut into chunk tasks that any worker takes; an admin's edit of a
rule, a risk signal or a calendar reaches every person it affects at once, through such a run,
without waiting for the nightly one."""

from datetime import date

import pytest
from django.utils import timezone

from engine import services
from engine.models import (
    CalendarAdjustment,
    Deadline,
    PersonAgenda,
    RecomputeChunk,
    RecomputeRun,
    RiskAssessment,
    RiskSignal,
    Rule,
)
from tests.factories import DetentionFactory, ExtraditionRequestFactory, PersonFactory

pytestmark = pytest.mark.django_db

DAY = date(2011, 3, 16)  # a day after the KZ decisions below were notified


@pytest.fixture
def eager():
    """Tasks run where they are sent, as a worker would run them."""
    from config.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: DAY)
    return DAY


def decided_in_kz(n: int) -> list:
    persons = []
    for _ in range(n):
        person = PersonFactory()
        DetentionFactory(person=person, started_on=date(2011, 1, 10))
        ExtraditionRequestFactory(
            person=person,
            status="approved",
            decided_on=date(2011, 3, 14),
            notified_on=date(2011, 3, 15),
        )
        persons.append(person)
    return persons


def appeal_due_dates(persons) -> set:
    return set(
        Deadline.objects.filter(person__in=persons, kind="appeal_extradition")
        .exclude(status="superseded")
        .values_list("due_on", flat=True)
    )


def test_a_run_is_cut_into_chunks_that_join_end_to_end(django_capture_on_commit_callbacks):
    persons = decided_in_kz(7)
    with django_capture_on_commit_callbacks(execute=False):
        run = services.recompute_run_start(reason="requested", chunk_size=3)
    chunks = list(run.chunks.order_by("pk"))
    assert (run.persons_total, run.chunks_total, [c.persons for c in chunks]) == (7, 3, [3, 3, 1])
    assert chunks[0].after_id is None and chunks[-1].upto_id is None
    assert [c.after_id for c in chunks[1:]] == [c.upto_id for c in chunks[:-1]]
    for chunk in reversed(chunks):  # any order, as several workers take them
        services.recompute_chunk(chunk_id=chunk.pk, today=DAY)
    run.refresh_from_db()
    assert run.status == "done" and run.finished_at is not None and run.progress_percent == 100
    assert appeal_due_dates(persons) == {date(2011, 3, 25)}
    assert PersonAgenda.objects.filter(person_id__in=[p.pk for p in persons]).count() == 7


def test_a_chunk_run_twice_changes_nothing_and_counts_once(django_capture_on_commit_callbacks):
    decided_in_kz(4)
    with django_capture_on_commit_callbacks(execute=False):
        run = services.recompute_run_start(reason="requested", chunk_size=2)
    first, second = run.chunks.order_by("pk")
    assert services.recompute_chunk(chunk_id=first.pk, today=DAY).persons == 2
    assert run.progress_percent == 50
    RecomputeChunk.objects.filter(pk=first.pk).update(done_at=None)  # as if lost before ack
    again = services.recompute_chunk(chunk_id=first.pk, today=DAY)
    assert (again.persons, again.changes, again.alerts) == (2, 0, 0)
    assert RecomputeRun.objects.get(pk=run.pk).status == "running"
    services.recompute_chunk(chunk_id=second.pk, today=DAY)
    assert RecomputeRun.objects.get(pk=run.pk).status == "done"


def test_a_new_run_supersedes_one_under_way_whose_chunks_are_then_skipped(
    django_capture_on_commit_callbacks,
):
    decided_in_kz(2)
    with django_capture_on_commit_callbacks(execute=False):
        old = services.recompute_run_start(reason="rule", chunk_size=1)
        new = services.recompute_run_start(reason="signal", chunk_size=1)
    old.refresh_from_db()
    assert old.status == "superseded"
    skipped = services.recompute_chunk(chunk_id=old.chunks.first().pk, today=DAY)
    assert skipped.persons == 0
    assert new.status == "running"


def test_the_chunks_are_sent_as_one_group_on_commit(django_capture_on_commit_callbacks):
    from unittest import mock

    decided_in_kz(3)
    with mock.patch("celery.group.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.recompute_run_start(reason="requested", chunk_size=1)
        send.assert_not_called()
        for callback in callbacks:
            callback()
    send.assert_called_once()


def test_editing_a_rule_reaches_every_person_it_affects_at_once(
    eager, today, django_capture_on_commit_callbacks, monkeypatch
):
    persons = decided_in_kz(5)
    services.sweep(today=DAY)
    assert appeal_due_dates(persons) == {date(2011, 3, 25)}
    # Nothing is due for months: the agenda sweep alone would not recompute them.
    assert not services.agenda_due_ids(today=DAY)

    monkeypatch.setattr(services, "RUN_CHUNK_SIZE", 2)  # three chunks
    with django_capture_on_commit_callbacks(execute=True):
        rule = Rule.objects.get(code="kz.extr.appeal.1997")  # 2011: the 1997 code
        rule.period_amount = 15
        rule.save()

    assert appeal_due_dates(persons) == {date(2011, 3, 30)}
    run = RecomputeRun.objects.get()
    assert (run.reason, run.detail, run.status, run.chunks_total) == (
        "rule",
        "kz.extr.appeal.1997",
        "done",
        3,
    )


def test_editing_a_risk_signal_reaches_every_person_it_affects_at_once(
    eager, today, django_capture_on_commit_callbacks
):
    persons = decided_in_kz(3)
    services.sweep(today=DAY)
    levels = RiskAssessment.objects.filter(person__in=persons, is_current=True)
    assert set(levels.values_list("level", flat=True)) != {"imminent"}

    with django_capture_on_commit_callbacks(execute=True):
        signal = RiskSignal.objects.get(code="detained")
        signal.floor = "imminent"
        signal.save()

    assert set(levels.values_list("level", flat=True)) == {"imminent"}


def test_a_calendar_adjustment_reaches_every_person_it_affects_at_once(
    eager, today, django_capture_on_commit_callbacks
):
    Rule.objects.filter(code="kz.extr.appeal.1997").update(roll_forward=True)  # no signal
    persons = decided_in_kz(3)
    services.sweep(today=DAY)
    assert appeal_due_dates(persons) == {date(2011, 3, 25)}  # a Friday

    with django_capture_on_commit_callbacks(execute=True):
        CalendarAdjustment.objects.create(
            calendar="KZ", day=date(2011, 3, 25), kind="holiday", note="decree"
        )

    assert appeal_due_dates(persons) == {date(2011, 3, 28)}  # the next working day


def test_the_admin_shows_how_far_each_recompute_of_everyone_has_got(
    client_for, admin_user, django_capture_on_commit_callbacks
):
    decided_in_kz(3)
    with django_capture_on_commit_callbacks(execute=False):
        run = services.recompute_run_start(reason="rule", detail="kz.extr.appeal", chunk_size=1)
    services.recompute_chunk(chunk_id=run.chunks.order_by("pk").first().pk, today=DAY)
    page = client_for(admin_user).get("/admin/engine/recomputerun/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "kz.extr.appeal" in html and "1 of 3 chunks (33%)" in html


def test_saving_a_rule_in_the_admin_says_everyone_is_being_recomputed(
    client_for, admin_user, django_capture_on_commit_callbacks
):
    from unittest import mock

    rule = Rule.objects.get(code="kz.extr.appeal")
    client = client_for(admin_user)
    form = client.get(f"/admin/engine/rule/{rule.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(period_amount=12, countries=rule.countries)
    # The verifications inline (issue 16): no new verification in this save.
    data.update({f"verifications-{k}": v for k, v in
                 {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0,
                  "MAX_NUM_FORMS": 1000}.items()})  # fmt: skip
    with mock.patch("engine.tasks.recompute_run_task.delay") as run:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/engine/rule/{rule.pk}/change/", data, follow=True)
    assert response.status_code == 200
    run.assert_called_once_with("rule", "kz.extr.appeal")
    assert "Every person is being recomputed with this change" in response.content.decode()
