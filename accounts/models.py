"""The read audit: every read of a restricted person's record is kept here. Append-only:
the admin shows it read-only, and the model refuses updates and deletes."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadAudit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    person_id = models.UUIDField(_("person"), db_index=True)
    record_type = models.CharField(_("record type"), max_length=50)
    record_id = models.UUIDField(_("record"))
    channel = models.CharField(_("channel"), max_length=20)  # page, api, export, feed, admin
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("read of a restricted record")
        verbose_name_plural = _("reads of restricted records")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} read {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The read audit is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The read audit is append-only.")
