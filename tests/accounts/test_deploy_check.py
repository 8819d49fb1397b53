"""Production settings pass Django's deployment checklist (HSTS, secure cookies, SSL redirect,
a strong secret key...). Run in a child process: these settings cannot load beside the tests'."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _environment() -> dict:
    """This process's environment less what other tests set for themselves (the browser
    tests allow async-unsafe ORM calls, which a deployment must never do)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(**overrides) -> dict:
    """A production environment that starts; an override of None removes that variable."""
    env = {
        **_environment(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "haven.example.org",
        "HAVEN_DOCUMENTS_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    for name, value in overrides.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return env


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", env=_production(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", [None, "", "bm90LTMyLWJ5dGVz", "not base64 at all!"])
def test_production_settings_refuse_to_start_without_a_documents_key(key):
    """Missing, empty, too short or not base64: refused at start with the sentence that says
    how to make one, not at the first upload."""
    result = _manage("check", env=_production(HAVEN_DOCUMENTS_KEY=key))
    assert result.returncode != 0
    assert "HAVEN_DOCUMENTS_KEY must be set in production: 32 random bytes" in result.stderr
