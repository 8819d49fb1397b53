"""A recompute of everyone is cut into chunk tasks that any worker takes; an admin's edit of a
rule, a risk signal or a calendar reaches every person it affects at once, through such a run,
without waiting for the nightly one."""

from datetime import date

import pytest
from django.utils import timezone

from casework.models import ExtraditionRequest
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
# The rule those 2011 decisions fall under: the 1997 code's (the law as it stood on the day).
KZ_2011 = "kz.extr.appeal.1997"


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


def run_person_ids(run) -> set:
    return {pid for chunk in run.chunks.all() for pid in chunk.person_ids or ()}


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
        rule = Rule.objects.get(code=KZ_2011)
        rule.period_amount = 15
        rule.save()

    assert appeal_due_dates(persons) == {date(2011, 3, 30)}
    run = RecomputeRun.objects.get()
    assert (run.reason, run.detail, run.status, run.chunks_total) == (
        "rule",
        KZ_2011,
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
    Rule.objects.filter(code=KZ_2011).update(roll_forward=True)  # no signal
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
    assert "everyone" in html and "the persons the edit affects" not in html
    with django_capture_on_commit_callbacks(execute=False):
        services.recompute_run_start(reason="rule", person_ids=[], chunk_size=1)
    html = client_for(admin_user).get("/admin/engine/recomputerun/").content.decode()
    assert "the persons the edit affects" in html


def test_saving_a_rule_in_the_admin_says_its_persons_are_being_recomputed(
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
    with mock.patch("engine.tasks.recompute_edit_task.delay") as run:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/engine/rule/{rule.pk}/change/", data, follow=True)
    assert response.status_code == 200
    run.assert_called_once_with("rule", "kz.extr.appeal", {"rule": rule.pk})
    assert "The persons this change can affect are being recomputed" in response.content.decode()


def test_a_rule_edit_recomputes_only_the_persons_its_event_and_countries_reach(
    eager, today, django_capture_on_commit_callbacks
):
    in_kz = decided_in_kz(3)
    in_ru = decided_in_kz(2)
    ExtraditionRequest.objects.filter(person__in=in_ru).update(requested_state="RU")  # no hook
    never_decided = PersonFactory()
    services.sweep(today=DAY)

    with django_capture_on_commit_callbacks(execute=True):
        rule = Rule.objects.get(code=KZ_2011)  # countries: KZ
        rule.period_amount = 15
        rule.save()

    run = RecomputeRun.objects.get()
    assert (run.everyone, run.status, run.persons_total) == (False, "done", 3)
    assert run_person_ids(run) == {str(p.pk) for p in in_kz}
    assert appeal_due_dates(in_kz) == {date(2011, 3, 30)}
    assert str(never_decided.pk) not in run_person_ids(run)


def test_disabling_a_rule_reaches_the_persons_who_had_its_deadlines(
    eager, today, django_capture_on_commit_callbacks
):
    persons = decided_in_kz(2)
    services.sweep(today=DAY)
    with django_capture_on_commit_callbacks(execute=True):
        rule = Rule.objects.get(code=KZ_2011)
        rule.enabled = False
        rule.save()
    run = RecomputeRun.objects.get()
    assert run_person_ids(run) == {str(p.pk) for p in persons}
    assert appeal_due_dates(persons) == set()  # superseded


def test_a_holiday_reaches_the_persons_whose_periods_it_falls_in_before_and_after_an_edit(
    eager, today, django_capture_on_commit_callbacks
):
    Rule.objects.filter(code=KZ_2011).update(roll_forward=True)  # no signal
    persons = decided_in_kz(3)
    services.sweep(today=DAY)

    with django_capture_on_commit_callbacks(execute=True):
        holiday = CalendarAdjustment.objects.create(
            calendar="KZ", day=date(2011, 6, 1), kind="holiday", note="far from any period"
        )
    far = RecomputeRun.objects.get()
    assert (far.everyone, far.persons_total, far.status) == (False, 0, "done")

    with django_capture_on_commit_callbacks(execute=True):
        holiday.day = date(2011, 3, 25)  # the due date, a Friday
        holiday.save()
    assert appeal_due_dates(persons) == {date(2011, 3, 28)}

    with django_capture_on_commit_callbacks(execute=True):
        holiday.day = date(2011, 6, 1)  # moved away again: the old day's persons are reached
        holiday.save()
    assert appeal_due_dates(persons) == {date(2011, 3, 25)}
    last = RecomputeRun.objects.order_by("-requested_at", "-pk").first()
    assert run_person_ids(last) == {str(p.pk) for p in persons}


def test_a_signal_weight_reaches_the_persons_it_fired_for_and_a_window_everyone(
    eager, today, django_capture_on_commit_callbacks
):
    detained = decided_in_kz(2)
    free = PersonFactory()  # not detained: "detained" does not fire for this person
    services.sweep(today=DAY)

    with django_capture_on_commit_callbacks(execute=True):
        signal = RiskSignal.objects.get(code="detained")
        signal.weight += 5
        signal.save()
    run = RecomputeRun.objects.get()
    assert not run.everyone
    assert run_person_ids(run) == {str(p.pk) for p in detained}
    assert str(free.pk) not in run_person_ids(run)

    with django_capture_on_commit_callbacks(execute=True):
        signal = RiskSignal.objects.get(code="no_contact")
        signal.window_days = 5  # fires elsewhere now: who, only a recompute can tell
        signal.save()
    latest = RecomputeRun.objects.order_by("-requested_at", "-pk").first()
    assert latest.everyone and latest.persons_total == 3
