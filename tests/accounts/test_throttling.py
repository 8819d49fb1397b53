"""Login throttling: per (username, client IP), for HAVEN_LOCKOUT_SECONDS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from tests.accounts.helpers import password_step

pytestmark = pytest.mark.django_db

ATTACKER, OFFICE = "198.51.100.7", "203.0.113.20"
LOCKED = "Too many failed login attempts"


def _logged_in_or_at_second_step(response) -> bool:
    return response.status_code == 302


def test_the_attempt_after_n_wrong_passwords_is_refused_even_with_the_right_one(
    caseworker, settings
):
    attempts = settings.HAVEN_LOCKOUT_ATTEMPTS
    with time_machine.travel(datetime(2030, 1, 1, 9, tzinfo=UTC), tick=False) as traveller:
        client = Client()
        for _ in range(attempts):
            response = password_step(client, "cw", "wrong password!", ip=ATTACKER)
            assert response.status_code == 200
            assert LOCKED not in response.content.decode()

        response = password_step(client, "cw", ip=ATTACKER)
        assert response.status_code == 200
        assert LOCKED in response.content.decode()
        assert "_auth_user_id" not in client.session

        traveller.shift(timedelta(seconds=settings.HAVEN_LOCKOUT_SECONDS - 1))
        assert LOCKED in password_step(Client(), "cw", ip=ATTACKER).content.decode()

        traveller.shift(timedelta(seconds=2))
        assert _logged_in_or_at_second_step(password_step(Client(), "cw", ip=ATTACKER))


def test_the_lock_out_does_not_keep_the_real_user_out(caseworker, lawyer, settings):
    for _ in range(settings.HAVEN_LOCKOUT_ATTEMPTS + 2):
        password_step(Client(), "cw", "wrong password!", ip=ATTACKER)
    # The same account from the office, and another account from the attacker's address.
    assert _logged_in_or_at_second_step(password_step(Client(), "cw", ip=OFFICE))
    assert _logged_in_or_at_second_step(password_step(Client(), "lw", ip=ATTACKER))


def test_a_successful_login_does_not_reset_the_count(caseworker, settings):
    """allauth rolls back only the successful attempt: an attacker who knows one password
    cannot interleave it to keep guessing another's."""
    client = Client()
    for _ in range(settings.HAVEN_LOCKOUT_ATTEMPTS - 1):
        password_step(client, "cw", "wrong password!", ip=ATTACKER)
    assert _logged_in_or_at_second_step(password_step(Client(), "cw", ip=ATTACKER))
    password_step(Client(), "cw", "wrong password!", ip=ATTACKER)
    assert LOCKED in password_step(Client(), "cw", ip=ATTACKER).content.decode()
