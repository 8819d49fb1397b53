"""The user's own API token pages: list, create (after re-entering the second factor), revoke.

The new token's text is in the one response that creates it, marked not to be cached, and
nowhere else: not in the session, the database, a URL or a log."""

from __future__ import annotations

import time
from functools import wraps

from allauth.account.authentication import get_authentication_records
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .api_tokens import EXPIRY_DAYS, api_token_create, api_token_revoke
from .models import ApiToken, TokenScope
from .roles import STAFF_ROLES, user_roles

# How long after re-entering the second factor a token may be made.
REAUTHENTICATION_SECONDS = 300


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. a partner's script."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices, initial=TokenScope.READ)
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        initial=30,
        choices=[(d, ngettext_lazy("%(n)d day", "%(n)d days", d) % {"n": d}) for d in EXPIRY_DAYS],
    )


def staff_only(view):
    """Defence in depth behind the staff-access middleware: a staff role, or 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_roles(request.user) & STAFF_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def second_factor_reentered(request) -> bool:
    """True when the user re-entered their second factor (allauth's MFA re-authentication)
    in this session within the last REAUTHENTICATION_SECONDS."""
    now = time.time()
    return any(
        record.get("method") == "mfa"
        and record.get("reauthenticated")
        and now - record.get("at", 0) < REAUTHENTICATION_SECONDS
        for record in get_authentication_records(request, request.user)
    )


@staff_only
@never_cache
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "now": timezone.now()})


@staff_only
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    if not second_factor_reentered(request):
        here = reverse("api_tokens:create")
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': here})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, text = api_token_create(user=request.user, **form.cleaned_data)
        response = render(request, "accounts/token_created.html", {"token": token, "text": text})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/token_form.html", {"form": form})


@staff_only
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("Token %(prefix)s revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens:list")
