"""The return-risk signals and thresholds Haven ships with (BRIEF section 3).

Frozen here on purpose, like the rules of 0002: a later change of a default is a new
migration, so that an admin's edits are never overwritten by a code update. The weights are
practice, not law: what practitioners told us and what the seeds show (see engine/risk.py);
every one can be changed in the admin. tests/engine/test_risk_core.py keeps these equal to
engine.risk.DEFAULT_SIGNALS.
"""

from django.db import migrations

PRACTICE = "Practice default (Haven), editable"
OSH = "Amnesty International public statement on Kyrgyzstan, June 2005"
UA = "Amnesty International UA 129/10, 3rd update (EUR 57/001/2011)"

SIGNALS = [
    # code, weight, floor, window, label, description, source
    ("detained", 15, "none", None, "Detained",
     "The person is in detention today (any place, any legal basis). Detention is where "
     "returns start.", PRACTICE),
    ("incommunicado", 25, "none", None, "Held incommunicado",
     "The current detention is marked incommunicado: nobody can see whether the person is "
     "still there.", PRACTICE),
    ("no_contact", 20, "none", 3, "No confirmed contact",
     "Detained and no welfare check with confirmed contact for more than 'window' days since "
     "the last one (or since the detention began). Same three days as the welfare-check rule.",
     PRACTICE),
    ("transfer_reported", 40, "none", 14, "Transfer reported",
     "A transfer was reported within 'window' days: a welfare check saying so, a 'transferred' "
     "event of one of the person's groups, or a new detention recorded as a transfer. In Osh "
     "the transfer from the camp came days before the returns.", OSH),
    ("extradition_approved", 30, "none", None, "Extradition approved",
     "The requested state's authority (usually the Prosecutor General) approved extradition.",
     UA),
    ("appeal_rejected", 30, "none", None, "Appeal rejected",
     "An appeal against an extradition, asylum or removal decision (or a lower court's "
     "decision on one) was rejected and no higher appeal is pending.", UA),
    ("appeal_window_expired", 30, "none", None, "Time to appeal expired unused",
     "An appeal deadline computed by the deadline engine passed with no appeal lodged.",
     PRACTICE),
    ("no_interim_measure", 15, "none", None, "No interim measure in force",
     "Detained, approved for extradition or under a removal order, and no interim measure "
     "(CAT, HRC, ECtHR) is in force.", PRACTICE),
    ("state_returned_despite_interim", 50, "high", 730,
     "The state has returned people despite interim measures",
     "Another person was returned by a state this person is exposed to (held there, claimed "
     "asylum there, extradition requested from it, or the respondent of their measure) while an "
     "interim measure for that other person was in force on the day of the return, within "
     "'window' days. Kazakhstan did so on 9 June 2011. Makes the person at least high on its own.",
     UA),
    ("returns_from_state", 35, "none", 180, "Recent returns from the same state",
     "Other persons were returned within 'window' days by a state this person is exposed to "
     "(four men already returned from Kyrgyzstan in June 2005).", OSH),
    ("group_members_returned", 35, "none", None, "Members of the same group returned",
     "A 'returned' event of one of the person's groups, or Return records of other members.",
     UA),
    ("asylum_refused", 20, "none", None, "Asylum refused or status revoked",
     "Asylum refused (including under an exclusion clause) or refugee status revoked.", UA),
    ("unhcr_pending", 15, "none", None, "UNHCR assessment pending",
     "A claim before UNHCR (mandate) is not decided yet. It did not stop returns in Osh in 2005.",
     OSH),
    ("relatives_detained", 10, "none", None, "Relatives detained",
     "A relative (Relationship) is in detention today.", UA),
    ("relatives_returned", 10, "none", None, "Relatives returned",
     "A relative has already been returned. The wives and children of the 28 were at risk of "
     "extradition too.", UA),
    ("state_pressure", 20, "none", 90, "Requesting state's pressure publicly reported",
     "A 'threatened' event (detention or removal publicly requested) of one of the person's "
     "groups within 'window' days: the fact Haven uses for publicly reported pressure, as the "
     "Prosecutor General's request to detain 103 more in 2005.", OSH),
    ("removal_scheduled", 60, "imminent", 7, "Removal scheduled",
     "A removal order's scheduled date is within 'window' days. Imminent on its own.",
     PRACTICE),
]
THRESHOLDS = [("monitoring", 1), ("elevated", 30), ("high", 60), ("imminent", 100)]


def forwards(apps, schema_editor):
    RiskSignal = apps.get_model("engine", "RiskSignal")
    RiskThreshold = apps.get_model("engine", "RiskThreshold")
    for code, weight, floor, window, label, description, source in SIGNALS:
        RiskSignal.objects.update_or_create(
            code=code,
            defaults=dict(
                weight=weight,
                floor=floor,
                window_days=window,
                label=label,
                description=description,
                source=source,
                enabled=True,
            ),
        )
    for level, minimum in THRESHOLDS:
        RiskThreshold.objects.update_or_create(level=level, defaults={"min_score": minimum})


def backwards(apps, schema_editor):
    apps.get_model("engine", "RiskSignal").objects.all().delete()
    apps.get_model("engine", "RiskThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("engine", "0003_risk_and_alerts")]
    operations = [migrations.RunPython(forwards, backwards)]
