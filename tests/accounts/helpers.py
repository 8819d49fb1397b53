import time

from allauth.mfa import app_settings
from django.urls import reverse

from accounts.services import totp_code

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password


def password_step(client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": username, "password": password}, REMOTE_ADDR=ip
    )


def lasting_totp_code(secret: str, *, seconds: float = 3.0) -> str:
    """The current code of `secret`, once its window has at least `seconds` left.

    allauth accepts the current window's code only (MFA_TOTP_TOLERANCE is 0): a code made
    just before a window ends and checked just after is refused, as it should be, and a test
    that made it would fail one run in a few hundred for no fault of the code under test."""
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < seconds:
        time.sleep(left + 0.05)
    return totp_code(secret)


def code_step(client, secret: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("mfa_authenticate"), {"code": lasting_totp_code(secret)}, REMOTE_ADDR=ip
    )
