"""Tests: fast hashing, in-memory e-mail. The database comes from DATABASE_URL (PostgreSQL in CI)."""

import os
from urllib.parse import urlparse

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A fixed test-only key for documents (32 bytes, base64url); never used outside the tests.
DOCUMENTS_KEY = "dGVzdC1vbmx5LWRvY3VtZW50cy1rZXktMzItYnl0ZXM="


def _own_redis_database(url: str) -> str:
    """Under pytest-xdist each process has its own test database (pytest-django adds _gwN);
    give it its own Redis database too, so a Celery worker started by one process never runs
    a task another process enqueued against the other's database. It is done here, not in
    tests/conftest.py, because pytest-django reads the settings before any conftest is
    imported. Workers started by the tests get the shifted URL without PYTEST_XDIST_WORKER
    (tests/conftest.py, worker_env), so they do not shift it a second time."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not url.startswith("redis"):
        return url
    parsed = urlparse(url)
    base = int(parsed.path.strip("/") or 0)
    own = parsed._replace(path=f"/{(base - 1 - int(worker[2:])) % 16}").geturl()
    os.environ["REDIS_URL"] = own
    return own


if REDIS_URL:  # noqa: F405
    REDIS_URL = CELERY_BROKER_URL = _own_redis_database(REDIS_URL)  # noqa: F405
