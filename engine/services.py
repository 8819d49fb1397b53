"""Writes of the engine: recompute and sweep (deadlines from facts), waivers, reminders and
calendar tokens. Keyword-only, named <entity>_<verb> where there is an entity."""

from __future__ import annotations

import gc
import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework import bulk
from casework.models import Person

from . import agenda, barriers, risk, selectors
from .alerts import (
    AUDIENCE_ALL,
    AUDIENCE_COORDINATORS,
    AUDIENCE_STAFF,
    AlertSpec,
    alert_worded,
    alerts_create,
    person_link,
    person_linker,
    ua_draft_link,
)
from .calendar import WorkCalendar
from .deadlines import ComputedDeadline, Gap, find_gaps
from .facts import PersonFacts, RuleSpec
from .kinds import KIND_LABELS, Kind
from .models import (
    AlertKind,
    CalendarAdjustment,
    CalendarToken,
    Deadline,
    DeadlineStatus,
    PersonAgenda,
    RecomputeChunk,
    RecomputeRun,
    Reminder,
    RiskAssessment,
    RiskCap,
    RiskSignal,
    RiskThreshold,
    Rule,
    RuleGap,
    RunStatus,
    SuspensiveEffect,
    hash_token,
)
from .wording import N_, on, phrase, say

log = logging.getLogger(__name__)

# Fields a recompute may change on a deadline it keeps (same kind, source, rule and due date).
_REFRESHED = [
    "status",
    "status_changed_at",
    "met_on",
    "why",
    "citation",
    "unverified",
    "practice",
    "jurisdiction",
    "counted_from",
    "computed_at",
]


@dataclass
class RecomputeResult:
    persons: int = 0
    created: int = 0
    updated: int = 0
    superseded: int = 0
    batches: int = 0
    assessed: int = 0  # new RiskAssessment rows (level or reasons changed)
    alerts: int = 0  # alert rows attempted (existing ones are left alone)
    changed_person_ids: set[str] = field(default_factory=set)

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.superseded

    def add(self, other: RecomputeResult) -> None:
        self.persons += other.persons
        self.created += other.created
        self.updated += other.updated
        self.superseded += other.superseded
        self.batches += other.batches
        self.assessed += other.assessed
        self.alerts += other.alerts
        self.changed_person_ids |= other.changed_person_ids


@dataclass(frozen=True)
class RuleBook:
    """What every batch of a sweep shares, loaded once (twelve queries): the rules and
    calendars, the risk signals, thresholds, barrier caps and suspensive-effect rules, the
    evidence of returns, and who receives alerts (when first needed). Empty signal, threshold, cap or
    suspensive-effect tables fall back to the shipped defaults (a transactional test flushes
    data migrations' rows)."""

    specs: tuple[RuleSpec, ...]
    rule_ids: dict[str, int]
    calendars: dict[str, WorkCalendar]
    signals: dict[str, risk.SignalSetting] = field(default_factory=dict)
    thresholds: dict[str, int] = field(default_factory=dict)
    evidence: list = field(default_factory=list)
    directory: dict | None = None  # read when a batch first raises an alert: see alert_directory
    caps: dict[str, barriers.CapSetting] = field(
        default_factory=lambda: dict(barriers.DEFAULT_CAPS)
    )
    suspensive: tuple[barriers.SuspensiveRule, ...] = barriers.DEFAULT_SUSPENSIVE
    # The agenda's offsets (signal windows, reminder days) and the days the rules name.
    shifts: tuple[int, ...] = ()
    global_days: tuple[date, ...] = ()

    @classmethod
    def load(cls) -> RuleBook:
        """The rule tables' part is kept by the process between loads while the tables'
        fingerprint (one query) is unchanged: a worker's recompute of one person does not
        build fifty rules, seven calendars and the signals again each time (about a fifth of
        its time). The evidence of returns is read every time, who receives alerts at each load's
        first alert."""
        global _rules_cached
        fingerprint = _rule_tables_fingerprint()
        if fingerprint is None:  # not PostgreSQL (the embedded SQLite): built every time
            _rules_cached = (None, cls._load_rules())
        elif _rules_cached is None or _rules_cached[0] != fingerprint:
            # Read after the fingerprint: at worst newer than it, so reloaded again next time.
            _rules_cached = (fingerprint, cls._load_rules())
        return replace(
            _rules_cached[1],
            evidence=selectors.return_evidence(),
            directory=None,
        )

    def alert_directory(self) -> dict:
        """Who receives alerts (three queries), read the first time a batch of this load
        raises one and kept for the load's other batches: most recomputes of one person
        raise none."""
        if self.directory is None:
            object.__setattr__(self, "directory", selectors.alert_directory())
        return self.directory

    @classmethod
    def _load_rules(cls) -> RuleBook:
        rules = list(Rule.objects.all())
        signals = {s.code: s.to_setting() for s in RiskSignal.objects.all()}
        signals = signals or dict(risk.DEFAULT_SIGNALS)
        thresholds = dict(RiskThreshold.objects.values_list("level", "min_score"))
        caps = {c.kind: c.to_setting() for c in RiskCap.objects.all()}
        suspensive = tuple(e.to_rule() for e in SuspensiveEffect.objects.all())
        specs = tuple(r.to_spec() for r in rules)
        return cls(
            specs=specs,
            rule_ids={r.code: r.pk for r in rules},
            calendars=selectors.work_calendars(),
            signals=signals,
            thresholds=thresholds or dict(risk.DEFAULT_THRESHOLDS),
            caps=caps or dict(barriers.DEFAULT_CAPS),
            suspensive=suspensive or barriers.DEFAULT_SUSPENSIVE,
            shifts=agenda.settings_offsets(
                signals, reminder_days=REMINDER_DAYS_BEFORE, overdue_days=OVERDUE_ALERT_DAYS
            ),
            global_days=agenda.rule_days(specs),
        )


# What RuleBook._load_rules reads: any change to these tables (an admin's edit, the lawbook's
# sync, a migration, a test's flush) changes their fingerprint.
_RULE_TABLES = (Rule, RiskSignal, RiskThreshold, RiskCap, SuspensiveEffect, CalendarAdjustment)
_rules_cached: tuple[str | None, RuleBook] | None = None


def _rule_tables_fingerprint() -> str | None:
    """An md5 of every row of the rule tables, as text, in the database's current snapshot:
    well under a millisecond for their few hundred rows, and blind to nothing (bulk updates,
    raw SQL and deletes included), unlike a counter kept by signals. None off PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    parts = ", ".join(
        f"coalesce((SELECT string_agg(t::text, ',' ORDER BY t::text) FROM {name} t), '')"
        for name in (connection.ops.quote_name(m._meta.db_table) for m in _RULE_TABLES)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(concat_ws('|', {parts}))")
        return cursor.fetchone()[0]


def _locked_persons():
    """Persons locked for a recompute: FOR NO KEY UPDATE, which two recomputes of one person
    (two workers, a worker and the sweep) wait on in turn, but which does not block the
    KEY SHARE lock a new fact's foreign key takes: a caseworker saving a welfare check does
    not wait for the sweep's batch of 500 to commit (it did, up to a second, under load)."""
    return Person.objects.select_for_update(no_key=True)


def person_recompute(
    *, person_id, today: date, rulebook: RuleBook | None = None
) -> RecomputeResult:
    """Recompute one person's deadlines and reconcile them with the stored ones, in one
    transaction holding the person's row lock (two workers on one person wait in turn).
    Running it twice changes nothing the second time."""
    rulebook = rulebook or RuleBook.load()
    with transaction.atomic():
        ids = list(_locked_persons().filter(pk=person_id).values_list("pk", flat=True))
        if not ids:
            return RecomputeResult()  # deleted since the task was enqueued: nothing to do
        return _recompute_locked(ids, today=today, rulebook=rulebook)


def _commit_lazily() -> None:
    """This transaction's commit does not wait for PostgreSQL to flush it to disk
    (synchronous_commit off, for this transaction only). For a batch whose loss is
    harmless: a crash of the database within the next half second could lose its commit,
    and what it computed would be computed again by whoever runs the batch (a chunk is
    marked done, which flushes everything before it, only after its batches; a sweep's
    persons stay due on the agenda). Waiting for the disk was most of a batch's wall time on
    a busy machine, with nothing for the worker's CPU to do meanwhile."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _test_pause() -> None:
    """Integration tests slow the sweep down to kill its worker in the middle of a batch
    (inside the transaction): HAVEN_TEST_SWEEP_BATCH_PAUSE seconds. Never set in production."""
    pause = float(os.environ.get("HAVEN_TEST_SWEEP_BATCH_PAUSE") or 0)
    if pause:
        time.sleep(pause)


def persons_recompute(
    *, person_ids: Sequence, today: date, batch_size: int = 500, lazy_commit: bool = False
) -> RecomputeResult:
    """Recompute several persons (those another person's change affects, the persons an
    import wrote) as the sweep does: `batch_size` persons per transaction, locked in primary
    key order like the sweep's batches (so the two never deadlock), with a constant number of
    queries per batch. Persons deleted since are skipped. `lazy_commit`: see _commit_lazily."""
    rulebook = RuleBook.load()
    total = RecomputeResult()
    wanted = sorted({str(pk) for pk in person_ids})
    for start in range(0, len(wanted), batch_size):
        with transaction.atomic():
            if lazy_commit:
                _commit_lazily()
            ids = list(
                _locked_persons()
                .filter(pk__in=wanted[start : start + batch_size])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if ids:
                total.add(_recompute_locked(ids, today=today, rulebook=rulebook))
    return total


def sweep(*, today: date, batch_size: int = 500) -> RecomputeResult:
    """Recompute everyone, `batch_size` persons per transaction, with a constant number of
    queries per batch, in this one process. What a full recompute run does spread over
    workers (recompute_run_start); kept for one-off use, the demo and the fault tests."""
    total = _sweep_range(after=None, upto=None, today=today, batch_size=batch_size)
    log.info(
        "engine sweep: %s persons, %s created, %s updated, %s superseded",
        total.persons,
        total.created,
        total.updated,
        total.superseded,
    )
    return total


def _sweep_range(
    *, after, upto, today: date, batch_size: int, rulebook: RuleBook | None = None
) -> RecomputeResult:
    """Recompute the persons whose primary key is > `after` and <= `upto` (None: no bound),
    `batch_size` per transaction, picked and locked in key order (keyset pagination). Each
    batch commits lazily (_commit_lazily): whoever runs a range redoes it if it is lost."""
    rulebook = rulebook or RuleBook.load()
    total = RecomputeResult()
    last = after
    while True:
        with transaction.atomic():
            _commit_lazily()
            # Pick and lock the next batch in one query.
            qs = _locked_persons().order_by("pk")
            if last is not None:
                qs = qs.filter(pk__gt=last)
            if upto is not None:
                qs = qs.filter(pk__lte=upto)
            ids = selectors.ConsecutiveIds(qs.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            total.add(_recompute_locked(ids, today=today, rulebook=rulebook))
            _test_pause()
        last = ids[-1]
    return total


# ---------------------------------------------------------------------------------------------
# The agenda: the periodic sweep recomputes only the persons whose day has come
# ---------------------------------------------------------------------------------------------

# More persons due than this at once (a first start, a restore): a run spread over workers.
AGENDA_RUN_ABOVE = 20_000


def agenda_due_ids(*, today: date) -> list[str]:
    """Persons whose next moment has come, and persons never computed (created by a bulk
    write whose message was lost, or before the agenda existed). Two index scans."""
    due = PersonAgenda.objects.filter(next_on__lte=today).values_list("person_id", flat=True)
    never = Person.objects.filter(
        ~Exists(PersonAgenda.objects.filter(person_id=OuterRef("pk")))
    ).values_list("pk", flat=True)
    return sorted({str(p) for p in due} | {str(p) for p in never})


def agenda_sweep(*, today: date, batch_size: int = 500) -> RecomputeResult:
    """The periodic sweep: recompute the persons the agenda says are due today, in batches
    like the full sweep's. Everyone else's deadlines, risk and reminders would come out the
    same today as at their last recompute (engine/agenda.py), so they are left alone; a
    change of facts recomputes its persons at once, and a change of rules everyone.
    Very many due at once: a run spread over the workers instead."""
    ids = agenda_due_ids(today=today)
    if len(ids) > AGENDA_RUN_ABOVE:
        recompute_run_start(reason=RecomputeRun.Reason.AGENDA, detail=str(len(ids)))
        return RecomputeResult()
    if not ids:
        return RecomputeResult()
    total = persons_recompute(person_ids=ids, today=today, batch_size=batch_size, lazy_commit=True)
    if total.persons < len(ids):  # deleted since: their rows would be due for ever
        found = {str(p) for p in Person.objects.filter(pk__in=ids).values_list("pk", flat=True)}
        PersonAgenda.objects.filter(person_id__in=[p for p in ids if p not in found]).delete()
    log.info("engine agenda sweep: %s persons due, %s changes", total.persons, total.changes)
    return total


def _store_agenda(person_ids: Sequence, moments: dict[str, date | None], *, today: date) -> None:
    """Each person's next moment (two queries at most): the rows that did not change are not
    written again."""
    current = {
        str(pid): on
        for pid, on in selectors.persons_values(
            lambda q: PersonAgenda.objects.filter(q()).values_list("person_id", "next_on"),
            person_ids,
        )
    }
    changed = [
        PersonAgenda(person_id=pid, next_on=on, computed_on=today)
        for pid, on in moments.items()
        if pid not in current or current[pid] != on
    ]
    if changed:
        PersonAgenda.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["person_id"],
            update_fields=["next_on", "computed_on"],
        )


def _store_gaps(person_ids: Sequence, gaps: dict[str, list[Gap]], *, now) -> None:
    """The facts no rule covers (engine.deadlines.find_gaps), reconciled: one query when
    nothing changed, three at most. A gap whose fact moved is a new row."""

    def key(pid, event, source_type, source_id, jurisdiction, on, placeholder):
        return (str(pid), event, source_type, source_id, jurisdiction, on, placeholder)

    stored = {
        key(*row[1:]): row[0]
        for row in selectors.persons_values(
            lambda q: RuleGap.objects.filter(q()).values_list(
                "id",
                "person_id",
                "event",
                "source_type",
                "source_id",
                "jurisdiction",
                "counted_from",
                "placeholder_code",
            ),
            person_ids,
        )
        if str(row[1]) in gaps  # not a person created in the range meanwhile
    }
    wanted = {
        key(pid, g.event, g.source_type, g.source_id, g.jurisdiction, g.on, g.placeholder): g
        for pid, found in gaps.items()
        for g in found
    }
    stale = [pk for k, pk in stored.items() if k not in wanted]
    if stale:
        RuleGap.objects.filter(pk__in=stale).delete()
    new = [
        RuleGap(
            person_id=k[0],
            event=g.event,
            source_type=g.source_type,
            source_id=g.source_id,
            jurisdiction=g.jurisdiction,
            counted_from=g.on,
            placeholder_code=g.placeholder,
            computed_at=now,
        )
        for k, g in wanted.items()
        if k not in stored
    ]
    if new:
        RuleGap.objects.bulk_create(new)


# ---------------------------------------------------------------------------------------------
# A recompute of everyone, cut into chunks that any number of workers take
# ---------------------------------------------------------------------------------------------

# Persons per chunk: 2 batches, some 2.5 s of a worker's time. Small enough that the workers
# finish together (10 chunks at 10,000 persons, 100 at 100,000: the last chunk taken keeps
# one worker busy alone for at most that long), large enough that what each chunk does once
# (load the rules, ~10 ms; mark itself done) is lost in the noise.
RUN_CHUNK_SIZE = 1000


def recompute_run_start(
    *,
    reason: str,
    detail: str = "",
    chunk_size: int | None = None,
    person_ids: Sequence | None = None,
) -> RecomputeRun:
    """Cut everyone into chunks of `chunk_size` consecutive persons and send one task per
    chunk on commit (a Celery group: any worker takes any chunk). The chunks' key ranges
    join end to end, so a person created meanwhile falls in one of them. A run still going
    is superseded: this one recomputes everyone with the rules as they are now.

    With `person_ids` (the persons an edit affects), only those, in chunks listing them;
    nothing is superseded (another run's persons are others, or the same recomputed twice,
    which changes nothing the second time)."""
    chunk_size = chunk_size or RUN_CHUNK_SIZE
    now = timezone.now()
    with transaction.atomic():
        if person_ids is None:
            RecomputeRun.objects.filter(status=RunStatus.RUNNING).update(
                status=RunStatus.SUPERSEDED, finished_at=now
            )
            ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted({str(pk) for pk in person_ids})
        run = RecomputeRun.objects.create(
            reason=reason,
            detail=detail[:200],
            persons_total=len(ids),
            everyone=person_ids is None,
        )
        if person_ids is None:
            chunks = [
                RecomputeChunk(
                    run=run,
                    after_id=ids[start - 1] if start else None,
                    upto_id=ids[start + chunk_size - 1] if start + chunk_size < len(ids) else None,
                    persons=len(ids[start : start + chunk_size]),
                )
                for start in range(0, len(ids), chunk_size)
            ]
        else:
            chunks = [
                RecomputeChunk(
                    run=run,
                    person_ids=ids[start : start + chunk_size],
                    persons=len(ids[start : start + chunk_size]),
                )
                for start in range(0, len(ids), chunk_size)
            ]
        RecomputeChunk.objects.bulk_create(chunks)
        run.chunks_total = len(chunks)
        if not chunks:
            run.status, run.finished_at = RunStatus.DONE, now
        run.save(update_fields=["chunks_total", "status", "finished_at"])
        chunk_ids = [c.pk for c in chunks]
        transaction.on_commit(lambda: _send_chunks(chunk_ids))
    log.info("engine: recompute run %s (%s): %s chunks", run.pk, reason, len(chunk_ids))
    return run


def recompute_edit(*, reason: str, detail: str = "", edit: dict) -> RecomputeRun:
    """A run of the persons an admin's edit can affect, or of everyone where that cannot be
    told (engine.signals describes the edit; the selectors say whom it reaches):
    - {"rule": pk}: a rule saved (its deadlines, and the persons with the facts it counts
      from in its countries; a rule with deadlines cannot be deleted);
    - {"calendar_days": [[code, "YYYY-MM-DD"], ...]}: a calendar adjustment added, moved or
      removed (before and after);
    - {"signal": code}: a signal's weight or floor changed (its window, code or switch
      changed: {} instead, everyone);
    - {}: everyone (a threshold, a barrier's cap, a suspensive effect)."""
    ids: set[str] | None = None
    if "rule" in edit:
        rule = Rule.objects.filter(pk=edit["rule"]).first()
        ids = set() if rule is None else selectors.persons_affected_by_rule(rule)
    elif "calendar_days" in edit:
        days = [(code, date.fromisoformat(day)) for code, day in edit["calendar_days"]]
        ids = selectors.persons_affected_by_calendar_days(days)
    elif "signal" in edit:
        ids = selectors.persons_with_reason(edit["signal"])
    return recompute_run_start(reason=reason, detail=detail, person_ids=ids)


def _send_chunks(chunk_ids: list[int]) -> None:
    from celery import group

    from .tasks import recompute_chunk_task

    try:
        group(recompute_chunk_task.s(pk) for pk in chunk_ids).apply_async()
    except Exception:  # noqa: BLE001 - the nightly run is the safety net
        log.exception("engine: could not send a recompute run's chunks; the nightly run will")


def recompute_chunk(*, chunk_id, today: date, batch_size: int = 500) -> RecomputeResult:
    """Recompute one chunk of a run: its persons in batches, each locked like the sweep's, so
    a chunk run twice (a worker lost, a message redelivered) changes nothing the second time
    and counts once. A chunk of a superseded run is skipped."""
    chunk = RecomputeChunk.objects.select_related("run").filter(pk=chunk_id).first()
    if chunk is None or chunk.done_at is not None or chunk.run.status == RunStatus.SUPERSEDED:
        return RecomputeResult()
    if chunk.person_ids is not None:
        result = persons_recompute(
            person_ids=chunk.person_ids, today=today, batch_size=batch_size, lazy_commit=True
        )
    else:
        result = _sweep_range(
            after=chunk.after_id, upto=chunk.upto_id, today=today, batch_size=batch_size
        )
    now = timezone.now()
    if RecomputeChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(done_at=now):
        if not RecomputeChunk.objects.filter(run_id=chunk.run_id, done_at__isnull=True).exists():
            RecomputeRun.objects.filter(pk=chunk.run_id, status=RunStatus.RUNNING).update(
                status=RunStatus.DONE, finished_at=now
            )
    return result


def _recompute_locked(person_ids: Sequence, *, today: date, rulebook: RuleBook) -> RecomputeResult:
    """Deadlines, risk and alerts of a locked batch, in its transaction: the alerts commit
    with the assessment that raised them, or not at all. Keys are read as text throughout
    (selectors.uuids_as_text): the batch code compares str ids only."""
    with selectors.uuids_as_text(), _collector_paused():
        return _recompute_batch(person_ids, today=today, rulebook=rulebook)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for one batch, back on after it (as it was: a pause
    inside a pause changes nothing). A batch allocates some 200,000 dicts, tuples and
    dataclasses that die by reference count; with the collector on, each 700 allocations
    start a collection that walks the young ones and, every few hundred, one that walks
    every object the process holds (Django, the rule book): a quarter of a first
    recompute's CPU in the worker (benchmarks/sweep.py, README "Running at scale"). What
    a batch leaves in cycles is bounded by the batch and collected after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _recompute_batch(person_ids: Sequence, *, today: date, rulebook: RuleBook) -> RecomputeResult:
    facts = selectors.person_facts(person_ids)
    inputs = selectors.risk_inputs(person_ids, rulebook.evidence)
    computed: dict[str, list[ComputedDeadline]] = {}
    assessments: dict[str, risk.Assessment] = {}
    for pid, f in facts.items():
        computed[pid], assessments[pid] = risk.assess_with_deadlines(
            f,
            inputs.get(pid, {}),
            today,
            specs=rulebook.specs,
            calendars=rulebook.calendars,
            settings=rulebook.signals,
            thresholds=rulebook.thresholds,
            caps=rulebook.caps,
            suspensive=rulebook.suspensive,
        )
    # Plain rows, not model instances: most deadlines do not change, and building 50,000
    # instances per sweep would cost more than the rest of the sweep together.
    batch = set(facts)
    stored = [
        row
        for row in selectors.persons_values(
            lambda q: (
                Deadline.objects.filter(q()).exclude(status=DeadlineStatus.SUPERSEDED).values()
            ),
            person_ids,
        )
        if str(row["person_id"]) in batch  # not a person created in the range meanwhile
    ]
    now = timezone.now()
    result = _reconcile(computed, stored, rulebook=rulebook, now=now)
    _store_agenda(
        person_ids,
        {
            pid: agenda.next_moment(
                f,
                inputs.get(pid, {}),
                computed[pid],
                today,
                shifts=rulebook.shifts,
                global_days=rulebook.global_days,
                reminder_days=REMINDER_DAYS_BEFORE,
                overdue_days=OVERDUE_ALERT_DAYS,
            )
            for pid, f in facts.items()
        },
        today=today,
    )
    _store_gaps(
        person_ids,
        {pid: find_gaps(f, rulebook.specs, computed[pid]) for pid, f in facts.items()},
        now=now,
    )
    new_rows = _store_assessments(person_ids, assessments, facts, today=today, now=now)
    result.assessed = len(new_rows)
    specs = _risk_alerts(new_rows, facts)
    specs += _deadline_alerts(person_ids, assessments, today=today)
    if specs:
        result.alerts = alerts_create(
            specs=specs,
            assignments=selectors.assignment_rows(person_ids),
            directory=rulebook.alert_directory(),
        )
    return result


def _store_assessments(
    person_ids: Sequence,
    assessments: dict[str, risk.Assessment],
    facts: dict[str, PersonFacts],
    *,
    today: date,
    now,
) -> list[RiskAssessment]:
    """A new current row for each person whose level, reasons or barriers changed; the old
    row stays, no longer current (three queries). A current row whose place on the board
    moved is updated in place (one more). Returns the new rows, each with `lost_barriers`:
    the previous row's barriers that no longer stand (engine.barriers.lost_barriers)."""
    current = {
        str(row["person_id"]): row
        for row in selectors.persons_values(
            lambda q: RiskAssessment.objects.filter(q(), is_current=True).values(
                "id", "person_id", "level", "reasons", "barriers", "board_rank", "last_contact_at"
            ),
            person_ids,
        )
    }
    new_rows, retired, moved = [], [], []
    keys = iter(bulk.uuid7_texts(len(assessments)))  # see casework.bulk.uuid7_texts
    for pid, a in assessments.items():
        old = current.get(pid)
        reasons = a.reasons_json()
        held = a.barriers_json()
        f = facts[pid]
        rank = risk.board_rank(a.level, urgent_action_issued=_urgent_action_issued(f))
        contact = f.last_confirmed_contact_at
        if (
            old is not None
            and old["level"] == a.level
            and old["reasons"] == reasons
            and old["barriers"] == held
        ):
            # Same assessment; its place on the board may have moved (a welfare check, an
            # urgent action issued): updated in place, not a new row of the risk's history.
            if (old["board_rank"], old["last_contact_at"]) != (rank, contact):
                moved.append(RiskAssessment(pk=old["id"], board_rank=rank, last_contact_at=contact))
            continue
        if old is not None:
            retired.append(old["id"])
        row = RiskAssessment(
            id=uuid.UUID(next(keys)),
            person_id=pid,
            level=a.level,
            previous_level=old["level"] if old else "",
            score=a.score,
            reasons=reasons,
            barriers=held,
            barriers_standing=len(a.standing),
            capped_from=a.capped_from,
            assessed_on=today,
            assessed_at=now,
            is_current=True,
            board_rank=rank,
            last_contact_at=contact,
        )
        row.lost_barriers = barriers.lost_barriers(old["barriers"] if old else [], a.barriers)
        new_rows.append(row)
    # Retire first: one current row per person is a partial unique constraint.
    if retired:
        RiskAssessment.objects.filter(pk__in=retired).update(is_current=False)
    if new_rows:
        bulk.insert(RiskAssessment, new_rows)  # COPY: no SQL compiled for each row
    if moved:
        RiskAssessment.objects.bulk_update(moved, ["board_rank", "last_contact_at"])
    return new_rows


def _urgent_action_issued(facts: PersonFacts) -> bool:
    return any(ua.status in selectors.ISSUED_UA_STATUSES for ua in facts.urgent_actions)


def _item(said: dict) -> dict:
    """A line of an alert listing a stored reason or barrier: its own message and arguments
    when it has them, its English sentence otherwise."""
    if said.get("text"):
        item = {"msg": said["text"], "args": said.get("args") or {}}
    else:
        item = said.get("sentence", "")
    return {"text": N_("- %(item)s"), "args": {"item": item}}


def _line(text: str, **args) -> dict:
    return {"text": text, "args": args}


def _said_why(why: list[dict], reasons: list[dict]) -> list[str]:
    """The English of an alert's "why" lines (the first line, then one `_item` per reason of
    an assessment just made): a reason's item says its own sentence, which the core wrote
    from the same message and arguments (risk.signals), so it is not said again."""
    return [say(why[0]["text"], why[0]["args"])] + ["- " + r["sentence"] for r in reasons]


def _risk_alerts(new_rows: list[RiskAssessment], facts: dict[str, PersonFacts]) -> list[AlertSpec]:
    """A level raised: everyone concerned, at once. Raised to imminent with no urgent action
    issued: the coordinators, with a link that drafts one. Each alert keeps its wording as
    messages (engine/wording.py), so that it reads in the reader's language."""
    specs, link = [], person_linker()
    for row in new_rows:
        spec = _protection_lost_alert(row)
        if spec is not None:
            specs.append(spec)
        if not row.raised:
            continue
        pid = str(row.person_id)
        previous = row.previous_level or "none"
        why = [
            _line(
                N_("Return risk raised from %(previous)s to %(level)s (score %(score)s). Why:"),
                previous={"level": previous},
                level={"level": row.level},
                score=row.score,
            )  # fmt: skip
        ] + [_item(r) for r in row.reasons]
        said = _said_why(why, row.reasons)
        subject, body, message = alert_worded(
            _line(N_("Return risk %(level)s: %(case)s"), level={"level": row.level}), why, said
        )
        specs.append(
            AlertSpec(
                person_id=pid,
                kind=AlertKind.RISK_RAISED,
                dedup_key=f"risk:{row.pk}",
                level=row.level,
                subject=subject,
                body=body,
                message=message,
                link=link(pid),
                audience=AUDIENCE_ALL,
            )
        )
        if row.level == "imminent" and not _urgent_action_issued(facts[pid]):
            subject, body, message = alert_worded(
                _line(N_("Imminent return risk and no urgent action issued: %(case)s")),
                why
                + [
                    _line(""),
                    _line(
                        N_(
                            "No urgent action covering this person has been issued. A draft "
                            "prefilled from the case record is proposed."
                        )
                    ),  # fmt: skip
                ],
                said,
            )
            specs.append(
                AlertSpec(
                    person_id=pid,
                    kind=AlertKind.IMMINENT_NO_UA,
                    dedup_key=f"imminent-no-ua:{row.pk}",
                    level=row.level,
                    subject=subject,
                    body=body,
                    message=message,
                    link=link(pid),
                    action_link=ua_draft_link(pid),
                    audience=AUDIENCE_COORDINATORS,
                )
            )
    return specs


def _protection_lost_alert(row: RiskAssessment) -> AlertSpec | None:
    """A barrier gone (a measure lifted, an appeal rejected, a suspensive period ended, a new
    detention): everyone concerned, at once, and once: the new assessment row is written
    once, and its id is the alert's key. Not for a person returned: nothing is left to
    protect, and the return is its own news."""
    lost = getattr(row, "lost_barriers", None)
    if not lost or any(r.get("code") == "returned" for r in row.reasons):
        return None
    pid = str(row.person_id)
    standing = [b for b in row.barriers if b.get("cap") and not b.get("lifted_by")]
    lines = [
        _line(
            N_("Protection lost; return risk now %(level)s. No longer standing:"),
            level={"level": row.level},
        )
    ]
    lines += [_item(b) for b in lost]
    if standing:
        lines += [_line(N_("What still protects:"))] + [_item(b) for b in standing]
    else:
        lines.append(_line(N_("No barrier is left.")))
    lines += [_line(N_("What threatens:"))] + [_item(r) for r in row.reasons]
    subject, body, message = alert_worded(_line(N_("Protection lost: %(case)s")), lines)
    return AlertSpec(
        person_id=pid,
        kind=AlertKind.PROTECTION_LOST,
        dedup_key=f"protection-lost:{row.pk}",
        level=row.level,
        subject=subject,
        body=body,
        message=message,
        link=person_link(pid),
        audience=AUDIENCE_ALL,
    )


# Overdue deadlines older than this raise no alert: a missed 2010 appeal window imported
# today is history, not news (the board and the deadlines page still show it). Practice.
OVERDUE_ALERT_DAYS = 30


def _deadline_alerts(
    person_ids: Sequence, assessments: dict[str, risk.Assessment], *, today: date
) -> list[AlertSpec]:
    """The reminders owed today by this batch's deadlines, as alerts, each recorded as a
    Reminder so that it is owed once (three queries)."""
    batch = {str(p) for p in person_ids}
    candidates = [
        row
        for row in selectors.persons_rows(Deadline.objects, person_ids)
        .filter(_reminder_candidates(today))
        .values("id", "person_id", "kind", "due_on", "status", "why", "citation")
        if str(row["person_id"]) in batch
    ]
    owed = []
    for row in candidates:
        key = reminder_key(row["due_on"], today, row["status"])
        if key:
            owed.append((row, key))
    if not owed:
        return []
    sent = set(
        Reminder.objects.filter(deadline_id__in=[row["id"] for row, _ in owed]).values_list(
            "deadline_id", "key"
        )
    )
    owed = [(row, key) for row, key in owed if (row["id"], key) not in sent]
    Reminder.objects.bulk_create(
        [Reminder(deadline_id=row["id"], key=key) for row, key in owed], ignore_conflicts=True
    )
    specs = []
    for row, key in owed:
        spec = _deadline_alert(row, key, assessments.get(str(row["person_id"])), today)
        if spec is not None:
            specs.append(spec)
    return specs


def _deadline_alert(row: dict, key: str, assessment, today: date) -> AlertSpec | None:
    """A reminder, a missed deadline, an overdue welfare check or an urgent action's
    send-before: worded as messages (engine/wording.py) so that each reader reads it in
    their language. The deadline's own sentence (`why`) is the rule's English data and stays
    as it is, introduced in the reader's language."""
    pid, deadline_id, kind = str(row["person_id"]), row["id"], row["kind"]
    level = assessment.level if assessment else ""
    overdue = key.startswith("overdue:")
    days = (row["due_on"] - today).days
    if overdue and -days > OVERDUE_ALERT_DAYS:
        return None
    label = phrase(_kind_msgid(kind))
    lines = [_line(N_("%(kind)s: due %(due)s."), kind=label, due=on(row["due_on"]))]
    if row["citation"]:
        lines.append(
            _line(
                N_("How it is counted: %(why)s (%(citation)s)"),
                why=row["why"],
                citation=row["citation"],
            )
        )
    else:
        lines.append(_line(N_("How it is counted: %(why)s"), why=row["why"]))
    common = dict(person_id=pid, level=level, link=person_link(pid))

    def spec(subject: dict, **fields) -> AlertSpec:
        english_subject, body, message = alert_worded(subject, lines)
        return AlertSpec(subject=english_subject, body=body, message=message, **common, **fields)

    if kind == Kind.UA_SEND_BEFORE:
        if overdue:
            if not risk.at_least(level, risk.AT_RISK_FROM):
                return None
            return spec(
                _line(
                    N_("Urgent action send-before passed, risk still %(level)s: %(case)s"),
                    level={"level": level},
                ),
                kind=AlertKind.UA_SEND_BEFORE_PASSED,
                dedup_key=f"ua-passed:{deadline_id}",
                audience=AUDIENCE_ALL,
                action_link=ua_draft_link(pid),
            )
        return spec(
            _line(N_("%(kind)s in %(days)s: %(case)s"), kind=label, days={"days": days}),
            kind=AlertKind.DEADLINE_REMINDER,
            dedup_key=f"deadline:{deadline_id}:{key}",
            audience=AUDIENCE_COORDINATORS,
        )
    if kind == Kind.WELFARE_CHECK_OVERDUE:
        if not overdue:
            return None
        return spec(
            _line(N_("Welfare check overdue by %(days)s: %(case)s"), days={"days": -days}),
            kind=AlertKind.WELFARE_OVERDUE,
            dedup_key=f"deadline:{deadline_id}:{key}",  # daily while overdue
            audience=AUDIENCE_ALL,
        )
    if overdue:
        return spec(
            _line(N_("Deadline missed: %(kind)s: %(case)s"), kind=label),
            kind=AlertKind.DEADLINE_MISSED,
            dedup_key=f"missed:{deadline_id}",  # once: a missed deadline stays missed
            audience=AUDIENCE_ALL,
        )
    return spec(
        _line(N_("%(kind)s: due in %(days)s: %(case)s"), kind=label, days={"days": days}),
        kind=AlertKind.DEADLINE_REMINDER,
        dedup_key=f"deadline:{deadline_id}:{key}",
        audience=AUDIENCE_STAFF,
    )


def _kind_msgid(kind: str) -> str:
    """A deadline kind's label as its msgid (its English): said through gettext at read time."""
    if kind not in Kind._value2member_map_:
        return kind
    with translation.override(None):
        return str(KIND_LABELS.get(Kind(kind), kind))


def _reconcile(
    computed: dict[str, list[ComputedDeadline]],
    stored: list[dict],
    *,
    rulebook: RuleBook,
    now,
) -> RecomputeResult:
    """Computed vs stored, per (person, kind, source fact):
    - nothing stored: create;
    - stored met: left alone (a met deadline stays met, whatever is edited later);
    - same rule and due date: keep the row; move open -> missed / met as the facts and the
      date say, refresh the copied citation and sentence;
    - different rule or due date: the old row is superseded and a new one created;
    - stored but no longer computed (fact deleted, rule disabled, decision reversed):
      superseded, unless met.
    """
    result = RecomputeResult(persons=len(computed), batches=1)
    by_key = {(str(d["person_id"]), d["kind"], d["source_type"], d["source_id"]): d for d in stored}
    seen: set[tuple] = set()
    to_create: list[ComputedDeadline] = []
    to_update: list[Deadline] = []
    superseded: list[Deadline] = []

    for pid, deadlines in computed.items():
        for c in deadlines:
            key = (pid, *c.key)
            seen.add(key)
            old = by_key.get(key)
            if old is not None and old["status"] == DeadlineStatus.MET:
                continue
            if old is None or old["due_on"] != c.due_on or old["rule_code"] != c.rule_code:
                if old is not None:
                    superseded.append(Deadline(**old))
                to_create.append(c)
                result.changed_person_ids.add(pid)
            else:
                changes = _refresh(old, c, now)
                if changes:
                    to_update.append(Deadline(**{**old, **changes}))
                    result.changed_person_ids.add(pid)

    for key, old in by_key.items():
        if key not in seen and old["status"] != DeadlineStatus.MET:
            superseded.append(Deadline(**old))
            result.changed_person_ids.add(key[0])

    for old in superseded:
        old.status = DeadlineStatus.SUPERSEDED
        old.status_changed_at = now
    # Superseded first: the partial unique constraint must be free before the new row lands.
    changed = superseded + to_update
    if changed:
        bulk_update_with_history(changed, Deadline, _REFRESHED, default_date=now)
    if to_create:
        _create_deadlines(to_create, rulebook=rulebook, now=now)
    result.created, result.updated, result.superseded = (
        len(to_create),
        len(to_update),
        len(superseded),
    )
    return result


def _new_deadline_values(c: ComputedDeadline, rulebook: RuleBook, now) -> dict:
    return dict(
        person_id=c.person_id,
        kind=c.kind.value,
        due_on=c.due_on,
        counted_from=c.counted_from,
        source_type=c.source_type,
        source_id=c.source_id,
        rule_id=rulebook.rule_ids[c.rule_code],
        rule_code=c.rule_code,
        jurisdiction=c.jurisdiction,
        citation=c.citation,
        unverified=c.unverified,
        practice=c.practice,
        why=c.why,
        status=c.status,
        met_on=c.met_on if c.status == DeadlineStatus.MET else None,
        computed_at=now,
        status_changed_at=now,
    )


def _create_deadlines(new: list[ComputedDeadline], *, rulebook: RuleBook, now) -> None:
    """Insert new deadlines with their "+" history rows: the same history user, date and
    (empty) change reason as simple-history's bulk_create_with_history. On PostgreSQL by COPY
    of lines formatted here: a first recompute creates some 650,000 rows at 100,000 persons,
    and Django's SQL compilation of that many model instances (twice, with the history) took
    most of its time. Each line is its row's own values, then the values its rule gives
    (formatted once per rule), then those every new row shares (once per batch)."""
    if connection.vendor != "postgresql" or connection.Database.__name__ != "psycopg2":
        rows = [_new_deadline_values(c, rulebook, now) for c in new]
        bulk_create_with_history([Deadline(**row) for row in rows], Deadline, default_date=now)
        return
    text = bulk.copy_text
    own = ["id", "person_id", "kind", "source_type", "source_id", "due_on", "counted_from"]
    own += ["why", "status", "met_on"]
    of_rule = ["rule_id", "rule_code", "jurisdiction", "citation", "unverified", "practice"]
    stamped = {"computed_at": now, "status_changed_at": now}
    shared = [
        f.attname
        for f in Deadline._meta.concrete_fields
        if f.attname not in own and f.attname not in of_rule
    ]
    tail = "\t".join(
        text(stamped[name] if name in stamped else Deadline._meta.get_field(name).get_default())
        for name in shared
    )
    rule_parts: dict[tuple, str] = {}
    lines = []
    for c, pk in zip(new, bulk.uuid7_texts(len(new)), strict=True):
        key = (c.rule_code, c.jurisdiction, c.citation, c.unverified, c.practice)
        part = rule_parts.get(key)
        if part is None:
            part = rule_parts[key] = "\t".join(
                [text(rulebook.rule_ids[c.rule_code]), *map(text, key)]
            )
        met = str(c.met_on) if c.status == DeadlineStatus.MET and c.met_on else "\\N"
        lines.append(
            f"{pk}\t{c.person_id}\t{c.kind}\t{c.source_type}\t{text(c.source_id)}\t{c.due_on}"
            f"\t{c.counted_from}\t{text(c.why)}\t{c.status}\t{met}\t{part}\t{tail}"
        )
    columns = own + of_rule + shared
    bulk.copy_lines(
        Deadline._meta.db_table, [Deadline._meta.get_field(c).column for c in columns], lines
    )
    # Tracked fields of the history model, in the same order as `columns`.
    history = Deadline.history.model
    tracked = {f.attname: f for f in history.tracked_fields}
    history_user = history.get_default_history_user(Deadline())
    extra = [now, getattr(history_user, "pk", None), None, "+"]
    suffix = "".join("\t" + text(v) for v in extra)
    bulk.copy_lines(
        history._meta.db_table,
        [history._meta.get_field(tracked[c].name).column for c in columns]
        + ["history_date", history._meta.get_field("history_user").column]
        + ["history_change_reason", "history_type"],
        [line + suffix for line in lines],
    )


def _refresh(old: dict, c: ComputedDeadline, now) -> dict:
    """What must change on a kept deadline (same kind, source, rule and due date); {} if
    nothing does."""
    status = old["status"]
    if status in (DeadlineStatus.OPEN, DeadlineStatus.MISSED):
        status = c.status  # a waiver is a person's decision: the engine does not undo it
    wanted = {
        "status": status,
        "met_on": c.met_on if status == DeadlineStatus.MET else None,
        "why": c.why,
        "citation": c.citation,
        "unverified": c.unverified,
        "practice": c.practice,
        "jurisdiction": c.jurisdiction,
        "counted_from": c.counted_from,
    }
    changes = {k: v for k, v in wanted.items() if old[k] != v}
    if not changes:
        return {}
    if "status" in changes:
        changes["status_changed_at"] = now
    changes["computed_at"] = now
    return changes


# ---------------------------------------------------------------------------------------------
# A lawyer's decisions
# ---------------------------------------------------------------------------------------------


class DeadlineNotWaivable(ValidationError):
    pass


def deadline_waive(*, deadline_id, reason: str, by) -> Deadline:
    """Waive an open or missed deadline with a reason ("client instructs not to appeal").
    The history keeps who and when; the engine never reopens a waived deadline unless its
    basis changes (then a new one is raised)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the deadline is waived."})
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline_id)
        if deadline.status not in (DeadlineStatus.OPEN, DeadlineStatus.MISSED):
            raise DeadlineNotWaivable(f"A {deadline.status} deadline cannot be waived.")
        deadline.status = DeadlineStatus.WAIVED
        deadline.waived_reason = reason
        deadline.waived_by = by
        deadline.status_changed_at = timezone.now()
        deadline._history_user = by
        deadline.save()
    return deadline


# ---------------------------------------------------------------------------------------------
# Reminders: what is owed; delivery is issue 6 (alerts)
# ---------------------------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = (7, 3, 1)


@dataclass(frozen=True)
class OwedReminder:
    deadline_id: str
    person_id: str
    key: str  # "before:7", "before:3", "before:1" or "overdue:<date>"
    kind: str
    due_on: date
    days_left: int  # negative when overdue


def _reminder_candidates(today: date) -> Q:
    """Deadlines that may owe a reminder today: open and due within the first reminder's
    reach, or overdue by at most OVERDUE_ALERT_DAYS. Older overdue ones raise no alert, so
    recording a daily reminder for each (tens of thousands of rows a day) would be waste."""
    horizon = today + timedelta(days=max(REMINDER_DAYS_BEFORE))
    oldest = today - timedelta(days=OVERDUE_ALERT_DAYS)
    return Q(due_on__gte=oldest) & (
        Q(status=DeadlineStatus.MISSED) | Q(status=DeadlineStatus.OPEN, due_on__lte=horizon)
    )


def reminder_key(due_on: date, today: date, status: str) -> str | None:
    """The one reminder a deadline owes today, if any. A sweep that missed a day catches up
    with the nearest threshold only (2 days left and nothing sent: "before:3", not also 7)."""
    days_left = (due_on - today).days
    if status == DeadlineStatus.MISSED or (status == DeadlineStatus.OPEN and days_left < 0):
        return f"overdue:{today.isoformat()}"
    if status != DeadlineStatus.OPEN or days_left > max(REMINDER_DAYS_BEFORE):
        return None
    threshold = min(n for n in REMINDER_DAYS_BEFORE if n >= max(days_left, 0))
    return f"before:{threshold}"


def reminders_due(*, today: date) -> list[OwedReminder]:
    """Reminders owed today and not yet recorded (two queries). The hook for issue 6: for
    each, raise the alerts, then `reminder_record` it in the same transaction."""
    candidates = list(
        Deadline.objects.filter(_reminder_candidates(today)).values_list(
            "id", "person_id", "kind", "due_on", "status"
        )
    )
    owed = []
    for deadline_id, person_id, kind, due_on, status in candidates:
        key = reminder_key(due_on, today, status)
        if key:
            owed.append((deadline_id, person_id, kind, due_on, key))
    sent = set(
        Reminder.objects.filter(deadline_id__in=[o[0] for o in owed]).values_list(
            "deadline_id", "key"
        )
    )
    return [
        OwedReminder(str(d), str(p), key, kind, due_on, (due_on - today).days)
        for d, p, kind, due_on, key in owed
        if (d, key) not in sent
    ]


def reminder_record(*, deadline_id, key: str) -> bool:
    """Mark a reminder raised. True the first time, False if another worker got there first
    (the unique key decides, not luck)."""
    _, created = Reminder.objects.get_or_create(deadline_id=deadline_id, key=key)
    return created


# ---------------------------------------------------------------------------------------------
# Calendar feed tokens
# ---------------------------------------------------------------------------------------------


def calendar_token_create(*, user) -> tuple[CalendarToken, str]:
    """A new secret for the user's feed. The secret is returned once and never stored."""
    secret = CalendarToken.new_secret()
    token = CalendarToken.objects.create(user=user, token_hash=hash_token(secret))
    return token, secret


def calendar_token_revoke(*, token_id, user) -> bool:
    """Revoke one of the user's own tokens (compare-and-set: revoking twice is harmless)."""
    return bool(
        CalendarToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
