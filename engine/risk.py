"""Return risk: which signals fire for a person on a day, and what level they add up to.

Pure functions: facts, the signal table and today in; an assessment out. No ORM, no clock.

How signals combine is data (engine.RiskSignal rows, editable by an admin): each signal has a
weight, and optionally a floor ("this signal alone makes the person at least `high`"). The
level is the higher of the floor and the band the summed weight falls in (THRESHOLDS). The
defaults below are what practitioners told us and what the seeds show:

* Osh, 2005: 29 men moved from a camp to a detention centre while UNHCR's assessment was
  pending, four already returned: transfer + pending UNHCR + group members returned +
  detained = imminent on the day of the transfer.
* Almaty, 2011: appeals rejected on 15 March, CAT interim measures in force: detained +
  extradition approved + appeal rejected = high despite the measures; after 28 were returned
  on 9 June while measures were in force, the state has shown it ignores them = imminent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

LEVELS = ["none", "monitoring", "elevated", "high", "imminent"]
# Lowest summed weight for each level above "none".
THRESHOLDS = {"monitoring": 1, "elevated": 30, "high": 60, "imminent": 100}


def level_rank(level: str) -> int:
    return LEVELS.index(level)


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetentionFact:
    id: str
    started_on: date
    ended_on: date | None
    incommunicado: bool
    facility_country: str
    transferred_from_id: str | None = None


@dataclass(frozen=True)
class ExtraditionFact:
    id: str
    status: str  # pending, approved, refused, withdrawn, executed
    requesting_state: str
    requested_state: str
    decided_on: date | None


@dataclass(frozen=True)
class AppealFact:
    id: str
    target_kind: str  # extradition_request, asylum_claim, detention, removal_order, lower_appeal
    outcome: str
    decided_on: date | None
    court_level: str


@dataclass(frozen=True)
class AsylumFact:
    id: str
    authority_kind: str  # state, unhcr
    decision: str
    decided_on: date | None
    lodged_on: date | None


@dataclass(frozen=True)
class InterimFact:
    id: str
    body: str
    respondent_state: str
    granted_on: date | None
    lifted_on: date | None

    def in_force_on(self, day: date) -> bool:
        return (
            self.granted_on is not None
            and self.granted_on <= day
            and (self.lifted_on is None or self.lifted_on > day)
        )


@dataclass(frozen=True)
class RemovalFact:
    id: str
    scheduled_removal_on: date | None


@dataclass(frozen=True)
class WelfareFact:
    observed_on: date
    contact_confirmed: bool
    transfer_reported: bool


@dataclass(frozen=True)
class GroupEventFact:
    group_name: str
    kind: str  # detained, transferred, released, returned, threatened
    occurred_on: date


@dataclass(frozen=True)
class RelativeFact:
    kind: str
    detained: bool
    returned_on: date | None


@dataclass(frozen=True)
class ReturnEvidence:
    """Another person's return, as evidence about the returning state."""

    from_country: str
    returned_on: date
    interim_measure_in_force: bool
    same_group: bool


@dataclass(frozen=True)
class RiskFacts:
    person_id: str
    returned_on: date | None = None
    detentions: tuple[DetentionFact, ...] = ()
    extraditions: tuple[ExtraditionFact, ...] = ()
    appeals: tuple[AppealFact, ...] = ()
    asylum_claims: tuple[AsylumFact, ...] = ()
    interim_measures: tuple[InterimFact, ...] = ()
    removal_orders: tuple[RemovalFact, ...] = ()
    welfare: tuple[WelfareFact, ...] = ()
    group_events: tuple[GroupEventFact, ...] = ()
    relatives: tuple[RelativeFact, ...] = ()
    other_returns: tuple[ReturnEvidence, ...] = ()
    missed_appeal_deadlines: tuple[date, ...] = ()


@dataclass(frozen=True)
class SignalSetting:
    code: str
    weight: int
    floor: str = "none"
    enabled: bool = True


@dataclass(frozen=True)
class Reason:
    code: str
    sentence: str
    weight: int


@dataclass(frozen=True)
class Assessment:
    level: str
    score: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Defaults (shipped by a data migration; editable)
# ---------------------------------------------------------------------------------------------

DEFAULT_SIGNALS: dict[str, SignalSetting] = {
    s.code: s
    for s in [
        SignalSetting("detained", 15),
        SignalSetting("extradition_approved", 30),
        SignalSetting("appeal_rejected", 30),
        SignalSetting("appeal_window_expired", 30),
        SignalSetting("no_interim_measure", 15),
        SignalSetting("state_returned_despite_interim", 50),
        SignalSetting("asylum_refused", 20),
        SignalSetting("unhcr_pending", 15),
        SignalSetting("transfer_reported", 40),
        SignalSetting("group_members_returned", 35),
        SignalSetting("no_contact", 25),
        SignalSetting("incommunicado", 25),
        SignalSetting("relatives_detained", 10),
        SignalSetting("removal_scheduled", 60, floor="imminent"),
    ]
}

# Windows (days) for "recent" events: practice defaults, editable with the signals.
TRANSFER_WINDOW = 14
NO_CONTACT_DAYS = 3


def _fmt(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------------


def _open_detention(f: RiskFacts, today: date) -> DetentionFact | None:
    current = [
        d
        for d in f.detentions
        if d.started_on <= today and (d.ended_on is None or d.ended_on > today)
    ]
    return max(current, key=lambda d: d.started_on) if current else None


def signals(f: RiskFacts, today: date) -> list[tuple[str, str]]:
    """(code, sentence) for every signal that fires on `today`, from facts known by then."""
    fired: list[tuple[str, str]] = []
    detention = _open_detention(f, today)
    if detention:
        fired.append(("detained", f"Detained since {_fmt(detention.started_on)}."))

    approved = [
        e
        for e in f.extraditions
        if e.status == "approved" and e.decided_on and e.decided_on <= today
    ]
    for e in approved[:1]:
        fired.append(
            (
                "extradition_approved",
                f"Extradition to {e.requesting_state} approved on {_fmt(e.decided_on)}.",
            )
        )

    rejected = [
        a
        for a in f.appeals
        if a.outcome == "rejected"
        and a.decided_on
        and a.decided_on <= today
        and a.target_kind
        in {"extradition_request", "asylum_claim", "removal_order", "lower_appeal"}
    ]
    if rejected:
        last = max(rejected, key=lambda a: a.decided_on)
        fired.append(("appeal_rejected", f"Appeal rejected on {_fmt(last.decided_on)}."))
    expired = [d for d in f.missed_appeal_deadlines if d < today]
    if expired:
        fired.append(
            (
                "appeal_window_expired",
                f"The time to appeal ran out on {_fmt(max(expired))} with no appeal lodged.",
            )
        )

    in_force = [m for m in f.interim_measures if m.in_force_on(today)]
    at_risk_of_removal = bool(approved or detention or f.removal_orders)
    if at_risk_of_removal and not in_force:
        fired.append(("no_interim_measure", "No interim measure is in force."))
    if in_force:
        states = {m.respondent_state for m in in_force}
        ignored = [
            r
            for r in f.other_returns
            if r.interim_measure_in_force and r.from_country in states and r.returned_on <= today
        ]
        if ignored:
            latest = max(r.returned_on for r in ignored)
            fired.append(
                (
                    "state_returned_despite_interim",
                    f"{', '.join(sorted(states))} returned {len(ignored)} people despite interim "
                    f"measures in force, most recently on {_fmt(latest)}; the measure protecting "
                    f"this person may not be respected.",
                )
            )

    refused = [
        c
        for c in f.asylum_claims
        if c.decision in {"refused", "excluded", "revoked"}
        and c.decided_on
        and c.decided_on <= today
    ]
    if refused:
        last = max(refused, key=lambda c: c.decided_on)
        verb = "revoked" if last.decision == "revoked" else "refused"
        fired.append(("asylum_refused", f"Asylum {verb} on {_fmt(last.decided_on)}."))
    pending_unhcr = [
        c
        for c in f.asylum_claims
        if c.authority_kind == "unhcr"
        and (c.decision == "pending" or (c.decided_on and c.decided_on > today))
        and (c.lodged_on is None or c.lodged_on <= today)
    ]
    if pending_unhcr:
        fired.append(
            (
                "unhcr_pending",
                "UNHCR has not completed its assessment; a pending assessment did not stop "
                "returns in Osh in 2005.",
            )
        )

    window = today - timedelta(days=TRANSFER_WINDOW)
    transfers = [
        w.observed_on for w in f.welfare if w.transfer_reported and window <= w.observed_on <= today
    ]
    transfers += [
        e.occurred_on
        for e in f.group_events
        if e.kind == "transferred" and window <= e.occurred_on <= today
    ]
    transfers += [
        d.started_on
        for d in f.detentions
        if d.transferred_from_id and window <= d.started_on <= today
    ]
    if transfers:
        fired.append(("transfer_reported", f"Transfer reported on {_fmt(max(transfers))}."))

    group_returns = [r for r in f.other_returns if r.same_group and r.returned_on <= today]
    if group_returns:
        fired.append(
            (
                "group_members_returned",
                f"{len(group_returns)} people of the same group already returned, most recently "
                f"on {_fmt(max(r.returned_on for r in group_returns))}.",
            )
        )

    if detention:
        if detention.incommunicado:
            fired.append(("incommunicado", "Held incommunicado."))
        contacts = [
            w.observed_on for w in f.welfare if w.contact_confirmed and w.observed_on <= today
        ]
        last_contact = max(contacts) if contacts else None
        if last_contact is None or (today - last_contact).days > NO_CONTACT_DAYS:
            since = f"since {_fmt(last_contact)}" if last_contact else "since the detention began"
            fired.append(("no_contact", f"No confirmed contact {since}."))

    detained_relatives = [r for r in f.relatives if r.detained]
    if detained_relatives:
        kinds = ", ".join(sorted({r.kind for r in detained_relatives}))
        fired.append(("relatives_detained", f"Relatives detained ({kinds})."))

    soon = [
        r.scheduled_removal_on
        for r in f.removal_orders
        if r.scheduled_removal_on and today <= r.scheduled_removal_on <= today + timedelta(days=7)
    ]
    if soon:
        fired.append(("removal_scheduled", f"Removal scheduled for {_fmt(min(soon))}."))
    return fired


def assess(
    f: RiskFacts, today: date, settings: dict[str, SignalSetting] | None = None
) -> Assessment:
    """The person's level on `today`. A returned person has no return risk left to assess:
    what happens to them is tracked through post-return reports."""
    settings = settings or DEFAULT_SIGNALS
    if f.returned_on and f.returned_on <= today:
        return Assessment(
            "none", 0, (Reason("returned", f"Returned on {_fmt(f.returned_on)}.", 0),)
        )
    reasons = []
    floor = "none"
    for code, sentence in signals(f, today):
        setting = settings.get(code)
        if setting is None or not setting.enabled:
            continue
        reasons.append(Reason(code, sentence, setting.weight))
        if level_rank(setting.floor) > level_rank(floor):
            floor = setting.floor
    score = sum(r.weight for r in reasons)
    banded = "none"
    for level in LEVELS[1:]:
        if score >= THRESHOLDS[level]:
            banded = level
    level = max(banded, floor, key=level_rank)
    return Assessment(level, score, tuple(sorted(reasons, key=lambda r: -r.weight)))
