"""Deadlines, their reminders, and the secret tokens of personal calendar feeds."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engine.kinds import KIND_LABELS, Kind, choices


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    WAIVED = "waived", _("Waived")
    SUPERSEDED = "superseded", _("Superseded")


LIVE_STATUSES = (
    DeadlineStatus.OPEN,
    DeadlineStatus.MET,
    DeadlineStatus.MISSED,
    DeadlineStatus.WAIVED,
)
ACTIONABLE_STATUSES = (DeadlineStatus.OPEN, DeadlineStatus.MISSED)


class Deadline(models.Model):
    """One deadline of one person, computed by a rule from one fact.

    Written only by engine.services (recompute and sweep) and by a lawyer's waiver. The rule's
    citation and the sentence saying why are copied at computation time, so that what a lawyer
    saw stays readable in the history even after the rule is edited. One live deadline per
    (person, kind, source fact), by constraint: a changed basis supersedes, never duplicates.
    """

    # Worked out by the engine from a person's facts, not entered: an import's undo does not
    # count it as a change since the import (casework.importing.undo_problems).
    computed_from_facts = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: every index that leads with the person (deadline_person_status,
    # the one live deadline constraint) finds a person's deadlines as well, and a first
    # recompute writes each index ~650,000 times at 100,000 persons.
    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="deadlines", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=choices(Kind, KIND_LABELS))
    due_on = models.DateField(_("due on"), db_index=True)
    counted_from = models.DateField(_("counted from"))
    source_type = models.CharField(
        _("source fact type"), max_length=50, help_text=_("app_label.model, e.g. casework.appeal")
    )
    source_id = models.CharField(_("source fact"), max_length=64)
    rule = models.ForeignKey(
        "engine.Rule", verbose_name=_("rule"), on_delete=models.PROTECT, related_name="deadlines"
    )
    rule_code = models.CharField(_("rule code"), max_length=60)
    # No index: the deadlines page filters it case-blind (iexact), which PostgreSQL runs as
    # UPPER(jurisdiction) = UPPER(%s) and which neither a plain nor a `_like` index serves;
    # the two cost every new deadline two index writes (~650,000 a first recompute at 100,000).
    jurisdiction = models.CharField(_("jurisdiction or body"), max_length=10)
    citation = models.CharField(_("citation"), max_length=300)
    unverified = models.BooleanField(_("unverified rule"), default=False)
    practice = models.BooleanField(_("practice, not law"), default=False)
    why = models.TextField(_("why"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    # Indexed only where set (deadline_waived_by): almost no deadline is waived, and the index
    # serves one query, the SET NULL when a user is deleted, which names a user.
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    computed_at = models.DateTimeField(_("computed at"))
    status_changed_at = models.DateTimeField(_("status changed at"))
    # The history is read by deadline (its id) and by date; indexes of its other columns
    # (the person's too, above) cost every new deadline five index writes more and served no
    # query.
    history = HistoricalRecords(
        no_db_index=["person", "due_on", "jurisdiction", "rule", "waived_by"]
    )

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "source_type", "source_id"],
                condition=~Q(status="superseded"),
                name="deadline_one_live_per_person_kind_source",
                violation_error_message=_("This fact already has a live deadline of this kind."),
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(waived_reason=""),
                name="deadline_waiver_has_reason",
                violation_error_message=_("Say why the deadline is waived."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="deadline_status_due"),
            # "My deadlines" counts a lawyer's open and missed deadlines: one index-only probe
            # a person instead of reading every deadline (45 -> 10 ms at 10,000 persons).
            models.Index(fields=["person", "status"], name="deadline_person_status"),
            models.Index(
                fields=["waived_by"],
                condition=Q(waived_by__isnull=False),
                name="deadline_waived_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.due_on}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.source_type, self.source_id)


class Reminder(models.Model):
    """A marker that one reminder of one deadline was raised: 7, 3 and 1 days before
    ("before:7"), then every day while overdue ("overdue:2011-06-10") for OVERDUE_ALERT_DAYS
    (engine.services). The unique key is what makes a reminder go out once, however often the
    sweep runs. Delivery (alerts) is issue 6: it reads `engine.services.reminders_due` and
    records each with `reminder_record`."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(_("key"), max_length=30)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "key"], name="reminder_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.key}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarToken(models.Model):
    """The secret in a personal iCalendar feed URL. Only its hash is stored: a copy of the
    database does not open anyone's feed. Revoking is immediate and final."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"calendar token {str(self.id)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)
