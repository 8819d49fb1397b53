"""Russia's suspensive effects read for issue 16: a removal appeal, and a refugee-status appeal.

- A removal appeal (KoAP expulsion, KAS deportation) does not keep the person from being
  held and removed: "Постановление об административном выдворении ... в форме принудительного
  выдворения за пределы Российской Федерации исполняется немедленно после вынесения
  указанного постановления путем помещения таких иностранных граждан ... в специальные
  учреждения" (KoAP Art. 32.10(1.1), consultant.ru). Shipped as not suspensive (S): it lowers
  nobody's risk, and it says that Haven has looked rather than nothing.
- An appeal against a refusal of refugee status: "До принятия решения по жалобе лицо,
  подавшее жалобу, и члены его семьи имеют права и вы..." (Law "On Refugees" Art. 10(4), the
  commentary's copy on mybiblioteka.su, cut off there) with Art. 10(1)'s non-return of an
  applicant. Shipped unverified (U): shown, flagged, capping nothing until an admin records a
  verification in the official text.

An admin's own row for the same subject is kept as it is. Frozen like 0031 and 0190;
tests/engine/test_barriers.py keeps these equal to engine.barriers.DEFAULT_SUSPENSIVE.
"""

from django.db import migrations

SUSPENSIVE = [
    # country, subject, suspensive, citation, confidence, notes
    (
        "RU",
        "appeal_removal",
        False,
        "KoAP RF Art. 32.10(1.1): a forced expulsion is executed immediately after the order, "
        "by placement in a special institution; KAS RF: an application against a deportation "
        "decision does not suspend it",
        "S",
        "KoAP Art. 32.10(1.1) read in consultant.ru's copy (2026-12-03); Art. 31.1(1) (entry "
        "into force after the time to appeal) in garant.ru's. The KAS part (no suspension of a "
        "deportation decision; interim measures under Art. 85) is not read.",
    ),
    (
        "RU",
        "appeal_asylum",
        True,
        'Federal Law "On Refugees" Art. 10(4): until the complaint is decided, the person who '
        "lodged it and their family keep the rights of an applicant (Art. 10(1): no return "
        "against their will)",
        "U",
        "Art. 10(1) and the beginning of 10(4) read in a commentary's copy (mybiblioteka.su, "
        "2026-12-03); the rest of 10(4) was cut off. Verify on pravo.gov.ru before it caps "
        "anyone's risk.",
    ),
]


def forwards(apps, schema_editor):
    SuspensiveEffect = apps.get_model("engine", "SuspensiveEffect")
    for country, subject, suspensive, citation, confidence, notes in SUSPENSIVE:
        SuspensiveEffect.objects.get_or_create(
            country=country,
            subject=subject,
            defaults=dict(
                suspensive=suspensive, citation=citation, confidence=confidence, notes=notes
            ),
        )


def backwards(apps, schema_editor):
    SuspensiveEffect = apps.get_model("engine", "SuspensiveEffect")
    for country, subject, _suspensive, citation, _confidence, _notes in SUSPENSIVE:
        SuspensiveEffect.objects.filter(
            country=country, subject=subject, citation=citation, verified_on__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("engine", "0240_rule_procedures")]
    operations = [migrations.RunPython(forwards, backwards)]
