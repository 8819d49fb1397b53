"""Indexes the staff pages need at 10,000 persons (benchmarks/load.py, benchmarks/pages.py --load).

- Persons by name: the persons list's default order (name, then case number). With it,
  PostgreSQL reads the first 25 visible persons off the index instead of sorting everyone.
- A person's last confirmed contact: the coordinator's board orders by it and reads it once a
  person (a subquery); with this partial index each read is one index-only lookup instead of
  a scan and a sort of the person's welfare checks.

SQL rather than `Meta.indexes` because they are on casework's tables, read by the engine's
board and casework's list alike; casework's models stay as they are. Both statements are also
valid SQLite.
"""

from django.db import migrations

INDEXES = [
    (
        "person_name_case_number",
        "CREATE INDEX IF NOT EXISTS person_name_case_number "
        "ON casework_person (primary_name, case_number)",
    ),
    (
        "welfarecheck_last_contact",
        "CREATE INDEX IF NOT EXISTS welfarecheck_last_contact "
        "ON casework_welfarecheck (person_id, observed_at DESC) WHERE contact_confirmed",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_imports_merges"),
        ("engine", "0004_default_risk_signals"),
    ]

    operations = [
        migrations.RunSQL(sql, reverse_sql=f"DROP INDEX IF EXISTS {name}") for name, sql in INDEXES
    ]
