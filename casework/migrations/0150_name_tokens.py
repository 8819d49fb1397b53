"""The folded tokens of every name with their equality keys, for the consent gate and the
search (identity.folding). Existing names are tokenised here, in batches."""

import django.db.models.deletion
from django.db import migrations, models


def tokenise_names(apps, schema_editor):
    from identity.folding import name_key, name_tokens

    PersonName = apps.get_model("casework", "PersonName")
    NameToken = apps.get_model("casework", "NameToken")
    batch = []
    for pk, full_name in PersonName.objects.values_list("pk", "full_name").iterator(
        chunk_size=5000
    ):
        tokens = [t[:100] for t in name_tokens(full_name)]
        batch.extend(
            NameToken(
                name_id=pk,
                token=t,
                key=name_key(t)[:100],
                position=i,
                tokens_in_name=len(tokens),
            )
            for i, t in enumerate(tokens)
        )
        if len(batch) >= 5000:
            NameToken.objects.bulk_create(batch)
            batch = []
    NameToken.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0020_scheduled_removal_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=100)),
                ("key", models.CharField(db_index=True, max_length=100)),
                ("position", models.PositiveSmallIntegerField()),
                ("tokens_in_name", models.PositiveSmallIntegerField()),
                (
                    "name",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tokens",
                        to="casework.personname",
                    ),
                ),
            ],
            options={
                "verbose_name": "name token",
                "verbose_name_plural": "name tokens",
            },
        ),
        migrations.RunPython(tokenise_names, migrations.RunPython.noop),
    ]
