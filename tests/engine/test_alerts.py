"""Alerts: who gets them (restricted persons too), exactly once per event and recipient, the
e-mail outbox with retries and visible failures, daily digests, the inbox and the board, in a
constant number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engine import alerts, services
from engine.models import (
    Alert,
    AlertKind,
    AlertPreference,
    DeliveryStatus,
    Digest,
    RiskAssessment,
    RiskSignal,
)
from tests.factories import (
    DetentionFactory,
    ExtraditionRequestFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2011, 6, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2011, 6, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


def at_risk(**kw):
    """Detained, extradition approved, no interim measure, nobody seen him: imminent."""
    person = PersonFactory(**kw)
    DetentionFactory(person=person, started_on=date(2011, 1, 10))
    ExtraditionRequestFactory(person=person, status="approved", decided_on=date(2011, 3, 1))
    return person


def recompute(person):
    return services.person_recompute(person_id=person.pk, today=DAY)


def recipients_of(person, kind=AlertKind.RISK_RAISED):
    return sorted(
        Alert.objects.filter(person=person, kind=kind).values_list("recipient__username", flat=True)
    )


# --- recipients ---------------------------------------------------------------------------


def test_a_raised_level_alerts_assigned_staff_and_coordinators_once(
    caseworker, lawyer, coordinator
):
    person = at_risk(assigned_caseworker=caseworker, assigned_lawyer=lawyer)
    recompute(person)
    assert RiskAssessment.objects.get(person=person).level == "imminent"
    assert recipients_of(person) == ["co", "cw", "lw"]
    # No urgent action issued: the coordinators are proposed a draft.
    (proposal,) = Alert.objects.filter(person=person, kind=AlertKind.IMMINENT_NO_UA)
    assert proposal.recipient == coordinator
    assert proposal.action_link == f"/advocacy/urgent-actions/draft/?person={person.pk}"
    assert person.primary_name not in proposal.subject + proposal.body  # case number only
    assert person.case_number in proposal.subject

    count = Alert.objects.count()
    recompute(person)
    recompute(person)
    assert Alert.objects.count() == count


def test_an_unassigned_coordinator_never_gets_alerts_of_a_restricted_person(
    caseworker, coordinator, admin_user
):
    both = UserFactory(username="coadmin", roles=["coordinator", "admin"])
    assigned_coordinator = UserFactory(username="coassigned", roles=["coordinator"])
    person = at_risk(
        confidentiality="restricted",
        assigned_caseworker=caseworker,
        assigned_lawyer=assigned_coordinator,
    )
    recompute(person)
    got = set(Alert.objects.filter(person=person).values_list("recipient__username", flat=True))
    assert got == {"cw", "coassigned", "coadmin"}
    assert coordinator.username not in got
    assert both.username in got


def test_the_same_event_twice_in_one_call_is_one_alert(coordinator):
    person = at_risk()
    spec = alerts.AlertSpec(str(person.pk), AlertKind.RISK_RAISED, "k1", "s {case}", "b")
    rows = {str(person.pk): {"case_number": "HV-1", "restricted": False, "staff": []}}
    directory = {"coordinators": [coordinator.pk], "admins": set(), "email_immediately": {}}
    alerts.alerts_create(specs=[spec, spec], assignments=rows, directory=directory)
    alerts.alerts_create(specs=[spec], assignments=rows, directory=directory)
    assert Alert.objects.filter(dedup_key="k1").count() == 1
    assert Alert.objects.get(dedup_key="k1").subject == "s HV-1"


def test_history_keeps_when_the_level_changed_from_what_and_why(coordinator):
    person = at_risk()
    recompute(person)
    signal = RiskSignal.objects.get(code="extradition_approved")
    signal.enabled = False
    signal.save()
    recompute(person)  # a reason gone: a new row, lower level, no alert (not raised)
    signal.enabled = True
    signal.save()
    recompute(person)  # raised again: alerted again, a new event
    rows = list(RiskAssessment.objects.filter(person=person).order_by("assessed_at", "level"))
    assert len(rows) == 3 and [r.is_current for r in rows].count(True) == 1
    current = RiskAssessment.objects.get(person=person, is_current=True)
    assert current.previous_level != "" and current.level == "imminent"
    assert Alert.objects.filter(person=person, kind=AlertKind.RISK_RAISED).count() == 2


def test_a_return_enqueues_the_others_it_is_evidence_for(django_capture_on_commit_callbacks):
    from tests.factories import ReturnFactory

    detained = at_risk()
    returned = PersonFactory()
    with mock.patch("engine.tasks.recompute_affected_task.delay") as affected:
        with django_capture_on_commit_callbacks(execute=True):
            ReturnFactory(person=returned, from_country="KZ")
    affected.assert_called_with(str(returned.pk))
    from engine import selectors

    DetentionFactory(person=detained, started_on=date(2011, 1, 10))  # facility in KZ
    assert str(detained.pk) in selectors.affected_person_ids(returned.pk)


# --- e-mail: the outbox ---------------------------------------------------------------------


def test_each_alert_is_emailed_once_and_a_failure_is_retried_and_visible(coordinator):
    person = at_risk()
    recompute(person)
    alert = Alert.objects.get(person=person, kind=AlertKind.RISK_RAISED)
    assert alert.email_status == DeliveryStatus.PENDING
    with mock.patch("engine.alerts.send_mail", side_effect=OSError("smtp down")):
        assert alerts.alert_email_deliver(alert_id=alert.pk) == DeliveryStatus.FAILED
    alert.refresh_from_db()
    assert alert.email_failed and "smtp down" in alert.email_error and alert.email_attempts == 1
    # Not due yet: the backoff holds it.
    assert alerts.alert_email_deliver(alert_id=alert.pk) == ""
    later = timezone.now() + alerts.backoff(1) + timedelta(seconds=1)
    assert alerts.alert_email_deliver(alert_id=alert.pk, now=later) == DeliveryStatus.SENT
    assert alerts.alert_email_deliver(alert_id=alert.pk, now=later) == ""  # sent is final
    sent = [m for m in mail.outbox if person.case_number in m.subject and "risk" in m.subject]
    assert len(sent) == 1 and sent[0].to == [coordinator.email]


def test_a_claim_held_by_another_worker_is_not_sent_twice(coordinator):
    person = at_risk()
    recompute(person)
    alert = Alert.objects.get(person=person, kind=AlertKind.RISK_RAISED)
    Alert.objects.filter(pk=alert.pk).update(
        email_status=DeliveryStatus.SENDING, email_claimed_at=timezone.now()
    )
    assert alerts.alert_email_deliver(alert_id=alert.pk) == ""
    stale = timezone.now() + alerts.STALE_CLAIM + timedelta(seconds=1)
    assert alerts.alert_email_deliver(alert_id=alert.pk, now=stale) == DeliveryStatus.SENT


def test_after_max_attempts_the_outbox_gives_up_and_says_so(coordinator):
    person = at_risk()
    recompute(person)
    alert = Alert.objects.get(person=person, kind=AlertKind.RISK_RAISED)
    now = timezone.now()
    with mock.patch("engine.alerts.send_mail", side_effect=OSError("refused")):
        for _ in range(alerts.MAX_ATTEMPTS):
            alerts.alert_email_deliver(alert_id=alert.pk, now=now)
            now += timedelta(hours=2)
    alert.refresh_from_db()
    assert alert.email_status == DeliveryStatus.GAVE_UP
    alerts.alerts_outbox_drain(now=now + timedelta(days=1))  # sends the others, not this one
    alert.refresh_from_db()
    assert alert.email_status == DeliveryStatus.GAVE_UP and alert.email_attempts == 6


def test_users_who_want_no_immediate_email_still_get_imminent_ones(coordinator):
    AlertPreference.objects.create(user=coordinator, email_immediately=False)
    person = at_risk()
    recompute(person)
    assert set(Alert.objects.filter(person=person).values_list("email_status", flat=True)) == {
        DeliveryStatus.PENDING
    }


# --- digests -----------------------------------------------------------------------------


def test_the_daily_digest_goes_once_at_the_users_time(coordinator):
    AlertPreference.objects.create(user=coordinator, digest_time=time(10, 30))
    recompute(at_risk())
    mail.outbox.clear()
    local = timezone.localtime(timezone.now())
    early = timezone.make_aware(datetime.combine(local.date(), time(10, 0)))
    due = timezone.make_aware(datetime.combine(local.date(), time(10, 31)))
    assert alerts.digests_send_due(now=early) == 0
    assert alerts.digests_send_due(now=due) == 1
    assert alerts.digests_send_due(now=due + timedelta(minutes=5)) == 0
    assert Digest.objects.get(user=coordinator).alert_count == 2  # raised + draft proposed
    digests = [m for m in mail.outbox if "digest" in m.subject.lower()]
    assert len(digests) == 1 and digests[0].to == [coordinator.email]


# --- inbox, board and their query counts -----------------------------------------------------


def test_the_inbox_counts_unread_and_marks_read(client_for, coordinator):
    recompute(at_risk())
    recompute(at_risk())
    client = client_for(coordinator)
    assert client.get("/api/engine/alerts/unread-count/").json() == {"unread": 4}
    first = client.get("/api/engine/alerts/").json()["results"][0]["id"]
    client.post("/api/engine/alerts/read/", {"ids": [first]}, content_type="application/json")
    assert client.get("/api/engine/alerts/unread-count/").json() == {"unread": 3}
    assert len(client.get("/api/engine/alerts/?unread=1").json()["results"]) == 3
    page = client.get("/engine/inbox/")
    assert page.status_code == 200 and b"Draft an urgent action" in page.content
    client.post("/engine/inbox/read/")
    assert client.get("/api/engine/alerts/unread-count/").json() == {"unread": 0}


def test_inbox_queries_do_not_grow_with_alerts(client_for, coordinator, django_assert_num_queries):
    recompute(at_risk())
    client = client_for(coordinator)
    for url in ("/engine/inbox/", "/api/engine/alerts/"):
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        for _ in range(4):
            recompute(at_risk())
        with django_assert_num_queries(len(small)):
            client.get(url)


def test_the_board_puts_imminent_without_an_urgent_action_first(client_for, coordinator):
    quiet = PersonFactory()
    DetentionFactory(person=quiet, started_on=date(2011, 6, 9))  # detained: monitoring
    hot = at_risk()
    recompute(quiet)
    recompute(hot)
    body = client_for(coordinator).get("/api/engine/board/").json()
    assert [r["person"] for r in body["results"]] == [str(hot.pk), str(quiet.pk)]
    top = body["results"][0]
    assert top["level"] == "imminent" and top["needs_urgent_action"]
    assert top["urgent_action_draft"].endswith(f"?person={hot.pk}")
    assert any("Extradition" in r["sentence"] for r in top["reasons"])
    assert top["last_confirmed_contact_at"] is None
    page = client_for(coordinator).get("/engine/board/")
    assert page.status_code == 200 and hot.case_number.encode() in page.content


def test_board_queries_do_not_grow_with_persons(client_for, coordinator, django_assert_num_queries):
    recompute(at_risk())
    client = client_for(coordinator)
    for url in ("/engine/board/", "/api/engine/board/"):
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        for _ in range(4):
            recompute(at_risk())
        with django_assert_num_queries(len(small)):
            client.get(url)


def test_the_board_is_paged_most_urgent_first_with_counts_per_level(
    client_for, coordinator, monkeypatch
):
    """In a crisis the board holds thousands: a page of the most urgent, and every count."""
    from rest_framework.pagination import PageNumberPagination

    from engine import views

    monkeypatch.setattr(views, "BOARD_PAGE_SIZE", 2)
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    quiet = PersonFactory()
    DetentionFactory(person=quiet, started_on=date(2011, 6, 9))
    hot = [at_risk() for _ in range(2)]
    for person in (quiet, *hot):
        recompute(person)
    client = client_for(coordinator)
    first = client.get("/api/engine/board/").json()
    assert first["count"] == 3 and first["next"]
    assert {r["person"] for r in first["results"]} == {str(p.pk) for p in hot}
    assert first["levels"]["imminent"] == 2 and sum(first["levels"].values()) == 3
    second = client.get(first["next"]).json()
    assert [r["person"] for r in second["results"]] == [str(quiet.pk)]
    page = client.get("/engine/board/")
    assert quiet.case_number.encode() not in page.content
    assert quiet.case_number.encode() in client.get("/engine/board/?page=2").content


def test_the_board_never_shows_a_restricted_person_to_an_unassigned_coordinator(
    client_for, coordinator, caseworker
):
    hidden = at_risk(confidentiality="restricted", assigned_caseworker=caseworker)
    recompute(hidden)
    body = client_for(coordinator).get("/api/engine/board/").json()
    assert str(hidden.pk) not in {r["person"] for r in body["results"]}
    assert hidden.case_number.encode() not in client_for(coordinator).get("/engine/board/").content
    assert str(hidden.pk) in {
        r["person"] for r in client_for(caseworker).get("/api/engine/board/").json()["results"]
    }


def test_people_without_a_role_see_no_board_and_no_inbox(client_for, outsider):
    client = client_for(outsider)
    for url in ("/api/engine/board/", "/api/engine/alerts/", "/engine/board/", "/engine/inbox/"):
        assert client.get(url).status_code == 403, url


def test_a_deadline_reminder_carries_the_why_and_the_rule_citation_once(lawyer):
    # Notified on 1 June 2011: the Kazakh appeal window in force then (the 1997 code's rule,
    # 10 days) ends on 11 June, a day after DAY, so the one-day reminder is owed today.
    person = PersonFactory(assigned_lawyer=lawyer)
    ExtraditionRequestFactory(
        person=person, status="approved", decided_on=date(2011, 6, 1), notified_on=date(2011, 6, 1)
    )
    recompute(person)
    alert = Alert.objects.get(person=person, recipient=lawyer, kind=AlertKind.DEADLINE_REMINDER)
    assert "notified on 1 June 2011" in alert.body
    from engine.models import Rule

    citation = Rule.objects.get(code="kz.extr.appeal.1997").citation
    assert alert.body.count(citation) == 1
