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
