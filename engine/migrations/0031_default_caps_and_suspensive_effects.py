"""The barrier caps and suspensive-effect rules Haven ships with (issue 19).

Frozen here on purpose, like 0002 and 0004: a later change of a default is a new migration,
so that an admin's edits are never overwritten by a code update. tests/engine/test_barriers.py
keeps these equal to engine.barriers.DEFAULT_CAPS and DEFAULT_SUSPENSIVE. docs/risk.md says
why each one is what it is.
"""

from django.db import migrations

DISRESPECT = [
    "incommunicado",
    "removal_scheduled",
    "state_returned_despite_interim",
    "transfer_reported",
]
CAPS = [
    # kind, cap, lifted_by, rationale
    ("interim_measure", "high", DISRESPECT,
     "A measure of the CAT, HRC or ECtHR (or a court's suspension) binds the state, so while "
     "it stands a person is at most high, never imminent: the board must tell the man with a "
     "stay from the man without one. Not lower than high: Kazakhstan held 28 men under CAT "
     "measures and returned them (9 June 2011). The cap goes as soon as the state shows it "
     "does not respect such measures: it returned people despite them (within the signal's "
     "window), it scheduled the removal, a transfer toward the border or an airport was "
     "reported, or the person is held incommunicado."),
    ("suspensive_appeal", "high", DISRESPECT,
     "An appeal that by law suspends removal keeps a lawful removal from happening until the "
     "court decides; at most high for the same reasons and with the same lifters as an "
     "interim measure: a state that ignores a UN committee will not respect a domestic "
     "suspension either."),
    ("suspensive_claim", "high", DISRESPECT,
     "A pending asylum claim with suspensive effect in the state's law, as a suspensive "
     "appeal. A UNHCR mandate claim is never a barrier: it did not stop returns in Osh, 2005."),
    ("appeal_window", "high", DISRESPECT,
     "While the time to lodge a suspensive appeal runs, the decision is not final and cannot "
     "lawfully be carried out; the barrier ends with the deadline's due date."),
    ("released", "elevated", ["removal_scheduled", "transfer_reported"],
     "A person at liberty cannot be put on a plane without a new arrest, which is itself a "
     "new detention (and the release lost, with an alert). Abductions happen, so a scheduled "
     "removal or a reported transfer lifts the cap."),
]
SUSPENSIVE = [
    # country, subject, citation, confidence, notes
    ("TR", "appeal_removal",
     "Law 6458 (LFIP) Art. 53(3): no deportation during the time to sue or until the court "
     "decides", "S",
     "Read in practitioners' summaries of Art. 53(3), not the Official Gazette text."),
    ("RU", "appeal_extradition",
     "CPC RF Art. 462(6): no extradition until the court's decision on the appeal enters "
     "into force", "U",
     "Not read in the text yet: check Art. 462(6) and Art. 463 before verifying."),
    ("RU", "asylum_claim",
     'Federal Law "On Refugees" Art. 10(1): an applicant is not returned against their will '
     "while the application is considered", "U",
     "Not read in the text yet."),
]


def forwards(apps, schema_editor):
    RiskCap = apps.get_model("engine", "RiskCap")
    SuspensiveEffect = apps.get_model("engine", "SuspensiveEffect")
    for kind, cap, lifted_by, rationale in CAPS:
        RiskCap.objects.update_or_create(
            kind=kind,
            defaults=dict(cap=cap, lifted_by=sorted(lifted_by), rationale=rationale, enabled=True),
        )
    for country, subject, citation, confidence, notes in SUSPENSIVE:
        SuspensiveEffect.objects.update_or_create(
            country=country,
            subject=subject,
            defaults=dict(suspensive=True, citation=citation, confidence=confidence, notes=notes),
        )


def backwards(apps, schema_editor):
    apps.get_model("engine", "RiskCap").objects.all().delete()
    apps.get_model("engine", "SuspensiveEffect").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("engine", "0030_barriers_and_caps")]
    operations = [migrations.RunPython(forwards, backwards)]
