"""Deadlines a lawyer adds by hand, with the reason: a date Haven's rules do not compute (a
court's own order, a term a registry gave by telephone, a body's letter). Kept apart from the
computed `Deadline`: a recompute supersedes what the facts no longer produce, and a deadline
nobody computed must never be superseded by one."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ManualDeadline(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="manual_deadlines"
    )
    title = models.CharField(_("what is due"), max_length=200)
    due_on = models.DateField(_("due on"), db_index=True)
    reason = models.TextField(
        _("reason"), help_text=_("Why this deadline exists, and its source (an order, a letter).")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("manual deadline")
        verbose_name_plural = _("manual deadlines")
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="manualdeadline_has_reason",
                violation_error_message=_("Say why this deadline exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} manual {self.due_on}"
