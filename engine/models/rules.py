"""Rules and calendars: data an admin can read and change, never code."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engine.facts import RuleSpec
from engine.kinds import (
    CONFIDENCE_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    UNIT_LABELS,
    Confidence,
    Event,
    Kind,
    Unit,
    choices,
)


class Rule(models.Model):
    """How one deadline is computed in one jurisdiction or before one body.

    Shipped with the researched defaults of BRIEF section 6 (migration 0002), each with its
    citation and confidence. A rule whose confidence is U makes every deadline it produces say
    "unverified rule" until an admin records who verified it and when. A rule without a
    period is a placeholder: it computes nothing, but says where the research stands.
    """

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9_.*-]*$")],
        help_text=_("Stable identifier, e.g. ru.extr.appeal. Deadlines keep a copy of it."),
    )
    jurisdiction = models.CharField(
        _("jurisdiction or body"),
        max_length=10,
        help_text=_("Country code (RU, KZ, TR…), treaty body (CAT, HRC, ECTHR) or PRACTICE."),
    )
    countries = models.CharField(
        _("applies to facts in"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comma-separated country codes where the counted-from fact must have happened "
            "(e.g. RU; for the ECtHR, the member states). Empty: any country."
        ),
    )
    kind = models.CharField(_("deadline kind"), max_length=30, choices=choices(Kind, KIND_LABELS))
    description = models.CharField(
        _("description"),
        max_length=200,
        help_text=_(
            "Begins the sentence that explains each deadline, e.g. 'Appeal against the "
            "Prosecutor General's extradition decision'."
        ),
    )
    counts_from = models.CharField(
        _("counted from"), max_length=40, choices=choices(Event, EVENT_LABELS)
    )
    period_amount = models.IntegerField(
        _("period"),
        null=True,
        blank=True,
        help_text=_(
            "How many units. Empty: no fixed period (a placeholder that computes nothing). "
            "Negative working days count back, e.g. -1 = one working day before removal."
        ),
    )
    unit = models.CharField(
        _("unit"), max_length=15, choices=choices(Unit, UNIT_LABELS), default=Unit.DAYS
    )
    previous_period_amount = models.IntegerField(
        _("previous period"),
        null=True,
        blank=True,
        help_text=_("The period before the law changed (e.g. 10 days before 29 December 2022)."),
    )
    period_changed_on = models.DateField(
        _("period changed on"),
        null=True,
        blank=True,
        help_text=_("Events before this date use the previous period."),
    )
    imminent_period_amount = models.IntegerField(
        _("period while imminent"),
        null=True,
        blank=True,
        help_text=_("A shorter period while the person's return risk is imminent."),
    )
    calendar = models.CharField(
        _("holiday calendar"),
        max_length=2,
        blank=True,
        help_text=_(
            "Country whose public holidays and official working-day transfers count "
            "(holidays package). Empty: Monday to Friday, no holidays."
        ),
    )
    roll_forward = models.BooleanField(
        _("roll forward"),
        default=False,
        help_text=_(
            "When the last day is not a working day, move it to the next working day. Off "
            "for custody terms and ECtHR periods."
        ),
    )
    citation = models.CharField(_("citation"), max_length=300)
    confidence = models.CharField(
        _("confidence"),
        max_length=3,
        choices=choices(Confidence, CONFIDENCE_LABELS),
        help_text=_("P primary text, S secondary source, U unverified (flagged everywhere)."),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.CharField(
        _("verified by"),
        max_length=200,
        blank=True,
        help_text=_("Who checked the rule against the official text, and where."),
    )
    practice = models.BooleanField(
        _("practice, not law"),
        default=False,
        help_text=_("An engine default from practitioners' practice, not a legal deadline."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["jurisdiction", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(previous_period_amount__isnull=True)
                | Q(period_changed_on__isnull=False),
                name="rule_previous_period_has_date",
                violation_error_message=_("A previous period needs the date the law changed."),
            ),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | ~Q(verified_by=""),
                name="rule_verification_says_by_whom",
                violation_error_message=_("Say who verified the rule."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_unverified(self) -> bool:
        return self.to_spec().unverified

    def to_spec(self) -> RuleSpec:
        return RuleSpec(
            code=self.code,
            kind=Kind(self.kind),
            counts_from=Event(self.counts_from),
            description=self.description,
            period_amount=self.period_amount,
            unit=Unit(self.unit),
            calendar=self.calendar,
            roll_forward=self.roll_forward,
            citation=self.citation,
            jurisdiction=self.jurisdiction,
            countries=frozenset(c.strip().upper() for c in self.countries.split(",") if c.strip()),
            confidence=Confidence(self.confidence),
            verified=self.verified_on is not None,
            practice=self.practice,
            enabled=self.enabled,
            previous_period_amount=self.previous_period_amount,
            period_changed_on=self.period_changed_on,
            imminent_period_amount=self.imminent_period_amount,
        )


class AdjustmentKind(models.TextChoices):
    HOLIDAY = "holiday", _("Extra holiday (not a working day)")
    WORKING_DAY = "working_day", _("Extra working day")


class CalendarAdjustment(models.Model):
    """A day an admin adds to or removes from a country's calendar: transfers of working days
    are set by yearly decree, and the pinned holidays package can lag behind."""

    calendar = models.CharField(_("calendar"), max_length=2, help_text=_("Country code, e.g. KZ."))
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=AdjustmentKind.choices)
    note = models.CharField(_("source"), max_length=300, help_text=_("The decree or notice."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar adjustment")
        verbose_name_plural = _("calendar adjustments")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="calendaradjustment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.day} {self.kind}"
