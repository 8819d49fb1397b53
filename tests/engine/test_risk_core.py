"""The pure return-risk core: properties over random signals and facts (hypothesis), and the
shipped defaults kept equal in code and migration."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import risk
from engine.facts import DetentionFact, ExtraditionFact, InterimFact, PersonFacts

CODES = sorted(risk.DEFAULT_SIGNALS)
fired = st.lists(
    st.builds(risk.Fired, st.sampled_from(CODES), st.text(min_size=1, max_size=20)), max_size=12
)
weights = st.fixed_dictionaries(
    {
        code: st.builds(
            risk.SignalSetting,
            st.just(code),
            st.integers(0, 200),
            st.sampled_from(risk.LEVELS),
            st.none(),
            st.booleans(),
        )
        for code in CODES
    }
)
days = st.dates(date(2000, 1, 1), date(2030, 12, 31))


@given(fired, fired, weights)
def test_adding_a_signal_never_lowers_the_level(some, more, table):
    before = risk.combine(some, table)
    after = risk.combine(some + more, table)
    assert risk.level_rank(after.level) >= risk.level_rank(before.level)
    assert after.score >= before.score


@given(fired, weights)
def test_disabled_signals_leave_no_reason_and_no_weight(signals, table):
    a = risk.combine(signals, table)
    enabled = {c for c, s in table.items() if s.enabled}
    assert {r.code for r in a.reasons} <= enabled
    assert a.score == sum(r.weight for r in a.reasons)


@given(fired)
def test_the_level_is_at_least_every_floor_that_fired(signals):
    a = risk.combine(signals)
    for r in a.reasons:
        assert risk.level_rank(a.level) >= risk.level_rank(r.floor)


def random_facts(draw_day, detained, approved, measure):
    return PersonFacts(
        person_id="p",
        detentions=(DetentionFact("d", draw_day - timedelta(days=30), country="KZ"),)
        if detained
        else (),
        extraditions=(
            ExtraditionFact("e", "KZ", "approved", draw_day - timedelta(days=10), None, None, "UZ"),
        )
        if approved
        else (),
        interim_measures=(
            InterimFact("m", "cat", "granted", granted_on=draw_day - timedelta(days=5)),
        )
        if measure
        else (),
    )


@given(days, days, st.booleans(), st.booleans(), st.booleans())
@settings(max_examples=300)
def test_a_returned_person_is_none_whatever_else_is_known(today, returned, d, a, m):
    rf = risk.RiskFacts(
        facts=random_facts(today, d, a, m),
        returned_on=min(returned, today),
        other_returns=(risk.ReturnEvidence("x", "KZ", today - timedelta(days=1)),),
    )
    assessment = risk.assess(rf, today)
    assert assessment.level == "none"
    assert [r.code for r in assessment.reasons] == ["returned"]


@given(days)
def test_nothing_known_is_no_risk(today):
    assert risk.assess(risk.RiskFacts(PersonFacts("p")), today).level == "none"


@given(days, st.integers(0, 400))
def test_returns_despite_interim_measures_count_only_when_a_measure_was_in_force(today, ago):
    returned_on = today - timedelta(days=ago)
    facts = random_facts(today, True, False, False)
    protected = risk.ReturnEvidence(
        "x",
        "KZ",
        returned_on,
        interim_measures=(
            InterimFact("m2", "cat", granted_on=returned_on - timedelta(days=1), lifted_on=None),
        ),
    )
    unprotected = risk.ReturnEvidence("y", "KZ", returned_on)
    fires = risk.assess(risk.RiskFacts(facts, other_returns=(protected,)), today)
    quiet = risk.assess(risk.RiskFacts(facts, other_returns=(unprotected,)), today)
    assert fires.has("state_returned_despite_interim")
    assert risk.at_least(fires.level, "high")  # its floor
    assert not quiet.has("state_returned_despite_interim")


def test_a_return_by_another_state_is_no_evidence_here():
    today = date(2011, 6, 10)
    facts = random_facts(today, True, False, False)
    other = risk.ReturnEvidence(
        "x", "RU", today, interim_measures=(InterimFact("m", "ecthr", granted_on=date(2011, 1, 1)),)
    )
    a = risk.assess(risk.RiskFacts(facts, other_returns=(other,)), today)
    assert not a.has("state_returned_despite_interim") and not a.has("returns_from_state")


def test_no_contact_counts_from_the_last_confirmed_contact_in_this_detention():
    facts = random_facts(date(2011, 6, 10), True, False, False)  # detained 11 May
    seen = (risk.Observation(date(2011, 6, 8)),)
    rf = risk.RiskFacts(facts, observations=seen)
    assert not risk.assess(rf, date(2011, 6, 11)).has("no_contact")  # 3 days: tolerated
    a = risk.assess(rf, date(2011, 6, 12))
    assert [r.sentence for r in a.reasons if r.code == "no_contact"] == [
        "No confirmed contact since 8 June 2011 (more than 3 days)."
    ]


def test_the_shipped_defaults_are_the_cores_defaults():
    migration = importlib.import_module("engine.migrations.0004_default_risk_signals")
    shipped = {code: (w, floor, window) for code, w, floor, window, *_ in migration.SIGNALS}
    core = {c: (s.weight, s.floor, s.window_days) for c, s in risk.DEFAULT_SIGNALS.items()}
    assert shipped == core
    assert dict(migration.THRESHOLDS) == risk.DEFAULT_THRESHOLDS


def test_an_unappealed_custody_order_is_not_an_expired_appeal_window():
    from engine.deadlines import ComputedDeadline
    from engine.kinds import Kind

    def missed(kind):
        return ComputedDeadline(
            "p", kind, "casework.detention", "d", date(2011, 3, 8), date(2011, 3, 5), "r", "RU",
            "c", True, False, "why", None, "missed",
        )  # fmt: skip

    assert risk.missed_appeal_windows([missed(Kind.APPEAL_DETENTION)]) == ()
    assert risk.missed_appeal_windows([missed(Kind.APPEAL_EXTRADITION)]) == (date(2011, 3, 8),)
