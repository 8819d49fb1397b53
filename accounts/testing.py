"""Test support: a session exactly like the one a real password + TOTP login leaves."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.test import RequestFactory

from .services import demo_totp_enrol


def login_with_second_factor(client, user):
    """Log `client` in as `user` with the same session allauth writes after a password and
    a TOTP code: the user enrolled, and the authentication records "password" then "mfa".
    The staff-access middleware reads exactly those records."""
    demo_totp_enrol(user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    record_authentication(request, user, "password", username=user.get_username())
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()
    return client
