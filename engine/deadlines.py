"""The deadline core: a person's facts + the rules + today -> the deadlines. Pure.

No database, no clock: `today` is an argument. That is what lets the property tests try
thousands of dates, and what makes "same facts, same deadlines" true by construction.

How a deadline is found: every rule counts from one kind of event (kinds.Event). For each
event, `_occurrences` lists where it happened in the facts (which fact, which country or
body, on what date, and when the obligation was met if the facts say so). Each enabled rule
with a period turns each matching occurrence into one deadline. When two rules give the same
(kind, source fact), the earlier due date wins: a deadline shown too early is an
inconvenience, one shown too late can put a person on a plane.

Rules chosen by a fact's attribute: a Turkish refusal of international protection is appealed
within 15 days when it was decided in the accelerated procedure or found inadmissible, 30
otherwise (LFIP art. 80(1)). The claim records the procedure; each rule names the procedures
it counts (`RuleSpec.procedures`). When the record does not say, a lawyer must still meet the
deadline that may apply: the earlier one is shown, saying "if ... applied" and giving the later
date that applies otherwise, so the lawyer knows what to check on the decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from .calendar import MONDAY_TO_FRIDAY, WorkCalendar, period_end
from .facts import AppealFact, DetentionFact, PersonFacts, RuleSpec
from .kinds import Event, Kind, Unit

OPEN, MET, MISSED = "open", "met", "missed"
T = TypeVar("T")

SOURCE_DETENTION = "casework.detention"
SOURCE_EXTRADITION = "casework.extraditionrequest"
SOURCE_ASYLUM = "casework.asylumclaim"
SOURCE_REMOVAL = "casework.removalorder"
SOURCE_APPEAL = "casework.appeal"
SOURCE_INTERIM = "casework.interimmeasure"
SOURCE_URGENT_ACTION = "advocacy.urgentaction"

# Decisions that can be appealed (a grant needs no appeal).
_ADVERSE_EXTRADITION = {"approved", "executed"}
_ADVERSE_ASYLUM = {"refused", "excluded", "revoked"}
_LIVE_UA = {"issued", "updated"}
# Detentions a court orders under criminal procedure (extradition arrest included); an unknown
# basis counts too, since a deadline shown that does not apply costs less than one missed.
# Immigration detention has its own procedure and no rule here yet.
_CUSTODY_ORDERS = {"extradition_arrest", "criminal", "unknown"}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def fmt(day: date) -> str:
    """20 September 2010: the same in every locale, so that `why` is deterministic."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Occurrence:
    """One event in the facts that a rule can count from."""

    source_type: str
    source_id: str
    on: date
    phrase: str  # completes the rule's description: "notified on 20 September 2010"
    country: str = ""
    body: str = ""  # for treaty bodies: CAT, HRC, ECTHR
    met_on: date | None = None  # the day the obligation was fulfilled, if the facts say so
    court_level: str = ""  # for a rejected appeal: the level of the court that rejected it
    procedure: str = ""  # for an asylum refusal: the procedure, "" when not recorded


@dataclass(frozen=True)
class ComputedDeadline:
    person_id: str
    kind: Kind
    source_type: str
    source_id: str
    due_on: date
    counted_from: date
    rule_code: str
    jurisdiction: str
    citation: str
    unverified: bool
    practice: bool
    why: str
    met_on: date | None
    status: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.source_type, self.source_id)


def status_on(due_on: date, met_on: date | None, today: date) -> str:
    """Met if done by the last day; missed once the last day has passed; else open. Done late
    is still missed: the lawyer must see that the window closed."""
    if met_on is not None and met_on <= due_on:
        return MET
    if today > due_on:
        return MISSED
    return OPEN


def compute_deadlines(
    facts: PersonFacts,
    rules: Sequence[RuleSpec],
    today: date,
    calendars: Mapping[str, WorkCalendar] | None = None,
) -> list[ComputedDeadline]:
    """Every deadline the rules give for these facts, sorted by (due date, kind, source)."""
    calendars = calendars or {}
    candidates: dict[tuple[str, str, str], list[tuple[ComputedDeadline, RuleSpec]]] = defaultdict(
        list
    )
    for event, event_rules in _rules_by_event(rules):
        for occ in _occurrences(event, facts):
            for rule in event_rules:
                if not _applies(rule, occ):
                    continue
                deadline = _deadline(facts, rule, occ, today, calendars)
                candidates[deadline.key].append((deadline, rule))
    chosen = []
    for found in candidates.values():
        found.sort(key=lambda pair: (pair[0].due_on, pair[0].rule_code))
        deadline, rule = found[0]
        if rule.procedures and _procedure_unknown(facts, deadline):
            deadline = replace(deadline, why=deadline.why + _condition_text(rule, found[1:]))
        chosen.append(deadline)
    return sorted(chosen, key=deadline_order)


# How a procedure completes "if the refusal was ...".
_PROCEDURE_PHRASES = {
    "regular": "decided in the regular procedure",
    "accelerated": "decided in the accelerated procedure",
    "inadmissible": "found inadmissible",
}


def _procedure_phrase(procedures: frozenset[str]) -> str:
    order = list(_PROCEDURE_PHRASES)
    names = sorted(procedures, key=lambda p: order.index(p) if p in order else len(order))
    return " or ".join(_PROCEDURE_PHRASES.get(p, p) for p in names)


def _procedure_unknown(facts: PersonFacts, deadline: ComputedDeadline) -> bool:
    if deadline.source_type != SOURCE_ASYLUM:
        return False
    claim = next((c for c in facts.asylum_claims if c.id == deadline.source_id), None)
    return claim is not None and not claim.procedure


def _condition_text(rule: RuleSpec, others: Sequence[tuple[ComputedDeadline, RuleSpec]]) -> str:
    """The shorter period shown for a decision whose procedure is not recorded: on what
    condition it applies, and what applies otherwise."""
    text = (
        f" — if the refusal was {_procedure_phrase(rule.procedures)}: the record does not say "
        "which procedure applied (record it on the claim)"
    )
    for other, other_rule in others:
        condition = (
            f"if it was {_procedure_phrase(other_rule.procedures)}"
            if other_rule.procedures
            else "otherwise"
        )
        text += f"; {condition}: due {fmt(other.due_on)} ({other.rule_code})"
    return text


def per_rule_tuple(fn: Callable[[Sequence[RuleSpec]], T]) -> Callable[[Sequence[RuleSpec]], T]:
    """`fn(rules)`, kept for the last few tuples of rules by identity (a tuple cannot change):
    a sweep passes one tuple for every person, and what is derived from the rules alone is
    worked out once, not once per person. Lists are not kept."""
    kept: dict[int, tuple[Sequence[RuleSpec], T]] = {}

    def wrapper(rules: Sequence[RuleSpec]) -> T:
        if type(rules) is not tuple:
            return fn(rules)
        found = kept.get(id(rules))
        if found is not None and found[0] is rules:
            return found[1]
        value = fn(rules)
        if len(kept) >= 8:
            kept.clear()
        kept[id(rules)] = (rules, value)  # holds the tuple: its id is not reused meanwhile
        return value

    return wrapper


@per_rule_tuple
def _rules_by_event(rules: Sequence[RuleSpec]) -> tuple[tuple[Event, tuple[RuleSpec, ...]], ...]:
    """The enabled rules with a period, by the event they count from, in the rules' order."""
    by_event: dict[Event, list[RuleSpec]] = defaultdict(list)
    for rule in rules:
        if rule.enabled and rule.period_amount is not None:
            by_event[rule.counts_from].append(rule)
    return tuple((event, tuple(found)) for event, found in by_event.items())


def deadline_order(d: ComputedDeadline) -> tuple:
    return (d.due_on, d.kind, d.source_type, d.source_id)


_BODIES = {"CAT", "HRC", "ECTHR", "OTHER"}


def _applies(rule: RuleSpec, occ: Occurrence) -> bool:
    if not rule.in_force_on(occ.on):
        return False  # the law as it stood on the day the period counts from
    if rule.after_court_levels and occ.court_level not in rule.after_court_levels:
        return False
    if rule.procedures and occ.procedure and occ.procedure not in rule.procedures:
        return False  # not recorded: every procedure's rule may apply (see the docstring)
    if occ.body and rule.jurisdiction.upper() in _BODIES:
        # A treaty body's rule counts only from its own communications (CAT from CAT's).
        return rule.jurisdiction.upper() == occ.body
    return not rule.countries or occ.country.upper() in rule.countries


def _calendar(rule: RuleSpec, calendars: Mapping[str, WorkCalendar]) -> WorkCalendar:
    if not rule.calendar:
        return calendars.get("", MONDAY_TO_FRIDAY)
    return calendars.get(rule.calendar) or WorkCalendar(rule.calendar)


def _deadline(
    facts: PersonFacts,
    rule: RuleSpec,
    occ: Occurrence,
    today: date,
    calendars: Mapping[str, WorkCalendar],
) -> ComputedDeadline:
    amount = rule.period_amount
    transitional = _in_force_text(rule)
    if rule.imminent_period_amount is not None and facts.risk_level == "imminent":
        amount = rule.imminent_period_amount
        transitional += " (shortened: return risk is imminent)"
    calendar = _calendar(rule, calendars)
    end = period_end(
        occ.on,
        amount,
        rule.unit,
        calendar,
        roll_forward=rule.roll_forward,
        first_day_counts=rule.first_day_counts,
    )

    # The citation is not repeated here: every page, feed and alert shows it beside the why.
    why = (
        f"{rule.description} {occ.phrase}: {_period_text(amount, rule.unit, rule)}"
        f"{transitional} — due {fmt(end.due_on)}{_end_text(rule)}"
    )
    if end.rolled:
        where = rule.calendar or "Mon–Fri"
        why += (
            f" (the last day, {end.last_day:%A} {fmt(end.last_day)}, is not a working day in "
            f"{where}: moved to the next working day)"
        )
    if rule.practice:
        why += " — practice, not law"
    if rule.unverified:
        why += " — unverified rule"
    return ComputedDeadline(
        person_id=facts.person_id,
        kind=rule.kind,
        source_type=occ.source_type,
        source_id=occ.source_id,
        due_on=end.due_on,
        counted_from=occ.on,
        rule_code=rule.code,
        jurisdiction=rule.jurisdiction,
        citation=rule.citation,
        unverified=rule.unverified,
        practice=rule.practice,
        why=why,
        met_on=occ.met_on,
        status=status_on(end.due_on, occ.met_on, today),
    )


def _in_force_text(rule: RuleSpec) -> str:
    """Which law counted: said only for a rule whose law changed (a dated window)."""
    if rule.in_force_from and rule.in_force_until:
        return f" (the rule in force from {fmt(rule.in_force_from)} to {fmt(rule.in_force_until)})"
    if rule.in_force_until:
        return f" (the rule in force until {fmt(rule.in_force_until)})"
    if rule.in_force_from:
        return f" (the rule in force since {fmt(rule.in_force_from)})"
    return ""


def _end_text(rule: RuleSpec) -> str:
    """How the last day is counted, when it is not the plain "day after the event" rule."""
    parts = []
    if rule.first_day_counts:
        parts.append("inclusive: the day of the event counts as day one")
    if rule.ends_at_hour is not None:
        parts.append(f"ends at {rule.ends_at_hour:02d}:00")
    if not parts:
        return ""
    text = ", ".join(parts)
    if rule.counting_citation:
        text += f", {rule.counting_citation}"
    return f" ({text})"


def _period_text(amount: int, unit: Unit, rule: RuleSpec) -> str:
    if unit == Unit.DAYS:
        if amount == 0:
            return "on that day"
        return f"{amount} day{'s' if amount != 1 else ''}, calendar"
    if unit == Unit.MONTHS:
        return f"{amount} month{'s' if amount != 1 else ''}"
    n = abs(amount)
    where = rule.calendar or "Mon–Fri"
    direction = "before" if amount < 0 else "after"
    return f"{n} working day{'s' if n != 1 else ''} {direction} ({where})"


# ---------------------------------------------------------------------------------------------
# Where each event happened in the facts
# ---------------------------------------------------------------------------------------------


def _first(dates: Iterable[date | None]) -> date | None:
    present = [d for d in dates if d is not None]
    return min(present) if present else None


def _notified(notified_on: date | None, decided_on: date | None) -> tuple[date, str] | None:
    """Count from the notification; without one, from the decision, which is never later and
    so never gives a later due date than the truth."""
    if notified_on is not None:
        return notified_on, f"notified on {fmt(notified_on)}"
    if decided_on is not None:
        return decided_on, (
            f"decided on {fmt(decided_on)} (notification date not recorded: counted from the "
            "decision)"
        )
    return None


def _appeals_against(facts: PersonFacts, target_kind: str, target_id: str) -> list[AppealFact]:
    return [a for a in facts.appeals if a.target_kind == target_kind and a.target_id == target_id]


def _lodged(appeals: Iterable[AppealFact]) -> date | None:
    return _first(a.lodged_on for a in appeals)


def _detention_chains(facts: PersonFacts) -> list[list[DetentionFact]]:
    """Detentions joined through transfers: a transfer is a new detention, but custody terms
    run from the first one."""
    by_id = {d.id: d for d in facts.detentions}
    children: dict[str, list[DetentionFact]] = defaultdict(list)
    for d in facts.detentions:
        if d.transferred_from_id in by_id:
            children[d.transferred_from_id].append(d)
    chains = []
    for d in sorted(facts.detentions, key=lambda d: (d.started_on, d.id)):
        if d.transferred_from_id in by_id:
            continue
        chain, current, seen = [d], d, {d.id}
        while children.get(current.id):
            current = max(children[current.id], key=lambda c: (c.started_on, c.id))
            if current.id in seen:  # a cycle in bad data must not hang the sweep
                break
            seen.add(current.id)
            chain.append(current)
        chains.append(chain)
    return chains


# A rejected appeal's subject (the target of the first appeal of its chain) -> the event a
# next-instance rule for that subject counts from.
_NEXT_INSTANCE = {
    "extradition_request": Event.EXTRADITION_APPEAL_REJECTED,
    "asylum_claim": Event.ASYLUM_APPEAL_REJECTED,
    "removal_order": Event.REMOVAL_APPEAL_REJECTED,
    "detention": Event.DETENTION_APPEAL_REJECTED,
}
NEXT_INSTANCE_EVENTS = frozenset(_NEXT_INSTANCE.values())


def appeal_subject(facts: PersonFacts, appeal: AppealFact) -> str:
    """What a chain of appeals is about: the target kind of its first appeal ("" if the chain
    is broken or loops)."""
    by_id = {a.id: a for a in facts.appeals}
    current, seen = appeal, set()
    while current.target_kind == "lower_appeal":
        if current.id in seen or current.target_id not in by_id:
            return ""
        seen.add(current.id)
        current = by_id[current.target_id]
    return current.target_kind


def _ecthr_requested_since(facts: PersonFacts, since: date) -> date | None:
    return _first(
        m.requested_on
        for m in facts.interim_measures
        if m.body == "ecthr" and m.requested_on is not None and m.requested_on >= since
    )


def _followup_basis(m) -> tuple[date, str]:
    """CAT (rule 118(5)) and the HRC count the state's follow-up from the transmittal of the
    decision or Views, which comes after its adoption: the transmittal when recorded, else the
    adoption, which is never later, and the deadline says so."""
    if m.decision_transmitted_on is not None:
        adopted = f"adopted on {fmt(m.decision_on)}, " if m.decision_on else ""
        return m.decision_transmitted_on, (
            f"{adopted}transmitted to the state on {fmt(m.decision_transmitted_on)}"
        )
    return m.decision_on, (
        f"adopted on {fmt(m.decision_on)} (counted from adoption: transmittal date not recorded)"
    )


def _extradition_decisions(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for e in facts.extraditions:
        basis = _notified(e.notified_on, e.decided_on)
        if e.status in _ADVERSE_EXTRADITION and basis:
            yield Occurrence(
                SOURCE_EXTRADITION,
                e.id,
                basis[0],
                basis[1],
                country=e.requested_state,
                met_on=_lodged(_appeals_against(facts, "extradition_request", e.id)),
            )


def _asylum_refusals(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for c in facts.asylum_claims:
        basis = _notified(c.notified_on, c.decided_on)
        if c.decision in _ADVERSE_ASYLUM and c.authority_kind == "state" and basis:
            yield Occurrence(
                SOURCE_ASYLUM,
                c.id,
                basis[0],
                basis[1],
                country=c.country,
                met_on=_lodged(_appeals_against(facts, "asylum_claim", c.id)),
                procedure=c.procedure,
            )


def _removal_orders(event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    wanted_other = event == Event.OTHER_ADMIN_ACT_NOTIFIED
    for o in facts.removal_orders:
        if (o.kind == "other") != wanted_other:
            continue
        basis = _notified(o.notified_on, o.issued_on)
        if basis:
            yield Occurrence(
                SOURCE_REMOVAL,
                o.id,
                basis[0],
                basis[1],
                country=o.country,
                met_on=_lodged(_appeals_against(facts, "removal_order", o.id)),
            )


def _removal_routes(event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    # Russia removes by two routes with two appeals: an MVD deportation decision (KAS RF)
    # and a court's administrative expulsion (KoAP RF 30.3); each rule names its route.
    wanted = "expulsion" if event == Event.EXPULSION_ORDER_NOTIFIED else "deportation"
    for o in facts.removal_orders:
        basis = _notified(o.notified_on, o.issued_on)
        if o.kind == wanted and basis:
            yield Occurrence(
                SOURCE_REMOVAL,
                o.id,
                basis[0],
                basis[1],
                country=o.country,
                met_on=_lodged(_appeals_against(facts, "removal_order", o.id)),
            )


def _removals_scheduled(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for o in facts.removal_orders:
        if o.scheduled_removal_on:
            yield Occurrence(
                SOURCE_REMOVAL,
                o.id,
                o.scheduled_removal_on,
                f"scheduled for {fmt(o.scheduled_removal_on)}",
                country=o.country,
                met_on=_ecthr_requested_since(facts, o.issued_on),
            )


def _detentions_ordered(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for chain in _detention_chains(facts):
        head = chain[0]
        if head.legal_basis not in _CUSTODY_ORDERS:
            continue
        yield Occurrence(
            SOURCE_DETENTION,
            head.id,
            head.started_on,
            f"(detained on {fmt(head.started_on)}; the ruling's date is not recorded, so "
            "counted from the detention)",
            country=head.country,
            met_on=_lodged(_appeals_against(facts, "detention", head.id)),
        )


def _detentions_started(event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for chain in _detention_chains(facts):
        head, last = chain[0], chain[-1]
        if head.legal_basis != "extradition_arrest":
            continue
        met_on = last.ended_on
        if event == Event.PROVISIONAL_ARREST:
            received = [e.received_on for e in facts.extraditions if e.received_on]
            if any(r <= head.started_on for r in received):
                continue  # the request was already there: not a provisional arrest
            met_on = _first([met_on, _first(received)])
        yield Occurrence(
            SOURCE_DETENTION,
            head.id,
            head.started_on,
            f"from the start of detention on {fmt(head.started_on)}",
            country=head.country,
            met_on=met_on,
        )


def _immigration_detentions(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for chain in _detention_chains(facts):
        head, last = chain[0], chain[-1]
        if head.legal_basis != "immigration":
            continue
        yield Occurrence(
            SOURCE_DETENTION,
            head.id,
            head.started_on,
            f"from the start of detention on {fmt(head.started_on)}",
            country=head.country,
            met_on=last.ended_on,
        )


def _detention_appeals_lodged(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    detained = {d.id: d for d in facts.detentions}
    for a in facts.appeals:
        if a.target_kind == "detention" and a.lodged_on:
            d = detained.get(a.target_id)
            yield Occurrence(
                SOURCE_APPEAL,
                a.id,
                a.lodged_on,
                f"lodged on {fmt(a.lodged_on)}",
                country=a.country or (d.country if d else ""),
                met_on=a.decided_on,
            )


def _detention_terms(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for d in facts.detentions:
        if d.authorised_until:
            yield Occurrence(
                SOURCE_DETENTION,
                d.id,
                d.authorised_until,
                f"until {fmt(d.authorised_until)} (detained on {fmt(d.started_on)})",
                country=d.country,
                met_on=d.ended_on,
            )


def _court_rejections(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for a in facts.appeals:
        basis = _notified(a.notified_on, a.decided_on)
        if a.outcome == "rejected" and basis:
            yield Occurrence(
                SOURCE_APPEAL,
                a.id,
                basis[0],
                basis[1],
                country=a.country,
                met_on=_lodged(_appeals_against(facts, "lower_appeal", a.id)),
            )


def _next_instances(event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for a in facts.appeals:
        basis = _notified(a.notified_on, a.decided_on)
        if a.outcome != "rejected" or not basis:
            continue
        if _NEXT_INSTANCE.get(appeal_subject(facts, a)) != event:
            continue
        yield Occurrence(
            SOURCE_APPEAL,
            a.id,
            basis[0],
            basis[1],
            country=a.country,
            met_on=_lodged(_appeals_against(facts, "lower_appeal", a.id)),
            court_level=a.court_level,
        )


def _extradition_appeals_lodged(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for a in facts.appeals:
        if a.target_kind == "extradition_request" and a.lodged_on:
            yield Occurrence(
                SOURCE_APPEAL,
                a.id,
                a.lodged_on,
                f"lodged on {fmt(a.lodged_on)}",
                country=a.country,
                met_on=a.decided_on,
            )


def _final_decisions(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    higher = {a.target_id for a in facts.appeals if a.target_kind == "lower_appeal"}
    for a in facts.appeals:
        basis = _notified(a.notified_on, a.decided_on)
        if a.outcome == "rejected" and a.id not in higher and basis:
            yield Occurrence(
                SOURCE_APPEAL,
                a.id,
                basis[0],
                basis[1],
                country=a.country,
                met_on=_ecthr_requested_since(facts, a.decided_on or basis[0]),
            )


def _treaty_body_events(event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for m in facts.interim_measures:
        if event == Event.COMPLAINT_TRANSMITTED and m.complaint_transmitted_on:
            on, phrase = m.complaint_transmitted_on, "transmitted to the state on"
        elif event == Event.COMMITTEE_DECISION and (m.decision_transmitted_on or m.decision_on):
            on, phrase = _followup_basis(m)
            yield Occurrence(
                SOURCE_INTERIM,
                m.id,
                on,
                phrase,
                country=m.respondent_state,
                body=m.body.upper(),
            )
            continue
        elif (
            event == Event.INTERIM_GRANTED
            and m.status == "granted"
            and m.granted_on
            and m.lifted_on is None
        ):
            on = max((m.granted_on, *m.reaffirmed_on))
            phrase = "granted or last reaffirmed on"
        else:
            continue
        yield Occurrence(
            SOURCE_INTERIM,
            m.id,
            on,
            f"{phrase} {fmt(on)}",
            country=m.respondent_state,
            body=m.body.upper(),
        )


def _last_contacts(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for d in facts.detentions:
        if d.ended_on is not None:
            continue
        contact = facts.last_confirmed_contact_on
        if contact is not None and contact >= d.started_on:
            on, phrase = contact, f"(last confirmed contact on {fmt(contact)})"
        else:
            on = d.started_on
            phrase = f"(detained on {fmt(d.started_on)}, no confirmed contact since)"
        yield Occurrence(SOURCE_DETENTION, d.id, on, phrase, country=d.country)


def _urgent_actions(_event: Event, facts: PersonFacts) -> Iterator[Occurrence]:
    for ua in facts.urgent_actions:
        if ua.status in _LIVE_UA:
            yield Occurrence(
                SOURCE_URGENT_ACTION,
                ua.id,
                ua.send_before,
                f"send appeals before {fmt(ua.send_before)}",
            )


# Where each event is found, and the facts that holds it: an event of which the person has
# no fact is skipped without a call (a sweep asks about every event for every person).
_OCCURRENCES: dict[Event, tuple[Callable[[Event, PersonFacts], Iterator[Occurrence]], str]] = {
    Event.EXTRADITION_DECISION_NOTIFIED: (_extradition_decisions, "extraditions"),
    Event.ASYLUM_REFUSAL_NOTIFIED: (_asylum_refusals, "asylum_claims"),
    Event.REMOVAL_ORDER_NOTIFIED: (_removal_orders, "removal_orders"),
    Event.OTHER_ADMIN_ACT_NOTIFIED: (_removal_orders, "removal_orders"),
    Event.DEPORTATION_ORDER_NOTIFIED: (_removal_routes, "removal_orders"),
    Event.EXPULSION_ORDER_NOTIFIED: (_removal_routes, "removal_orders"),
    Event.REMOVAL_SCHEDULED: (_removals_scheduled, "removal_orders"),
    Event.DETENTION_ORDERED: (_detentions_ordered, "detentions"),
    Event.DETENTION_STARTED: (_detentions_started, "detentions"),
    Event.PROVISIONAL_ARREST: (_detentions_started, "detentions"),
    Event.IMMIGRATION_DETENTION_STARTED: (_immigration_detentions, "detentions"),
    Event.DETENTION_APPEAL_LODGED: (_detention_appeals_lodged, "appeals"),
    Event.DETENTION_AUTHORISED_UNTIL: (_detention_terms, "detentions"),
    Event.COURT_DECISION_NOTIFIED: (_court_rejections, "appeals"),
    **{event: (_next_instances, "appeals") for event in NEXT_INSTANCE_EVENTS},
    Event.EXTRADITION_APPEAL_LODGED: (_extradition_appeals_lodged, "appeals"),
    Event.FINAL_DOMESTIC_DECISION: (_final_decisions, "appeals"),
    Event.COMPLAINT_TRANSMITTED: (_treaty_body_events, "interim_measures"),
    Event.COMMITTEE_DECISION: (_treaty_body_events, "interim_measures"),
    Event.INTERIM_GRANTED: (_treaty_body_events, "interim_measures"),
    Event.LAST_CONFIRMED_CONTACT: (_last_contacts, "detentions"),
    Event.UA_SEND_BEFORE: (_urgent_actions, "urgent_actions"),
}


def _occurrences(event: Event, facts: PersonFacts) -> Iterable[Occurrence]:
    """Where `event` happened in the facts."""
    found = _OCCURRENCES.get(event)
    if found is None or not getattr(facts, found[1]):
        return ()
    return found[0](event, facts)


# ---------------------------------------------------------------------------------------------
# Where Haven has no rule: said, not silent
# ---------------------------------------------------------------------------------------------

# Decisions and orders a lawyer must act on within a period the law sets somewhere: when no
# enabled rule in force gives a deadline for one, the person page, "my deadlines" and the
# feed say so. Given by value, so that events another change adds join when they exist.
_GAP_EVENT_VALUES = (
    "extradition_decision_notified",
    "asylum_refusal_notified",
    "removal_order_notified",
    "other_admin_act_notified",
    "detention_ordered",
    "detention_started",
    "immigration_detention_started",
    "complaint_transmitted",
    "committee_decision",
)
GAP_EVENTS = tuple(Event(v) for v in _GAP_EVENT_VALUES if v in Event._value2member_map_)
# A fact of one of these events is covered by a deadline from any event of its group: a
# removal order by a rule for its route (deportation or expulsion) as well.
_COVERED_BY = {
    "removal_order_notified": {
        "removal_order_notified",
        "deportation_order_notified",
        "expulsion_order_notified",
    },
}


@dataclass(frozen=True)
class Gap:
    """A fact with no rule: `event` is what a rule would count from, `jurisdiction` the
    country (or treaty body) it happened in, `placeholder` the code of a disabled or
    period-less rule that marks the research as pending, if there is one."""

    person_id: str
    event: Event
    source_type: str
    source_id: str
    jurisdiction: str
    on: date
    placeholder: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.event, self.source_type, self.source_id)


@per_rule_tuple
def _event_of(rules: Sequence[RuleSpec]) -> dict[str, str]:
    return {r.code: str(r.counts_from) for r in rules}


def find_gaps(
    facts: PersonFacts,
    rules: Sequence[RuleSpec],
    deadlines: Sequence[ComputedDeadline] | None = None,
) -> list[Gap]:
    """Every fact of GAP_EVENTS, and every rejected appeal, for which the rules give no
    deadline (`deadlines`: what compute_deadlines gave for these facts and rules), where the
    obligation is not met yet (an appeal lodged, a detention ended). A rejected appeal is
    covered by a deadline for the next instance (any court decision, or its subject's), or,
    when no higher appeal is recorded, by a treaty body's window from the final decision."""
    if deadlines is None:
        deadlines = compute_deadlines(facts, rules, date.min)
    event_of = _event_of(rules)
    given: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in deadlines:
        if d.kind == Kind.TREATY_APPLICATION:
            # The HRC's five years (rule 99(c)) is no answer to a missing next instance.
            continue
        given[(d.source_type, d.source_id)].add(event_of.get(d.rule_code, ""))

    def placeholder(events: set[str], occ: Occurrence) -> str:
        pending = [
            r.code
            for r in rules
            if str(r.counts_from) in events
            and (not r.enabled or r.period_amount is None)
            and _applies(r, occ)
        ]
        return min(pending, default="")

    gaps: dict[tuple, Gap] = {}

    def check(event: Event, events: set[str], occ: Occurrence) -> None:
        if occ.met_on is not None or given[(occ.source_type, occ.source_id)] & events:
            return
        gap = Gap(
            facts.person_id,
            event,
            occ.source_type,
            occ.source_id,
            occ.body or occ.country.upper(),
            occ.on,
            placeholder(events, occ),
        )
        gaps.setdefault(gap.key, gap)

    for event in GAP_EVENTS:
        events = _COVERED_BY.get(str(event), {str(event)})
        for occ in _occurrences(event, facts):
            check(event, events, occ)

    higher = {a.target_id for a in facts.appeals if a.target_kind == "lower_appeal"}
    for a in facts.appeals:
        basis = _notified(a.notified_on, a.decided_on)
        if a.outcome != "rejected" or basis is None:
            continue
        next_event = _NEXT_INSTANCE.get(appeal_subject(facts, a), Event.COURT_DECISION_NOTIFIED)
        events = {str(Event.COURT_DECISION_NOTIFIED), str(next_event)}
        if a.id not in higher:
            events.add(str(Event.FINAL_DOMESTIC_DECISION))
        occ = Occurrence(
            SOURCE_APPEAL,
            a.id,
            basis[0],
            basis[1],
            country=a.country,
            met_on=_lodged(_appeals_against(facts, "lower_appeal", a.id)),
            court_level=a.court_level,
        )
        check(next_event, events, occ)
    return sorted(gaps.values(), key=lambda g: (g.on, g.event, g.source_id))
