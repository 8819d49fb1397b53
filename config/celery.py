import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("haven")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: close a database connection
    that is broken or older than CONN_MAX_AGE (DB_CONN_MAX_AGE), keep the others, and check a
    kept one before its next use (CONN_HEALTH_CHECKS). Celery's own Django fixup closes every
    connection around every task instead (Celery 5.7 calls close() whatever CONN_MAX_AGE
    says), unless CELERY_DB_REUSE_MAX is set, as settings do: without it a worker opened a new
    PostgreSQL backend for each chunk and each saved fact's recompute, whose caches of the
    catalog and of the foreign keys' checks started cold each time (benchmarks/sweep.py,
    README "Running at scale")."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()


@app.task(name="haven.ping")
def ping() -> str:
    """Used by the start-up check and the tests to prove a worker consumes tasks."""
    return "pong"


def ensure_broker_folders() -> None:
    """The embedded (filesystem) broker's folders, created if missing: `haven.py run` makes
    them at start (prepare_var), but a web process started otherwise, or a var/ cleaned while
    it runs, would fail every publish with FileNotFoundError. A no-op with Redis."""
    from pathlib import Path

    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        return
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
