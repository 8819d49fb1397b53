"""The static Celery beat schedule, imported by config/settings/base.py.

Static on purpose (not django-celery-beat): the agenda sweep turns open deadlines into missed
ones and sends reminders as days pass, and the nightly run is the safety net that catches lost
events. An admin must not be able to
switch it off or slow it down from the admin; changing it is a code change, reviewed.
"""

from celery.schedules import crontab

SWEEP_EVERY_SECONDS = 15 * 60
NIGHTLY_HOUR, NIGHTLY_MINUTE = 2, 30  # local time (CELERY_TIMEZONE)
OUTBOX_EVERY_SECONDS = 60
DIGESTS_EVERY_SECONDS = 5 * 60
DUPLICATES_EVERY_SECONDS = 60 * 60
RULE39_EVERY_SECONDS = 15 * 60
ORPHANS_HOUR, ORPHANS_MINUTE = 3, 45  # local time, after the nightly run

BEAT_SCHEDULE: dict = {
    # The agenda sweep: only the persons whose next moment (engine/agenda.py) has come, and
    # any never computed. Cheap when nothing is due, so every 15 minutes costs nothing.
    "engine-sweep": {
        "task": "engine.tasks.agenda_sweep_task",
        "schedule": SWEEP_EVERY_SECONDS,
        # A sweep still queued when the next one is due is redundant: let it expire.
        "options": {"expires": SWEEP_EVERY_SECONDS - 60},
    },
    # The nightly safety net: everyone, cut into chunks that every worker takes (a recompute
    # lost with the broker, anything the agenda could not foresee). At night: the load is low.
    "engine-nightly": {
        "task": "engine.tasks.recompute_run_task",
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=NIGHTLY_MINUTE),
        "args": ("nightly",),
        "options": {"expires": 6 * 60 * 60},
    },
    # The e-mail outbox: retries failed alert e-mails when due, reclaims stale claims. Each
    # commit that raises alerts also enqueues it at once.
    "engine-alert-outbox": {
        "task": "engine.tasks.alert_outbox_task",
        "schedule": OUTBOX_EVERY_SECONDS,
        "options": {"expires": OUTBOX_EVERY_SECONDS - 10},
    },
    # Digests due (each user's chosen time): unique per user and day, so running often is safe.
    "engine-digests": {
        "task": "engine.tasks.digests_task",
        "schedule": DIGESTS_EVERY_SECONDS,
        "options": {"expires": DIGESTS_EVERY_SECONDS - 30},
    },
    # The stored list of likely duplicates (casework.merge.duplicates_compute): comparing
    # 100,000 persons takes tens of seconds, too long for a page. The page's refresh button
    # sends the same task at once; two runs never overlap (its state row says who runs it).
    "casework-duplicates": {
        "task": "casework.tasks.duplicates_compute_task",
        "schedule": DUPLICATES_EVERY_SECONDS,
        "options": {"expires": DUPLICATES_EVERY_SECONDS - 60},
    },
    # Rule 39: an alert when less than a working day is left before the last useful moment
    # to ask the ECtHR (engine/rule39.py); once per removal and recipient by the alert's key.
    "evidence-rule39-alerts": {
        "task": "evidence.tasks.rule39_alerts_task",
        "schedule": RULE39_EVERY_SECONDS,
        "options": {"expires": RULE39_EVERY_SECONDS - 60},
    },
    # Stored files no row refers to (a process that died between a commit and a file's
    # removal): set aside, removed after 30 days (documents/storage.py).
    "documents-orphans": {
        "task": "documents.tasks.orphans_sweep_task",
        "schedule": crontab(hour=ORPHANS_HOUR, minute=ORPHANS_MINUTE),
        "options": {"expires": 6 * 60 * 60},
    },
}
