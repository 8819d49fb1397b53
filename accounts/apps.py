from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from . import api_tokens, authz  # noqa: F401 - api_tokens: its OpenAPI extension
        from .logging import install_on_server_loggers
        from .roles import sync_role_permissions

        install_on_server_loggers()
        post_migrate.connect(sync_role_permissions, dispatch_uid="haven_sync_role_permissions")
        authz.connect()
