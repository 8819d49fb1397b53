"""The deadline history's index of its user only where there is one.

Nearly every history row of a deadline is the engine's (no user): a first recompute at 100,000
persons writes 650,000, each an entry in the index simple-history gives `history_user`. The
only query that asks for it names a user: Django's SET NULL when a user is deleted (and any
"what did this user change"), which a partial index WHERE history_user_id IS NOT NULL serves.

simple-history declares the field, with db_index, so the model state keeps it and this
migration changes only the database: the plain index, found by introspection, is replaced.
"""

from django.db import migrations

TABLE = "engine_historicaldeadline"
COLUMN = "history_user_id"
PARTIAL = "historicaldeadline_user_set"


def _plain_indexes(schema_editor) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, c in constraints.items()
        if c["index"]
        and not c["unique"]
        and not c["primary_key"]
        and c["columns"] == [COLUMN]
        and name != PARTIAL
    ]


def make_partial(apps, schema_editor):
    qn = schema_editor.quote_name
    for name in _plain_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {qn(name)}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {qn(PARTIAL)} ON {qn(TABLE)} ({qn(COLUMN)})"
        f" WHERE {qn(COLUMN)} IS NOT NULL"
    )


def make_plain(apps, schema_editor):
    model = apps.get_model("engine", "HistoricalDeadline")
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(PARTIAL)}")
    if not _plain_indexes(schema_editor):
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[model._meta.get_field("history_user")])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("engine", "0242_deadline_fewer_index_writes"),
    ]

    operations = [migrations.RunPython(make_partial, make_plain)]
