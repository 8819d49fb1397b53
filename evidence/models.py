"""Evidence packs: one PDF and one ZIP of annexes for a request to a treaty body or the ECtHR,
built by a task whose counters are the progress bar. Both files are stored encrypted like
documents (documents/crypto.py) and read only through the gate: a pack is as restricted as
its person."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import Person, Record


class PackBody(models.TextChoices):
    CAT = "cat", _("UN Committee against Torture")
    HRC = "hrc", _("UN Human Rights Committee")
    ECTHR = "ecthr", _("European Court of Human Rights (Rule 39)")


class PackStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class EvidencePack(Record):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="evidence_packs", verbose_name=_("person")
    )
    body = models.CharField(_("for"), max_length=5, choices=PackBody.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PackStatus.choices, default=PackStatus.PENDING
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The annexes as numbered in the PDF and named in the ZIP: [{number, document, name}].
    annexes = models.JSONField(default=list, blank=True)
    pdf_storage = models.CharField(max_length=100, blank=True, editable=False)
    zip_storage = models.CharField(max_length=100, blank=True, editable=False)
    pdf_key = models.BinaryField(null=True, editable=False)
    zip_key = models.BinaryField(null=True, editable=False)
    key_id = models.CharField(max_length=16, blank=True, editable=False)
    pdf_size = models.PositiveBigIntegerField(default=0)
    zip_size = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="evidencepack_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} pack {self.body} {self.created_at:%Y-%m-%d}"

    @property
    def percent(self) -> int:
        if self.status == PackStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def path(self, which: str) -> Path:
        return Path(settings.DOCUMENTS_ROOT) / getattr(self, f"{which}_storage")

    @property
    def is_finished(self) -> bool:
        return self.status in (PackStatus.DONE, PackStatus.FAILED)
