"""Every staff session must have passed a second factor before it reaches any data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.services import demo_totp_enrol, totp_code
from tests.accounts.helpers import PASSWORD, code_step, lasting_totp_code, password_step

pytestmark = pytest.mark.django_db

HOME = "/"
API = "/api/persons/"


def _methods(client, user) -> list[str]:
    request = RequestFactory().get("/")
    request.session = client.session
    return [r["method"] for r in get_authentication_records(request, user)]


def test_a_password_alone_reaches_no_data(caseworker):
    demo_totp_enrol(caseworker)
    client = Client()
    response = password_step(client, "cw")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get(API).status_code == 403
    assert client.get(HOME)["Location"].startswith("/accounts/login/")
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")


def test_a_logged_in_session_without_the_second_factor_reaches_no_data(admin_user):
    """As if a login had skipped the MFA step (say, a login form that bypasses allauth)."""
    demo_totp_enrol(admin_user)
    client = Client()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    request = RequestFactory().get("/")
    request.session, request.user = session, admin_user
    record_authentication(request, admin_user, "password", username="ad")
    session.save()

    assert client.get(API).status_code == 403
    for page in (HOME, "/admin/", "/admin/casework/person/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_staff_without_a_second_factor_can_only_enrol_then_must_use_it(lawyer):
    client = Client()
    assert password_step(client, "lw").status_code == 302  # logged in: nothing to ask yet
    assert client.get(API).status_code == 403
    assert client.get(HOME)["Location"].startswith(reverse("mfa_activate_totp"))

    # allauth asks for the password again before enrolment, then shows the secret.
    activate = reverse("mfa_activate_totp")
    assert client.get(activate)["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(activate).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(activate, {"code": lasting_totp_code(secret)})
    assert response.status_code == 302

    # Enrolled, but this session has not used the second factor yet: it must, first.
    assert client.get(API).status_code == 403
    assert client.get(HOME)["Location"].startswith(reverse("mfa_reauthenticate"))
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31)):  # a fresh code
        client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})
        assert client.get(API).status_code == 200


def test_password_and_code_reach_the_data(caseworker):
    secret = demo_totp_enrol(caseworker)
    client = Client()
    password_step(client, "cw")
    response = code_step(client, secret)
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert client.get(API).status_code == 200
    assert _methods(client, caseworker) == ["password", "mfa"]


def test_a_wrong_code_does_not_log_in(caseworker):
    secret = demo_totp_enrol(caseworker)
    client = Client()
    password_step(client, "cw")
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert client.get(API).status_code == 403


def test_client_for_gives_the_session_a_real_login_gives(caseworker, client_for):
    client = client_for(caseworker)
    assert _methods(client, caseworker) == ["password", "mfa"]
    assert client.get(API).status_code == 200


def test_the_admin_login_form_is_allauths(admin_user):
    client = Client()
    response = client.get("/admin/login/")
    assert response["Location"].startswith("/accounts/login/")
    response = client.post("/admin/login/", {"username": "ad", "password": "x" * 12})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_demo_enrolment_returns_a_working_secret_once(caseworker):
    secret = demo_totp_enrol(caseworker)
    assert demo_totp_enrol(caseworker) == secret
    assert len(secret) == 32
    client = Client()
    password_step(client, "cw")
    code_step(client, secret)
    assert client.get(API).status_code == 200


def test_an_idle_session_ends(caseworker, client_for, settings):
    with time_machine.travel(datetime(2030, 1, 1, 9, tzinfo=UTC), tick=False) as traveller:
        client = client_for(caseworker)
        assert client.get(HOME).status_code == 200
        traveller.shift(timedelta(seconds=settings.HAVEN_IDLE_SECONDS - 60))
        assert client.get(HOME).status_code == 200
        traveller.shift(timedelta(seconds=settings.HAVEN_IDLE_SECONDS + 1))
        assert client.get(HOME)["Location"].startswith("/accounts/login/")
        assert client.get(API).status_code == 403


def test_a_busy_session_still_ends_after_the_session_age(caseworker, client_for, settings):
    with time_machine.travel(datetime(2030, 1, 1, 9, tzinfo=UTC), tick=False) as traveller:
        client = client_for(caseworker)
        elapsed = 0
        step = settings.HAVEN_IDLE_SECONDS // 2
        while elapsed + step < settings.SESSION_COOKIE_AGE:
            traveller.shift(timedelta(seconds=step))
            elapsed += step
            assert client.get(HOME).status_code == 200
        traveller.shift(timedelta(seconds=step + 1))
        assert client.get(HOME)["Location"].startswith("/accounts/login/")
