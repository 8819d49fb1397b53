import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = _("Advocacy")

    def ready(self):
        # WeasyPrint's font subsetter logs a dozen INFO lines per PDF: thousands per batch.
        for name in ("fontTools", "weasyprint"):
            logging.getLogger(name).setLevel(logging.WARNING)
