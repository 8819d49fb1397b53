from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngineConfig(AppConfig):
    name = "engine"
    verbose_name = _("Deadline engine")

    def ready(self):
        # The engine listens to casework and advocacy; they never import the engine.
        from . import signals

        signals.connect()
