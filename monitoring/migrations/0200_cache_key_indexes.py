"""Indexes for the monitoring cache key (monitoring.cache.data_version): the latest change time
of each table the figures count, read on every view of the monitoring page. Without them each
MAX() reads its whole table (engine_deadline: 54,000 rows, ~100 ms at 10,000 persons); with
them it reads one index entry.

Plain SQL in this app rather than Meta.indexes on the counted models: only the monitoring cache
asks these questions, and casework, engine and advocacy need not know of it (dependencies point
one way). IF NOT EXISTS / IF EXISTS: safe to run again."""

from django.db import migrations

COLUMNS = (
    ("casework_person", "updated_at"),
    ("casework_detention", "updated_at"),
    ("casework_extraditionrequest", "updated_at"),
    ("casework_asylumclaim", "updated_at"),
    ("casework_appeal", "updated_at"),
    ("casework_interimmeasure", "updated_at"),
    ("casework_return", "updated_at"),
    ("casework_postreturnreport", "updated_at"),
    ("engine_deadline", "status_changed_at"),
    ("engine_riskassessment", "assessed_at"),
    ("advocacy_urgentaction", "updated_at"),
    ("advocacy_urgentactionrecipient", "updated_at"),
    ("advocacy_letter", "updated_at"),
)


def _name(table: str) -> str:
    return f"monitoring_changed_{table}"[:63]


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_statistics_settings"),
        ("casework", "0020_scheduled_removal_at"),
        ("engine", "0040_manual_deadline"),
        ("advocacy", "0002_letter_templates"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX IF NOT EXISTS "{_name(table)}" ON "{table}" ("{column}")',
            reverse_sql=f'DROP INDEX IF EXISTS "{_name(table)}"',
        )
        for table, column in COLUMNS
    ]
