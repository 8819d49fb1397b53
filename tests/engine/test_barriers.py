"""What still protects a person: barriers found by the pure core, the caps they put on the
level and what lifts them, the loss of a barrier, properties over random signals and
barriers (hypothesis), and the shipped defaults kept equal in code and migration."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import barriers, risk
from engine.deadlines import ComputedDeadline
from engine.facts import (
    AppealFact,
    AsylumFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
    RemovalFact,
)
from engine.kinds import Kind

TODAY = date(2012, 5, 10)

DETAINED = DetentionFact("d", date(2011, 9, 1), country="KZ")
APPROVED = ExtraditionFact("e", "KZ", "approved", date(2012, 1, 10), requesting_state="UZ")
REJECTED = AppealFact(
    "a", "extradition_request", "e", "KZ", lodged_on=date(2012, 1, 15), outcome="rejected",
    decided_on=date(2012, 3, 1),
)  # fmt: skip
REFUSED = AsylumFact("c", "KZ", "refused", decided_on=date(2011, 12, 1))
CAT = InterimFact("m", "cat", "granted", granted_on=date(2012, 4, 2), respondent_state="KZ")


def facts(*, measures=(), removal=None, extra_detention=None, **kw) -> PersonFacts:
    """The man of the issue: detained, extradition approved, appeal rejected, asylum refused,
    nobody has seen him since his arrest."""
    return PersonFacts(
        person_id="p",
        detentions=(extra_detention or DETAINED,),
        extraditions=(APPROVED,),
        appeals=(REJECTED,),
        asylum_claims=(REFUSED,),
        interim_measures=tuple(measures),
        removal_orders=(removal,) if removal else (),
        **kw,
    )


def returned_despite_a_measure(on: date) -> risk.ReturnEvidence:
    measure = InterimFact("other-m", "cat", "granted", granted_on=on - timedelta(days=30))
    return risk.ReturnEvidence("other", "KZ", on, interim_measures=(measure,))


def assess(f: PersonFacts, *, evidence=(), observations=(), today=TODAY, **kw):
    rf = risk.RiskFacts(facts=f, other_returns=tuple(evidence), observations=tuple(observations))
    return risk.assess(rf, today, **kw)


# --- caps and what lifts them -------------------------------------------------------------


def test_the_man_with_no_measure_is_imminent_and_nothing_protects_him():
    a = assess(facts())
    assert a.level == "imminent"
    assert a.barriers == () and a.standing == ()


def test_a_cat_measure_against_a_state_with_no_record_of_ignoring_one_keeps_him_high():
    a = assess(facts(measures=[CAT]))
    assert a.level == "high"
    assert a.capped_from == "imminent"
    (barrier,) = a.standing
    assert barrier.kind == "interim_measure"
    assert barrier.sentence == (
        "Interim measure of the UN Committee against Torture against Kazakhstan in force "
        "since 2 April 2012."
    )
    assert (barrier.source_type, barrier.source_id) == ("casework.interimmeasure", "m")
    assert barrier.cap == "high" and barrier.lifted_by == ()


@pytest.mark.parametrize(
    ("what", "kw", "lifter"),
    [
        (
            "a removal scheduled",
            {"removal": RemovalFact("r", "KZ", date(2012, 5, 1), scheduled_removal_on=TODAY)},
            "removal_scheduled",
        ),
        (
            "a transfer reported",
            {"observations": [risk.Observation(TODAY - timedelta(days=2), True, True)]},
            "transfer_reported",
        ),
        (
            "held incommunicado",
            {"extra_detention": DetentionFact("d", date(2011, 9, 1), country="KZ", incommunicado=True)},
            "incommunicado",
        ),
        (
            "the state returned someone despite a measure within the window",
            {"evidence": [returned_despite_a_measure(TODAY - timedelta(days=400))]},
            "state_returned_despite_interim",
        ),
    ],
)  # fmt: skip
def test_the_measure_no_longer_keeps_him_below_imminent_when(what, kw, lifter):
    observations = kw.pop("observations", ())
    evidence = kw.pop("evidence", ())
    a = assess(facts(measures=[CAT], **kw), observations=observations, evidence=evidence)
    assert a.level == "imminent", what
    (barrier,) = a.barriers
    assert lifter in barrier.lifted_by
    assert not barrier.stands and a.standing == ()
    assert a.capped_from == ""


def test_a_return_despite_a_measure_outside_the_window_does_not_lift_the_cap():
    old = returned_despite_a_measure(TODAY - timedelta(days=731))
    a = assess(facts(measures=[CAT]), evidence=[old])
    assert a.level == "high"
    assert not a.has("state_returned_despite_interim")


def test_a_lifted_measure_protects_no_more():
    lifted = InterimFact(
        "m", "cat", "lifted", granted_on=date(2012, 4, 2), lifted_on=TODAY, respondent_state="KZ"
    )
    a = assess(facts(measures=[lifted]))
    assert a.level == "imminent" and a.barriers == ()
    assert a.has("no_interim_measure")


def test_a_national_courts_suspension_is_a_barrier_like_a_committees_measure():
    court = InterimFact("s", "other", "granted", granted_on=date(2012, 5, 1))
    a = assess(facts(measures=[court]))
    assert a.level == "high"
    assert (
        a.standing[0].sentence
        == "Interim measure of a court or other body in force since 1 May 2012."
    )


def test_a_disabled_cap_lists_the_barrier_and_caps_nothing():
    caps = {**barriers.DEFAULT_CAPS}
    caps["interim_measure"] = barriers.CapSetting("interim_measure", "high", enabled=False)
    a = assess(facts(measures=[CAT]), caps=caps)
    assert a.level == "imminent"
    assert [b.kind for b in a.barriers] == ["interim_measure"] and a.standing == ()


# --- suspensive effect: rule data per jurisdiction ---------------------------------------

TR_RULE = barriers.SuspensiveRule("TR", "appeal_removal", True, "Law 6458 Art. 53(3)")


def removal_case(appeal_outcome="pending", decided_on=None) -> PersonFacts:
    return PersonFacts(
        person_id="p",
        detentions=(DetentionFact("d", date(2020, 1, 5), country="TR"),),
        removal_orders=(RemovalFact("r", "TR", date(2020, 1, 10)),),
        appeals=(AppealFact("a", "removal_order", "r", "TR", lodged_on=date(2020, 1, 14),
                            outcome=appeal_outcome, decided_on=decided_on),),
    )  # fmt: skip


def test_a_pending_appeal_with_suspensive_effect_is_a_barrier_with_its_citation():
    found = barriers.find_barriers(removal_case(), date(2020, 1, 20), suspensive=[TR_RULE])
    (b,) = found
    assert b.kind == "suspensive_appeal"
    assert b.sentence == (
        "Appeal against the removal order lodged on 14 January 2020 is pending in Turkey; it "
        "suspends removal (Law 6458 Art. 53(3))."
    )
    assert b.guards == "casework.removalorder:r" and not b.unverified


def test_without_a_suspensive_rule_for_the_jurisdiction_a_pending_appeal_is_no_barrier():
    # No rule at all: Haven says it has no answer (below), but nothing is a barrier.
    assert [b.kind for b in barriers.find_barriers(removal_case(), date(2020, 1, 20),
                                                   suspensive=[])] == ["no_rule"]  # fmt: skip
    # A rule saying the appeal does not suspend: Haven knows, and says nothing.
    not_suspensive = barriers.SuspensiveRule("TR", "appeal_removal", False, "x")
    assert (
        barriers.find_barriers(removal_case(), date(2020, 1, 20), suspensive=[not_suspensive]) == []
    )


def test_an_unverified_suspensive_rule_is_shown_flagged_and_caps_nothing():
    unverified = barriers.SuspensiveRule("TR", "appeal_removal", True, "Art. X", unverified=True)
    rf = risk.RiskFacts(facts=removal_case())
    a = risk.assess(rf, date(2020, 1, 20), suspensive=[unverified])
    (b,) = a.barriers
    assert "unverified rule" in b.sentence
    assert b.cap == "" and a.standing == ()


def kyrgyz_case(appeal_outcome="pending", decided_on=None) -> PersonFacts:
    return PersonFacts(
        person_id="p",
        detentions=(DetentionFact("d", date(2005, 5, 20), country="KG"),),
        extraditions=(ExtraditionFact("e", "KG", "approved", date(2005, 5, 30),
                                      requesting_state="UZ"),),
        appeals=(AppealFact("a", "extradition_request", "e", "KG", lodged_on=date(2005, 6, 1),
                            outcome=appeal_outcome, decided_on=decided_on),),
        asylum_claims=(AsylumFact("c", "KG", lodged_on=date(2005, 5, 25)),),
    )  # fmt: skip


def test_where_haven_has_no_suspensive_rule_it_says_so_flagged_and_caps_nothing():
    """Kyrgyzstan has no suspensive-effect row: the pending appeal and claim are each a line
    saying Haven has no answer, flagged like an unverified rule; neither caps the level,
    neither counts as standing, and the level is what the threats alone make it."""
    day = date(2005, 6, 5)
    a = risk.assess(risk.RiskFacts(facts=kyrgyz_case()), day)
    claim, appeal = a.barriers  # in order of their dates
    assert (appeal.kind, claim.kind) == ("no_rule", "no_rule")
    assert appeal.sentence == (
        "Haven has no rule on whether the appeal against the extradition decision lodged on "
        "1 June 2005 suspends removal in Kyrgyzstan: check it yourself."
    )
    assert claim.sentence == (
        "Haven has no rule on whether the pending asylum claim suspends removal in Kyrgyzstan: "
        "check it yourself."
    )
    assert all(b.unverified and b.cap == "" and not b.stands for b in a.barriers)
    assert a.standing == () and a.capped_from == ""
    without = risk.assess(risk.RiskFacts(facts=replace(kyrgyz_case(), appeals=(),
                                                        asylum_claims=())), day)  # fmt: skip
    assert risk.level_rank(a.level) >= risk.level_rank(without.level)
    # Every cap enabled and nothing lifting it: still caps nothing.
    assert risk.assess(risk.RiskFacts(facts=kyrgyz_case()), day, caps={
        "no_rule": barriers.CapSetting("no_rule", "none")}).level == a.level  # fmt: skip


def test_the_end_of_a_line_saying_haven_has_no_rule_is_no_protection_lost():
    before = risk.assess(risk.RiskFacts(facts=kyrgyz_case()), date(2005, 6, 5)).barriers_json()
    decided = kyrgyz_case("rejected", date(2005, 6, 8))
    after = barriers.find_barriers(decided, date(2005, 6, 9))
    assert [b.kind for b in after] == ["no_rule"]  # the claim still pending
    assert barriers.lost_barriers(before, after) == []


def test_a_pending_state_asylum_claim_is_a_barrier_but_a_unhcr_one_never():
    rule = barriers.SuspensiveRule("RU", "asylum_claim", True, "Law on Refugees Art. 10(1)")
    f = PersonFacts(
        person_id="p",
        asylum_claims=(
            AsylumFact("c", "RU", lodged_on=date(2015, 3, 1)),
            AsylumFact("u", "RU", authority_kind="unhcr", lodged_on=date(2015, 3, 1)),
        ),
    )
    (b,) = barriers.find_barriers(f, date(2015, 4, 1), suspensive=[rule])
    assert (b.kind, b.source_id) == ("suspensive_claim", "c")


def window(due_on: date, status="open") -> ComputedDeadline:
    return ComputedDeadline(
        "p", Kind.APPEAL_REMOVAL, "casework.removalorder", "r", due_on, date(2020, 1, 10),
        "tr.deport.appeal", "TR", "Law 6458 Art. 53", False, False, "", None, status,
    )  # fmt: skip


def test_an_open_window_to_lodge_a_suspensive_appeal_is_a_barrier_ending_on_its_due_date():
    f = PersonFacts(person_id="p", removal_orders=(RemovalFact("r", "TR", date(2020, 1, 10)),))
    (b,) = barriers.find_barriers(
        f, date(2020, 1, 12), appeal_windows=[window(date(2020, 1, 17))], suspensive=[TR_RULE]
    )
    assert b.kind == "appeal_window" and b.ends_on == date(2020, 1, 17)
    assert "runs until 17 January 2020" in b.sentence
    # The day after the due date the deadline core says "missed": no window any more.
    after = barriers.find_barriers(
        f, date(2020, 1, 18), appeal_windows=[window(date(2020, 1, 17), "missed")],
        suspensive=[TR_RULE],
    )  # fmt: skip
    assert after == []


def test_a_release_is_a_barrier_until_a_new_detention():
    free = PersonFacts(
        person_id="p",
        detentions=(DetentionFact("d", date(2011, 1, 1), ended_on=date(2011, 5, 1)),),
        extraditions=(APPROVED,),
    )
    (b,) = barriers.find_barriers(free, date(2012, 5, 10))
    assert (b.kind, b.sentence) == ("released", "Released on 1 May 2011.")
    again = PersonFacts(
        person_id="p",
        detentions=free.detentions + (DetentionFact("d2", date(2012, 5, 1)),),
    )
    assert barriers.find_barriers(again, date(2012, 5, 10)) == []


# --- losing a barrier ---------------------------------------------------------------------


def test_a_lifted_measure_is_a_lost_barrier_once():
    before = assess(facts(measures=[CAT])).barriers_json()
    lifted = InterimFact("m", "cat", "lifted", granted_on=CAT.granted_on, lifted_on=TODAY)
    after = assess(facts(measures=[lifted]))
    (lost,) = barriers.lost_barriers(before, after.barriers)
    assert lost["kind"] == "interim_measure" and lost["source_id"] == "m"
    # Compared with itself, the new assessment has lost nothing: a recompute alerts nobody.
    assert barriers.lost_barriers(after.barriers_json(), after.barriers) == []


def test_an_appeal_lodged_within_its_window_carries_the_protection_on():
    f = PersonFacts(person_id="p", removal_orders=(RemovalFact("r", "TR", date(2020, 1, 10)),))
    before = barriers.find_barriers(
        f, date(2020, 1, 12), appeal_windows=[window(date(2020, 1, 17))], suspensive=[TR_RULE]
    )
    after = barriers.find_barriers(removal_case(), date(2020, 1, 20), suspensive=[TR_RULE])
    assert barriers.lost_barriers([b.as_dict() for b in before], after) == []
    # The appeal rejected: now the protection is lost.
    rejected = barriers.find_barriers(
        removal_case("rejected", date(2020, 1, 25)), date(2020, 1, 26), suspensive=[TR_RULE]
    )
    (lost,) = barriers.lost_barriers([b.as_dict() for b in after], rejected)
    assert lost["kind"] == "suspensive_appeal"


def test_a_suspensive_period_ending_unused_is_a_lost_barrier():
    f = PersonFacts(person_id="p", removal_orders=(RemovalFact("r", "TR", date(2020, 1, 10)),))
    before = barriers.find_barriers(
        f, date(2020, 1, 17), appeal_windows=[window(date(2020, 1, 17))], suspensive=[TR_RULE]
    )
    after = barriers.find_barriers(
        f, date(2020, 1, 18), appeal_windows=[window(date(2020, 1, 17), "missed")],
        suspensive=[TR_RULE],
    )  # fmt: skip
    (lost,) = barriers.lost_barriers([b.as_dict() for b in before], after)
    assert (lost["kind"], lost["ends_on"]) == ("appeal_window", "2020-01-17")
    assert barriers.lost_barriers([b.as_dict() for b in after], after) == []


# --- properties ---------------------------------------------------------------------------

CODES = sorted(risk.DEFAULT_SIGNALS)
fired = st.lists(
    st.builds(risk.Fired, st.sampled_from(CODES), st.text(min_size=1, max_size=20)), max_size=12
)
barrier = st.builds(
    barriers.Barrier,
    st.sampled_from(barriers.BARRIER_KINDS),
    st.just("A barrier."),
    st.just("casework.x"),
    st.text("abc", min_size=1, max_size=3),
    unverified=st.booleans(),
)
some_barriers = st.lists(barrier, max_size=4)
caps = st.fixed_dictionaries(
    {
        kind: st.builds(
            barriers.CapSetting,
            st.just(kind),
            st.sampled_from(risk.LEVELS),
            st.frozensets(st.sampled_from(CODES), max_size=4),
            st.booleans(),
        )
        for kind in barriers.BARRIER_KINDS
    }
)


# No deadline: the machine is shared, and a slow example is not a wrong one (an earlier run
# failed on hypothesis' 200 ms deadline, not on the property).
@settings(deadline=None)
@given(fired, some_barriers, some_barriers, caps)
def test_adding_a_barrier_never_raises_the_level(signals, some, more, table):
    before = risk.combine(signals, barriers=some, caps=table)
    after = risk.combine(signals, barriers=some + more, caps=table)
    assert risk.level_rank(after.level) <= risk.level_rank(before.level)


@settings(deadline=None)
@given(fired, fired, some_barriers, caps)
def test_adding_an_adverse_signal_never_lowers_the_level_whatever_protects(
    signals, more, held, table
):
    before = risk.combine(signals, barriers=held, caps=table)
    after = risk.combine(signals + more, barriers=held, caps=table)
    assert risk.level_rank(after.level) >= risk.level_rank(before.level)


@settings(deadline=None)
@given(fired, some_barriers, caps)
def test_a_standing_barrier_holds_the_level_at_its_cap(signals, held, table):
    a = risk.combine(signals, barriers=held, caps=table)
    for b in a.standing:
        assert risk.level_rank(a.level) <= risk.level_rank(b.cap)


measure_days = st.dates(date(2011, 1, 1), date(2013, 12, 31))


@settings(deadline=None)
@given(measure_days, st.none() | measure_days, measure_days, st.booleans())
def test_recomputing_twice_changes_nothing(granted, lifted, today, scheduled):
    measure = InterimFact("m", "cat", "granted", granted_on=granted, lifted_on=lifted)
    removal = (
        RemovalFact("r", "KZ", date(2011, 1, 1), scheduled_removal_on=today) if scheduled else None
    )
    f = facts(measures=[measure], removal=removal)
    first, second = assess(f, today=today), assess(f, today=today)
    assert first == second
    assert first.barriers_json() == second.barriers_json()
    assert barriers.lost_barriers(first.barriers_json(), second.barriers) == []


# --- the shipped defaults -----------------------------------------------------------------


def test_the_migration_ships_the_default_caps_and_suspensive_rules():
    migration = importlib.import_module(
        "engine.migrations.0031_default_caps_and_suspensive_effects"
    )
    shipped = {
        kind: barriers.CapSetting(kind, cap, frozenset(lifted_by))
        for kind, cap, lifted_by, _rationale in migration.CAPS
    }
    assert shipped == barriers.DEFAULT_CAPS
    kazakhstan = importlib.import_module("engine.migrations.0190_kz_suspensive_effects")
    russia = importlib.import_module("engine.migrations.0241_ru_removal_and_refugee_appeal_effects")
    rows = [(c, s, True, cit, conf) for c, s, cit, conf, _notes in migration.SUSPENSIVE] + [
        (c, s, True, cit, conf) for c, s, cit, conf, _notes in kazakhstan.SUSPENSIVE
    ]
    rows += [(c, s, susp, cit, conf) for c, s, susp, cit, conf, _notes in russia.SUSPENSIVE]
    assert {(c, s, susp, cit, conf == "U") for c, s, susp, cit, conf in rows} == {
        (r.country, r.subject, r.suspensive, r.citation, r.unverified)
        for r in barriers.DEFAULT_SUSPENSIVE
    }
    assert all(rationale.strip() for *_, rationale in migration.CAPS)
    assert set(barriers.DEFAULT_CAPS) == set(barriers.BARRIER_KINDS)
    for cap in barriers.DEFAULT_CAPS.values():
        assert cap.lifted_by <= set(risk.DEFAULT_SIGNALS)


# --- the same properties over facts, not only over signals and barriers ----------------

STATES = ("KZ", "RU", "KG")
days = st.dates(date(2010, 1, 1), date(2012, 12, 31))


@st.composite
def people(draw):
    """A person with some of the facts that make threats and barriers, and other people's
    returns (some despite measures) from the same few states."""
    here = draw(st.sampled_from(STATES))
    detention = draw(
        st.none()
        | st.builds(DetentionFact, st.just("d"), days, st.none() | days, country=st.just(here),
                    incommunicado=st.booleans())
    )  # fmt: skip
    extradition = draw(
        st.none()
        | st.builds(ExtraditionFact, st.just("e"), st.just(here),
                    st.sampled_from(["pending", "approved"]), st.none() | days)
    )  # fmt: skip
    appeals = ()
    if extradition and draw(st.booleans()):
        appeals = (
            AppealFact("a", "extradition_request", "e", here, lodged_on=draw(days),
                       outcome=draw(st.sampled_from(["pending", "rejected"])),
                       decided_on=draw(st.none() | days)),
        )  # fmt: skip
    claim = draw(
        st.none()
        | st.builds(AsylumFact, st.just("c"), st.just(here),
                    st.sampled_from(["pending", "refused"]), st.sampled_from(["state", "unhcr"]),
                    st.none() | days, lodged_on=st.none() | days)
    )  # fmt: skip
    removal = draw(
        st.none()
        | st.builds(RemovalFact, st.just("r"), st.just(here), days,
                    scheduled_removal_on=st.none() | days)
    )  # fmt: skip
    f = PersonFacts(
        person_id="p",
        detentions=(detention,) if detention else (),
        extraditions=(extradition,) if extradition else (),
        appeals=appeals,
        asylum_claims=(claim,) if claim else (),
        removal_orders=(removal,) if removal else (),
    )
    evidence = tuple(
        risk.ReturnEvidence(
            f"other-{i}",
            draw(st.sampled_from(STATES)),
            draw(days),
            interim_measures=(InterimFact(f"o{i}", "cat", "granted", granted_on=date(2010, 1, 1)),)
            if draw(st.booleans())
            else (),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    return f, evidence, here


@settings(deadline=None, max_examples=300)
@given(people(), days, days, st.sampled_from(["cat", "hrc", "ecthr", "other"]))
def test_an_interim_measure_against_the_state_holding_the_person_never_raises_the_level(
    person, granted, today, body
):
    """Over facts: a measure granted against a state the person is already exposed to (the
    measure itself makes its respondent an exposed state, which is a threat of its own)."""
    f, evidence, here = person
    assume(here in risk.exposed_states(f, today))
    before = assess(f, evidence=evidence, today=today)
    measure = InterimFact("m", body, "granted", granted_on=granted, respondent_state=here)
    after = assess(replace(f, interim_measures=(measure,)), evidence=evidence, today=today)
    assert risk.level_rank(after.level) <= risk.level_rank(before.level), (before, after)
    assert assess(replace(f, interim_measures=(measure,)), evidence=evidence, today=today) == after
