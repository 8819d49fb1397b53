"""Alerts: one row per event and recipient, by constraint. The row is the in-app inbox entry
and the outbox of its e-mail (delivery state on the row); digests are rows too, one per user
and day."""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    RISK_RAISED = "risk_raised", _("Return risk raised")
    PROTECTION_LOST = "protection_lost", _("Protection lost")
    IMMINENT_NO_UA = "imminent_no_ua", _("Imminent return risk and no urgent action issued")
    DEADLINE_REMINDER = "deadline_reminder", _("Deadline approaching")
    DEADLINE_MISSED = "deadline_missed", _("Deadline missed")
    WELFARE_OVERDUE = "welfare_overdue", _("Welfare check overdue")
    UA_SEND_BEFORE_PASSED = (
        "ua_send_before_passed",
        _("Urgent action send-before passed while the person is still at risk"),
    )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Failed, gave up")
    SKIPPED = "skipped", _("Not sent by e-mail")


class Alert(models.Model):
    """Something one person must know about one person at risk.

    Exactly once per event and recipient: `dedup_key` names the event (the assessment that
    raised the level, the deadline and reminder key...) and (recipient, dedup_key) is unique,
    so a task that runs twice, or a worker that dies after the commit and is retried, cannot
    raise it again. The e-mail is an outbox: the row is written first, in the transaction that
    decides the alert; a delivery task claims it by compare-and-set (pending/failed ->
    sending), sends, and records the outcome here, where the inbox shows it.

    The subject and body name the person by case number only: e-mail leaves Haven.
    """

    # Worked out by the engine from a person's facts, not entered: an import's undo does not
    # count it as a change since the import (casework.importing.undo_problems).
    computed_from_facts = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="alerts", null=True
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    dedup_key = models.CharField(_("event key"), max_length=200)
    level = models.CharField(_("return-risk level"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("details"))
    # The subject and body as messages and their arguments (engine/wording.py), so that the
    # inbox, the API and the e-mail say them in the reader's language: {"subject": {text,
    # args}, "lines": [{text, args}, ...]}. Empty for alerts written before (and kinds not yet
    # worded): those show `subject` and `body`, which are the English of the same.
    message = models.JSONField(default=dict, blank=True, editable=False)
    link = models.CharField(
        _("link"), max_length=300, blank=True, help_text=_("A path in Haven; ids only, no names.")
    )
    action_link = models.CharField(
        _("proposed action"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the urgent-action draft prefilled with this person."),
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    email_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], name="alert_once_per_event_and_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="alert_recipient_unread"),
            models.Index(fields=["email_status", "email_next_attempt_at"], name="alert_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dedup_key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def email_failed(self) -> bool:
        return self.email_status in (DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP)


class AlertPreference(models.Model):
    """How a user wants their alerts. Without a row, the defaults below apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    email_immediately = models.BooleanField(
        _("e-mail each alert at once"),
        default=True,
        help_text=_("Imminent-risk alerts are always e-mailed at once."),
    )
    digest_enabled = models.BooleanField(_("daily digest by e-mail"), default=True)
    digest_time = models.TimeField(
        _("digest time"), default=time(7, 0), help_text=_("Local time (the server's time zone).")
    )

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self) -> str:
        return f"alert preferences of {self.user_id}"


class Digest(models.Model):
    """One daily digest of one user: unique per (user, day), so the beat entry that runs every
    few minutes sends each at most once; the same claim-and-record as alerts' e-mails."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    alert_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert digest")
        verbose_name_plural = _("alert digests")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day"),
        ]

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.day}"
