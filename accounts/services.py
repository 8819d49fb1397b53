"""Services for staff accounts: second-factor enrolment outside the browser (demo users,
tests) and nothing else. Enrolment by staff themselves goes through allauth's pages."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.db import transaction


@transaction.atomic
def demo_totp_enrol(user) -> str:
    """Give `user` a TOTP authenticator (and recovery codes, as allauth's own enrolment
    does) and return the base32 secret, for the demo's run command to print so the demo
    users can be added to an authenticator app. Enrolling twice keeps the first secret."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The current six-digit code for `secret` (for tests and the demo's printout)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
