"""The board's order kept on the current risk assessment (engine.risk.board_rank), filled in
for the rows that exist: the same rank and last contact the engine now writes at every
recompute, so the board is in order from the moment the migration ends, not from the next
sweep."""

from django.db import migrations, models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When

# engine.risk.board_rank as it is when this migration is written (a migration does not
# import code that may change after it).
RANKS = {"imminent": 1, "high": 2, "elevated": 3, "monitoring": 4, "none": 5}


def fill(apps, schema_editor):
    assessment = apps.get_model("engine", "RiskAssessment")
    welfare_check = apps.get_model("casework", "WelfareCheck")
    urgent_action = apps.get_model("advocacy", "UrgentAction")
    issued = Exists(
        urgent_action.objects.filter(
            persons=OuterRef("person_id"), status__in=["issued", "updated"]
        )
    )
    last_contact = (
        welfare_check.objects.filter(person_id=OuterRef("person_id"), contact_confirmed=True)
        .order_by("-observed_at")
        .values("observed_at")[:1]
    )
    assessment.objects.filter(is_current=True).update(
        last_contact_at=Subquery(last_contact),
        board_rank=Case(
            When(Q(level="imminent") & ~issued, then=Value(0)),
            *(When(level=level, then=Value(rank)) for level, rank in RANKS.items()),
            default=Value(5),
        ),
    )


def create_index(apps, schema_editor):
    # The board's order: rank, then the longest without contact first, a person never
    # contacted before anyone. SQLite sorts NULLs first already and does not take the clause.
    nulls_first = " NULLS FIRST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        "CREATE INDEX riskassessment_board ON engine_riskassessment "
        f"(board_rank, last_contact_at{nulls_first}) WHERE is_current"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS riskassessment_board")


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0002_letter_templates"),
        ("casework", "0004_importrow_changes"),
        ("engine", "0008_deadline_person_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="riskassessment",
            name="board_rank",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="board rank"),
        ),
        migrations.AddField(
            model_name="riskassessment",
            name="last_contact_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="last confirmed contact"
            ),
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
