import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class EngineConfig(AppConfig):
    name = "engine"
    verbose_name = _("Deadline engine")

    def ready(self):
        # The engine listens to casework and advocacy; they never import the engine.
        from . import signals

        signals.connect()
        post_migrate.connect(_sync_lawbook, sender=self, dispatch_uid="engine.lawbook.sync")


def _sync_lawbook(sender, using="default", plan=None, **kwargs):
    """After every migrate: the lawbook's rules into the Rule table (engine.lawbook.sync),
    leaving alone what an admin edited. Skipped when migrating backwards."""
    if plan and all(backwards for _, backwards in plan):
        return
    from django.db import connections

    from . import lawbook
    from .models import Rule

    connection = connections[using]
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "engine_rule")
        }
    if not {f.column for f in Rule._meta.concrete_fields} <= columns:
        return  # migrated to a point before the lawbook's fields exist

    report = lawbook.sync()
    if report.created or report.updated or report.kept_admin_edit:
        for line in report.lines():
            log.info("engine.lawbook: %s", line)
