import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("haven")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
