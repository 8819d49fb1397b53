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
    # The public prefix of the API token the read was made with; blank for a session.
    token_prefix = models.CharField(_("API token"), max_length=16, blank=True)

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


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token: a partner's script acting as its owner, with the owner's roles
    and no more, for reads only or reads and writes, until it expires or is revoked.

    The secret is shown once, when it is made; only its SHA-256 is kept (the secret has 256
    random bits, so a slow password hash would add nothing). The prefix is the token's public
    name: the token pages, the audit and the logs show it, never the secret."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token {self.prefix}"

    def is_live(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ApiTokenUse(models.Model):
    """One request made with an API token: when, which token, the method and the path
    (never the query string, never the secret). Append-only, like the read audit."""

    id = models.BigAutoField(primary_key=True)
    token = models.ForeignKey(
        ApiToken, on_delete=models.PROTECT, related_name="uses", verbose_name=_("token")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)

    class Meta:
        verbose_name = _("use of an API token")
        verbose_name_plural = _("uses of API tokens")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The token audit is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The token audit is append-only.")


def _default_language() -> str:
    return settings.LANGUAGE_CODE


class Profile(models.Model):
    """What a staff member chose for themselves. Without a row, the defaults apply: the
    site's language (accounts.language.language_of)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="haven_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=_default_language,
        help_text=_(
            "The language of Haven's pages after you log in, of your alerts and of the "
            "e-mails Haven sends you."
        ),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"profile of {self.user_id}"
