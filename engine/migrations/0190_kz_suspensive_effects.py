"""Kazakhstan's suspensive effects (issue 19), shipped unverified.

The Almaty case (2010-2011) was decided under Kazakhstan's law, and Haven had no row for it:
a pending appeal there showed nothing at all, as if Haven knew that it does not suspend the
extradition. Each row says where the answer should be and that nobody has read it yet: shown
beside the person, flagged "unverified rule", capping nothing until an admin records who
verified it (engine.SuspensiveEffect). Frozen like 0031; tests/engine/test_barriers.py keeps
these equal to engine.barriers.DEFAULT_SUSPENSIVE.
"""

from django.db import migrations

SUSPENSIVE = [
    # country, subject, citation, confidence, notes
    ("KZ", "appeal_extradition",
     "CPC RK 2014 Art. 592: appeal to the court against the Prosecutor General's extradition "
     "decree; the extradition is not carried out until the court's decision enters into force",
     "U",
     "Not read in the text yet: check CPC RK 2014 Arts. 592-593 (adilet.zan.kz) before "
     "verifying. The appeal deadline itself is rule kz.extr.appeal (10 days)."),
    ("KZ", "asylum_claim",
     'Law of the Republic of Kazakhstan "On Refugees" (2009): an asylum seeker is not '
     "expelled while the application is considered (article not yet identified)",
     "U",
     "Not read in the text yet; BRIEF section 6 lists kz.refugee.appeal as not found either."),
]


def forwards(apps, schema_editor):
    SuspensiveEffect = apps.get_model("engine", "SuspensiveEffect")
    for country, subject, citation, confidence, notes in SUSPENSIVE:
        # An admin's own row for the same subject is kept as it is.
        SuspensiveEffect.objects.get_or_create(
            country=country,
            subject=subject,
            defaults=dict(suspensive=True, citation=citation, confidence=confidence, notes=notes),
        )


def backwards(apps, schema_editor):
    SuspensiveEffect = apps.get_model("engine", "SuspensiveEffect")
    for country, subject, citation, _confidence, _notes in SUSPENSIVE:
        SuspensiveEffect.objects.filter(
            country=country, subject=subject, citation=citation, verified_on__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("engine", "0170_targeted_runs"),]
    operations = [migrations.RunPython(forwards, backwards)]
