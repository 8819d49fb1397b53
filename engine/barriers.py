"""What still stands between a person and removal: the barriers of a return-risk assessment.

Pure functions, like engine/risk.py: a person's facts, their computed deadlines, the
suspensive-effect rules and today in; barriers out. No ORM, no clock.

A barrier is a fact that, while it holds, keeps the state from lawfully removing the person:

* ``interim_measure`` -- an interim measure in force: UN Committee against Torture (CAT Rules
  of Procedure rule 114(1)), UN Human Rights Committee (HRC Rules of Procedure rule 94),
  European Court of Human Rights (Rules of Court, Rule 39), or a national court's suspension
  (body "other");
* ``suspensive_appeal`` -- an appeal lodged and not yet decided, where the law of the
  jurisdiction gives it suspensive effect (engine.SuspensiveEffect rows, each with its
  citation);
* ``suspensive_claim`` -- an asylum claim before a state authority, pending, with suspensive
  effect by the same table (a claim before UNHCR under its mandate never is: it did not stop
  the returns from Kyrgyzstan in 2005);
* ``appeal_window`` -- the time to lodge such an appeal still running;
* ``released`` -- the person was detained and is free now.

Each barrier has a sentence and a source fact, as a reason has. How much a barrier caps the
level, and which signals lift that cap, is engine/risk.py's ``combine`` (engine.RiskCap rows).

Time: a barrier begins and ends only on dates that are in the facts or in the computed
deadlines. An appeal window ends the day after its deadline's due date (``ends_on`` is the last
day it stands); an interim measure, a pending appeal or claim and a release end only when a
fact changes (lifted_on, decided_on, a new detention), which is a fact's date too. The caps'
lifters are signals, whose own windows are counted from facts' dates. So "the next day on
which time alone changes the assessment" (issue 17's agenda) is found among the facts' dates,
the signals' windows and the deadlines' due dates: nothing here counts days of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .deadlines import (
    SOURCE_APPEAL,
    SOURCE_ASYLUM,
    SOURCE_DETENTION,
    SOURCE_EXTRADITION,
    SOURCE_INTERIM,
    SOURCE_REMOVAL,
    ComputedDeadline,
    fmt,
)
from .facts import PersonFacts
from .kinds import Kind
from .wording import BODY_NAMES, COUNTRY_NAMES

BARRIER_KINDS = (
    "interim_measure",
    "suspensive_appeal",
    "suspensive_claim",
    "appeal_window",
    "released",
)

# In a barrier's sentence "other" is a national court's suspension as often as anything else.
_MEASURE_BODIES = {**BODY_NAMES, "other": "a court or other body"}


def country(code: str) -> str:
    return COUNTRY_NAMES.get(code, code or "the state")


# What each kind of appeal is against, and the decision it would suspend.
APPEAL_SUBJECTS = {
    "extradition_request": Kind.APPEAL_EXTRADITION.value,
    "asylum_claim": Kind.APPEAL_ASYLUM.value,
    "removal_order": Kind.APPEAL_REMOVAL.value,
    "lower_appeal": Kind.APPEAL_LOWER_COURT.value,
}
CLAIM_SUBJECT = "asylum_claim"
_TARGET_SOURCES = {
    "extradition_request": SOURCE_EXTRADITION,
    "asylum_claim": SOURCE_ASYLUM,
    "removal_order": SOURCE_REMOVAL,
    "lower_appeal": SOURCE_APPEAL,
}
_SUBJECT_PHRASES = {
    Kind.APPEAL_EXTRADITION.value: "the extradition decision",
    Kind.APPEAL_ASYLUM.value: "the asylum decision",
    Kind.APPEAL_REMOVAL.value: "the removal order",
    Kind.APPEAL_LOWER_COURT.value: "the court's decision",
}


@dataclass(frozen=True)
class SuspensiveRule:
    """One engine.SuspensiveEffect row: whether, in `country`, a pending `subject` (an appeal
    of a kind, or an asylum claim) keeps the person from being removed."""

    country: str
    subject: str
    suspensive: bool
    citation: str
    unverified: bool = False


@dataclass(frozen=True)
class CapSetting:
    """One engine.RiskCap row: while a barrier of `kind` stands, the level is at most `cap`,
    unless one of the signals in `lifted_by` fired (the state shows it does not respect it)."""

    kind: str
    cap: str
    lifted_by: frozenset[str] = frozenset()
    enabled: bool = True


@dataclass(frozen=True)
class Barrier:
    kind: str
    sentence: str
    source_type: str
    source_id: str
    since: date | None = None
    ends_on: date | None = None  # the last day it stands, when a date already says so
    guards: str = ""  # the decision it suspends ("casework.extraditionrequest:<id>")
    citation: str = ""
    unverified: bool = False  # an unverified suspensive-effect rule: shown, never caps
    body: str = ""  # interim measures: cat, hrc, ecthr, other (for the pages' own sentence)
    subject: str = ""  # appeals and windows: what is appealed (engine.kinds.Kind value)
    country: str = ""  # where the appeal or claim is pending
    # Filled in by engine.risk.combine:
    cap: str = ""  # the level it holds the person at or below ("" if it caps nothing)
    lifted_by: tuple[str, ...] = ()  # the signals that fired and lift its cap

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source_type}:{self.source_id}"

    @property
    def stands(self) -> bool:
        """It caps the level today: a cap applies, and nothing fired that lifts it."""
        return bool(self.cap) and not self.lifted_by

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "sentence": self.sentence,
            "source_type": self.source_type,
            "source_id": self.source_id,
            "since": self.since.isoformat() if self.since else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
            "guards": self.guards,
            "citation": self.citation,
            "unverified": self.unverified,
            "body": self.body,
            "subject": self.subject,
            "country": self.country,
            "cap": self.cap,
            "lifted_by": list(self.lifted_by),
        }


# ---------------------------------------------------------------------------------------------
# Defaults (copied, frozen, into migration 0031; a test keeps the two equal)
# ---------------------------------------------------------------------------------------------

# The state shows it does not respect a legal barrier by returning people despite interim
# measures (Kazakhstan, 9 June 2011), by scheduling the removal, by moving the person toward
# the border or an airport, or by hiding them. A release is undone only by the last three.
_DISRESPECT = frozenset(
    {"state_returned_despite_interim", "removal_scheduled", "transfer_reported", "incommunicado"}
)
DEFAULT_CAPS: dict[str, CapSetting] = {
    c.kind: c
    for c in [
        CapSetting("interim_measure", "high", _DISRESPECT),
        CapSetting("suspensive_appeal", "high", _DISRESPECT),
        CapSetting("suspensive_claim", "high", _DISRESPECT),
        CapSetting("appeal_window", "high", _DISRESPECT),
        CapSetting("released", "elevated", frozenset({"removal_scheduled", "transfer_reported"})),
    ]
}

# Rule data: which pending appeals and claims suspend removal, by jurisdiction, each with its
# citation. Unverified ones are shown beside the person but cap nothing until an admin records
# a verification: a barrier that lowers a person's risk must rest on law someone has read.
DEFAULT_SUSPENSIVE: tuple[SuspensiveRule, ...] = (
    SuspensiveRule(
        "TR",
        Kind.APPEAL_REMOVAL.value,
        True,
        "Law 6458 (LFIP) Art. 53(3): no deportation during the time to sue or until the "
        "court decides",
    ),
    SuspensiveRule(
        "RU",
        Kind.APPEAL_EXTRADITION.value,
        True,
        "CPC RF Art. 462(6): no extradition until the court's decision on the appeal enters "
        "into force",
        unverified=True,
    ),
    SuspensiveRule(
        "RU",
        CLAIM_SUBJECT,
        True,
        'Federal Law "On Refugees" Art. 10(1): an applicant is not returned against their '
        "will while the application is considered",
        unverified=True,
    ),
    # Migration 0190: Kazakhstan, where the Almaty case was decided; neither read yet.
    SuspensiveRule(
        "KZ",
        Kind.APPEAL_EXTRADITION.value,
        True,
        "CPC RK 2014 Art. 592: appeal to the court against the Prosecutor General's extradition "
        "decree; the extradition is not carried out until the court's decision enters into force",
        unverified=True,
    ),
    SuspensiveRule(
        "KZ",
        CLAIM_SUBJECT,
        True,
        'Law of the Republic of Kazakhstan "On Refugees" (2009): an asylum seeker is not '
        "expelled while the application is considered (article not yet identified)",
        unverified=True,
    ),
)


def _rule(rules: Iterable[SuspensiveRule], country_code: str, subject: str):
    for r in rules:
        if r.country == country_code and r.subject == subject and r.suspensive:
            return r
    return None


def _law(rule: SuspensiveRule) -> str:
    flag = "; unverified rule" if rule.unverified else ""
    return f" ({rule.citation}{flag})"


def _ruled(rule: SuspensiveRule) -> dict:
    """What a barrier resting on a suspensive-effect rule copies of it."""
    return {"citation": rule.citation, "unverified": rule.unverified}


def _pending_on(today: date, lodged_on: date | None, undecided: bool, decided_on) -> bool:
    """Lodged by `today` (or on a day not recorded) and not decided by then."""
    lodged = lodged_on is None or lodged_on <= today
    return lodged and (undecided or (decided_on is not None and decided_on > today))


# ---------------------------------------------------------------------------------------------
# Finding them
# ---------------------------------------------------------------------------------------------


def find_barriers(
    facts: PersonFacts,
    today: date,
    *,
    appeal_windows: Iterable[ComputedDeadline] = (),
    suspensive: Iterable[SuspensiveRule] | None = None,
) -> list[Barrier]:
    """Every barrier standing on `today`, from facts known by then, in a stable order.
    `appeal_windows` are the deadline core's deadlines for `today` (only open appeal
    deadlines count)."""
    rules = tuple(DEFAULT_SUSPENSIVE if suspensive is None else suspensive)
    found: list[Barrier] = []

    for m in facts.interim_measures:
        if not m.in_force_on(today):
            continue
        since = max([m.granted_on, *(d for d in m.reaffirmed_on if d <= today)])
        against = f" against {country(m.respondent_state)}" if m.respondent_state else ""
        again = " (reaffirmed)" if since != m.granted_on else ""
        found.append(
            Barrier(
                "interim_measure",
                f"Interim measure of {_MEASURE_BODIES.get(m.body, m.body)}{against} in force "
                f"since {fmt(m.granted_on)}{again}.",
                SOURCE_INTERIM,
                m.id,
                since=m.granted_on,
                guards=f"{SOURCE_INTERIM}:{m.id}",
                body=m.body,
                country=m.respondent_state,
            )
        )

    for a in facts.appeals:
        subject = APPEAL_SUBJECTS.get(a.target_kind)
        pending = _pending_on(today, a.lodged_on, a.outcome == "pending", a.decided_on)
        if not subject or not pending or a.outcome == "withdrawn":
            continue
        rule = _rule(rules, a.country, subject)
        if rule is None:
            continue
        when = f" lodged on {fmt(a.lodged_on)}" if a.lodged_on else ""
        found.append(
            Barrier(
                "suspensive_appeal",
                f"Appeal against {_SUBJECT_PHRASES[subject]}{when} is pending in "
                f"{country(a.country)}; it suspends removal{_law(rule)}.",
                SOURCE_APPEAL,
                a.id,
                since=a.lodged_on,
                guards=f"{_TARGET_SOURCES[a.target_kind]}:{a.target_id}",
                **_ruled(rule),
                subject=subject,
                country=a.country,
            )
        )

    for c in facts.asylum_claims:
        pending = _pending_on(today, c.lodged_on, c.decision == "pending", c.decided_on)
        if c.authority_kind != "state" or not pending:
            continue
        rule = _rule(rules, c.country, CLAIM_SUBJECT)
        if rule is None:
            continue
        when = f" since {fmt(c.lodged_on)}" if c.lodged_on else ""
        found.append(
            Barrier(
                "suspensive_claim",
                f"Asylum claim in {country(c.country)} pending{when}; removal is suspended "
                f"while it is decided{_law(rule)}.",
                SOURCE_ASYLUM,
                c.id,
                since=c.lodged_on,
                guards=f"{SOURCE_ASYLUM}:{c.id}",
                **_ruled(rule),
                country=c.country,
            )
        )

    for d in appeal_windows:
        if d.status != "open" or not (d.counted_from <= today <= d.due_on):
            continue
        rule = _rule(rules, d.jurisdiction, d.kind.value)
        if rule is None:
            continue
        found.append(
            Barrier(
                "appeal_window",
                f"The time to appeal against {_SUBJECT_PHRASES[d.kind.value]} runs until "
                f"{fmt(d.due_on)}; meanwhile removal is suspended{_law(rule)}.",
                d.source_type,
                d.source_id,
                since=d.counted_from,
                ends_on=d.due_on,
                guards=f"{d.source_type}:{d.source_id}",
                **_ruled(rule),
                subject=d.kind.value,
                country=d.jurisdiction,
            )
        )

    held = [
        d
        for d in facts.detentions
        if d.started_on <= today and (d.ended_on is None or d.ended_on > today)
    ]
    ended = [d for d in facts.detentions if d.ended_on is not None and d.ended_on <= today]
    if ended and not held:
        last = max(ended, key=lambda d: (d.ended_on, d.started_on))
        found.append(
            Barrier(
                "released",
                f"Released on {fmt(last.ended_on)}.",
                SOURCE_DETENTION,
                last.id,
                since=last.ended_on,
                guards="detention",
            )
        )
    return sorted(found, key=lambda b: (BARRIER_KINDS.index(b.kind), b.since or date.min, b.key))


def lost_barriers(before: Iterable[Mapping], after: Iterable[Barrier]) -> list[Mapping]:
    """The barriers of the previous assessment (stored dicts) that no longer stand: a measure
    lifted, an appeal rejected, a claim refused, an appeal window closed unused, a release
    ended by a new detention. One that gave way to another barrier guarding the same decision
    is not lost: an appeal lodged within its window is the window's protection carried on."""
    after = list(after)
    keys = {b.key for b in after}
    guarded = {b.guards for b in after if b.guards}
    return [
        b
        for b in before
        if f"{b.get('kind')}:{b.get('source_type')}:{b.get('source_id')}" not in keys
        and not (b.get("guards") and b.get("guards") in guarded)
    ]
