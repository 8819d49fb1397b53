"""One person's recompute (what a saved fact's task runs) costs a fixed number of queries,
however many facts the person has, and its rule tables are read once per process while they
do not change (engine.services.RuleBook.load)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine import services
from engine.models import CalendarAdjustment, Deadline, Rule
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    InterimMeasureFactory,
    PersonFactory,
    WelfareCheckFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2011, 6, 20)


@pytest.fixture(autouse=True)
def quiet_signals(monkeypatch):
    # The facts below are saved in the test's transaction: nothing to enqueue.
    from engine import signals

    monkeypatch.setattr(signals, "enqueue_person", lambda person_id: None)
    monkeypatch.setattr(signals, "enqueue_affected", lambda person_id: None)


def person_with(facts: int):
    """A person detained pending extradition with `facts` of each kind of fact."""
    person = PersonFactory()
    for i in range(facts):
        notified = TODAY - timedelta(days=5 + i)
        request = ExtraditionRequestFactory(
            person=person, status="approved", decided_on=notified, notified_on=notified
        )
        AppealFactory(
            person=person,
            extradition_request=request,
            outcome="rejected",
            decided_on=notified,
            notified_on=notified,
        )
        AsylumClaimFactory(
            person=person, decision="refused", decided_on=notified, notified_on=notified
        )
        DetentionFactory(person=person, started_on=notified - timedelta(days=30))
        WelfareCheckFactory(person=person)
        InterimMeasureFactory(person=person)
    return person


def recompute_queries(person) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.person_recompute(person_id=person.pk, today=TODAY)
    return len(queries)


def test_one_recompute_costs_the_same_queries_with_one_fact_or_five():
    services.RuleBook.load()  # the rule tables, read once by the worker's process
    few, many = person_with(1), person_with(5)
    first = recompute_queries(few)
    assert recompute_queries(many) == first
    assert (
        Deadline.objects.filter(person=many).count() > Deadline.objects.filter(person=few).count()
    )
    # Nothing changed since: the same reads, and no write but the transaction's.
    assert recompute_queries(few) == recompute_queries(many)


def test_one_recompute_query_count_is_pinned():
    services.RuleBook.load()
    person = person_with(2)
    recompute_queries(person)  # its first: deadlines, assessment, agenda and alerts written
    # Nothing changed, so nothing written: the rule tables' fingerprint (their rows are the
    # process's already), 1 for the returns (none: their measures and groups are not asked);
    # no alert raised, so not who receives alerts; SAVEPOINT, the person locked; 9 facts (detentions, last
    # contact, extradition requests, asylum claims, removal orders, appeals, reaffirmations,
    # interim measures, urgent actions) and 5 risk inputs (last level, return, welfare
    # checks, groups, relatives); the stored deadlines, agenda row, rule gaps and current
    # assessment; the reminders due and those already recorded; RELEASE: 25.
    # Off PostgreSQL (the embedded SQLite) there is no fingerprint: the six rule tables are
    # read each time instead, 25 - 1 + 6.
    assert recompute_queries(person) == (25 if connection.vendor == "postgresql" else 30)


def test_the_cached_rule_tables_follow_an_edit_made_without_signals():
    book = services.RuleBook.load()
    rule = Rule.objects.filter(period_amount__isnull=False).order_by("pk").first()
    assert services.RuleBook.load().specs == book.specs  # kept: the tables did not change
    # A bulk update sends no signal; the fingerprint sees it all the same.
    Rule.objects.filter(pk=rule.pk).update(period_amount=rule.period_amount + 1)
    edited = {s.code: s for s in services.RuleBook.load().specs}
    assert edited[rule.code].period_amount == rule.period_amount + 1
    wednesday = date(2011, 6, 22)
    assert services.RuleBook.load().calendars["KZ"].is_working_day(wednesday)
    CalendarAdjustment.objects.create(calendar="KZ", day=wednesday, kind="holiday")
    assert not services.RuleBook.load().calendars["KZ"].is_working_day(wednesday)
