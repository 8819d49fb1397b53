"""The one setting of the public statistics: the smallest count that may be published."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_THRESHOLD = 5


class StatisticsSettings(models.Model):
    """A single row, edited by an admin. Counts from 1 to threshold - 1 are suppressed in the
    public export (and enough others beside them that no total gives one back)."""

    suppression_threshold = models.PositiveSmallIntegerField(
        _("suppress counts below"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(2)],
        help_text=_("Counts from 1 up to this number minus one are not published."),
    )

    class Meta:
        verbose_name = _("statistics settings")
        verbose_name_plural = _("statistics settings")

    def __str__(self) -> str:
        return str(_("Statistics settings"))

    @classmethod
    def threshold(cls) -> int:
        row = cls.objects.first()
        return row.suppression_threshold if row else DEFAULT_THRESHOLD
