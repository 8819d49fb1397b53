"""Return risk: which signals fire for a person on a day, and what level they add up to.

Pure functions: facts, the signal table and today in; an assessment out. No ORM, no clock.
The person's own facts are the deadline core's `PersonFacts` (engine/facts.py); `RiskFacts`
adds what only risk needs: welfare observations, the person's groups' events, relatives, and
other persons' returns (evidence about the states the person is exposed to).

How signals combine is data (engine.RiskSignal and engine.RiskThreshold rows, editable by an
admin, shipped by migration 0004): each signal has a weight, optionally a floor ("this signal
alone makes the person at least `high`") and a window in days. The level is the higher of the
highest floor among the signals that fired and the band their summed weight falls in. Weights
are never negative, so a signal that fires can never lower a level.

The defaults are what practitioners told us and what the seeds show:

* Osh, 2005: 29 men moved from a camp to a detention centre while UNHCR's assessment was
  pending, four men already returned from Kyrgyzstan: detained + transfer + pending UNHCR +
  recent returns from the state + no interim measure = imminent on the day of the transfer.
* Almaty, 2011: appeals rejected on 15 March, CAT interim measures in force: detained +
  extradition approved + appeal rejected (or the window to appeal expired) + asylum refused =
  at least high despite the measures; once 28 were returned on 9 June while measures were in
  force, the state has shown it ignores them: imminent for everyone it still holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .barriers import (
    DEFAULT_CAPS,
    Barrier,
    CapSetting,
    SuspensiveRule,
    find_barriers,
)
from .calendar import WorkCalendar
from .deadlines import ComputedDeadline, compute_deadlines, deadline_order, per_rule_tuple
from .facts import DetentionFact, InterimFact, PersonFacts, RuleSpec
from .kinds import Kind
from .wording import BODY_NAMES, N_, on, phrase, say, state

LEVELS = ("none", "monitoring", "elevated", "high", "imminent")
# Lowest summed weight for each level above "none" (engine.RiskThreshold rows).
DEFAULT_THRESHOLDS: dict[str, int] = {"monitoring": 1, "elevated": 30, "high": 60, "imminent": 100}
# A person is "at risk" (for alerts on UA send-before dates) from this level up.
AT_RISK_FROM = "elevated"


def level_rank(level: str) -> int:
    return LEVELS.index(level)


def board_rank(level: str, *, urgent_action_issued: bool) -> int:
    """Where a person stands on the coordinator's board: 0 imminent with no urgent action
    issued (what a coordinator must never miss, BRIEF §1), then imminent, high, elevated,
    monitoring, none. Within a rank, the longest without confirmed contact comes first."""
    if level == "imminent" and not urgent_action_issued:
        return 0
    return len(LEVELS) - level_rank(level)


BOARD_RANK_NONE = board_rank("none", urgent_action_issued=False)


def level_of_board_rank(rank: int) -> str:
    return "imminent" if rank == 0 else LEVELS[len(LEVELS) - rank]


def at_least(level: str | None, floor: str) -> bool:
    return level is not None and level_rank(level) >= level_rank(floor)


# ---------------------------------------------------------------------------------------------
# Input: what risk needs beyond PersonFacts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """A welfare check, reduced to what risk reads."""

    observed_on: date
    contact_confirmed: bool = True
    transfer_reported: bool = False


@dataclass(frozen=True)
class GroupEventFact:
    """An event of a group the person belongs to (kind: casework.GroupEventKind)."""

    group: str
    kind: str
    occurred_on: date
    estimated_count: int | None = None
    source: str = ""


@dataclass(frozen=True)
class RelativeFact:
    relation: str  # what the relative is to the person: spouse, child, parent, sibling, other
    detentions: tuple[tuple[date, date | None], ...] = ()  # (started_on, ended_on)
    returned_on: date | None = None

    def detained_on(self, day: date) -> bool:
        return any(s <= day and (e is None or e > day) for s, e in self.detentions)


@dataclass(frozen=True)
class ReturnEvidence:
    """Another person's return, as evidence about the state that returned them."""

    person_id: str
    from_country: str
    returned_on: date
    precision: str = "day"  # day, month, year (casework.DatePrecision)
    interim_measures: tuple[InterimFact, ...] = ()
    same_group: bool = False

    @property
    def despite_interim(self) -> tuple[InterimFact, ...]:
        """The measures that were in force on the day of the return."""
        return tuple(m for m in self.interim_measures if m.in_force_on(self.returned_on))

    @property
    def when_phrase(self) -> dict:
        """ "on 9 June 2011", "in June 2005" or "in 2005", as precise as the return is known
        (engine/wording.py)."""
        if self.precision == "year":
            return phrase(N_("in %(year)s"), year=self.returned_on.year)
        if self.precision == "month":
            return phrase(N_("in %(month)s"), month={"month": self.returned_on.strftime("%Y-%m")})
        return phrase(N_("on %(date)s"), date=on(self.returned_on))

    @property
    def when(self) -> str:
        return say(self.when_phrase["msg"], self.when_phrase["args"])


@dataclass(frozen=True)
class RiskFacts:
    facts: PersonFacts
    returned_on: date | None = None
    observations: tuple[Observation, ...] = ()
    group_events: tuple[GroupEventFact, ...] = ()
    relatives: tuple[RelativeFact, ...] = ()
    other_returns: tuple[ReturnEvidence, ...] = ()
    # Due dates of appeal deadlines that passed with no appeal lodged (from the deadline core).
    missed_appeal_windows: tuple[date, ...] = ()
    # Appeal deadlines still open (from the deadline core): barriers while they run.
    appeal_windows: tuple[ComputedDeadline, ...] = ()

    @property
    def person_id(self) -> str:
        return self.facts.person_id


@dataclass(frozen=True)
class SignalSetting:
    """One engine.RiskSignal row, as the core sees it."""

    code: str
    weight: int
    floor: str = "none"
    window_days: int | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Fired:
    code: str
    sentence: str  # in English, as stored
    # The sentence as a message and its arguments (engine/wording.py), for the reader's language.
    text: str = ""
    args: Mapping = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Reason:
    code: str
    sentence: str
    weight: int
    floor: str = "none"
    text: str = ""
    args: Mapping = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict:
        said = {"text": self.text, "args": dict(self.args)} if self.text else {}
        return {
            "code": self.code,
            "sentence": self.sentence,
            "weight": self.weight,
            "floor": self.floor,
            **said,
        }


@dataclass(frozen=True)
class Assessment:
    level: str
    score: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    # What still protects (engine/barriers.py), each with the cap it holds and what lifted it.
    barriers: tuple[Barrier, ...] = field(default_factory=tuple)
    # The level the threats alone would give, when a standing barrier held the person lower.
    capped_from: str = ""

    def reasons_json(self) -> list[dict]:
        return [r.as_dict() for r in self.reasons]

    def barriers_json(self) -> list[dict]:
        return [b.as_dict() for b in self.barriers]

    @property
    def standing(self) -> tuple[Barrier, ...]:
        """The barriers that cap the level today ("what still protects")."""
        return tuple(b for b in self.barriers if b.stands)

    def has(self, code: str) -> bool:
        return any(r.code == code for r in self.reasons)


# ---------------------------------------------------------------------------------------------
# Defaults (copied, frozen, into migration 0004; a test keeps the two equal)
# ---------------------------------------------------------------------------------------------

DEFAULT_SIGNALS: dict[str, SignalSetting] = {
    s.code: s
    for s in [
        SignalSetting("detained", 15),
        SignalSetting("incommunicado", 25),
        SignalSetting("no_contact", 20, window_days=3),
        SignalSetting("transfer_reported", 40, window_days=14),
        SignalSetting("extradition_approved", 30),
        SignalSetting("appeal_rejected", 30),
        SignalSetting("appeal_window_expired", 30),
        SignalSetting("no_interim_measure", 15),
        SignalSetting("state_returned_despite_interim", 50, floor="high", window_days=730),
        SignalSetting("returns_from_state", 35, window_days=180),
        SignalSetting("group_members_returned", 35),
        SignalSetting("asylum_refused", 20),
        SignalSetting("unhcr_pending", 15),
        SignalSetting("relatives_detained", 10),
        SignalSetting("relatives_returned", 10),
        SignalSetting("state_pressure", 20, window_days=90),
        SignalSetting("removal_scheduled", 60, floor="imminent", window_days=7),
    ]
}


def _window(settings: Mapping[str, SignalSetting], code: str) -> int:
    setting = settings.get(code) or DEFAULT_SIGNALS[code]
    return setting.window_days if setting.window_days is not None else 0


# ---------------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------------


def open_detention(facts: PersonFacts, today: date) -> DetentionFact | None:
    current = [
        d
        for d in facts.detentions
        if d.started_on <= today and (d.ended_on is None or d.ended_on > today)
    ]
    return max(current, key=lambda d: d.started_on) if current else None


def exposed_states(facts: PersonFacts, today: date) -> set[str]:
    """The states that could return the person: where they are held, where they claimed
    asylum, who was asked to extradite them, who issued a removal order, who is bound by an
    interim measure for them."""
    states = {d.country for d in facts.detentions if d.started_on <= today}
    states |= {c.country for c in facts.asylum_claims}
    states |= {
        e.requested_state for e in facts.extraditions if e.status not in ("refused", "withdrawn")
    }
    states |= {o.country for o in facts.removal_orders if o.issued_on <= today}
    states |= {m.respondent_state for m in facts.interim_measures}
    return {s for s in states if s}


def last_confirmed_contact(rf: RiskFacts, today: date) -> date | None:
    seen = [
        o.observed_on for o in rf.observations if o.contact_confirmed and o.observed_on <= today
    ]
    if seen:
        return max(seen)
    if not rf.observations and rf.facts.last_confirmed_contact_on:
        last = rf.facts.last_confirmed_contact_on
        return last if last <= today else None
    return None


def signals(  # noqa: C901 - one short block per signal reads better than a dispatch table
    rf: RiskFacts, today: date, settings: Mapping[str, SignalSetting] | None = None
) -> list[Fired]:
    """Every signal that fires on `today`, from facts known by then, each with a sentence
    naming the facts it rests on. `settings` only supplies the windows (days).

    Each sentence is a message and its arguments (engine/wording.py): the English one is
    stored, and the pages say the same in the reader's language. A country's case ("gen",
    "prep", "acc") is the one the Russian translation of that message needs."""
    settings = settings or DEFAULT_SIGNALS
    f = rf.facts
    fired: list[Fired] = []

    def fire(code: str, text: str, **args) -> None:
        fired.append(Fired(code, say(text, args), text, args))

    detention = open_detention(f, today)
    if detention:
        if detention.country:
            fire(
                "detained",
                N_("Detained in %(country)s since %(date)s."),
                country=state(detention.country, "prep"),
                date=on(detention.started_on),
            )
        else:
            fire("detained", N_("Detained since %(date)s."), date=on(detention.started_on))
        if detention.incommunicado:
            fire("incommunicado", N_("Held incommunicado."))
        window = _window(settings, "no_contact")
        last = last_confirmed_contact(rf, today)
        if last is not None and last < detention.started_on:
            last = None  # contact before this detention says nothing about it
        since = last or detention.started_on
        if (today - since).days > window:
            # No day count in the sentence: it would change every day, and a changed sentence
            # is a new assessment row.
            if last:
                fire(
                    "no_contact",
                    N_("No confirmed contact since %(date)s (more than %(days)s days)."),
                    date=on(last),
                    days=window,
                )
            else:
                fire(
                    "no_contact",
                    N_(
                        "No confirmed contact since the detention began on %(date)s (more than "
                        "%(days)s days)."
                    ),
                    date=on(detention.started_on),
                    days=window,
                )

    window_start = today - timedelta(days=_window(settings, "transfer_reported"))
    # (day, how it was learned: the English words decide a tie as before, message, arguments)
    transfers = [
        (o.observed_on, "reported at a welfare check", N_("Transfer reported at a welfare check "
         "on %(date)s."), {})
        for o in rf.observations
        if o.transfer_reported and window_start <= o.observed_on <= today
    ]  # fmt: skip
    transfers += [
        (e.occurred_on, f"of the group “{e.group}”", N_("Transfer of the group “%(group)s” on "
         "%(date)s."), {"group": e.group})
        for e in rf.group_events
        if e.kind == "transferred" and window_start <= e.occurred_on <= today
    ]  # fmt: skip
    transfers += [
        (d.started_on, "to a new place of detention", N_("Transfer to a new place of detention on "
         "%(date)s."), {})
        for d in f.detentions
        if d.transferred_from_id and window_start <= d.started_on <= today
    ]  # fmt: skip
    if transfers:
        day, _how, text, args = max(transfers, key=lambda t: t[:2])
        fire("transfer_reported", text, **args, date=on(day))

    approved = [
        e
        for e in f.extraditions
        if e.status == "approved" and e.decided_on and e.decided_on <= today
    ]
    if approved:
        e = max(approved, key=lambda e: e.decided_on)
        by = {"by": state(e.requested_state, "gen"), "date": on(e.decided_on)}
        if e.requesting_state:
            fire(
                "extradition_approved",
                N_("Extradition to %(to)s approved by %(by)s on %(date)s."),
                to=state(e.requesting_state, "acc"),
                **by,
            )
        else:
            fire("extradition_approved", N_("Extradition approved by %(by)s on %(date)s."), **by)

    rejected = _final_rejections(f, today)
    if rejected:
        a = max(rejected, key=lambda a: a.decided_on)
        fire(
            "appeal_rejected",
            _REJECTED.get(a.target_kind, _REJECTED[""]),
            date=on(a.decided_on),
        )
    expired = [d for d in rf.missed_appeal_windows if d < today]
    if expired:
        fire(
            "appeal_window_expired",
            N_("The time to appeal ran out on %(date)s with no appeal lodged."),
            date=on(max(expired)),
        )

    in_force = [m for m in f.interim_measures if m.in_force_on(today)]
    exposed = bool(
        detention
        or approved
        or any(o.issued_on <= today for o in f.removal_orders if o.scheduled_removal_on != today)
    )
    if exposed and not in_force:
        fire("no_interim_measure", N_("No interim measure is in force."))

    states = exposed_states(f, today)
    evidence = [
        r for r in rf.other_returns if r.returned_on <= today and r.person_id != f.person_id
    ]
    since = today - timedelta(days=_window(settings, "state_returned_despite_interim"))
    ignored = [
        r
        for r in evidence
        if r.despite_interim and r.from_country in states and r.returned_on >= since
    ]
    if ignored:
        latest = max(ignored, key=lambda r: r.returned_on)
        bodies = sorted(
            {m.body for r in ignored for m in r.despite_interim},
            key=lambda b: BODY_NAMES.get(b, b),
        )
        fire(
            "state_returned_despite_interim",
            N_(
                "%(country)s returned %(count)s %(people)s despite interim measures of "
                "%(bodies)s in force, most recently %(when)s; the measure protecting this "
                "person may not be respected either."
            )
            if in_force
            else N_(
                "%(country)s returned %(count)s %(people)s despite interim measures of "
                "%(bodies)s in force, most recently %(when)s; no interim measure protects this "
                "person."
            ),
            country=state(latest.from_country, "gen"),
            count=len(ignored),
            people={"people": len(ignored)},
            bodies={"and": [{"body": b} for b in bodies]},
            when=latest.when_phrase,
        )

    since = today - timedelta(days=_window(settings, "returns_from_state"))
    recent = [r for r in evidence if r.from_country in states and r.returned_on >= since]
    if recent:
        by_state: dict[str, list[ReturnEvidence]] = {}
        for r in recent:
            by_state.setdefault(r.from_country, []).append(r)
        code, returns = max(by_state.items(), key=lambda kv: (len(kv[1]), kv[0]))
        latest = max(returns, key=lambda r: r.returned_on)
        fire(
            "returns_from_state",
            N_(
                "%(count)s %(people)s already returned from %(country)s within the last "
                "%(days)s days, most recently %(when)s."
            ),
            count=len(returns),
            people={"people": len(returns)},
            country=state(code, "gen"),
            days=_window(settings, "returns_from_state"),
            when=latest.when_phrase,
        )

    same_group = [r for r in evidence if r.same_group]
    group_returns = [e for e in rf.group_events if e.kind == "returned" and e.occurred_on <= today]
    if same_group or group_returns:
        if group_returns:
            e = max(group_returns, key=lambda e: e.occurred_on)
            count = e.estimated_count or len(same_group)
            fire(
                "group_members_returned",
                N_("%(count)s %(people)s of the group “%(group)s” returned on %(date)s."),
                count=count,
                people={"people": count},
                group=e.group,
                date=on(e.occurred_on),
            )
        else:
            latest = max(same_group, key=lambda r: r.returned_on)
            fire(
                "group_members_returned",
                N_(
                    "%(count)s %(people)s of the same group already returned, most recently "
                    "%(when)s."
                ),
                count=len(same_group),
                people={"people": len(same_group)},
                when=latest.when_phrase,
            )

    refused = [
        c
        for c in f.asylum_claims
        if c.decision in ("refused", "excluded", "revoked")
        and c.decided_on
        and c.decided_on <= today
    ]
    if refused:
        c = max(refused, key=lambda c: c.decided_on)
        what = {
            "revoked": N_("Refugee status revoked"),
            "excluded": N_("Asylum refused under an exclusion clause"),
        }.get(c.decision, N_("Asylum refused"))
        by = (
            phrase(N_("by UNHCR"))
            if c.authority_kind == "unhcr"
            else phrase(N_("in %(country)s"), country=state(c.country, "prep"))
        )
        fire(
            "asylum_refused",
            N_("%(what)s %(by)s on %(date)s."),
            what=phrase(what),
            by=by,
            date=on(c.decided_on),
        )

    pending_unhcr = [
        c
        for c in f.asylum_claims
        if c.authority_kind == "unhcr"
        and (c.lodged_on is None or c.lodged_on <= today)
        and (c.decision == "pending" or (c.decided_on is not None and c.decided_on > today))
    ]
    if pending_unhcr:
        fire(
            "unhcr_pending",
            N_(
                "UNHCR has not completed its assessment of the claim; a pending assessment did "
                "not stop returns from Kyrgyzstan in 2005."
            ),
        )

    detained_relatives = sorted({r.relation for r in rf.relatives if r.detained_on(today)})
    if detained_relatives:
        fire(
            "relatives_detained",
            N_("Relatives detained: %(relations)s."),
            relations={"list": [{"relation": r} for r in detained_relatives]},
        )
    returned_relatives = [r for r in rf.relatives if r.returned_on and r.returned_on <= today]
    if returned_relatives:
        r = max(returned_relatives, key=lambda r: r.returned_on)
        relations = sorted({r.relation for r in returned_relatives})
        fire(
            "relatives_returned",
            N_("Relatives already returned (%(relations)s), most recently on %(date)s."),
            relations={"list": [{"relation": x} for x in relations]},
            date=on(r.returned_on),
        )

    # The fact chosen for "the requesting state's pressure publicly reported": a group event of
    # kind "threatened" (an authority publicly asked that the group be detained or removed).
    since = today - timedelta(days=_window(settings, "state_pressure"))
    threats = [
        e for e in rf.group_events if e.kind == "threatened" and since <= e.occurred_on <= today
    ]
    if threats:
        e = max(threats, key=lambda e: e.occurred_on)
        requested = {"group": e.group, "date": on(e.occurred_on)}
        if e.source:
            fire(
                "state_pressure",
                N_(
                    "Detention or removal of the group “%(group)s” publicly requested on "
                    "%(date)s (%(source)s)."
                ),
                **requested,
                source=e.source,
            )
        else:
            fire(
                "state_pressure",
                N_("Detention or removal of the group “%(group)s” publicly requested on %(date)s."),
                **requested,
            )

    horizon = today + timedelta(days=_window(settings, "removal_scheduled"))
    soon = [
        o.scheduled_removal_on
        for o in f.removal_orders
        if o.scheduled_removal_on and today <= o.scheduled_removal_on <= horizon
    ]
    if soon:
        fire("removal_scheduled", N_("Removal scheduled for %(date)s."), date=on(min(soon)))
    return fired


# "Appeal against the <what> rejected on <day>.", one message per kind of decision appealed.
_REJECTED = {
    "extradition_request": N_("Appeal against the extradition decision rejected on %(date)s."),
    "asylum_claim": N_("Appeal against the asylum decision rejected on %(date)s."),
    "removal_order": N_("Appeal against the removal order rejected on %(date)s."),
    "lower_appeal": N_("Appeal against the lower court's decision rejected on %(date)s."),
    "detention": N_("Appeal against the detention rejected on %(date)s."),
    "": N_("Appeal against the decision rejected on %(date)s."),
}


def _final_rejections(f: PersonFacts, today: date):
    """Rejected appeals (against a decision that can lead to a return) with no higher appeal
    lodged by `today` that is still pending or succeeded."""
    known = [a for a in f.appeals if a.lodged_on is None or a.lodged_on <= today]
    rejected = [
        a
        for a in known
        if a.outcome == "rejected"
        and a.decided_on
        and a.decided_on <= today
        and a.target_kind != "detention"
    ]
    still_open = {
        a.target_id
        for a in known
        if a.target_kind == "lower_appeal"
        and (
            a.outcome in ("pending", "granted", "remitted")
            or not a.decided_on
            or a.decided_on > today
        )
    }
    return [a for a in rejected if a.id not in still_open]


# ---------------------------------------------------------------------------------------------
# Combining
# ---------------------------------------------------------------------------------------------


def combine(
    fired: Iterable[Fired],
    settings: Mapping[str, SignalSetting] | None = None,
    thresholds: Mapping[str, int] | None = None,
    barriers: Iterable[Barrier] = (),
    caps: Mapping[str, CapSetting] | None = None,
) -> Assessment:
    """Signals and barriers -> level.

    The threats give the higher of the highest floor and the band of the summed weight.
    Disabled and unknown signals are left out, reasons and all. Then each barrier holds the
    level at or below its kind's cap (engine.RiskCap), unless a signal that lifts that cap
    fired: the state has shown it does not respect such a barrier. A standing cap outweighs a
    floor; the signals that should outweigh a barrier are its lifters. A barrier resting on an
    unverified rule, or of a disabled cap, is listed and caps nothing.

    So adding a barrier can only lower the level or leave it, and adding a signal can only
    raise it or leave it (its weight adds, its floor may rise, it may lift a cap)."""
    settings = settings or DEFAULT_SIGNALS
    thresholds = thresholds or DEFAULT_THRESHOLDS
    caps = DEFAULT_CAPS if caps is None else caps
    reasons: dict[str, Reason] = {}
    for f in fired:
        setting = settings.get(f.code)
        if setting is None or not setting.enabled or f.code in reasons:
            continue
        reasons[f.code] = Reason(
            f.code, f.sentence, max(setting.weight, 0), setting.floor, f.text, f.args
        )
    score = sum(r.weight for r in reasons.values())
    level = "none"
    for candidate in LEVELS[1:]:
        minimum = thresholds.get(candidate)
        if minimum is not None and score >= minimum:
            level = candidate
    for r in reasons.values():
        if level_rank(r.floor) > level_rank(level):
            level = r.floor
    held = []
    for b in barriers:
        cap = caps.get(b.kind)
        if cap is None or not cap.enabled or b.unverified:
            held.append(replace(b, cap="", lifted_by=()))
            continue
        held.append(
            replace(b, cap=cap.cap, lifted_by=tuple(sorted(cap.lifted_by & reasons.keys())))
        )
    capped_from = ""
    standing = [b for b in held if b.stands]
    if standing:
        ceiling = min((b.cap for b in standing), key=level_rank)
        if level_rank(ceiling) < level_rank(level):
            capped_from, level = level, ceiling
    ordered = sorted(reasons.values(), key=lambda r: (-level_rank(r.floor), -r.weight, r.code))
    return Assessment(level, score, tuple(ordered), tuple(held), capped_from)


RETURNED = N_("Returned on %(date)s: follow the post-return reports.")


def assess(
    rf: RiskFacts,
    today: date,
    settings: Mapping[str, SignalSetting] | None = None,
    thresholds: Mapping[str, int] | None = None,
    *,
    caps: Mapping[str, CapSetting] | None = None,
    suspensive: Iterable[SuspensiveRule] | None = None,
) -> Assessment:
    """The person's level on `today`, with what threatens (the reasons) and what still
    protects (the barriers). A returned person has no return risk left to assess: what
    happens to them is followed through post-return reports (and is evidence for everyone
    else's risk)."""
    if rf.returned_on and rf.returned_on <= today:
        return Assessment(
            "none",
            0,
            (
                Reason(
                    "returned",
                    say(RETURNED, {"date": on(rf.returned_on)}),
                    0,
                    text=RETURNED,
                    args={"date": on(rf.returned_on)},
                ),
            ),
        )
    barriers = find_barriers(
        rf.facts, today, appeal_windows=rf.appeal_windows, suspensive=suspensive
    )
    return combine(signals(rf, today, settings), settings, thresholds, barriers, caps)


def _appeal_deadlines(deadlines: Iterable[ComputedDeadline]) -> list[ComputedDeadline]:
    """Deadlines to appeal a decision that can lead to a return. A custody order left
    unappealed keeps a person detained; it does not make the return final."""
    return [
        d
        for d in deadlines
        if d.kind.value.startswith("appeal_") and d.kind != Kind.APPEAL_DETENTION
    ]


def open_appeal_windows(deadlines: Iterable[ComputedDeadline]) -> tuple[ComputedDeadline, ...]:
    return tuple(d for d in _appeal_deadlines(deadlines) if d.status == "open")


def missed_appeal_windows(deadlines: Iterable[ComputedDeadline]) -> tuple[date, ...]:
    """Due dates of appeal deadlines the deadline core marked missed (no appeal lodged).
    A custody order left unappealed keeps a person detained; it does not make the return
    final, so it is not counted."""
    return tuple(sorted(d.due_on for d in _appeal_deadlines(deadlines) if d.status == "missed"))


@per_rule_tuple
def _shortened(specs: Sequence[RuleSpec]) -> tuple[frozenset[Kind], tuple[RuleSpec, ...]]:
    """The kinds with a rule that an imminent risk shortens, and every rule of those kinds."""
    kinds = frozenset(s.kind for s in specs if s.imminent_period_amount is not None)
    return kinds, tuple(s for s in specs if s.kind in kinds)


def assess_with_deadlines(
    facts: PersonFacts,
    extra: Mapping,
    today: date,
    *,
    specs: Iterable[RuleSpec],
    calendars: Mapping[str, WorkCalendar],
    settings: Mapping[str, SignalSetting] | None = None,
    thresholds: Mapping[str, int] | None = None,
    caps: Mapping[str, CapSetting] | None = None,
    suspensive: Iterable[SuspensiveRule] | None = None,
) -> tuple[list[ComputedDeadline], Assessment]:
    """A person's deadlines and risk on `today`, together, because each reads the other: an
    appeal window that expired unused is a risk signal, and an imminent risk shortens the
    welfare-check period (1 day instead of 3). The deadlines are computed with the level
    stored before; if the new level crosses "imminent" either way, once more with it. Appeal
    deadlines do not depend on the level, so the assessment stands.

    A returned person keeps the deadlines of the law (a committee's time for the state's
    observations runs on after a return) but not the practice reminders: checking on a
    detainee, getting appeals out before an urgent action's date, seeing that the state
    respects an interim measure are there to stop a return. Kept, they stayed years overdue
    at the top of "my deadlines" and the home page."""
    specs = specs if type(specs) is tuple else tuple(specs)
    deadlines = compute_deadlines(facts, specs, today, calendars)
    rf = RiskFacts(
        facts=facts,
        missed_appeal_windows=missed_appeal_windows(deadlines),
        appeal_windows=open_appeal_windows(deadlines),
        **extra,
    )
    assessment = assess(rf, today, settings, thresholds, caps=caps, suspensive=suspensive)
    if (assessment.level == "imminent") != (facts.risk_level == "imminent"):
        # Only the kinds with a rule that the level shortens can change; every rule that can
        # give a deadline of such a kind is rerun, so the earliest-wins choice is unchanged.
        kinds, shortened = _shortened(specs)
        if kinds:
            again = compute_deadlines(
                replace(facts, risk_level=assessment.level), shortened, today, calendars
            )
            deadlines = sorted(
                [d for d in deadlines if d.kind not in kinds] + again, key=deadline_order
            )
    returned_on = extra.get("returned_on")
    if returned_on is not None and returned_on <= today:
        deadlines = [d for d in deadlines if not d.practice]
    return deadlines, assessment
