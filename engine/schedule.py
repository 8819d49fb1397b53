"""The static Celery beat schedule, imported by config/settings/base.py.

Static on purpose (not django-celery-beat): the sweep is the safety net that catches lost
events and turns open deadlines into missed ones as days pass. An admin must not be able to
switch it off or slow it down from the admin; changing it is a code change, reviewed.
"""

SWEEP_EVERY_SECONDS = 15 * 60

BEAT_SCHEDULE: dict = {
    "engine-sweep": {
        "task": "engine.tasks.sweep_task",
        "schedule": SWEEP_EVERY_SECONDS,
        # A sweep still queued when the next one is due is redundant: let it expire.
        "options": {"expires": SWEEP_EVERY_SECONDS - 60},
    },
}
