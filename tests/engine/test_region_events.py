"""The events added for the region's rules: each counts from its own kind of fact only."""

from datetime import date

from engine.deadlines import compute_deadlines
from engine.facts import AppealFact, DetentionFact, PersonFacts, RemovalFact, RuleSpec
from engine.kinds import Event, Kind, Unit


def rule(event, kind=Kind.APPEAL_REMOVAL, amount=10, unit=Unit.DAYS, countries=("RU",)):
    return RuleSpec(
        code=f"t.{event.value}",
        kind=kind,
        counts_from=event,
        description="Test rule",
        period_amount=amount,
        unit=unit,
        jurisdiction="RU",
        countries=frozenset(countries),
    )


def due(facts, spec, today=date(2026, 1, 1)):
    return [(d.source_id, d.due_on) for d in compute_deadlines(facts, [spec], today)]


def test_expulsion_and_deportation_orders_count_separately():
    facts = PersonFacts(
        "p",
        removal_orders=(
            RemovalFact("dep", "RU", date(2025, 12, 1), "deportation", date(2025, 12, 2)),
            RemovalFact("exp", "RU", date(2025, 12, 3), "expulsion", date(2025, 12, 4)),
            RemovalFact("oth", "RU", date(2025, 12, 5), "other", date(2025, 12, 6)),
        ),
    )
    # Notified 4 December + 10 days = 14 December; 2 December + 10 = 12 December.
    assert due(facts, rule(Event.EXPULSION_ORDER_NOTIFIED)) == [("exp", date(2025, 12, 14))]
    assert due(facts, rule(Event.DEPORTATION_ORDER_NOTIFIED)) == [("dep", date(2025, 12, 12))]


def test_immigration_detention_counts_from_the_first_of_a_chain_of_transfers():
    facts = PersonFacts(
        "p",
        detentions=(
            DetentionFact(
                "d1", date(2026, 1, 5), date(2026, 2, 1), legal_basis="immigration", country="TR"
            ),
            DetentionFact(
                "d2",
                date(2026, 2, 1),
                legal_basis="immigration",
                country="TR",
                transferred_from_id="d1",
            ),
            DetentionFact("x", date(2026, 1, 7), legal_basis="extradition_arrest", country="TR"),
        ),
    )
    spec = rule(Event.IMMIGRATION_DETENTION_STARTED, Kind.CUSTODY_MAXIMUM, 6, Unit.MONTHS, ("TR",))
    # 5 January + 6 months = 5 July 2026; the extradition arrest is not counted.
    assert due(facts, spec) == [("d1", date(2026, 7, 5))]


def test_an_appeal_against_a_detention_counts_in_the_detentions_country():
    facts = PersonFacts(
        "p",
        detentions=(DetentionFact("d", date(2026, 1, 5), legal_basis="immigration", country="TR"),),
        appeals=(AppealFact("a", "detention", "d", "", date(2026, 1, 9)),),
    )
    spec = rule(Event.DETENTION_APPEAL_LODGED, Kind.COURT_DECISION_DUE, 5, Unit.DAYS, ("TR",))
    assert due(facts, spec) == [("a", date(2026, 1, 14))]


def test_a_russian_expulsion_or_deportation_is_not_a_gap_when_its_route_has_a_rule():
    from engine.deadlines import find_gaps

    facts = PersonFacts(
        "p",
        removal_orders=(
            RemovalFact("exp", "RU", date(2025, 12, 3), "expulsion", date(2025, 12, 4)),
            RemovalFact("dep", "RU", date(2025, 12, 1), "deportation", date(2025, 12, 2)),
        ),
    )
    expulsion_only = [rule(Event.EXPULSION_ORDER_NOTIFIED)]
    # The expulsion is covered by its KoAP rule; the deportation has no rule: one gap.
    assert [g.source_id for g in find_gaps(facts, expulsion_only)] == ["dep"]
    both = expulsion_only + [rule(Event.DEPORTATION_ORDER_NOTIFIED)]
    assert find_gaps(facts, both) == []
