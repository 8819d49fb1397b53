"""Development and the embedded quick start: DEBUG on unless said otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "insecure-local-only-" + "haven-dev-key-change-me"  # noqa: F405

# A development key for documents, kept in var/ (never committed) when none is in the
# environment: the quick start needs no setup. Production requires HAVEN_DOCUMENTS_KEY.
if not DOCUMENTS_KEY:  # noqa: F405
    import base64 as _b64
    import os as _os

    _key_file = VAR_DIR / "documents.key"  # noqa: F405
    if not _key_file.exists():
        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(_b64.urlsafe_b64encode(_os.urandom(32)).decode())
        _key_file.chmod(0o600)
    DOCUMENTS_KEY = _key_file.read_text().strip()
