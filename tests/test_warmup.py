"""A web process does its first request's one-off work when it starts (config/warmup.py), and
starting needs neither the database nor Redis: gunicorn may fork after it, and a process must
start while either is down (it answers /health/ with the database's state instead)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from config.warmup import warm_up

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import config.wsgi
from django.template import engines
from django.urls import get_resolver
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "urlconf_imported": "config.urls" in sys.modules,
    "languages": sorted(k for k in get_resolver()._reverse_dict if isinstance(k, str)),
    "templates": sorted(loader.get_template_cache),
}))
"""


def test_the_wsgi_application_starts_warm_without_database_or_redis():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # Nothing listens on port 1: any connection at start-up fails the import.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["urlconf_imported"]
    assert state["languages"] == ["en", "ru"]
    pages = {p.relative_to(ROOT / "templates").as_posix() for p in ROOT.glob("templates/**/*.html")}
    assert pages and pages <= set(state["templates"])


def test_a_broken_template_does_not_stop_the_start(tmp_path, settings, caplog):
    (tmp_path / "good.html").write_text("<p>{{ value }}</p>")
    (tmp_path / "broken.html").write_text("{% if %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        warm_up()
    assert [r.getMessage().split(" did not")[0] for r in caplog.records] == ["template broken.html"]
    from django.template import engines

    assert "good.html" in engines["django"].engine.template_loaders[0].get_template_cache
