"""Return risk as data: the signals and thresholds an admin tunes, and each person's
assessments with their history."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engine.risk import SignalSetting


class RiskLevel(models.TextChoices):
    NONE = "none", _("None")
    MONITORING = "monitoring", _("Monitoring")
    ELEVATED = "elevated", _("Elevated")
    HIGH = "high", _("High")
    IMMINENT = "imminent", _("Imminent")


class RiskSignal(models.Model):
    """One signal of return risk and how much it counts.

    The level of a person is the higher of (a) the band of the summed weights of the signals
    that fired (see RiskThreshold) and (b) the highest "floor" among them. A signal with a
    floor of "high" makes a person at least high on its own. Disabling a signal leaves it out
    of every assessment (its reason is no longer shown). Every change is kept in the history
    and every person is reassessed on commit.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(
        _("what it means"), help_text=_("When the signal fires, from which facts, and why.")
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), help_text=_("Added to the person's score when the signal fires.")
    )
    floor = models.CharField(
        _("floor"),
        max_length=10,
        choices=RiskLevel.choices,
        default=RiskLevel.NONE,
        help_text=_("The lowest level a person can have while this signal fires."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        null=True,
        blank=True,
        help_text=_(
            "For signals about time: how recent an event must be to count, or (no contact) "
            "how many days without confirmed contact are tolerated."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Practice or a public document this default rests on."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return-risk signal")
        verbose_name_plural = _("return-risk signals")
        ordering = ["-weight", "code"]

    def __str__(self) -> str:
        return self.code

    def to_setting(self) -> SignalSetting:
        return SignalSetting(
            code=self.code,
            weight=self.weight,
            floor=self.floor,
            window_days=self.window_days,
            enabled=self.enabled,
        )


class RiskThreshold(models.Model):
    """The lowest summed weight for a level. A person whose signals add up to at least the
    threshold of "high" (and less than that of "imminent") is high, unless a floor says more."""

    level = models.CharField(
        _("level"),
        max_length=10,
        choices=[c for c in RiskLevel.choices if c[0] != RiskLevel.NONE],
        unique=True,
    )
    min_score = models.PositiveSmallIntegerField(_("lowest score"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return-risk threshold")
        verbose_name_plural = _("return-risk thresholds")
        ordering = ["min_score"]

    def __str__(self) -> str:
        return f"{self.level} >= {self.min_score}"


class RiskAssessment(models.Model):
    """One assessment of one person. A new row is written only when the level or the reasons
    change; the previous row stays, no longer current. So the rows of a person are the history
    of their risk: when it changed, from what, and why. One current row per person, by
    constraint."""

    # Worked out by the engine from a person's facts, not entered: an import's undo does not
    # count it as a change since the import (casework.importing.undo_problems).
    computed_from_facts = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    previous_level = models.CharField(
        _("previous level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    score = models.PositiveIntegerField(_("score"))
    reasons = models.JSONField(
        _("reasons"), default=list, help_text=_("[{code, sentence, weight, floor}]")
    )
    assessed_on = models.DateField(_("as of"))
    assessed_at = models.DateTimeField(_("assessed at"))
    is_current = models.BooleanField(_("current"), default=True)
    # The board's order, kept by the engine on the current row (engine.risk.board_rank): so
    # the board reads its page off an index instead of sorting every person at risk with
    # their last contact looked up one by one (~90 ms of PostgreSQL a board at 10,000).
    # As of the last recompute, like the level: a welfare check or an urgent action wakes it.
    # The index, `riskassessment_board`, is made by migration 0009 (NULLS FIRST is written
    # differently in PostgreSQL and SQLite).
    board_rank = models.PositiveSmallIntegerField(_("board rank"), default=0)
    last_contact_at = models.DateTimeField(_("last confirmed contact"), null=True, blank=True)

    class Meta:
        verbose_name = _("return-risk assessment")
        verbose_name_plural = _("return-risk assessments")
        ordering = ["-assessed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_current=True),
                name="riskassessment_one_current_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["is_current", "level"], name="riskassessment_current_level"),
            # The coordinator's home: the newest current assessments of a level.
            models.Index(
                fields=["level", "-assessed_at"],
                condition=Q(is_current=True),
                name="riskassessment_current_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.level}"

    @property
    def raised(self) -> bool:
        from engine.risk import level_rank

        return level_rank(self.level) > level_rank(self.previous_level or "none")

    @property
    def sentences(self) -> list[str]:
        return [r.get("sentence", "") for r in self.reasons]
