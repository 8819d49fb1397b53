"""Tests: fast hashing, in-memory e-mail. The database comes from DATABASE_URL (PostgreSQL in CI)."""

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
