"""Personal API tokens: made, checked, refused, throttled and audited here.

A token reads `hvn_<prefix>_<secret>`. It is sent as `Authorization: Bearer <token>` to
the API only (accounts.middleware lets a valid one through for /api/ and DRF views, never
for a page). It authenticates as its owner, so it carries the owner's roles and nothing
more; a read-only token is refused any method but GET, HEAD and OPTIONS; an expired or
revoked token, or one whose owner is inactive or holds no staff role, is refused.

Every request made with a token writes one ApiTokenUse row, and the reads of restricted
records it makes are written to the read audit as a session's are, with the token's prefix.
The secret is never logged: only the prefix leaves this module.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken, ApiTokenUse, TokenScope
from .roles import STAFF_ROLES, user_roles

KEYWORD = "Bearer"
TOKEN_PATTERN = re.compile(r"hvn_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
EXPIRY_DAYS = (7, 30, 90, 365)

# The token of the request being served, for the read audit (accounts.audit.record_read)
# and the throttle; set by the staff-access middleware and cleared after the response.
current_token: ContextVar[ApiToken | None] = ContextVar("haven_api_token", default=None)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, scope: str, expires_in_days: int) -> tuple[ApiToken, str]:
    """A new token of `user` and its full text, which is not kept anywhere: show it once."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if expires_in_days not in EXPIRY_DAYS:
        raise ValueError(f"expiry must be one of {EXPIRY_DAYS} days")
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return token, f"hvn_{prefix}_{secret}"


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke at once and for good; revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def bearer_credentials(request) -> str | None:
    """The text after `Bearer ` in the Authorization header, or None without one."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _sep, value = header.partition(" ")
    if keyword.lower() != KEYWORD.lower():
        return None
    return value.strip()


def token_user(credentials: str, *, now=None) -> tuple:
    """(user, token) for valid credentials; raises AuthenticationFailed otherwise. The
    message never repeats the credentials."""
    match = TOKEN_PATTERN.fullmatch(credentials)
    if match is None:
        raise exceptions.AuthenticationFailed(_("Invalid API token."))
    prefix, secret = match.groups()
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        raise exceptions.AuthenticationFailed(_("Invalid API token."))
    now = now or timezone.now()
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed(_("This API token has been revoked."))
    if now >= token.expires_at:
        raise exceptions.AuthenticationFailed(_("This API token has expired."))
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    return token.user, token


def refusal(request, user, token: ApiToken) -> str | None:
    """Why an authenticated token may not make this request, or None: its owner has no staff
    role, or the token is read-only and the method writes."""
    if not user_roles(user) & STAFF_ROLES:
        return str(_("You do not have permission to perform this action."))
    if token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
        return str(_("This API token may only read."))
    return None


def record_use(*, token: ApiToken, request) -> None:
    """One audit row per request, and the token's last use (at most once a minute)."""
    now = timezone.now()
    ApiTokenUse.objects.create(
        token=token, method=request.method[:10], path=request.path.split("?", 1)[0][:300]
    )
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class ApiTokenAuthentication(BaseAuthentication):
    """DRF authentication by personal API token (`Authorization: Bearer hvn_...`).

    The staff-access middleware has already checked the token for every API request that
    carries one and left the answer on the request; this class hands it to DRF (or checks
    the token itself when the middleware did not run)."""

    def authenticate(self, request):
        django_request = getattr(request, "_request", request)
        checked = getattr(django_request, "_haven_token_auth", None)
        if checked is not None:
            return checked
        credentials = bearer_credentials(django_request)
        if credentials is None:
            return None
        user, token = token_user(credentials)
        why = refusal(django_request, user, token)
        if why:
            raise exceptions.PermissionDenied(why)
        return user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Requests per token (HAVEN_API_TOKEN_RATE, e.g. "120/min"); sessions are not counted
    here: one person at a browser is not a script."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema's description of the token scheme (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hvn_<prefix>_<secret>",
            "description": (
                "A personal API token made on the API tokens page (after the second factor). "
                "It acts as its owner, with the owner's roles; a read-only token may only "
                "GET. Rate-limited per token: "
                f"{settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['api_token']}."
            ),
        }
