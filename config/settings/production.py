"""Production: everything secure by default; `manage.py check --deploy` must be clean."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY as _BASE_CSP
from .base import LOGGING as _BASE_LOGGING
from .security import *  # noqa: F403  (idempotent once base.py imports it too)

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:  # noqa: F405
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set in production: at least 50 random characters."
    )
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name this site's host(s).")
# Uploaded documents and evidence packs are encrypted under this key: without it a server
# would start, then fail at the first upload; with a malformed one, at the first read.
# Refused here, at start, with the sentence saying how to make one.
try:
    import base64 as _b64

    _documents_key = _b64.urlsafe_b64decode(DOCUMENTS_KEY) if DOCUMENTS_KEY else b""  # noqa: F405
except ValueError:
    _documents_key = b""
if len(_documents_key) != 32:
    raise ImproperlyConfigured(
        "HAVEN_DOCUMENTS_KEY must be set in production: 32 random bytes in base64, the key "
        "documents are encrypted under (keep it with the backups' passphrase; without it no "
        "stored document opens). Generate one with "
        'python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
    )

# HTTPS only. Behind a TLS-terminating proxy that sets X-Forwarded-Proto; set
# HAVEN_SSL_REDIRECT=false only when the proxy itself redirects.
SECURE_SSL_REDIRECT = os.environ.get("HAVEN_SSL_REDIRECT", "true").lower() == "true"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("HAVEN_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Cookies: HTTPS only, not readable by scripts, not sent on cross-site requests.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-haven-session"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "__Host-haven-csrf"
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
] or [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]  # noqa: F405
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: base's "self only", plus no plugins, no <base> rewriting, and
# every sub-resource over HTTPS.
CONTENT_SECURITY_POLICY = {
    **_BASE_CSP,
    "DIRECTIVES": {
        **_BASE_CSP["DIRECTIVES"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "upgrade-insecure-requests": True,
    },
}

# Errors are logged (through the name-redacting filter), never mailed: a mailed report
# would carry the request and the local variables.
LOGGING = {**_BASE_LOGGING}
ADMINS = []

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
