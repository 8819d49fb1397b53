"""An index (key, name) on the name tokens: the consent gate groups the tokens of a text's
keys by name from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0150_name_tokens"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nametoken",
            index=models.Index(fields=["key", "name"], name="nametoken_key_name"),
        ),
    ]
