"""The staff-access gate in front of every view.

In order, for every request that resolves to a view:
1. a session older than SESSION_COOKIE_AGE since login, or idle for HAVEN_IDLE_SECONDS,
   is logged out;
2. an anonymous visitor reaches only PUBLIC_ROUTES (pages redirect to the login, the API
   answers 403);
3. a signed-in account must have a second factor enrolled (else: enrolment only) and must
   have used it in this session (else: the MFA step only). "Used it" is read from allauth's
   own authentication records, which its MFA views write when a code or key is accepted;
4. an account without a staff role reaches only its own login settings (403).

An API request (only) may instead carry a personal API token (`Authorization: Bearer ...`,
accounts.api_tokens): the token stands for the session and its second factor, made as it was
after the owner re-entered theirs. It is checked here, before the view: an invalid, expired
or revoked token is a 401; an owner without a staff role, or a read-only token on a write, a
403. A page never accepts a token: it is a redirect to the login as without one.

The answers to 3 and 4, and the permissions the views ask about, come from accounts.authz:
cached between requests, read again after any change to who holds what.

Which rows a staff member may see is decided further in, by casework.access and the views.
The lists are in accounts/public_routes.py; tests/test_url_walk.py proves them.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.views import APIView

from . import authz
from .api_tokens import bearer_credentials, current_token, record_use, refusal, token_user
from .public_routes import (
    CHALLENGE_ROUTES,
    ENROLMENT_ROUTES,
    PUBLIC_PATH_PREFIXES,
    is_public,
    is_self_service,
)
from .roles import STAFF_ROLES, user_roles

LAST_SEEN_SESSION_KEY = "haven_last_seen"
# Write the idle stamp at most this often: one session save per minute, not per request.
LAST_SEEN_RESOLUTION = 60


def second_factor_passed(request, user) -> bool:
    """True when allauth recorded, in this session and for this user, a second factor: a
    TOTP code, a recovery code or a security key, at login or at a re-authentication."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def session_expired(request, user, *, now: float) -> bool:
    """Absolute limit from the first authentication of the session; idle limit from the
    last request. Records the request as activity when it is not expired."""
    records = get_authentication_records(request, user)
    started = min((r.get("at", now) for r in records), default=None)
    if started is not None and now - started > settings.SESSION_COOKIE_AGE:
        return True
    idle_limit = getattr(settings, "HAVEN_IDLE_SECONDS", 30 * 60)
    last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
    if last_seen is not None and now - last_seen > idle_limit:
        return True
    if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
        request.session[LAST_SEEN_SESSION_KEY] = int(now)
    return False


def _is_api(request, view_func) -> bool:
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return request.path_info.startswith("/api/") or (
        isinstance(view_class, type) and issubclass(view_class, APIView)
    )


def _redirect(request, url_name: str) -> HttpResponse:
    # Only the path goes into `next`: a query string may hold a searched name.
    url = f"{resolve_url(url_name)}?{urlencode({'next': request.path})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _refuse_api(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=403)


def _token_gate(request, credentials: str) -> HttpResponse | None:
    try:
        user, token = token_user(credentials)
    except AuthenticationFailed as refused:
        response = JsonResponse({"detail": str(refused.detail)}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    authz.load(user)
    record_use(token=token, request=request)
    why = refusal(request, user, token)
    if why:
        return _refuse_api(why)
    request.user = user
    request._haven_token_auth = (user, token)
    current_token.set(token)
    return None


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The token of this request is known to the read audit for this request only.
        reset = current_token.set(None)
        try:
            return self.get_response(request)
        finally:
            current_token.reset(reset)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if request.path_info.startswith(PUBLIC_PATH_PREFIXES):
            return None
        user = request.user
        if user.is_authenticated and session_expired(request, user, now=time.time()):
            logout(request)
            user = request.user
        if is_public(view_name):
            return None
        api = _is_api(request, view_func)
        credentials = bearer_credentials(request) if api else None
        if credentials is not None:
            return _token_gate(request, credentials)
        if not user.is_authenticated:
            if api:
                return _refuse_api("Authentication credentials were not provided.")
            return _redirect(request, settings.LOGIN_URL)
        # Roles, second factor and permissions, from the cache when nothing changed since.
        authz.load(user)
        if not authz.mfa_enabled(user):
            if view_name in ENROLMENT_ROUTES:
                return None
            if api:
                return _refuse_api("Two-factor authentication must be set up first.")
            return _redirect(request, "mfa_activate_totp")
        if not second_factor_passed(request, user):
            if view_name in CHALLENGE_ROUTES:
                return None
            if api:
                return _refuse_api("Two-factor authentication is required.")
            return _redirect(request, "mfa_reauthenticate")
        if is_self_service(view_name) or user_roles(user) & STAFF_ROLES:
            return None
        if api:
            return _refuse_api("You do not have permission to perform this action.")
        raise PermissionDenied
