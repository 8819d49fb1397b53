"""Urgent actions, the officials they are addressed to, and the letters supporters send.

An urgent action (UA) is numbered per year ("129/10" is the 129th of 2010); its updates keep
the number and count up (`update_number`), with `parent` pointing at the original. The number
of an original is given when it is issued, so abandoned drafts do not burn numbers.
Transitions are made only by advocacy.services, which enforces who may make them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Record  # the same opaque-id base as the case record

LANGUAGE_NAMES = {
    "en": _("English"),
    "ru": _("Russian"),
    "kk": _("Kazakh"),
    "ky": _("Kyrgyz"),
    "uz": _("Uzbek"),
    "tg": _("Tajik"),
    "tr": _("Turkish"),
    "fr": _("French"),
    "de": _("German"),
    "es": _("Spanish"),
}


class AuthorityRole(models.TextChoices):
    RECIPIENT = "recipient", _("Recipient")
    COPY = "copy", _("Copy")


class UrgentActionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    ISSUED = "issued", _("Issued")
    UPDATED = "updated", _("Superseded by an update")
    CLOSED = "closed", _("Closed")


class LetterStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")
    ANSWERED = "answered", _("Answered")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Authority(Record):
    """An official in the directory. Public officials at public addresses only."""

    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code."))
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    title = models.CharField(
        _("title"), max_length=200, help_text=_("The heading, e.g. 'Prosecutor General'.")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    fax = models.CharField(_("fax"), max_length=100, blank=True)
    email = models.CharField(
        _("e-mail"), max_length=300, blank=True, help_text=_("Several separated by ';'.")
    )
    salutation = models.CharField(_("salutation"), max_length=200)
    salutation_translations = models.JSONField(
        _("salutation in other languages"),
        default=dict,
        blank=True,
        help_text=_('By language code, e.g. {"ru": "Уважаемый господин Президент!"}.'),
    )
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("Comma-separated codes: kk, ru.")
    )
    default_role = models.CharField(
        _("usually"), max_length=10, choices=AuthorityRole.choices, default=AuthorityRole.RECIPIENT
    )
    rank = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower comes first in an urgent action.")
    )
    is_active = models.BooleanField(_("in office"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["country", "rank", "title"]
        constraints = [
            models.UniqueConstraint(fields=["country", "title", "name"], name="authority_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.country})"

    @property
    def emails(self) -> list[str]:
        return [e.strip() for e in self.email.replace(",", ";").split(";") if e.strip()]

    @property
    def language_codes(self) -> list[str]:
        return [c.strip() for c in self.languages.split(",") if c.strip()]

    def salutation_in(self, language: str) -> str:
        return self.salutation_translations.get(language) or self.salutation


class UrgentAction(Record):
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    update_number = models.PositiveSmallIntegerField(_("update"), default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("update of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=UrgentActionStatus.choices,
        default=UrgentActionStatus.DRAFT,
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    send_before = models.DateField(_("send appeals before"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    languages = models.JSONField(
        _("languages to write in"), default=list, blank=True, help_text=_('e.g. ["kk", "ru"]')
    )
    asks = models.JSONField(_("asks"), default=list, blank=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('Per language: {"ru": {"title": "...", "asks": ["..."]}}; used in letters.'),
    )
    diplomatic_copies = models.BooleanField(
        _("also send copies to diplomatic representatives"), default=True
    )
    cosigners = models.JSONField(_("co-signing organisations"), default=list, blank=True)
    additional_information = models.TextField(_("additional information"), blank=True)
    further_information = models.URLField(_("further information"), blank=True)
    persons = models.ManyToManyField(
        "casework.Person", verbose_name=_("persons"), related_name="urgent_actions", blank=True
    )
    groups = models.ManyToManyField(
        "casework.Group", verbose_name=_("groups"), related_name="urgent_actions", blank=True
    )
    authorities = models.ManyToManyField(
        Authority, through="UrgentActionRecipient", related_name="urgent_actions", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(_("document"), upload_to="urgent-actions/", blank=True)
    history = HistoricalRecords(m2m_fields=[persons, groups])

    class Meta:
        verbose_name = _("urgent action")
        verbose_name_plural = _("urgent actions")
        ordering = ["-year", "-number", "-update_number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "year", "update_number"],
                name="urgentaction_unique_number",
                violation_error_message=_("This UA number and update already exist."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, update_number=0)
                | Q(parent__isnull=False, update_number__gt=0),
                name="urgentaction_update_has_parent",
                violation_error_message=_("An update has a parent; an original has none."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review"])
                | Q(issued_on__isnull=False, number__isnull=False, year__isnull=False),
                name="urgentaction_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"UA {self.reference}" if self.number else f"UA draft {str(self.id)[:8]}"

    @property
    def reference(self) -> str:
        """'129/10': number and two-digit year, as urgent actions are cited."""
        if self.number is None or self.year is None:
            return ""
        return f"{self.number}/{self.year % 100:02d}"

    @property
    def root(self) -> UrgentAction:
        return self.parent or self

    @property
    def update_line(self) -> str:
        """'This is the 3rd update of UA 129/10.' (empty for an original)."""
        if not self.update_number:
            return ""
        return _("This is the %(nth)s update of UA %(ref)s.") % {
            "nth": ordinal(self.update_number),
            "ref": self.root.reference,
        }


def ordinal(n: int) -> str:
    """'3rd' in English, '3-е' in Russian (for the neuter 'обновление'), '3.' otherwise."""
    from django.utils.translation import get_language

    language = (get_language() or "en").split("-")[0]
    if language == "en":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if language == "ru":
        return f"{n}-е"
    return f"{n}."


class UrgentActionRecipient(Record):
    urgent_action = models.ForeignKey(
        UrgentAction, on_delete=models.CASCADE, related_name="recipients"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("role"), max_length=10, choices=AuthorityRole.choices, default=AuthorityRole.RECIPIENT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["urgent_action", "authority"], name="uarecipient_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.urgent_action} -> {self.authority} ({self.role})"


class LetterTemplate(Record):
    """An appeal letter in one language. Rendered in a sandbox (advocacy.letters): the
    template sees only the plain values given to it, never a database object."""

    DEFAULT_NAME = "appeal"

    language = models.CharField(_("language"), max_length=8)
    name = models.CharField(_("name"), max_length=100, default=DEFAULT_NAME)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["language", "name"], name="lettertemplate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def clean(self):
        from .letters import validate_template

        validate_template(self.subject, self.body)


def _letter_upload(instance: Letter, filename: str) -> str:
    # Opaque ids only: paths end up in URLs and logs.
    return f"letters/{instance.urgent_action_id}/{instance.id}.pdf"


class Letter(Record):
    urgent_action = models.ForeignKey(
        UrgentAction, on_delete=models.CASCADE, related_name="letters"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="letters")
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFTED
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text_body = models.TextField(_("text"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_letter_upload, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    failure_reason = models.TextField(_("why sending failed"), blank=True)
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    answer_file = models.FileField(_("answer (file)"), upload_to="letter-answers/", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["urgent_action", "authority__rank", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["urgent_action", "authority", "language"], name="letter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"letter {self.language} {self.id}"


class LetterBatch(Record):
    """One run of bulk generation; its counters are the progress bar."""

    urgent_action = models.ForeignKey(
        UrgentAction, on_delete=models.CASCADE, related_name="batches"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    total = models.PositiveIntegerField(_("letters"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    generated = models.PositiveIntegerField(_("generated"), default=0)
    skipped = models.PositiveIntegerField(_("already current"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.id}"

    @property
    def percent(self) -> int:
        if not self.total:
            # Nothing to do is done; a batch not yet counted has not started.
            return 100 if self.status == BatchStatus.DONE else 0
        return int(100 * self.done / self.total)


class ConsentConfirmation(models.Model):
    """A coordinator's word that a phrase the consent gate stopped on, in one urgent action,
    names someone other than the person it matched (an official, a namesake). For that
    action only; who and when are kept. The gate recall-first: it stops on a borderline
    spelling, and this is how a human lets it through."""

    urgent_action = models.ForeignKey(
        UrgentAction, on_delete=models.CASCADE, related_name="consent_confirmations"
    )
    person = models.ForeignKey("casework.Person", on_delete=models.CASCADE, related_name="+")
    phrase = models.CharField(_("phrase"), max_length=300)
    phrase_key = models.CharField(max_length=300, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent confirmation")
        verbose_name_plural = _("consent confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["urgent_action", "person", "phrase_key"],
                name="consentconfirmation_once_per_phrase",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.case_number} is not named in UA {self.urgent_action_id}"
