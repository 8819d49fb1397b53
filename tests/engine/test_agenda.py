"""The agenda's pure core: the next day on which time alone can change what the engine shows
or sends, and the sweep that recomputes only the persons whose day has come."""

from datetime import date, timedelta

import pytest

from engine import agenda, services
from engine.deadlines import compute_deadlines
from engine.facts import DetentionFact, ExtraditionFact, PersonFacts
from engine.models import PersonAgenda
from engine.risk import DEFAULT_SIGNALS, Observation, ReturnEvidence
from tests.factories import ExtraditionRequestFactory, PersonFactory

SHIFTS = agenda.settings_offsets(DEFAULT_SIGNALS)


def nxt(facts, today, extra=None, deadlines=(), **kw):
    return agenda.next_moment(facts, extra or {}, deadlines, today, shifts=SHIFTS, **kw)


def kz_rules():
    from engine.facts import RuleSpec
    from engine.kinds import Event, Kind

    return [
        RuleSpec(
            code="kz.extr.appeal",
            kind=Kind.APPEAL_EXTRADITION,
            counts_from=Event.EXTRADITION_DECISION_NOTIFIED,
            description="Appeal",
            period_amount=10,
            countries=frozenset({"KZ"}),
        )
    ]


def decided(notified_on):
    return PersonFacts(
        person_id="p",
        extraditions=(
            ExtraditionFact(
                id="e",
                requested_state="KZ",
                status="approved",
                decided_on=notified_on,
                notified_on=notified_on,
            ),
        ),
    )


def test_a_person_whose_every_date_is_years_behind_has_no_next_moment():
    facts = decided(date(2011, 3, 15))
    deadlines = compute_deadlines(facts, kz_rules(), date(2026, 1, 15))
    assert nxt(facts, date(2026, 1, 15), deadlines=deadlines) is None


def test_the_reminder_days_and_the_day_after_the_due_date_are_moments():
    facts = decided(date(2011, 3, 15))  # due 25 March
    day = date(2011, 3, 16)
    deadlines = compute_deadlines(facts, kz_rules(), day)
    assert nxt(facts, day, deadlines=deadlines) == date(2011, 3, 18)
    # With the facts' own shifts left aside, the deadline's days come in order:
    seen, today = [], day
    for _ in range(5):
        today = agenda.next_moment(
            facts, {}, compute_deadlines(facts, kz_rules(), today), today, shifts=()
        )
        seen.append(today)
    assert seen[:5] == [
        date(2011, 3, 18),  # 7 days before
        date(2011, 3, 22),  # 3 days before
        date(2011, 3, 24),  # 1 day before
        date(2011, 3, 25),  # the due day
        date(2011, 3, 26),  # missed: and from then on every day while overdue
    ]
    assert agenda.next_moment(facts, {}, [], date(2011, 3, 27), shifts=()) is None
    overdue = compute_deadlines(facts, kz_rules(), date(2011, 3, 27))
    assert agenda.next_moment(facts, {}, overdue, date(2011, 3, 27), shifts=()) == date(2011, 3, 28)
    last = compute_deadlines(facts, kz_rules(), date(2011, 4, 24))  # due + 30
    assert agenda.next_moment(facts, {}, last, date(2011, 4, 24), shifts=()) == date(2011, 4, 25)


def test_no_contact_for_the_window_starts_on_the_day_after_it():
    window = DEFAULT_SIGNALS["no_contact"].window_days
    facts = PersonFacts(
        person_id="p", detentions=(DetentionFact(id="d", started_on=date(2011, 1, 1)),)
    )
    seen = date(2011, 2, 1)
    extra = {"observations": (Observation(seen),)}
    # Between the other shifts, the day the signal starts is one of the moments.
    moments, today = [], seen
    while today and today < seen + timedelta(days=window + 2):
        today = nxt(facts, today, extra)
        moments.append(today)
    assert seen + timedelta(days=window + 1) in moments


def test_a_return_from_a_state_the_person_is_not_exposed_to_is_not_a_moment():
    facts = PersonFacts(
        person_id="p",
        detentions=(DetentionFact(id="d", started_on=date(2011, 1, 1), country="KZ"),),
    )
    day = date(2011, 6, 1)
    far = ReturnEvidence(person_id="o", from_country="TR", returned_on=date(2011, 5, 30))
    near = ReturnEvidence(person_id="o", from_country="KZ", returned_on=date(2011, 5, 30))
    alone = nxt(facts, day)
    assert nxt(facts, day, {"other_returns": (far,)}) == alone
    assert nxt(facts, day, {"other_returns": (near,)}) < alone


def test_a_date_in_the_rules_is_everyones_moment():
    facts = decided(date(2011, 3, 15))
    assert nxt(facts, date(2026, 1, 15), global_days=(date(2026, 3, 1),)) == date(2026, 3, 1)


def test_the_offsets_cover_each_window_both_ways():
    shifts = agenda.offsets([14], reminder_days=(7,), overdue_days=30)
    assert {0, 1, -1, 14, 15, -14, -15, -7, -8, 30, 31} == set(shifts)


@pytest.mark.django_db
def test_the_agenda_sweep_recomputes_the_persons_due_and_those_never_computed():
    due, later, never = PersonFactory(), PersonFactory(), PersonFactory()
    for person in (due, later, never):
        ExtraditionRequestFactory(person=person, status="approved", decided_on=date(2011, 3, 14))
    services.persons_recompute(person_ids=[due.pk, later.pk], today=date(2011, 3, 15))
    PersonAgenda.objects.filter(person_id=due.pk).update(next_on=date(2011, 3, 16))
    PersonAgenda.objects.filter(person_id=later.pk).update(next_on=date(2011, 3, 20))
    assert services.agenda_due_ids(today=date(2011, 3, 16)) == sorted([str(due.pk), str(never.pk)])
    result = services.agenda_sweep(today=date(2011, 3, 16))
    assert result.persons == 2
    assert PersonAgenda.objects.get(person_id=due.pk).next_on > date(2011, 3, 16)
    assert PersonAgenda.objects.filter(person_id=never.pk).exists()
    assert not services.agenda_due_ids(today=date(2011, 3, 16))


@pytest.mark.django_db
def test_a_deleted_persons_agenda_goes_with_them():
    person = PersonFactory()
    services.person_recompute(person_id=person.pk, today=date(2011, 3, 15))
    assert PersonAgenda.objects.filter(person_id=person.pk).exists()
    person.delete()
    assert not PersonAgenda.objects.filter(person_id=person.pk).exists()
