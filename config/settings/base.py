"""Settings shared by every environment. Everything that differs between machines comes
from the environment; the defaults are the embedded ones (SQLite, filesystem broker) so that
a newcomer can run Haven with nothing installed but Python."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HAVEN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "casework",
    "engine",
    "advocacy",
    "ops",
    "documents",
    "evidence",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "engine.context_processors.unread_alerts",
                "config.context_processors.nav",
            ],
        },
    },
]

# Embedded default: a SQLite file under var/. DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'haven.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request uses it: one PostgreSQL restarted or
        # cut costs a reconnect, not an error page.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("HAVEN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("HAVEN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly: generated letters are fetched through views
# Uploaded documents and evidence packs: encrypted files outside MEDIA_ROOT (no URL maps to
# them), read only through documents.views. The key wraps each file's own key (documents/crypto.py).
DOCUMENTS_ROOT = Path(os.environ.get("HAVEN_DOCUMENTS_ROOT", VAR_DIR / "documents"))
DOCUMENTS_KEY = os.environ.get("HAVEN_DOCUMENTS_KEY", "")
# During a key rotation: the previous keys, comma-separated, until `documents_rekey` has run.
DOCUMENTS_OLD_KEYS = [k for k in os.environ.get("HAVEN_DOCUMENTS_OLD_KEYS", "").split(",") if k]
DOCUMENTS_MAX_BYTES = int(os.environ.get("HAVEN_DOCUMENTS_MAX_BYTES", 25 * 1024 * 1024))

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = int(os.environ.get("HAVEN_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# allauth: username login, no open sign-up (staff accounts are made by admins).
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "accounts.adapter.StaffOnlyAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal API tokens (API only; accounts/api_tokens.py), then the browser session.
        "accounts.api_tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per API token; a session's requests are not counted (the throttle skips them).
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api_tokens.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": os.environ.get("HAVEN_API_TOKEN_RATE", "120/min")},
    # Default deny: every endpoint needs an authenticated user; views narrow further.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Haven API",
    "DESCRIPTION": "Case record, deadlines, return risk and urgent actions.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: no CDN, so the CSP can stay "self".
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Three models have a `status` field with different choices, and Consent and
    # DatePrecision are shared by several fields: name them once.
    "ENUM_NAME_OVERRIDES": {
        "PersonStatusEnum": "casework.models.PersonStatus",
        "ExtraditionStatusEnum": "casework.models.ExtraditionStatus",
        "InterimStatusEnum": "casework.models.InterimStatus",
        "YesNoUnknownEnum": "casework.models.Consent",
        "DatePrecisionEnum": "casework.models.DatePrecision",
        "AuthorityRoleEnum": "advocacy.models.AuthorityRole",
    },
}

# Celery. REDIS_URL switches from the embedded filesystem broker to Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task whose worker died unacknowledged comes back after this long. Longer than the
        # longest task (a letter batch), shorter than the sweep interval.
        "visibility_timeout": int(os.environ.get("HAVEN_VISIBILITY_TIMEOUT", 600)),
        # A worker that consumes both queues takes from the first non-empty one, in the order
        # of CELERY_TASK_QUEUES (events first), instead of round robin.
        "queue_order_strategy": "priority",
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # kombu keeps exchange bindings in ./control by default: keep them under var/ too.
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.1,
        "store_processed": False,
    }
# Two queues. "events": what staff are waiting for, a saved fact's recompute of its person
# and of the others it is evidence for (its alerts are in the app once it commits), each a
# fraction of a second. "celery": the rest (sweeps, recompute runs and their chunks of 2,000 persons, imports,
# letters), seconds to minutes each. A worker started without -Q consumes both, events first
# (`haven.py run`, the tests); docker-compose.yml gives events a worker of their own, so a save
# never waits for a chunk to finish (engine.tasks, README "Change to alert latency").
EVENTS_QUEUE = "events"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue(EVENTS_QUEUE), Queue(CELERY_TASK_DEFAULT_QUEUE))
CELERY_TASK_ROUTES = {
    "engine.tasks.recompute_person_task": {"queue": EVENTS_QUEUE},
    "engine.tasks.recompute_affected_task": {"queue": EVENTS_QUEUE},
}
# Celery's Django fixup closes the database connection around every task but each
# CELERY_DB_REUSE_MAX-th; config.celery closes it as Django does after a request instead
# (broken or older than CONN_MAX_AGE). The fixup's own close is left for every 1,000 tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The static beat schedule lives with the code that it runs (engine/schedule.py).
from engine.schedule import BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# Backups: Django's JSON serialization with times to the microsecond (ops/serializers.py).
SERIALIZATION_MODULES = {"exactjson": "ops.serializers"}

EMAIL_BACKEND = os.environ.get(
    "HAVEN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HAVEN_FROM_EMAIL", "haven@localhost")

# Content-Security-Policy: self only; htmx is served from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "accounts.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HAVEN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Access, second factor, lock-out, cache (accounts/). Last: it reads MIDDLEWARE, REDIS_URL, VAR_DIR.
from .security import *  # noqa: E402,F403
