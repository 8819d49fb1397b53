"""The board's order, kept by the engine on each person's current assessment (its rank and
last confirmed contact): what a recompute writes, what moves a person, and the sweep putting
right a place that an event missed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from advocacy.models import UrgentAction
from engine import services
from engine.models import RiskAssessment

# The alert tests' frozen day (an autouse fixture) and their imminent person.
from tests.engine.test_alerts import DAY, at_risk, frozen  # noqa: F401
from tests.factories import DetentionFactory, PersonFactory, WelfareCheckFactory

pytestmark = pytest.mark.django_db


def seen(person, day: int, hour: int = 12):
    WelfareCheckFactory(
        person=person, observed_at=datetime(2011, 6, day, hour, tzinfo=UTC), contact_confirmed=True
    )


def recompute(*persons):
    for person in persons:
        services.person_recompute(person_id=person.pk, today=DAY)


def board(client) -> list[str]:
    return [r["person"] for r in client.get("/api/engine/board/").json()["results"]]


def issue_urgent_action_for(person):
    ua = UrgentAction.objects.create(
        title="UA",
        status="issued",
        number=129,
        year=2011,
        issued_on=date(2011, 6, 9),
        send_before=date(2011, 7, 20),
    )
    ua.persons.add(person)


def test_within_a_rank_the_longest_without_contact_comes_first(client_for, coordinator):
    never, long_ago, recent = at_risk(), at_risk(), at_risk()
    seen(long_ago, 1)
    seen(recent, 5)  # more than 3 days ago: all three are imminent
    recompute(recent, long_ago, never)
    levels = set(RiskAssessment.objects.filter(is_current=True).values_list("level", flat=True))
    assert levels == {"imminent"}
    client = client_for(coordinator)
    assert board(client) == [str(never.pk), str(long_ago.pk), str(recent.pk)]

    # Seen on the 6th: after the recompute their welfare check wakes, last on the board.
    seen(never, 6, hour=8)
    recompute(never)
    assert board(client) == [str(long_ago.pk), str(recent.pk), str(never.pk)]
    row = client.get("/api/engine/board/").json()["results"][-1]
    assert row["last_confirmed_contact_at"].startswith("2011-06-06T08:00")


def test_an_issued_urgent_action_moves_an_imminent_person_below_those_without_one(
    client_for, coordinator
):
    covered, uncovered = at_risk(), at_risk()
    high = PersonFactory()
    DetentionFactory(person=high, started_on=date(2011, 1, 10), incommunicado=True)
    seen(uncovered, 5)  # contacted, `covered` never: only the rank can put it first
    recompute(covered, uncovered, high)
    client = client_for(coordinator)
    assert board(client)[:2] == [str(covered.pk), str(uncovered.pk)]

    before = RiskAssessment.objects.get(person=covered, is_current=True)
    issue_urgent_action_for(covered)
    recompute(covered)
    order = board(client)
    assert order.index(str(uncovered.pk)) < order.index(str(covered.pk))
    # Still before anyone at a lower level.
    assert RiskAssessment.objects.get(person=high).level not in ("imminent", "none")
    assert order.index(str(covered.pk)) < order.index(str(high.pk))
    # The place moved in the current row; the risk's history has no new row for it.
    after = RiskAssessment.objects.get(person=covered, is_current=True)
    assert after.pk == before.pk and (before.board_rank, after.board_rank) == (0, 1)
    assert RiskAssessment.objects.filter(person=covered).count() == 1
    top = client.get("/api/engine/board/").json()["results"][0]
    assert top["person"] == str(uncovered.pk) and top["needs_urgent_action"]


def test_a_recompute_writes_the_rank_and_contact_and_twice_changes_nothing():
    person = at_risk()
    seen(person, 3, hour=7)
    recompute(person)
    row = RiskAssessment.objects.get(person=person, is_current=True)
    assert row.board_rank == 0
    assert row.last_contact_at == datetime(2011, 6, 3, 7, tzinfo=UTC)
    recompute(person)
    assert RiskAssessment.objects.get(person=person, is_current=True).pk == row.pk
    assert RiskAssessment.objects.filter(person=person).count() == 1


def test_the_sweep_puts_right_a_place_that_an_event_missed(client_for, coordinator):
    first, second = at_risk(), at_risk()
    seen(first, 1)
    seen(second, 5)
    recompute(first, second)
    # As if a welfare check's recompute had been lost with the broker: the stored place is
    # stale, and the board shows the engine's last word until the sweep.
    RiskAssessment.objects.filter(person=first).update(last_contact_at=None, board_rank=4)
    client = client_for(coordinator)
    assert board(client) == [str(second.pk), str(first.pk)]
    services.sweep(today=DAY)
    assert board(client) == [str(first.pk), str(second.pk)]
    row = RiskAssessment.objects.get(person=first, is_current=True)
    assert (row.board_rank, row.last_contact_at) == (0, datetime(2011, 6, 1, 12, tzinfo=UTC))


def test_persons_at_level_none_are_left_off_unless_asked_for(client_for, coordinator):
    calm = PersonFactory()
    hot = at_risk()
    recompute(calm, hot)
    assert RiskAssessment.objects.get(person=calm).level == "none"
    client = client_for(coordinator)
    assert board(client) == [str(hot.pk)]
    everyone = [r["person"] for r in client.get("/api/engine/board/?all=1").json()["results"]]
    assert everyone == [str(hot.pk), str(calm.pk)]


def test_the_counts_per_level_leave_out_only_whom_the_gate_hides(
    caseworker, coordinator, admin_user, outsider, lawyer
):
    from engine.selectors import board_for, board_level_counts

    hidden = at_risk(confidentiality="restricted", assigned_caseworker=caseworker)
    shown = at_risk()
    covered = at_risk()
    issue_urgent_action_for(covered)  # rank 1: still counted as imminent
    high = PersonFactory()
    DetentionFactory(person=high, started_on=date(2011, 1, 10), incommunicado=True)
    mine_restricted = at_risk(confidentiality="restricted", assigned_lawyer=lawyer)
    recompute(hidden, shown, covered, high, mine_restricted)
    high_level = RiskAssessment.objects.get(person=high).level
    assert high_level not in ("imminent", "none")

    assert board_level_counts(coordinator) == {"imminent": 2, high_level: 1}
    assert board_level_counts(caseworker) == {"imminent": 3, high_level: 1}
    assert board_level_counts(lawyer) == {"imminent": 3, high_level: 1}
    assert board_level_counts(admin_user) == {"imminent": 4, high_level: 1}
    assert board_level_counts(outsider) == {}
    # The counts are the board's rows: what a user's board pages through.
    for user in (coordinator, caseworker, lawyer, admin_user):
        assert sum(board_level_counts(user).values()) == board_for(user).count()
