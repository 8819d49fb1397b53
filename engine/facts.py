"""Plain, immutable inputs of the pure core: a person's facts and the rules.

The selectors (engine/selectors.py) build these from the ORM; the tests build them by hand.
Ids are strings so that the core never cares whether a source's key is a UUID or an integer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .kinds import Confidence, Event, Kind, Unit


@dataclass(frozen=True)
class DetentionFact:
    id: str
    started_on: date
    ended_on: date | None = None
    authorised_until: date | None = None
    legal_basis: str = "unknown"
    country: str = ""
    transferred_from_id: str | None = None
    incommunicado: bool = False


@dataclass(frozen=True)
class ExtraditionFact:
    id: str
    requested_state: str
    status: str = "pending"
    decided_on: date | None = None
    notified_on: date | None = None
    received_on: date | None = None
    requesting_state: str = ""


@dataclass(frozen=True)
class AsylumFact:
    id: str
    country: str
    decision: str = "pending"
    authority_kind: str = "state"
    decided_on: date | None = None
    notified_on: date | None = None
    lodged_on: date | None = None
    # regular, accelerated, inadmissible; "" when the record does not say
    procedure: str = ""


@dataclass(frozen=True)
class RemovalFact:
    id: str
    country: str
    issued_on: date
    kind: str = "deportation"
    notified_on: date | None = None
    scheduled_removal_on: date | None = None


@dataclass(frozen=True)
class AppealFact:
    id: str
    target_kind: str  # one of casework.Appeal.TARGET_FIELDS
    target_id: str
    country: str
    lodged_on: date | None = None
    outcome: str = "pending"
    decided_on: date | None = None
    notified_on: date | None = None
    court_level: str = "district"


@dataclass(frozen=True)
class InterimFact:
    id: str
    body: str  # cat, hrc, ecthr, other
    status: str = "requested"
    requested_on: date | None = None
    granted_on: date | None = None
    lifted_on: date | None = None
    reaffirmed_on: tuple[date, ...] = ()
    complaint_transmitted_on: date | None = None
    decision_on: date | None = None
    decision_transmitted_on: date | None = None
    respondent_state: str = ""

    def in_force_on(self, day: date) -> bool:
        """Granted on or before `day` and not lifted by then (as casework.InterimMeasure)."""
        return (
            self.granted_on is not None
            and self.granted_on <= day
            and (self.lifted_on is None or self.lifted_on > day)
        )


@dataclass(frozen=True)
class UrgentActionFact:
    id: str
    send_before: date
    status: str = "issued"


@dataclass(frozen=True)
class PersonFacts:
    person_id: str
    detentions: tuple[DetentionFact, ...] = ()
    last_confirmed_contact_on: date | None = None
    last_confirmed_contact_at: datetime | None = None  # the moment: the board's order
    extraditions: tuple[ExtraditionFact, ...] = ()
    asylum_claims: tuple[AsylumFact, ...] = ()
    removal_orders: tuple[RemovalFact, ...] = ()
    appeals: tuple[AppealFact, ...] = ()
    interim_measures: tuple[InterimFact, ...] = ()
    urgent_actions: tuple[UrgentActionFact, ...] = ()
    risk_level: str | None = None  # from the return-risk assessment once it exists


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the core sees it (the Rule model's fields, minus bookkeeping)."""

    code: str
    kind: Kind
    counts_from: Event
    description: str
    period_amount: int | None
    unit: Unit = Unit.DAYS
    calendar: str = ""
    roll_forward: bool = False
    citation: str = ""
    jurisdiction: str = ""
    countries: frozenset[str] = field(default_factory=frozenset)  # empty: any country
    confidence: Confidence = Confidence.PRIMARY
    verified: bool = False
    practice: bool = False
    enabled: bool = True
    # The law as it stood on the day: rows of one family, each in force for its own dates
    # (both inclusive, None = open); a fact is counted with the row in force on its date.
    family: str = ""
    # Next-instance rules: the levels of the rejecting court this rule counts from (empty: any).
    after_court_levels: frozenset[str] = field(default_factory=frozenset)
    # Asylum refusals: the procedures whose decisions this rule counts from (empty: any). A
    # refusal whose procedure is not recorded is counted by every such rule, the earliest
    # shown, saying on what condition it applies.
    procedures: frozenset[str] = field(default_factory=frozenset)
    in_force_from: date | None = None
    in_force_until: date | None = None
    # Counting conventions: the day of the event is day one (custody terms), the period ends
    # at an hour of the last day, and the article that says so.
    first_day_counts: bool = False
    ends_at_hour: int | None = None
    counting_citation: str = ""
    # The period while the person's return risk is `imminent` (welfare checks: 1 day, not 3).
    imminent_period_amount: int | None = None

    def in_force_on(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day <= self.in_force_until
        )

    @property
    def unverified(self) -> bool:
        """An unverified (U) default stays flagged until an admin records a verification."""
        return self.confidence == Confidence.UNVERIFIED and not self.verified
