"""Two Russian detention rules the defaults of 0002 lacked: the appeal against a court's
custody order, and the six-month limit of custody pending extradition.

As in 0002, frozen here: an admin's later edits are never overwritten by a code update
(existing rows are left alone), and a rule whose roll-forward is unverified ships with it off.
"""

from django.db import migrations

RULES = [
    dict(
        code="ru.detention.appeal",
        jurisdiction="RU",
        countries="RU",
        kind="appeal_detention",
        description="Appeal against the court's custody order",
        counts_from="detention_ordered",
        period_amount=3,
        unit="days",
        calendar="RU",
        roll_forward=False,
        citation="CPC RF Art. 108(11)",
        confidence="U",
        notes=(
            "3 days (сутки) from the ruling. Not read in the primary text: commentaries and a "
            "practitioners' handbook say so; verify against the official text. The record has "
            "no date of the ruling, so the engine counts from the start of detention, the day "
            "of the ruling or earlier (the ruling follows the arrest): the date shown is never "
            "later than the true one. Roll-forward (Art. 128(2)) is off until verified. "
            "Appeals against extension rulings (Art. 109(8)) are not covered."
        ),
    ),
    dict(
        code="ru.extr.detention.limit",
        jurisdiction="RU",
        countries="RU",
        kind="custody_extension_limit",
        description="Detention pending extradition, longest extension for an offence that is not grave",
        counts_from="detention_started",
        period_amount=6,
        unit="months",
        calendar="RU",
        roll_forward=False,
        citation="CPC RF Arts. 466, 109(2); Art. 128",
        confidence="S",
        notes=(
            "Two months (rule ru.extr.detention), extendable up to six (Art. 109(2)); beyond "
            "six only for grave or especially grave offences, up to twelve (Art. 109(2)), and "
            "eighteen in exceptional cases (Art. 109(3)). Custody periods do not roll forward. "
            "Counted from the first detention of a chain of transfers."
        ),
    ),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("engine", "Rule")
    for data in RULES:
        Rule.objects.get_or_create(code=data["code"], defaults=data)


def backwards(apps, schema_editor):
    apps.get_model("engine", "Rule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("engine", "0006_custody_kinds")]
    operations = [migrations.RunPython(forwards, backwards)]
