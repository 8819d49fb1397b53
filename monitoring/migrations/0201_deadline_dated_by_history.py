"""The monitoring cache key dates the deadlines by their history (monitoring.cache._DATED),
whose date has an index of its own: the index 0200 made of engine_deadline.status_changed_at
serves nothing now, and cost every new deadline an index write (650,000 on a first recompute
at 100,000 persons). IF EXISTS / IF NOT EXISTS: safe to run again."""

from django.db import migrations

NAME = "monitoring_changed_engine_deadline"


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0200_cache_key_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'DROP INDEX IF EXISTS "{NAME}"',
            reverse_sql=f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "engine_deadline" ("status_changed_at")',
        )
    ]
