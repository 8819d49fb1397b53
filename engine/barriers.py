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

Where Haven has no answer it says so: a pending appeal or state asylum claim in a jurisdiction
with no suspensive-effect row at all for it (Kyrgyzstan, Uzbekistan, Tajikistan today) is
listed as a ``no_rule`` line ("Haven has no rule on whether this appeal suspends removal in
...: check it yourself"), flagged unverified. It is not a barrier: it caps nothing, has no
RiskCap row, and its end is no "protection lost" (lost_barriers leaves it out).

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
from dataclasses import dataclass, field
from datetime import date

from .deadlines import (
    SOURCE_APPEAL,
    SOURCE_ASYLUM,
    SOURCE_DETENTION,
    SOURCE_EXTRADITION,
    SOURCE_INTERIM,
    SOURCE_REMOVAL,
    ComputedDeadline,
)
from .facts import PersonFacts
from .kinds import Kind
from .wording import N_, on, phrase, say, state

BARRIER_KINDS = (
    "interim_measure",
    "suspensive_appeal",
    "suspensive_claim",
    "appeal_window",
    "released",
)
# Not a barrier kind (no cap, no RiskCap row): the line that says Haven has no rule.
NO_RULE = "no_rule"
_ORDER = (*BARRIER_KINDS, NO_RULE)


def _measure_body(body: str):
    """In a barrier's sentence "other" is a national court's suspension as often as anything
    else."""
    return phrase(N_("a court or other body")) if body == "other" else {"body": body}


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
    Kind.APPEAL_EXTRADITION.value: N_("the extradition decision"),
    Kind.APPEAL_ASYLUM.value: N_("the asylum decision"),
    Kind.APPEAL_REMOVAL.value: N_("the removal order"),
    Kind.APPEAL_LOWER_COURT.value: N_("the court's decision"),
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
    # The sentence as a message and its arguments (engine/wording.py), for the reader's
    # language; "law" is the citation's part, which the pages show apart.
    text: str = ""
    args: Mapping = field(default_factory=dict, hash=False, compare=False)
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
            **({"text": self.text, "args": dict(self.args)} if self.text else {}),
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
    # Migration 0241 (issue 16): Russia's removal appeals (read: not suspensive) and the
    # refugee-status appeal (read in part: flagged).
    SuspensiveRule(
        "RU",
        Kind.APPEAL_REMOVAL.value,
        False,
        "KoAP RF Art. 32.10(1.1): a forced expulsion is executed immediately after the order, "
        "by placement in a special institution; KAS RF: an application against a deportation "
        "decision does not suspend it",
    ),
    SuspensiveRule(
        "RU",
        Kind.APPEAL_ASYLUM.value,
        True,
        'Federal Law "On Refugees" Art. 10(4): until the complaint is decided, the person who '
        "lodged it and their family keep the rights of an applicant (Art. 10(1): no return "
        "against their will)",
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


def _known(rules: Iterable[SuspensiveRule], country_code: str, subject: str) -> bool:
    """Haven has a rule for it, suspensive or not."""
    return any(r.country == country_code and r.subject == subject for r in rules)


def _no_rule(said: dict, source_type: str, source_id: str, since, country: str, subject=""):
    """Haven cannot tell whether this pending appeal or claim suspends removal: shown,
    flagged like an unverified rule, capping nothing."""
    sentence = said.pop("sentence")
    return Barrier(NO_RULE, sentence, source_type, source_id, since=since, unverified=True,
                   subject=subject, country=country, **said)  # fmt: skip


def _law(rule: SuspensiveRule) -> dict:
    if rule.unverified:
        return phrase(N_(" (%(citation)s; unverified rule)"), citation=rule.citation)
    return phrase(N_(" (%(citation)s)"), citation=rule.citation)


def _ruled(rule: SuspensiveRule) -> dict:
    """What a barrier resting on a suspensive-effect rule copies of it."""
    return {"citation": rule.citation, "unverified": rule.unverified}


def _said(text: str, **args) -> dict:
    """A barrier's sentence, message and arguments (engine/wording.py)."""
    return {"sentence": say(text, args), "text": text, "args": args}


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
        again = since != m.granted_on
        if m.respondent_state:
            text = (
                N_("Interim measure of %(body)s against %(country)s in force since %(date)s "
                   "(reaffirmed).")
                if again
                else N_("Interim measure of %(body)s against %(country)s in force since %(date)s.")
            )  # fmt: skip
            said = _said(text, body=_measure_body(m.body),
                         country=state(m.respondent_state, "gen"), date=on(m.granted_on))  # fmt: skip
        else:
            text = (
                N_("Interim measure of %(body)s in force since %(date)s (reaffirmed).")
                if again
                else N_("Interim measure of %(body)s in force since %(date)s.")
            )
            said = _said(text, body=_measure_body(m.body), date=on(m.granted_on))
        found.append(
            Barrier(
                "interim_measure",
                said.pop("sentence"),
                SOURCE_INTERIM,
                m.id,
                since=m.granted_on,
                guards=f"{SOURCE_INTERIM}:{m.id}",
                body=m.body,
                country=m.respondent_state,
                **said,
            )
        )

    for a in facts.appeals:
        subject = APPEAL_SUBJECTS.get(a.target_kind)
        pending = _pending_on(today, a.lodged_on, a.outcome == "pending", a.decided_on)
        if not subject or not pending or a.outcome == "withdrawn":
            continue
        rule = _rule(rules, a.country, subject)
        if rule is None:
            if not _known(rules, a.country, subject):
                asked = {"decision": phrase(_SUBJECT_PHRASES[subject]),
                         "country": state(a.country, "prep")}  # fmt: skip
                if a.lodged_on:
                    said = _said(
                        N_("Haven has no rule on whether the appeal against %(decision)s "
                           "lodged on %(date)s suspends removal in %(country)s: check it "
                           "yourself."),
                        **asked, date=on(a.lodged_on),
                    )  # fmt: skip
                else:
                    said = _said(
                        N_("Haven has no rule on whether the appeal against %(decision)s "
                           "suspends removal in %(country)s: check it yourself."),
                        **asked,
                    )  # fmt: skip
                found.append(_no_rule(said, SOURCE_APPEAL, a.id, a.lodged_on, a.country, subject))
            continue
        where = {
            "decision": phrase(_SUBJECT_PHRASES[subject]),
            "country": state(a.country, "prep"),
            "law": _law(rule),
        }
        if a.lodged_on:
            said = _said(
                N_("Appeal against %(decision)s lodged on %(date)s is pending in %(country)s; "
                   "it suspends removal%(law)s."),
                **where, date=on(a.lodged_on),
            )  # fmt: skip
        else:
            said = _said(
                N_("Appeal against %(decision)s is pending in %(country)s; it suspends "
                   "removal%(law)s."),
                **where,
            )  # fmt: skip
        found.append(
            Barrier(
                "suspensive_appeal",
                said.pop("sentence"),
                SOURCE_APPEAL,
                a.id,
                since=a.lodged_on,
                guards=f"{_TARGET_SOURCES[a.target_kind]}:{a.target_id}",
                **_ruled(rule),
                subject=subject,
                country=a.country,
                **said,
            )
        )

    for c in facts.asylum_claims:
        pending = _pending_on(today, c.lodged_on, c.decision == "pending", c.decided_on)
        if c.authority_kind != "state" or not pending:
            continue
        rule = _rule(rules, c.country, CLAIM_SUBJECT)
        if rule is None:
            if not _known(rules, c.country, CLAIM_SUBJECT):
                said = _said(
                    N_("Haven has no rule on whether the pending asylum claim suspends removal "
                       "in %(country)s: check it yourself."),
                    country=state(c.country, "prep"),
                )  # fmt: skip
                found.append(_no_rule(said, SOURCE_ASYLUM, c.id, c.lodged_on, c.country))
            continue
        where = {"country": state(c.country, "prep"), "law": _law(rule)}
        if c.lodged_on:
            said = _said(
                N_("Asylum claim in %(country)s pending since %(date)s; removal is suspended "
                   "while it is decided%(law)s."),
                **where, date=on(c.lodged_on),
            )  # fmt: skip
        else:
            said = _said(
                N_("Asylum claim in %(country)s pending; removal is suspended while it is "
                   "decided%(law)s."),
                **where,
            )  # fmt: skip
        found.append(
            Barrier(
                "suspensive_claim",
                said.pop("sentence"),
                SOURCE_ASYLUM,
                c.id,
                since=c.lodged_on,
                guards=f"{SOURCE_ASYLUM}:{c.id}",
                **_ruled(rule),
                country=c.country,
                **said,
            )
        )

    for d in appeal_windows:
        if d.status != "open" or not (d.counted_from <= today <= d.due_on):
            continue
        rule = _rule(rules, d.jurisdiction, d.kind.value)
        if rule is None:
            continue
        said = _said(
            N_("The time to appeal against %(decision)s runs until %(date)s; meanwhile removal "
               "is suspended%(law)s."),
            decision=phrase(_SUBJECT_PHRASES[d.kind.value]), date=on(d.due_on), law=_law(rule),
        )  # fmt: skip
        found.append(
            Barrier(
                "appeal_window",
                said.pop("sentence"),
                d.source_type,
                d.source_id,
                since=d.counted_from,
                ends_on=d.due_on,
                guards=f"{d.source_type}:{d.source_id}",
                **_ruled(rule),
                subject=d.kind.value,
                country=d.jurisdiction,
                **said,
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
        said = _said(N_("Released on %(date)s."), date=on(last.ended_on))
        found.append(
            Barrier(
                "released",
                said.pop("sentence"),
                SOURCE_DETENTION,
                last.id,
                since=last.ended_on,
                guards="detention",
                **said,
            )
        )
    return sorted(found, key=lambda b: (_ORDER.index(b.kind), b.since or date.min, b.key))


def lost_barriers(before: Iterable[Mapping], after: Iterable[Barrier]) -> list[Mapping]:
    """The barriers of the previous assessment (stored dicts) that no longer stand: a measure
    lifted, an appeal rejected, a claim refused, an appeal window closed unused, a release
    ended by a new detention. One that gave way to another barrier guarding the same decision
    is not lost: an appeal lodged within its window is the window's protection carried on.
    A line saying Haven has no rule was never a barrier, so it is never lost."""
    after = list(after)
    keys = {b.key for b in after}
    guarded = {b.guards for b in after if b.guards}
    return [
        b
        for b in before
        if b.get("kind") != NO_RULE
        and f"{b.get('kind')}:{b.get('source_type')}:{b.get('source_id')}" not in keys
        and not (b.get("guards") and b.get("guards") in guarded)
    ]
