"""Documents: files attached to a person and, optionally, to one of the person's facts.

A document is as restricted as its person (casework.access reads it through `person`). The
bytes live encrypted outside MEDIA_ROOT (documents/crypto.py, settings.DOCUMENTS_ROOT); the
row holds the file's wrapped key. Deleting a document removes the file and keeps its history
row (django-simple-history: that it existed, and who deleted it, when).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Person, Record


class DocumentKind(models.TextChoices):
    COURT_DECISION = "court_decision", _("Court decision")
    PROSECUTOR_DECISION = "prosecutor_decision", _("Prosecutor's decision")
    MEDICAL_REPORT = "medical_report", _("Medical report")
    LETTER = "letter", _("Letter")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class FactKind(models.TextChoices):
    """The facts a document can be attached to: the casework model and its path to a person."""

    EXTRADITION_REQUEST = "extraditionrequest", _("extradition request")
    ASYLUM_CLAIM = "asylumclaim", _("asylum claim")
    REMOVAL_ORDER = "removalorder", _("removal order")
    APPEAL = "appeal", _("appeal")
    DETENTION = "detention", _("detention")
    WELFARE_CHECK = "welfarecheck", _("welfare check")
    INTERIM_MEASURE = "interimmeasure", _("interim measure")
    POST_RETURN_REPORT = "postreturnreport", _("post-return report")


def fact_model(kind: str):
    from django.apps import apps

    if kind not in FactKind.values:
        return None
    return apps.get_model("casework", kind)


class Document(Record):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="documents", verbose_name=_("person")
    )
    fact_kind = models.CharField(
        _("attached to"), max_length=20, choices=FactKind.choices, blank=True
    )
    fact_id = models.UUIDField(_("fact"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    dated_on = models.DateField(_("date of the document"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("E.g. ru, kk, uz, en.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    # Where the encrypted bytes are, relative to DOCUMENTS_ROOT: random, says nothing.
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    wrapped_key = models.BinaryField(editable=False)
    key_id = models.CharField(max_length=16, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # The history keeps that a document existed and who changed or deleted it, not its key:
    # old wrappings left in history rows would still open the file under a retired key.
    history = HistoricalRecords(excluded_fields=["wrapped_key"])

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["dated_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(fact_kind="") & Q(fact_id__isnull=True))
                | (~Q(fact_kind="") & Q(fact_id__isnull=False)),
                name="document_fact_kind_and_id_together",
                violation_error_message=_("A document's fact needs both its kind and its id."),
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
        ]
        indexes = [models.Index(fields=["fact_kind", "fact_id"], name="document_fact")]

    def __str__(self) -> str:
        # Never the file name: it may hold a person's name.
        return f"{self.person} document {self.pk}"

    @property
    def path(self) -> Path:
        return Path(settings.DOCUMENTS_ROOT) / self.storage_name

    @property
    def fact(self):
        model = fact_model(self.fact_kind)
        if model is None or self.fact_id is None:
            return None
        return model._default_manager.filter(pk=self.fact_id).first()
