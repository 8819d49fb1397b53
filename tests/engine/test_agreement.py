"""The agenda sweep agrees with recomputing everyone every day.

A varied population (detentions that start and end, welfare checks and their gaps, transfers,
decisions notified, appeals, removals scheduled, interim measures granted and lifted, group
events, relatives detained, other persons returned despite interim measures, urgent actions
with send-before dates), its facts spread before, inside and after a window of months. World A
recomputes everyone every day; world B only those its agenda names. After each day, both must
hold the same deadlines (every row, superseded ones too), the same risk assessments (levels,
reasons, board order) and the same alerts and reminders.
"""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from advocacy.models import UrgentAction
from casework import models as cw
from engine import services
from engine.models import Alert, Deadline, PersonAgenda, Reminder, RiskAssessment
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    FacilityFactory,
    GroupFactory,
    InterimMeasureFactory,
    PersonFactory,
    RemovalOrderFactory,
    ReturnFactory,
    WelfareCheckFactory,
)

pytestmark = pytest.mark.django_db

START = date(2011, 3, 1)
DAYS = 100
PERSONS = 27


def around(rng: random.Random, before: int = 60, after: int = DAYS + 20, *, old=False) -> date:
    """A day from `before` days before the window to `after` days into it; for an old case
    (one person in three: most of a real record is history), three years earlier."""
    day = START + timedelta(days=rng.randrange(-before, after))
    return day - timedelta(days=3 * 365) if old else day


def maybe(rng: random.Random, p: float = 0.5) -> bool:
    return rng.random() < p


def population(rng: random.Random, staff: list) -> list:
    facilities = {c: FacilityFactory(country=c) for c in ("KZ", "RU", "TR")}
    groups = [GroupFactory(), GroupFactory()]
    for group in groups:
        for kind in ("transferred", "returned", "threatened"):
            if maybe(rng, 0.7):
                cw.GroupEvent.objects.create(
                    group=group, kind=kind, occurred_on=around(rng), estimated_count=3
                )
    persons = []
    for i in range(PERSONS):
        old = i % 3 == 2
        lawyer, caseworker = staff
        person = PersonFactory(assigned_lawyer=lawyer, assigned_caseworker=caseworker)
        persons.append(person)
        country = rng.choice(list(facilities))
        if maybe(rng, 0.8):
            started = around(rng, old=old)
            detention = DetentionFactory(
                person=person,
                facility=facilities[country],
                started_on=started,
                ended_on=started + timedelta(days=rng.randrange(5, 90))
                if maybe(rng, 0.3)
                else None,
                authorised_until=started + timedelta(days=rng.choice([30, 40, 60]))
                if maybe(rng)
                else None,
                incommunicado=maybe(rng, 0.15),
                legal_basis=rng.choice(["extradition_arrest", "criminal", "immigration"]),
            )
            for _ in range(rng.randrange(0, 4)):
                WelfareCheckFactory(
                    person=person,
                    detention=detention,
                    observed_at=datetime.combine(
                        started + timedelta(days=rng.randrange(0, 60)),
                        datetime.min.time(),
                        UTC,
                    )
                    + timedelta(hours=10),
                    contact_confirmed=maybe(rng, 0.7),
                    transfer_reported=maybe(rng, 0.2),
                )
        if maybe(rng, 0.7):
            decided = around(rng, old=old)
            request = ExtraditionRequestFactory(
                person=person,
                requested_state=country,
                status=rng.choice(["approved", "approved", "pending"]),
                decided_on=decided,
                notified_on=decided + timedelta(days=rng.randrange(0, 4)) if maybe(rng) else None,
                received_on=decided - timedelta(days=rng.randrange(5, 40)),
            )
            if maybe(rng, 0.5):
                lodged = decided + timedelta(days=rng.randrange(1, 15))
                rejected = maybe(rng)
                AppealFactory(
                    person=person,
                    extradition_request=request,
                    country=country,
                    lodged_on=lodged,
                    outcome="rejected" if rejected else "pending",
                    decided_on=lodged + timedelta(days=20) if rejected else None,
                    notified_on=lodged + timedelta(days=22) if rejected else None,
                )
        if maybe(rng, 0.5):
            decided = around(rng, old=old)
            AsylumClaimFactory(
                person=person,
                country=country,
                authority_kind=rng.choice(["state", "state", "unhcr"]),
                decision=rng.choice(["refused", "pending", "excluded"]),
                decided_on=decided,
                notified_on=decided + timedelta(days=2),
                lodged_on=decided - timedelta(days=60),
            )
        if maybe(rng, 0.3):
            issued = around(rng, old=old)
            RemovalOrderFactory(
                person=person,
                country="TR",
                issued_on=issued,
                notified_on=issued + timedelta(days=1),
                scheduled_removal_on=issued + timedelta(days=rng.randrange(3, 30)),
            )
        if maybe(rng, 0.35):
            granted = around(rng, old=old)
            InterimMeasureFactory(
                person=person,
                respondent_state=country,
                status="granted",
                requested_on=granted - timedelta(days=3),
                granted_on=granted,
                lifted_on=granted + timedelta(days=rng.randrange(10, 80))
                if maybe(rng, 0.3)
                else None,
                complaint_transmitted_on=granted + timedelta(days=5),
            )
        if maybe(rng, 0.4):
            cw.GroupMembership.objects.create(group=rng.choice(groups), person=person)
        if i and maybe(rng, 0.2):
            cw.Relationship.objects.create(
                person=persons[rng.randrange(0, i)], relative=person, kind="spouse"
            )
        if maybe(rng, 0.12):
            ReturnFactory(
                person=person, from_country=country, returned_on=around(rng, 200, DAYS, old=old)
            )
        if maybe(rng, 0.15):
            ua = UrgentAction.objects.create(
                title="UA",
                status="issued",
                number=100 + i,
                year=2011,
                issued_on=around(rng, old=old),
                send_before=around(rng, old=old),
            )
            ua.persons.add(person)
    return persons


def snapshot() -> dict:
    """Everything the engine shows or sends, without ids (the two worlds' rows have others)."""
    deadlines = {
        d["id"]: (
            str(d["person_id"]),
            d["kind"],
            d["source_type"],
            d["source_id"],
            d["due_on"],
            d["rule_code"],
        )
        for d in Deadline.objects.values(
            "id", "person_id", "kind", "source_type", "source_id", "due_on", "rule_code"
        )
    }
    return {
        "deadlines": sorted(
            (*deadlines[d["id"]], d["status"], d["met_on"], d["why"], d["counted_from"])
            for d in Deadline.objects.values("id", "status", "met_on", "why", "counted_from")
        ),
        "assessments": sorted(
            (str(p), level, previous, score, repr(reasons), on, current, rank, contact)
            for p, level, previous, score, reasons, on, current, rank, contact in (
                RiskAssessment.objects.values_list(
                    "person_id",
                    "level",
                    "previous_level",
                    "score",
                    "reasons",
                    "assessed_on",
                    "is_current",
                    "board_rank",
                    "last_contact_at",
                )
            )
        ),
        "alerts": sorted(
            (str(r), str(p), kind, level, subject, body, link, action)
            for r, p, kind, level, subject, body, link, action in Alert.objects.values_list(
                "recipient_id",
                "person_id",
                "kind",
                "level",
                "subject",
                "body",
                "link",
                "action_link",
            )
        ),
        "reminders": sorted(
            (deadlines[d], key) for d, key in Reminder.objects.values_list("deadline_id", "key")
        ),
    }


def forget_everything_computed() -> None:
    Alert.objects.all().delete()
    Reminder.objects.all().delete()
    Deadline.objects.all().delete()
    RiskAssessment.objects.all().delete()
    PersonAgenda.objects.all().delete()


def test_the_agenda_sweep_gives_what_recomputing_everyone_every_day_gives(
    lawyer, caseworker, coordinator
):
    population(random.Random(17), [lawyer, caseworker])
    days = [START + timedelta(days=n) for n in range(DAYS + 1)]

    every_day, recomputed_a = [], 0
    for day in days:
        recomputed_a += services.sweep(today=day).persons
        every_day.append(snapshot())

    forget_everything_computed()
    recomputed_b = services.sweep(today=days[0]).persons  # the first full recompute
    assert snapshot() == every_day[0]
    for day, expected in zip(days[1:], every_day[1:], strict=True):
        recomputed_b += services.agenda_sweep(today=day).persons
        got = snapshot()
        for part in expected:
            assert got[part] == expected[part], f"{part} differ on {day}"

    # Not a vacuous agreement: time alone changed a lot over these months...
    first, last = every_day[0], every_day[-1]
    assert len(last["alerts"]) > len(first["alerts"]) + 20
    assert len(last["assessments"]) > len(first["assessments"]) + 10
    assert {d[6] for d in last["deadlines"]} >= {"open", "missed", "met"}
    # ...and the agenda recomputed a fraction of what every day did. (0.65, not 0.6, since
    # the lawbook of issue 16 gives the region's persons more deadlines, each a due day the
    # agenda wakes for: 1654 of 2727 with seed 17.)
    assert recomputed_b < recomputed_a * 0.65
