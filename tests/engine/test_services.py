"""Recompute and sweep: reconcile computed deadlines with stored ones, idempotently."""

import gc
import time
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework.models import AppealOutcome
from engine import services
from engine.models import Deadline, Reminder, RiskAssessment, Rule
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    PersonFactory,
    WelfareCheckFactory,
)

pytestmark = pytest.mark.django_db


def kz_decision(person, notified_on=date(2011, 3, 15)):
    return ExtraditionRequestFactory(
        person=person,
        status="approved",
        decided_on=date(2011, 3, 14),
        notified_on=notified_on,
    )


def live(person, kind="appeal_extradition"):
    return Deadline.objects.filter(person=person, kind=kind).exclude(status="superseded")


def test_recompute_creates_the_appeal_deadline_with_rule_and_why():
    person = PersonFactory()
    kz_decision(person)
    result = services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    assert result.created >= 1
    (d,) = live(person)
    assert d.due_on == date(2011, 3, 25)
    assert d.status == "open"
    assert (
        d.rule.code == "kz.extr.appeal.1997"
        and d.citation == "CPC RK 1997 (chapter on extradition; article not identified)"
    )
    assert "notified on 15 March 2011" in d.why


def test_recomputing_twice_changes_nothing():
    person = PersonFactory()
    kz_decision(person)
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    before = list(Deadline.objects.values_list("id", "status", "due_on", "computed_at"))
    again = services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    assert again.changes == 0
    assert list(Deadline.objects.values_list("id", "status", "due_on", "computed_at")) == before


def test_superseded_deadline_is_not_duplicated():
    person = PersonFactory()
    request = kz_decision(person)
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    request.notified_on = date(2011, 3, 17)
    request.save()
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 18))
    rows = Deadline.objects.filter(person=person, kind="appeal_extradition")
    assert sorted(rows.values_list("status", "due_on")) == [
        ("open", date(2011, 3, 27)),
        ("superseded", date(2011, 3, 25)),
    ]
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 18))
    assert rows.count() == 2


def test_an_appeal_lodged_in_time_marks_the_deadline_met_and_it_stays_met():
    person = PersonFactory()
    request = kz_decision(person)
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    appeal = AppealFactory(person=person, extradition_request=request, lodged_on=date(2011, 3, 20))
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 21))
    (d,) = live(person)
    assert (d.status, d.met_on) == ("met", date(2011, 3, 20))
    # Later edits to the basis do not reopen a met deadline.
    request.notified_on = date(2011, 3, 16)
    request.save()
    appeal.outcome, appeal.decided_on = AppealOutcome.REJECTED, date(2011, 4, 1)
    appeal.save()
    services.person_recompute(person_id=person.pk, today=date(2011, 6, 1))
    (d,) = live(person)
    assert d.status == "met" and d.due_on == date(2011, 3, 25)


def test_open_deadline_becomes_missed_after_its_due_date():
    person = PersonFactory()
    kz_decision(person)
    with time_machine.travel(datetime(2011, 3, 25, 20, 0, tzinfo=UTC), tick=False):
        services.sweep(today=timezone.localdate())
        assert live(person).get().status == "open"  # the last day is still open
    with time_machine.travel(datetime(2011, 3, 26, 9, 0, tzinfo=UTC), tick=False):
        services.sweep(today=timezone.localdate())
        d = live(person).get()
        assert d.status == "missed"
        assert d.history.count() == 2  # created open, then missed: who and when in history


def waived_deadline(by):
    """A Kazakh appeal deadline, computed and then waived by `by`."""
    person = PersonFactory()
    kz_decision(person)
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    d = live(person).get()
    services.deadline_waive(deadline_id=d.pk, reason="Client instructs not to appeal", by=by)
    return person, d


def test_a_waived_deadline_stays_waived_and_keeps_its_reason(lawyer):
    person, d = waived_deadline(lawyer)
    services.person_recompute(person_id=person.pk, today=date(2011, 4, 16))
    d.refresh_from_db()
    assert d.status == "waived" and d.waived_by == lawyer
    assert d.history.first().history_user == lawyer


def test_deleting_the_user_who_waived_keeps_the_waiver_and_its_reason(lawyer):
    _person, d = waived_deadline(lawyer)
    lawyer.delete()
    d.refresh_from_db()
    assert (d.status, d.waived_by_id, d.waived_reason) == (
        "waived",
        None,
        "Client instructs not to appeal",
    )


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, table)
    return {name: c["columns"] for name, c in found.items() if c["index"] and not c["primary_key"]}


def test_deadline_indexes_written_on_insert_are_only_those_a_query_uses():
    """Each index of engine_deadline and of its history is written ~650,000 times by a first
    recompute at 100,000 persons. Jurisdiction has none: its only filter is case-blind
    (UPPER(...)), which a plain index cannot serve. The waiver's and the history's user's
    are the partial ones (only rows with a user), not Django's plain ones."""
    deadline, history = _indexes("engine_deadline"), _indexes("engine_historicaldeadline")
    assert not [n for n, cols in deadline.items() if cols[:1] == ["jurisdiction"]], deadline
    assert [n for n, cols in deadline.items() if cols == ["waived_by_id"]] == ["deadline_waived_by"]
    assert [n for n, cols in history.items() if cols == ["history_user_id"]] == [
        "historicaldeadline_user_set"
    ]


def test_the_partial_user_indexes_serve_the_set_null_of_a_deleted_user():
    """The one query that asks for them names a user, which PostgreSQL's planner proves
    within WHERE ... IS NOT NULL. EXPLAIN and pg_indexes are PostgreSQL's, and so is the
    scale this is for: on SQLite (the demo's database) there is nothing to ask; the test
    command runs it on PostgreSQL, and with CI=true fails if PostgreSQL is missing."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN and pg_indexes: PostgreSQL only (CI runs it there)")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE indexname IN ('deadline_waived_by', 'historicaldeadline_user_set')"
        )
        defs = dict(cur.fetchall())
        assert defs["deadline_waived_by"].endswith("WHERE (waived_by_id IS NOT NULL)"), defs
        assert defs["historicaldeadline_user_set"].endswith(
            "WHERE (history_user_id IS NOT NULL)"
        ), defs
        cur.execute("SET LOCAL enable_seqscan = off")
        plans = {}
        for table, column in (
            ("engine_deadline", "waived_by_id"),
            ("engine_historicaldeadline", "history_user_id"),
        ):
            cur.execute(f"EXPLAIN UPDATE {table} SET {column} = NULL WHERE {column} IN (1)")
            plans[table] = "\n".join(row[0] for row in cur.fetchall())
    assert "deadline_waived_by" in plans["engine_deadline"], plans
    assert "historicaldeadline_user_set" in plans["engine_historicaldeadline"], plans


def test_a_deadline_whose_fact_is_gone_is_superseded():
    person = PersonFactory()
    request = kz_decision(person)
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    request.status, request.decided_on, request.notified_on = "withdrawn", None, None
    request.save()
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 17))
    assert not live(person).exists()
    assert Deadline.objects.get(person=person, kind="appeal_extradition").status == "superseded"


def test_verifying_a_rule_refreshes_its_deadlines_in_place():
    person = PersonFactory()
    DetentionFactory(person=person, started_on=date(2011, 6, 1))
    kz = Rule.objects.get(code="practice.welfare_check")
    kz.confidence = "U"
    kz.save()
    services.person_recompute(person_id=person.pk, today=date(2011, 6, 2))
    d = live(person, "welfare_check_overdue").get()
    assert d.unverified and "unverified rule" in d.why
    kz.verified_on, kz.verified_by = date(2026, 1, 1), "Reviewer"
    kz.save()
    result = services.person_recompute(person_id=person.pk, today=date(2011, 6, 2))
    assert (result.updated, result.created) == (1, 0)
    d.refresh_from_db()
    assert not d.unverified


def test_welfare_check_deadline_moves_with_the_last_confirmed_contact():
    person = PersonFactory()
    DetentionFactory(person=person, started_on=date(2011, 6, 1))
    services.person_recompute(person_id=person.pk, today=date(2011, 6, 2))
    assert live(person, "welfare_check_overdue").get().due_on == date(2011, 6, 4)
    WelfareCheckFactory(person=person, observed_at=datetime(2011, 6, 3, 10, tzinfo=UTC))
    WelfareCheckFactory(
        person=person, observed_at=datetime(2011, 6, 5, 10, tzinfo=UTC), contact_confirmed=False
    )
    services.person_recompute(person_id=person.pk, today=date(2011, 6, 5))
    assert live(person, "welfare_check_overdue").get().due_on == date(2011, 6, 6)


def _persons_with_facts(n):
    persons = []
    for _ in range(n):
        person = PersonFactory()
        request = kz_decision(person)
        AppealFactory(person=person, extradition_request=request, lodged_on=date(2011, 3, 20))
        DetentionFactory(person=person, started_on=date(2011, 6, 1))
        AsylumClaimFactory(
            person=person, decision="refused", decided_on=date(2011, 1, 5), country="RU"
        )
        persons.append(person)
    return persons


def test_sweep_queries_are_constant_per_batch():
    _persons_with_facts(3)
    with CaptureQueriesContext(connection) as small:
        services.sweep(today=date(2011, 6, 2), batch_size=500)
    Deadline.objects.all().delete()
    _persons_with_facts(9)
    with CaptureQueriesContext(connection) as large:
        services.sweep(today=date(2011, 6, 2), batch_size=500)
    assert len(small) == len(large)


def test_sweep_twice_changes_nothing():
    _persons_with_facts(4)
    first = services.sweep(today=date(2011, 6, 2), batch_size=3)
    assert first.created > 0 and first.batches == 2
    second = services.sweep(today=date(2011, 6, 2), batch_size=3)
    assert second.changes == 0


def test_reminders_are_owed_7_3_1_days_before_then_daily_while_overdue():
    person = PersonFactory()
    kz_decision(person)  # due 25 March 2011
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    owed = services.reminders_due(today=date(2011, 3, 18))
    assert [(o.key, o.days_left) for o in owed] == [("before:7", 7)]
    assert services.reminder_record(deadline_id=owed[0].deadline_id, key=owed[0].key)
    assert not services.reminder_record(deadline_id=owed[0].deadline_id, key=owed[0].key)
    assert services.reminders_due(today=date(2011, 3, 18)) == []
    assert [o.key for o in services.reminders_due(today=date(2011, 3, 23))] == ["before:3"]
    assert [o.key for o in services.reminders_due(today=date(2011, 3, 27))] == [
        "overdue:2011-03-27"
    ]
    # The sweep raises what is owed (issue 6: as alerts) and records it: owed no more.
    services.sweep(today=date(2011, 3, 27))
    assert services.reminders_due(today=date(2011, 3, 27)) == []
    assert Reminder.objects.filter(key="overdue:2011-03-27").exists()


@pytest.mark.parametrize("vendor", ["postgresql", "portable"])
def test_new_deadlines_and_their_history_are_written_as_simple_history_writes_them(
    vendor, monkeypatch, lawyer
):
    """PostgreSQL inserts by COPY, other databases through the ORM: both give the same rows,
    and a description with a tab, a backslash and a line break survives the COPY."""
    if vendor != connection.vendor:
        monkeypatch.setattr(connection, "vendor", "sqlite-like")
    Rule.objects.filter(code="kz.extr.appeal.1997").update(
        description="Appeal\tagainst the \\ decree\nof the Prosecutor General"
    )
    person = PersonFactory()
    kz_decision(person)
    HistoricalRecords.context.request = SimpleNamespace(user=lawyer)  # as the middleware does
    try:
        services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    finally:
        del HistoricalRecords.context.request
    d = live(person).get()
    assert d.why.startswith("Appeal\tagainst the \\ decree\nof the Prosecutor General notified")
    assert d.waived_reason == "" and d.waived_by is None
    (h,) = d.history.all()
    assert (h.history_type, h.history_user, h.history_change_reason) == ("+", lawyer, None)
    assert h.history_date == d.computed_at == d.status_changed_at
    for field in Deadline._meta.concrete_fields:
        assert getattr(h, field.attname) == getattr(d, field.attname), field.name


def test_a_batch_runs_with_the_cycle_collector_paused_and_restores_it_as_it_was(monkeypatch):
    person = PersonFactory()
    kz_decision(person)
    seen = []
    real = services._recompute_batch

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_recompute_batch", watched)
    assert gc.isenabled()
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        services.person_recompute(person_id=person.pk, today=date(2011, 3, 17))
        assert seen == [False, False] and not gc.isenabled()  # a caller's pause is kept
    finally:
        gc.enable()


def test_a_batch_that_fails_turns_the_collector_back_on(monkeypatch):
    person = PersonFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_recompute_batch", broken)
    with pytest.raises(RuntimeError):
        services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
    assert gc.isenabled()


def test_deadlines_and_assessments_get_time_ordered_keys():
    """New keys are version 7 (casework.bulk.uuid7_texts): a later recompute's rows sort after
    an earlier one's, so they land on the last pages of the primary key's index."""
    earlier, later = PersonFactory(), PersonFactory()
    for person in (earlier, later):
        kz_decision(person)
        services.person_recompute(person_id=person.pk, today=date(2011, 3, 16))
        time.sleep(0.002)
    keys = {}
    for person in (earlier, later):
        keys[person] = [*Deadline.objects.filter(person=person).values_list("pk", flat=True)]
        keys[person] += RiskAssessment.objects.filter(person=person).values_list("pk", flat=True)
    assert keys[earlier] and keys[later]
    assert {k.version for k in keys[earlier] + keys[later]} == {7}
    assert max(map(str, keys[earlier])) < min(map(str, keys[later]))
