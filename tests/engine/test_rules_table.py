"""One worked example per shipped rule, computed with the rule as the migration ships it.

Where the source gives an example, it is used (CPC RF Art. 128(2): 31 January + 1 month).
A test at the end makes sure no shipped rule is left without its row here.
"""

from datetime import date

import pytest

from engine.deadlines import compute_deadlines
from engine.facts import (
    AppealFact,
    AsylumFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
    RemovalFact,
    UrgentActionFact,
)
from engine.models import Rule

pytestmark = pytest.mark.django_db


def extradition(state, notified):
    return PersonFacts(
        "p", extraditions=(ExtraditionFact("e", state, "approved", notified, notified),)
    )


def asylum(country, notified):
    return PersonFacts(
        "p", asylum_claims=(AsylumFact("c", country, "refused", "state", notified, notified),)
    )


def removal(country, notified, kind="deportation", scheduled=None):
    return PersonFacts(
        "p",
        removal_orders=(RemovalFact("o", country, notified, kind, notified, scheduled),),
    )


def rejected_appeal(country, notified):
    return PersonFacts(
        "p",
        appeals=(
            AppealFact(
                "a", "extradition_request", "e", country, notified, "rejected", notified, notified
            ),
        ),
    )


def extradition_appeal_lodged(country, lodged):
    return PersonFacts("p", appeals=(AppealFact("a", "extradition_request", "e", country, lodged),))


def detention(country, started, **kw):
    return PersonFacts(
        "p",
        detentions=(
            DetentionFact("d", started, legal_basis="extradition_arrest", country=country, **kw),
        ),
        extraditions=kw.pop("extraditions", ()),
    )


def measure(body, **kw):
    return PersonFacts("p", interim_measures=(InterimFact("m", body, respondent_state="KZ", **kw),))


# code -> [(facts, today, expected due date or None for "no deadline", words in `why`)]
TABLE = {
    "ru.extr.appeal": [
        # The example: notified 20 September 2010, 10 calendar days.
        (extradition("RU", date(2010, 9, 20)), date(2010, 9, 21), date(2010, 9, 30),
         ["notified on 20 September 2010: 10 days, calendar — due 30 September 2010"]),
        # 26 September 2010 is a Sunday: CPC RF Art. 128(2) moves it to Monday.
        (extradition("RU", date(2010, 9, 16)), date(2010, 9, 17), date(2010, 9, 27),
         ["Sunday 26 September 2010", "not a working day"]),
        # Saturday 27 April 2024 was a working day in Russia (official transfer): no roll.
        (extradition("RU", date(2024, 4, 17)), date(2024, 4, 18), date(2024, 4, 27), []),
        # Not for a Kazakh decision.
        (extradition("KZ", date(2010, 9, 20)), date(2010, 9, 21), None, []),
    ],
    "ru.extr.court_review": [
        (extradition_appeal_lodged("RU", date(2011, 1, 26)), date(2011, 1, 27), date(2011, 2, 28),
         ["1 month"]),  # 26 February 2011 is a Saturday: rolled to Monday 28 February
    ],
    "ru.appeal.general": [
        (rejected_appeal("RU", date(2023, 3, 1)), date(2023, 3, 2), date(2023, 3, 16),
         ["15 days", "the rule in force since 29 December 2022"]),
    ],
    "ru.appeal.general.pre2022": [
        # Before 29 December 2022 the period was 10 days: 11 Dec 2022 is a Sunday -> Monday.
        (rejected_appeal("RU", date(2022, 12, 1)), date(2022, 12, 2), date(2022, 12, 12),
         ["10 days", "the rule in force until 28 December 2022"]),
    ],
    "ru.extr.detention": [
        # Custody terms do not roll forward: 15 August 2010 is a Sunday and stays.
        (detention("RU", date(2010, 6, 15)), date(2010, 6, 16), date(2010, 8, 15), ["2 months"]),
    ],
    "ru.refugee.appeal": [
        # CPC RF Art. 128(2)'s own example: 31 January + 1 month = 28 February.
        (asylum("RU", date(2011, 1, 31)), date(2011, 2, 1), date(2011, 2, 28), ["1 month"]),
    ],
    "kz.extr.appeal": [
        (extradition("KZ", date(2011, 3, 15)), date(2011, 3, 16), date(2011, 3, 25), ["notified on 15 March 2011: 10 days, calendar — due 25 March 2011"]),
        # Roll-forward unverified: off, so Saturday 26 March 2011 is shown (never later than true).
        (extradition("KZ", date(2011, 3, 16)), date(2011, 3, 17), date(2011, 3, 26), []),
    ],
    "kz.extr.temp_custody": [
        (detention("KZ", date(2010, 6, 15)), date(2010, 6, 16), date(2010, 7, 25), ["40 days"]),
    ],
    "kz.extr.arrest": [(detention("KZ", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "kz.refugee.appeal": [(asylum("KZ", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "kg.extr.appeal": [(extradition("KG", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "kg.refugee.appeal": [(asylum("KG", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "uz.extr.appeal": [(extradition("UZ", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "uz.refugee.appeal": [(asylum("UZ", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "tj.extr.appeal": [(extradition("TJ", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "tj.refugee.appeal": [(asylum("TJ", date(2010, 6, 15)), date(2010, 6, 16), None, [])],
    "tr.deport.appeal": [
        (removal("TR", date(2020, 1, 10)), date(2020, 1, 11), date(2020, 1, 17), ["7 days"]),
    ],
    "tr.admin.general": [
        (removal("TR", date(2020, 1, 10), kind="other"), date(2020, 1, 11), date(2020, 3, 10), ["60 days"]),
        (removal("TR", date(2020, 1, 10)), date(2020, 1, 11), None, []),  # a deportation: LFIP
    ],
    "echr.application": [
        (rejected_appeal("TR", date(2022, 3, 15)), date(2022, 3, 16), date(2022, 7, 15), ["4 months"]),
        # Month end, and no roll-forward (Sabri Güneş): Saturday 13 August 2022 stays.
        (rejected_appeal("TR", date(2022, 10, 31)), date(2022, 11, 1), date(2023, 2, 28), []),
        (rejected_appeal("TR", date(2022, 4, 13)), date(2022, 4, 14), date(2022, 8, 13), []),
        (rejected_appeal("KZ", date(2022, 4, 13)), date(2022, 4, 14), None, []),  # not an ECHR party
    ],
    "echr.application.pre2022": [
        # Transitional: a final decision before 1 February 2022 keeps six months.
        (rejected_appeal("TR", date(2021, 6, 30)), date(2021, 7, 1), date(2021, 12, 30), ["6 months"]),
    ],
    "echr.rule39": [
        # Removal on Monday 10 May 2021: the last working day before is Friday 7 May.
        (removal("TR", date(2021, 5, 1), scheduled=date(2021, 5, 10)), date(2021, 5, 2), date(2021, 5, 7),
         ["1 working day before"]),
    ],
    "cat.state_obs": [
        (measure("cat", complaint_transmitted_on=date(2011, 1, 31)), date(2011, 2, 1), date(2011, 7, 31),
         ["6 months"]),
        (measure("hrc", complaint_transmitted_on=date(2011, 1, 31)), date(2011, 2, 1), None, []),
    ],
    "cat.interim": [(measure("cat", status="granted", granted_on=date(2010, 12, 20)), date(2011, 1, 1), None, [])],
    "cat.followup": [
        (measure("cat", decision_on=date(2012, 5, 23)), date(2012, 5, 24), date(2012, 8, 21), ["90 days"]),
    ],
    "hrc.state_obs": [
        (measure("hrc", complaint_transmitted_on=date(2011, 8, 31)), date(2011, 9, 1), date(2012, 2, 29), []),
    ],
    "hrc.interim": [(measure("hrc", status="granted", granted_on=date(2010, 12, 20)), date(2011, 1, 1), None, [])],
    "ru.detention.appeal": [
        # Counted from the start of detention (the ruling's date is not recorded): 3 days.
        (detention("RU", date(2011, 3, 5)), date(2011, 3, 6), date(2011, 3, 8),
         ["detained on 5 March 2011", "3 days, calendar — due", "unverified rule"]),
        # Roll-forward is off until verified: 3 days from Thursday 7 April 2011 end on Sunday.
        (detention("RU", date(2011, 4, 7)), date(2011, 4, 8), date(2011, 4, 10), []),
        (PersonFacts("p", detentions=(DetentionFact("d", date(2011, 3, 5), legal_basis="immigration",
                                                    country="RU"),)),
         date(2011, 3, 6), None, []),
        (detention("KZ", date(2011, 3, 5)), date(2011, 3, 6), None, []),
    ],
    "ru.extr.detention.limit": [
        # Art. 128(2) month ends: 31 August + 6 months = 28 February.
        (detention("RU", date(2010, 8, 31)), date(2010, 9, 1), date(2011, 2, 28),
         ["6 months — due"]),
        # Custody does not roll forward: 16 October 2011 is a Sunday and stays the last day.
        (detention("RU", date(2011, 4, 16)), date(2011, 5, 1), date(2011, 10, 16), []),
        (detention("KZ", date(2011, 4, 16)), date(2011, 5, 1), None, []),
    ],
    "court.detention.term": [
        (detention("KZ", date(2010, 6, 15), authorised_until=date(2010, 8, 15)), date(2010, 7, 1),
         date(2010, 8, 15), ["until 15 August 2010"]),
    ],
    "practice.welfare_check": [
        (PersonFacts("p", detentions=(DetentionFact("d", date(2011, 6, 1)),),
                     last_confirmed_contact_on=date(2011, 6, 5)),
         date(2011, 6, 6), date(2011, 6, 8), ["last confirmed contact on 5 June 2011", "practice, not law"]),
        (PersonFacts("p", detentions=(DetentionFact("d", date(2011, 6, 1)),),
                     last_confirmed_contact_on=date(2011, 6, 5), risk_level="imminent"),
         date(2011, 6, 6), date(2011, 6, 6), ["imminent"]),
        (PersonFacts("p", detentions=(DetentionFact("d", date(2011, 6, 1)),)),
         date(2011, 6, 2), date(2011, 6, 4), ["no confirmed contact since"]),
    ],
    "practice.ua_send_before": [
        (PersonFacts("p", urgent_actions=(UrgentActionFact("u", date(2010, 11, 4)),)), date(2010, 10, 1),
         date(2010, 11, 4), ["send appeals before 4 November 2010"]),
        (PersonFacts("p", urgent_actions=(UrgentActionFact("u", date(2010, 11, 4), "draft"),)),
         date(2010, 10, 1), None, []),
    ],
    "practice.interim_followup": [
        (measure("cat", status="granted", granted_on=date(2010, 12, 20), reaffirmed_on=(date(2011, 3, 1),)),
         date(2011, 3, 2), date(2011, 3, 31), ["unverified rule"]),
    ],
}  # fmt: skip

CASES = [
    pytest.param(code, *case, id=f"{code}-{i}")
    for code, cases in TABLE.items()
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize("code,facts,today,due,words", CASES)
def test_shipped_rule_worked_example(code, facts, today, due, words):
    rule = Rule.objects.get(code=code)
    family = [r.to_spec() for r in Rule.objects.filter(family=rule.family)]
    deadlines = compute_deadlines(facts, family, today)
    if due is None:
        assert deadlines == []
        return
    (deadline,) = deadlines
    assert deadline.due_on == due, deadline.why
    assert deadline.rule_code == code
    assert deadline.citation == rule.citation
    # Shown beside the why wherever the why is: not repeated in it.
    assert rule.citation not in deadline.why
    for word in words:
        assert word in deadline.why


def test_every_shipped_rule_has_a_worked_example():
    assert set(Rule.objects.values_list("code", flat=True)) == set(TABLE)


def test_every_shipped_rule_says_its_source_and_confidence():
    for rule in Rule.objects.all():
        assert rule.citation and rule.confidence in {"P", "P/S", "S", "U"}, rule.code


def test_placeholders_ship_disabled_and_flagged_unverified():
    for rule in Rule.objects.filter(period_amount__isnull=True).exclude(
        code__in=["cat.interim", "hrc.interim"]
    ):
        assert not rule.enabled and rule.is_unverified, rule.code


def test_an_unverified_rule_stops_saying_so_once_verified():
    rule = Rule.objects.get(code="practice.interim_followup")
    facts = measure("cat", status="granted", granted_on=date(2010, 12, 20))
    (before,) = compute_deadlines(facts, [rule.to_spec()], date(2011, 1, 1))
    assert before.unverified and "unverified rule" in before.why
    rule.verified_on, rule.verified_by = date(2026, 1, 5), "A. Lawyer, against the official text"
    (after,) = compute_deadlines(facts, [rule.to_spec()], date(2011, 1, 1))
    assert not after.unverified and "unverified" not in after.why
