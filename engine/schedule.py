"""The static Celery beat schedule. Static on purpose: the sweep is the safety net and must
not be switched off by an edit in the admin (see README)."""

BEAT_SCHEDULE: dict = {}
