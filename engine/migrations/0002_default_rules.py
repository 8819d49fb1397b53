"""The researched rule defaults of BRIEF section 6, each with its citation and confidence.

Frozen here on purpose: a later edit of these defaults is a new migration, so that an admin's
changes to a rule in the admin are never overwritten by a code update. Rules whose
roll-forward is unverified ship with roll_forward off: the date shown is then never later than
the true one.
"""

import datetime

from django.db import migrations

# Council of Europe member states (ECHR parties) and Russia, a party until 16 September 2022.
ECHR_STATES = (
    "AL,AD,AM,AT,AZ,BE,BA,BG,HR,CY,CZ,DK,EE,FI,FR,GE,DE,GR,HU,IS,IE,IT,LV,LI,LT,LU,MT,MD,MC,"
    "ME,NL,MK,NO,PL,PT,RO,SM,RS,SK,SI,ES,SE,CH,TR,UA,GB,RU"
)
NOT_RESEARCHED = "Nothing verified yet: placeholder until the period is researched."

RULES = [
    dict(
        code="echr.application",
        jurisdiction="ECTHR",
        countries=ECHR_STATES,
        kind="ecthr_application",
        description="Application to the European Court of Human Rights after the final domestic decision",
        counts_from="final_domestic_decision",
        period_amount=4,
        unit="months",
        previous_period_amount=6,
        period_changed_on="2022-02-01",
        calendar="",
        roll_forward=False,
        citation="ECHR Art. 35(1) as amended by Protocol No. 15 Art. 4; transitional Art. 8(3); Sabri Güneş v. Turkey [GC] 27396/06",
        confidence="P/S",
        notes=(
            "Counts from the final domestic decision (service or knowledge): the engine uses the "
            "notification of the last rejected appeal that has no higher appeal, else its decision "
            "date. Ends on the corresponding day; a weekend or holiday does not extend it (Sabri "
            "Güneş). Six months when the final decision was before 1 February 2022. Met when an "
            "ECtHR request is recorded on or after the decision. Russia ceased to be a party on "
            "16 September 2022: facts after that date are outside the Court's jurisdiction."
        ),
    ),
    dict(
        code="echr.rule39",
        jurisdiction="ECTHR",
        countries=ECHR_STATES,
        kind="ecthr_rule39",
        description="Rule 39 request to the ECtHR before the removal",
        counts_from="removal_scheduled",
        period_amount=-1,
        unit="working_days",
        calendar="",
        roll_forward=False,
        citation="ECtHR Practice Direction on requests for interim measures (Rule 39 of the Rules of Court)",
        confidence="S",
        notes=(
            "No fixed period: as soon as possible after the final decision, and not less than one "
            "working day (Monday to Friday) before the scheduled removal."
        ),
    ),
    dict(
        code="cat.state_obs",
        jurisdiction="CAT",
        kind="state_observations_due",
        description="State's written explanations to the Committee against Torture on the complaint",
        counts_from="complaint_transmitted",
        period_amount=6,
        unit="months",
        roll_forward=False,
        citation="Convention against Torture Art. 22(3)",
        confidence="P",
    ),
    dict(
        code="cat.interim",
        jurisdiction="CAT",
        kind="interim_followup",
        description="CAT interim measure in force until lifted; the state may ask for lifting",
        counts_from="interim_granted",
        period_amount=None,
        citation="CAT Rules of Procedure rule 114(1) (CAT/C/3/Rev.6)",
        confidence="P",
        notes="No period: the measure is in force until lifted. Read by the return-risk assessment.",
    ),
    dict(
        code="cat.followup",
        jurisdiction="CAT",
        kind="cat_followup",
        description="State's follow-up information on the Committee's decision",
        counts_from="committee_decision",
        period_amount=90,
        unit="days",
        roll_forward=False,
        citation="CAT Rules of Procedure rule 118(5)",
        confidence="S",
    ),
    dict(
        code="hrc.state_obs",
        jurisdiction="HRC",
        kind="state_observations_due",
        description="State's written explanations to the Human Rights Committee on the communication",
        counts_from="complaint_transmitted",
        period_amount=6,
        unit="months",
        roll_forward=False,
        citation="Optional Protocol to the ICCPR Art. 4(2)",
        confidence="P",
    ),
    dict(
        code="hrc.interim",
        jurisdiction="HRC",
        kind="interim_followup",
        description="HRC interim measure in force until lifted",
        counts_from="interim_granted",
        period_amount=None,
        citation="HRC Rules of Procedure rule 94",
        confidence="P",
        notes="No period: the measure is in force until lifted. Read by the return-risk assessment.",
    ),
    dict(
        code="ru.extr.appeal",
        jurisdiction="RU",
        countries="RU",
        kind="appeal_extradition",
        description="Appeal against the Prosecutor General's extradition decision",
        counts_from="extradition_decision_notified",
        period_amount=10,
        unit="days",
        calendar="RU",
        roll_forward=True,
        citation="CPC RF Art. 463(1)",
        confidence="P",
        notes="Counted from receipt of the notification. Roll forward: CPC RF Art. 128(2).",
    ),
    dict(
        code="ru.extr.court_review",
        jurisdiction="RU",
        countries="RU",
        kind="court_decision_due",
        description="Court's decision on the appeal against the extradition decision",
        counts_from="extradition_appeal_lodged",
        period_amount=1,
        unit="months",
        calendar="RU",
        roll_forward=True,
        citation="CPC RF Art. 463(4)",
        confidence="P",
        notes="Counted from the court's receipt of the complaint: the engine uses the lodging date.",
    ),
    dict(
        code="ru.appeal.general",
        jurisdiction="RU",
        countries="RU",
        kind="appeal_lower_court",
        description="Appeal against the court's decision",
        counts_from="court_decision_notified",
        period_amount=15,
        unit="days",
        previous_period_amount=10,
        period_changed_on="2022-12-29",
        calendar="RU",
        roll_forward=True,
        citation="CPC RF Art. 389.4",
        confidence="S",
        notes=(
            "From the pronouncement; for a person in custody, from receipt of the copy: the engine "
            "uses the notification date when recorded, else the decision date. 10 days before "
            "29 December 2022."
        ),
    ),
    dict(
        code="ru.extr.detention",
        jurisdiction="RU",
        countries="RU",
        kind="custody_maximum",
        description="Detention pending extradition, initial term",
        counts_from="detention_started",
        period_amount=2,
        unit="months",
        calendar="RU",
        roll_forward=False,
        citation="CPC RF Arts. 466, 109(1)–(2); Art. 128",
        confidence="S",
        notes=(
            "Two months, extendable up to six (Art. 109(2)); custody periods do not roll forward. "
            "The court's actual term is the detention's 'authorised until' (its own deadline)."
        ),
    ),
    dict(
        code="ru.refugee.appeal",
        jurisdiction="RU",
        countries="RU",
        kind="appeal_asylum",
        description="Appeal against the refusal of refugee status",
        counts_from="asylum_refusal_notified",
        period_amount=1,
        unit="months",
        calendar="RU",
        roll_forward=True,
        citation='Federal Law "On Refugees" Art. 10(3)',
        confidence="S",
        notes="1 month from the written notice (3 months from learning of it): the shorter is used.",
    ),
    dict(
        code="kz.extr.appeal",
        jurisdiction="KZ",
        countries="KZ",
        kind="appeal_extradition",
        description="Appeal against the Prosecutor General's extradition decree",
        counts_from="extradition_decision_notified",
        period_amount=10,
        unit="days",
        calendar="KZ",
        roll_forward=False,
        citation="CPC RK 2014 Art. 592(1)",
        confidence="P/S",
        notes=(
            "From receipt of a copy of the decree. Roll-forward is unverified (U): off, so that the "
            "date shown is never later than the true one; turn it on once verified. Decisions "
            "before 1 January 2015 fell under the CPC RK 1997 (not researched)."
        ),
    ),
    dict(
        code="kz.extr.temp_custody",
        jurisdiction="KZ",
        countries="KZ",
        kind="provisional_custody_ends",
        description="Temporary custody until the extradition request arrives",
        counts_from="provisional_arrest",
        period_amount=40,
        unit="days",
        calendar="KZ",
        roll_forward=False,
        citation="CPC RK 2014 Art. 588(1)",
        confidence="P",
        notes="40 days or the treaty's term. Met when the request arrives or the person is released.",
    ),
    dict(
        code="kz.extr.arrest",
        jurisdiction="KZ",
        countries="KZ",
        kind="custody_maximum",
        description="Extradition arrest, maximum term",
        counts_from="detention_started",
        period_amount=None,
        calendar="KZ",
        citation="CPC RK 2014 Art. 589",
        confidence="U",
        enabled=False,
        notes="Maximum term not found.",
    ),
    dict(
        code="kz.refugee.appeal",
        jurisdiction="KZ",
        countries="KZ",
        kind="appeal_asylum",
        description="Appeal against the refusal of refugee status",
        counts_from="asylum_refusal_notified",
        period_amount=None,
        calendar="KZ",
        citation='Law of the Republic of Kazakhstan "On Refugees" (2009)',
        confidence="U",
        enabled=False,
        notes="Period not found.",
    ),
    dict(
        code="tr.deport.appeal",
        jurisdiction="TR",
        countries="TR",
        kind="appeal_removal",
        description="Action against the deportation order",
        counts_from="removal_order_notified",
        period_amount=7,
        unit="days",
        calendar="TR",
        roll_forward=False,
        citation="Law No. 6458 on Foreigners and International Protection (LFIP) Art. 53",
        confidence="S",
        notes=(
            "Lodging suspends removal; the court decides within 15 days. Roll-forward is "
            "unverified (U): off, so that the date shown is never later than the true one."
        ),
    ),
    dict(
        code="tr.admin.general",
        jurisdiction="TR",
        countries="TR",
        kind="appeal_removal",
        description="Action against the administrative act",
        counts_from="other_admin_act_notified",
        period_amount=60,
        unit="days",
        calendar="TR",
        roll_forward=False,
        citation="Law No. 2577 on Administrative Procedure (İYUK) Art. 7",
        confidence="S",
        notes=(
            "Other administrative acts (removal orders of kind 'other'). Roll-forward is "
            "unverified (U): off."
        ),
    ),
    *[
        dict(
            code=f"{cc.lower()}.{what}.appeal",
            jurisdiction=cc,
            countries=cc,
            kind=kind,
            description=description,
            counts_from=event,
            period_amount=None,
            calendar=cc,
            citation=(
                "Law of the Kyrgyz Republic on Refugees No. 44 (2002)"
                if (cc, what) == ("KG", "refugee")
                else NOT_RESEARCHED
            ),
            confidence="U",
            enabled=False,
            notes=NOT_RESEARCHED,
        )
        for cc in ("KG", "UZ", "TJ")
        for what, kind, event, description in (
            (
                "extr",
                "appeal_extradition",
                "extradition_decision_notified",
                "Appeal against the extradition decision",
            ),
            (
                "refugee",
                "appeal_asylum",
                "asylum_refusal_notified",
                "Appeal against the refusal of refugee status",
            ),
        )
    ],
    dict(
        code="court.detention.term",
        jurisdiction="ANY",
        kind="detention_term_ends",
        description="Detention term authorised by the court",
        counts_from="detention_authorised_until",
        period_amount=0,
        unit="days",
        roll_forward=False,
        citation="The court's detention order (authorised until)",
        confidence="P",
        notes="Not a rule of law but the court's own term, read from the detention record.",
    ),
    dict(
        code="practice.welfare_check",
        jurisdiction="PRACTICE",
        kind="welfare_check_overdue",
        description="Welfare check of a detained person",
        counts_from="last_confirmed_contact",
        period_amount=3,
        imminent_period_amount=1,
        unit="days",
        roll_forward=False,
        citation="Haven practice default: no confirmed contact for 3 days while detained (1 while return is imminent)",
        confidence="S",
        practice=True,
    ),
    dict(
        code="practice.ua_send_before",
        jurisdiction="PRACTICE",
        kind="ua_send_before",
        description="Urgent action",
        counts_from="ua_send_before",
        period_amount=0,
        unit="days",
        roll_forward=False,
        citation="The urgent action's 'please send appeals before' date (about six weeks after issue)",
        confidence="S",
        practice=True,
    ),
    dict(
        code="practice.interim_followup",
        jurisdiction="PRACTICE",
        kind="interim_followup",
        description="Check that the state respects the interim measure",
        counts_from="interim_granted",
        period_amount=30,
        unit="days",
        roll_forward=False,
        citation="Haven practice default (not in the brief's research): CAT RoP rule 114(1); HRC RoP rule 94",
        confidence="U",
        practice=True,
        notes="Follow up 30 days after the grant or the last reaffirmation while in force.",
    ),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("engine", "Rule")
    for data in _for_model(Rule):
        Rule.objects.update_or_create(code=data["code"], defaults=data)


def _for_model(Rule):
    """The rows as this Rule model holds them. In the migration, as written; replayed on
    today's model (tests put the shipped rules back after a flush), a period that changed is
    two rows of one family, as migration 0160 made them."""
    names = {f.name for f in Rule._meta.get_fields()}
    if "period_changed_on" in names:
        return RULES
    rows = []
    for data in RULES:
        data = {**data, "family": data["code"]}
        previous = data.pop("previous_period_amount", None)
        changed = data.pop("period_changed_on", None)
        if previous is not None:
            changed = datetime.date.fromisoformat(changed)
            rows.append(
                {
                    **data,
                    "code": f"{data['code']}.pre{changed.year}",
                    "period_amount": previous,
                    "in_force_until": changed - datetime.timedelta(days=1),
                }
            )
            data["in_force_from"] = changed
        rows.append(data)
    return rows


def backwards(apps, schema_editor):
    Rule = apps.get_model("engine", "Rule")
    Rule.objects.filter(code__in=[r["code"] for r in _for_model(Rule)]).delete()


class Migration(migrations.Migration):
    dependencies = [("engine", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
