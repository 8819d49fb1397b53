"""Rules and calendars: data an admin can read and change, never code."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
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

    The law as it stood on the day: a rule that changed is several rows of one `family`,
    each in force from `in_force_from` to `in_force_until` (both inclusive, either open). The
    engine counts a fact with the row in force on the fact's date (the date its period counts
    from), so a 2011 Kazakh decision falls under the 1997 code even after the 2014 one.
    """

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9_.*-]*$")],
        help_text=_("Stable identifier, e.g. ru.extr.appeal. Deadlines keep a copy of it."),
    )
    family = models.CharField(
        _("family"),
        max_length=60,
        blank=True,
        db_index=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9_.*-]*$")],
        help_text=_(
            "The same rule across changes of law: every row of a family counts the same "
            "deadline, each in force for its own dates (e.g. kz.extr.appeal for the rows "
            "kz.extr.appeal and kz.extr.appeal.1997). Empty: the code."
        ),
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
    after_court_levels = models.CharField(
        _("after a decision of"),
        max_length=100,
        blank=True,
        help_text=_(
            "For the next instance: comma-separated levels of the court whose rejection this "
            "rule counts from (district, regional, appeal, cassation, supreme, other). Empty: "
            "any court."
        ),
    )
    procedures = models.CharField(
        _("for decisions in the procedure"),
        max_length=100,
        blank=True,
        help_text=_(
            "For asylum refusals: comma-separated procedures whose decisions this rule counts "
            "from (regular, accelerated, inadmissible). Empty: any. A refusal whose procedure "
            "is not recorded gets the earliest such rule's deadline, saying on what condition."
        ),
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
    first_day_counts = models.BooleanField(
        _("the day of the event counts"),
        default=False,
        help_text=_(
            "On: the day of the event is day one, as for Russian custody terms (CPC RF arts. "
            "109, 128): two months from 5 February end on 4 April inclusive. Off: counting "
            "starts the next day, as for appeal periods."
        ),
    )
    ends_at_hour = models.PositiveSmallIntegerField(
        _("ends at hour"),
        null=True,
        blank=True,
        help_text=_(
            "The hour of the last day at which the period ends (24 = midnight). Empty: the end of the day."
        ),
    )
    counting_citation = models.CharField(
        _("counting rule"),
        max_length=300,
        blank=True,
        help_text=_("The article that says how the period is counted, e.g. CPC RF Art. 128."),
    )
    in_force_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("The first day of facts this row applies to. Empty: since before any fact."),
    )
    in_force_until = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day of facts this row applies to (inclusive). Empty: still in force."
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
    operative_words = models.TextField(
        _("operative words"),
        blank=True,
        help_text=_("The words of the law that set the period, quoted from the source."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_title = models.CharField(_("source title"), max_length=300, blank=True)
    source_date = models.DateField(
        _("source date"),
        null=True,
        blank=True,
        help_text=_("The date of the consolidated text that was read."),
    )
    practice = models.BooleanField(
        _("practice, not law"),
        default=False,
        help_text=_("An engine default from practitioners' practice, not a legal deadline."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    synced_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="engine.lawbook: digest of the values it last wrote; a row that no longer "
        "matches was edited by an admin and is left alone.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["jurisdiction", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(in_force_until__isnull=True)
                | Q(in_force_from__lte=F("in_force_until")),
                name="rule_in_force_window_ordered",
                violation_error_message=_("A rule cannot cease to be in force before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at_hour__isnull=True) | Q(ends_at_hour__lte=24),
                name="rule_ends_at_hour_of_a_day",
                violation_error_message=_("The hour is between 0 and 24."),
            ),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | ~Q(verified_by=""),
                name="rule_verification_says_by_whom",
                violation_error_message=_("Say who verified the rule."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        if not self.family:
            self.family = self.code
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.family:
            self.family = self.code
        overlapping = self.overlapping_rows()
        if overlapping:
            raise ValidationError(
                {
                    "in_force_from": _(
                        "Another enabled row of this family is in force on some of the same "
                        "days: %(codes)s. Close its window first."
                    )
                    % {"codes": ", ".join(r.code for r in overlapping)}
                }
            )

    def overlapping_rows(self) -> list[Rule]:
        """Enabled rows of the same family whose window shares a day with this one's: the
        engine would then have two answers for one fact (it takes the earlier due date)."""
        if not self.enabled:
            return []
        rows = Rule.objects.filter(family=self.family or self.code, enabled=True).exclude(
            pk=self.pk
        )
        if self.in_force_until is not None:
            rows = rows.filter(
                Q(in_force_from__isnull=True) | Q(in_force_from__lte=self.in_force_until)
            )
        if self.in_force_from is not None:
            rows = rows.filter(
                Q(in_force_until__isnull=True) | Q(in_force_until__gte=self.in_force_from)
            )
        return list(rows.order_by("code"))

    def in_force_on(self, day) -> bool:
        return self.to_spec().in_force_on(day)

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
            family=self.family or self.code,
            after_court_levels=frozenset(
                c.strip().lower() for c in self.after_court_levels.split(",") if c.strip()
            ),
            procedures=frozenset(
                c.strip().lower() for c in self.procedures.split(",") if c.strip()
            ),
            first_day_counts=self.first_day_counts,
            ends_at_hour=self.ends_at_hour,
            counting_citation=self.counting_citation,
            in_force_from=self.in_force_from,
            in_force_until=self.in_force_until,
            imminent_period_amount=self.imminent_period_amount,
        )


class RuleVerification(models.Model):
    """One reading of a rule against its source: who, when, where, and the words quoted.

    Recorded through engine.verification.rule_verify, which also sets the rule's confidence
    and source from it. Never edited or deleted: the list is the rule's verification history.
    """

    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("rule")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_title = models.CharField(_("source title"), max_length=300)
    source_date = models.DateField(
        _("source date"),
        null=True,
        blank=True,
        help_text=_("The date of the consolidated text that was read."),
    )
    quoted_words = models.TextField(
        _("quoted words"), help_text=_("The operative words of the law, as read in the source.")
    )
    confidence = models.CharField(
        _("confidence given"),
        max_length=3,
        choices=choices(Confidence, CONFIDENCE_LABELS),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("rule verification")
        verbose_name_plural = _("rule verifications")
        ordering = ["-verified_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_title="") & ~Q(quoted_words=""),
                name="ruleverification_says_source_and_words",
                violation_error_message=_("Name the source and quote its words."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.verified_at:%Y-%m-%d} {self.confidence}"


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
