"""Writes of the engine: recompute and sweep (deadlines from facts), waivers, reminders and
calendar tokens. Keyword-only, named <entity>_<verb> where there is an entity."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework.models import Person

from . import selectors
from .calendar import WorkCalendar
from .deadlines import ComputedDeadline, compute_deadlines
from .facts import RuleSpec
from .models import CalendarToken, Deadline, DeadlineStatus, Reminder, Rule, hash_token

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
        self.changed_person_ids |= other.changed_person_ids


@dataclass(frozen=True)
class RuleBook:
    """The rules and calendars, loaded once per sweep (two queries)."""

    specs: list[RuleSpec]
    rule_ids: dict[str, int]
    calendars: dict[str, WorkCalendar]

    @classmethod
    def load(cls) -> RuleBook:
        rules = list(Rule.objects.all())
        return cls(
            specs=[r.to_spec() for r in rules],
            rule_ids={r.code: r.pk for r in rules},
            calendars=selectors.work_calendars(),
        )


def person_recompute(
    *, person_id, today: date, rulebook: RuleBook | None = None
) -> RecomputeResult:
    """Recompute one person's deadlines and reconcile them with the stored ones, in one
    transaction holding the person's row lock (two workers on one person wait in turn).
    Running it twice changes nothing the second time."""
    rulebook = rulebook or RuleBook.load()
    with transaction.atomic():
        ids = list(
            Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True)
        )
        if not ids:
            return RecomputeResult()  # deleted since the task was enqueued: nothing to do
        return _recompute_locked(ids, today=today, rulebook=rulebook)


def sweep(*, today: date, batch_size: int = 500) -> RecomputeResult:
    """Recompute everyone, `batch_size` persons per transaction, with a constant number of
    queries per batch. The safety net for lost events, and what moves deadlines from open to
    missed as days pass."""
    rulebook = RuleBook.load()
    total = RecomputeResult()
    last = None
    while True:
        with transaction.atomic():
            # Pick and lock the next batch in one query (keyset pagination by primary key).
            qs = Person.objects.select_for_update().order_by("pk")
            if last is not None:
                qs = qs.filter(pk__gt=last)
            ids = list(qs.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            total.add(_recompute_locked(ids, today=today, rulebook=rulebook))
        last = ids[-1]
    log.info(
        "engine sweep: %s persons, %s created, %s updated, %s superseded",
        total.persons,
        total.created,
        total.updated,
        total.superseded,
    )
    return total


def _recompute_locked(person_ids: Sequence, *, today: date, rulebook: RuleBook) -> RecomputeResult:
    facts = selectors.person_facts(person_ids)
    computed = {
        pid: compute_deadlines(f, rulebook.specs, today, rulebook.calendars)
        for pid, f in facts.items()
    }
    # Plain rows, not model instances: most deadlines do not change, and building 50,000
    # instances per sweep would cost more than the rest of the sweep together.
    batch = set(facts)
    stored = [
        row
        for row in selectors.persons_rows(Deadline.objects, person_ids)
        .exclude(status=DeadlineStatus.SUPERSEDED)
        .values()
        if str(row["person_id"]) in batch  # not a person created in the range meanwhile
    ]
    return _reconcile(computed, stored, rulebook=rulebook, now=timezone.now())


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
    to_create: list[Deadline] = []
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
                to_create.append(_new_deadline(c, rulebook, now))
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
        bulk_create_with_history(to_create, Deadline, default_date=now)
    result.created, result.updated, result.superseded = (
        len(to_create),
        len(to_update),
        len(superseded),
    )
    return result


def _new_deadline(c: ComputedDeadline, rulebook: RuleBook, now) -> Deadline:
    return Deadline(
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
    horizon = today + timedelta(days=max(REMINDER_DAYS_BEFORE))
    candidates = list(
        Deadline.objects.filter(
            Q(status=DeadlineStatus.MISSED) | Q(status=DeadlineStatus.OPEN, due_on__lte=horizon)
        ).values_list("id", "person_id", "kind", "due_on", "status")
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
