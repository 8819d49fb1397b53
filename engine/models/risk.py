"""Return risk as data: the signals and thresholds an admin tunes, and each person's
assessments with their history."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engine.barriers import CapSetting, SuspensiveRule
from engine.kinds import CONFIDENCE_LABELS, Confidence, Kind, choices
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


class BarrierKind(models.TextChoices):
    """What still stands between a person and removal (engine/barriers.py)."""

    INTERIM_MEASURE = "interim_measure", _("Interim measure in force")
    SUSPENSIVE_APPEAL = "suspensive_appeal", _("Appeal pending with suspensive effect")
    SUSPENSIVE_CLAIM = "suspensive_claim", _("Asylum claim pending with suspensive effect")
    APPEAL_WINDOW = "appeal_window", _("Time to lodge a suspensive appeal still running")
    RELEASED = "released", _("Released from detention")


class RiskCap(models.Model):
    """How far one kind of barrier holds a person's level down, and what lifts that.

    While a barrier of this kind stands, the person's level is at most `cap`, whatever the
    threats add up to (a floor included), unless one of the `lifted_by` signals fired: the
    state has shown it does not respect such a barrier (it returned people despite interim
    measures, scheduled the removal, moved the person toward the border, holds them
    incommunicado). Every change is kept in the history and every person is reassessed on
    commit."""

    kind = models.CharField(_("barrier"), max_length=30, choices=BarrierKind.choices, unique=True)
    cap = models.CharField(
        _("cap"),
        max_length=10,
        choices=RiskLevel.choices,
        help_text=_("The highest level a person can have while such a barrier stands."),
    )
    lifted_by = models.JSONField(
        _("lifted by"),
        default=list,
        blank=True,
        help_text=_(
            "Codes of the return-risk signals that lift the cap when they fire, as a list: "
            '["removal_scheduled", "transfer_reported"].'
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    rationale = models.TextField(_("why"), help_text=_("Why this cap, and why these lifters."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return-risk cap")
        verbose_name_plural = _("return-risk caps")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind} <= {self.cap}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        codes = self.lifted_by if isinstance(self.lifted_by, list) else None
        if codes is None or not all(isinstance(c, str) for c in codes):
            raise ValidationError({"lifted_by": _("Give a list of signal codes.")})
        known = set(RiskSignal.objects.values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise ValidationError(
                {"lifted_by": _("Unknown signal codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
            )

    def to_setting(self) -> CapSetting:
        return CapSetting(
            kind=self.kind,
            cap=self.cap,
            lifted_by=frozenset(self.lifted_by or ()),
            enabled=self.enabled,
        )


class SuspensiveSubject(models.TextChoices):
    APPEAL_EXTRADITION = Kind.APPEAL_EXTRADITION.value, _("Appeal against an extradition decision")
    APPEAL_ASYLUM = Kind.APPEAL_ASYLUM.value, _("Appeal against an asylum decision")
    APPEAL_REMOVAL = Kind.APPEAL_REMOVAL.value, _("Appeal against a removal order")
    APPEAL_LOWER_COURT = Kind.APPEAL_LOWER_COURT.value, _("Appeal against a court's decision")
    ASYLUM_CLAIM = "asylum_claim", _("Asylum claim before the state")


class SuspensiveEffect(models.Model):
    """Rule data: whether, in a jurisdiction, a pending appeal or claim keeps the person from
    being removed, with its citation and confidence like a deadline rule. A suspensive one
    makes the appeal (or claim, or the time still running to lodge the appeal) a barrier. An
    unverified (U) row is shown beside the person, flagged, and caps nothing until an admin
    records who verified it: lowering a person's risk must rest on law someone has read."""

    country = models.CharField(_("country"), max_length=2, help_text=_("ISO code, e.g. RU."))
    subject = models.CharField(
        _("what is pending"), max_length=30, choices=SuspensiveSubject.choices
    )
    suspensive = models.BooleanField(_("suspends removal"), default=True)
    citation = models.CharField(_("citation"), max_length=300)
    confidence = models.CharField(
        _("confidence"),
        max_length=3,
        choices=choices(Confidence, CONFIDENCE_LABELS),
        help_text=_("P primary text, S secondary source, U unverified (flagged everywhere)."),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.CharField(_("verified by"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspensive effect")
        verbose_name_plural = _("suspensive effects")
        ordering = ["country", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "subject"], name="suspensiveeffect_one_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | ~Q(verified_by=""),
                name="suspensiveeffect_verification_says_by_whom",
                violation_error_message=_("Say who verified the rule."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.subject}"

    def to_rule(self) -> SuspensiveRule:
        return SuspensiveRule(
            country=self.country.upper(),
            subject=self.subject,
            suspensive=self.suspensive,
            citation=self.citation,
            unverified=self.confidence == Confidence.UNVERIFIED and self.verified_on is None,
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
    # What still protects (engine.barriers.Barrier.as_dict), each with its cap and lifters.
    barriers = models.JSONField(_("barriers"), default=list, blank=True)
    # How many of them cap the level today: 0 is the board's "no barrier left".
    barriers_standing = models.PositiveSmallIntegerField(_("barriers standing"), default=0)
    capped_from = models.CharField(
        _("level without the barriers"), max_length=10, choices=RiskLevel.choices, blank=True
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
