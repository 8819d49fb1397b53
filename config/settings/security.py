"""Staff security settings: the cache behind login throttling, the lock-out, the second
factor, session limits. Imported at the end of base.py, so it may read and extend what base
defines (MIDDLEWARE, REDIS_URL, VAR_DIR); production.py imports it too, which is harmless
because every name here is computed once.

Why each value is what it is:
- Lock-out is per (username, client IP): an attacker who hammers one account from one
  address locks only that pair, so the real user at another address still gets in, and an
  attacker cannot lock everybody out by spraying usernames (the per-IP limit stops them).
- Throttle state lives in the cache: Redis when REDIS_URL is set (shared by every web
  worker); otherwise a file cache under var/, shared by the processes of one machine. A
  per-process memory cache would multiply the allowed attempts by the number of workers.
"""

import os

from .base import MIDDLEWARE as _BASE_MIDDLEWARE
from .base import REDIS_URL as _REDIS_URL
from .base import VAR_DIR as _VAR_DIR

__all__ = [
    "ACCOUNT_LOGIN_ON_PASSWORD_RESET",
    "ACCOUNT_RATE_LIMITS",
    "ACCOUNT_REAUTHENTICATION_TIMEOUT",
    "ALLAUTH_TRUSTED_PROXY_COUNT",
    "CACHES",
    "HAVEN_IDLE_SECONDS",
    "HAVEN_LOCKOUT_ATTEMPTS",
    "HAVEN_LOCKOUT_SECONDS",
    "MFA_PASSKEY_LOGIN_ENABLED",
    "MFA_SUPPORTED_TYPES",
    "MFA_TOTP_ISSUER",
    "MFA_TRUST_ENABLED",
    "MIDDLEWARE",
]

_cache_url = os.environ.get("HAVEN_CACHE_URL") or _REDIS_URL
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "haven",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(_VAR_DIR / "cache"),
            "KEY_PREFIX": "haven",
        }
    }

# Wrong passwords allowed per (username, IP) within the window; the next attempt is refused,
# even with the right password, until the oldest failure is older than the window.
HAVEN_LOCKOUT_ATTEMPTS = int(os.environ.get("HAVEN_LOCKOUT_ATTEMPTS", 5))
HAVEN_LOCKOUT_SECONDS = int(os.environ.get("HAVEN_LOCKOUT_SECONDS", 15 * 60))
ACCOUNT_RATE_LIMITS = {
    # "key" is (username, IP): see accounts.adapter.StaffOnlyAccountAdapter. The per-IP
    # limit stops one address from trying many usernames.
    "login_failed": f"20/10m/ip,{HAVEN_LOCKOUT_ATTEMPTS}/{HAVEN_LOCKOUT_SECONDS}s/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,3/10m/key",
    "reset_password_from_key": "20/m/ip",
}
# Behind a reverse proxy the client IP is in X-Forwarded-For: say how many proxies to trust,
# or every client shares the proxy's address and the lock-out becomes per username.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("HAVEN_TRUSTED_PROXY_COUNT", 0))
# A reset link proves the e-mail, not the second factor: log in again, with the code.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300

# Second factor: TOTP with recovery codes, and security keys (WebAuthn) as a second factor
# only. Passkey (password-less) login and "trust this browser" stay off: every session of
# every staff account passes a second factor (accounts.middleware checks it).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False
MFA_TOTP_ISSUER = os.environ.get("HAVEN_TOTP_ISSUER", "Haven")

# Sessions end after SESSION_COOKIE_AGE from login (base: 8 h) and after this long idle.
HAVEN_IDLE_SECONDS = int(os.environ.get("HAVEN_IDLE_SECONDS", 30 * 60))

# The staff-access middleware needs the user (AuthenticationMiddleware) and allauth's
# request context (AccountMiddleware): it goes right after them.
_GATE = "accounts.middleware.StaffAccessMiddleware"
if _GATE in _BASE_MIDDLEWARE:
    MIDDLEWARE = list(_BASE_MIDDLEWARE)
else:
    _after = _BASE_MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1
    MIDDLEWARE = [*_BASE_MIDDLEWARE[:_after], _GATE, *_BASE_MIDDLEWARE[_after:]]
