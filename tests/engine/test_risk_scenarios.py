"""The seeds' timelines replayed day by day from the demo data (fixtures/demo.yaml, loaded by
`manage.py load_demo`): Osh in June 2005 and Almaty from March to July 2011. The facts are
read once through the selectors; the pure core is asked about each day. Then the same days
through the services, with the clock moved, to see that the stored history says the same."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from casework.management.commands.load_demo import demo_id
from casework.models import Person
from engine import risk, selectors, services
from engine.models import Alert, AlertKind, RiskAssessment

pytestmark = pytest.mark.django_db

OSH_DETAINED = ["osh-01", "osh-02", "osh-03", "osh-04"]
KZ_STILL_DETAINED = ["kz-07", "kz-08", "kz-09", "kz-10"]
KZ_EXTRADITED = ["kz-01", "kz-02", "kz-03", "kz-04", "kz-05", "kz-06"]


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("HAVEN_DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=io.StringIO())


def pid(key: str) -> str:
    return str(demo_id("person", key))


def days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def replay(demo):
    """replay(key, day) -> the person's assessment on that day by the pure core, from the
    demo's facts and the shipped signals, thresholds and rules."""
    book = services.RuleBook.load()
    ids = sorted(Person.objects.values_list("pk", flat=True))
    facts = selectors.person_facts(ids)
    inputs = selectors.risk_inputs(ids, book.evidence)

    def assess(key: str, day: date) -> risk.Assessment:
        _, assessment = risk.assess_with_deadlines(
            facts[pid(key)],
            inputs[pid(key)],
            day,
            specs=book.specs,
            calendars=book.calendars,
            settings=book.signals,
            thresholds=book.thresholds,
        )
        return assessment

    return assess


def reason(assessment: risk.Assessment, code: str) -> str:
    found = [r.sentence for r in assessment.reasons if r.code == code]
    assert found, f"{code} not among {[r.code for r in assessment.reasons]}"
    return found[0]


# --- Osh, June 2005 ---------------------------------------------------------------------------


def test_the_men_in_osh_are_imminent_on_the_day_of_the_transfer(replay):
    transfer = date(2005, 6, 10)
    for key in OSH_DETAINED:
        before = replay(key, transfer - timedelta(days=1))
        assert risk.level_rank(before.level) < risk.level_rank("imminent"), key
        assert before.has("unhcr_pending") and before.has("returns_from_state")

        on = replay(key, transfer)
        assert on.level == "imminent", (key, on)
        assert "UNHCR has not completed its assessment" in reason(on, "unhcr_pending")
        assert reason(on, "transfer_reported") == (
            "Transfer of the group “29 men detained in Osh” on 10 June 2005."
        )
        assert reason(on, "returns_from_state").startswith(
            "4 people already returned from Kyrgyzstan"
        )
        assert "in June 2005" in reason(on, "returns_from_state")
        assert reason(on, "detained") == "Detained in Kyrgyzstan since 10 June 2005."
        assert on.has("no_interim_measure")


def test_the_men_still_in_the_camp_feel_the_pressure_but_are_not_imminent(replay):
    request = date(2005, 6, 16)
    for key in ("camp-01", "camp-02"):
        a = replay(key, request)
        assert a.level == "high", (key, a)
        assert "publicly requested on 16 June 2005" in reason(a, "state_pressure")
        assert not a.has("detained")


def test_the_four_returned_from_kyrgyzstan_have_no_return_risk_left(replay):
    for key in ("kg-ret-01", "kg-ret-02", "kg-ret-03", "kg-ret-04"):
        a = replay(key, date(2005, 6, 10))
        assert a.level == "none"
        assert [r.code for r in a.reasons] == ["returned"]


# --- Kazakhstan, 2011 -------------------------------------------------------------------------


def test_after_the_appeals_were_rejected_the_detainees_are_at_least_high_despite_cat(replay):
    for day in days(date(2011, 3, 15), date(2011, 6, 8)):
        for key in KZ_EXTRADITED + KZ_STILL_DETAINED:
            a = replay(key, day)
            assert risk.at_least(a.level, "high"), (key, day, a)
            assert "approved by Kazakhstan on 6 September 2010" in reason(a, "extradition_approved")
            if key in KZ_EXTRADITED or key == "kz-07":
                # They appealed with the 28 and are covered by the CAT's measures.
                assert reason(a, "appeal_rejected") == (
                    "Appeal against the extradition decision rejected on 15 March 2011."
                )
                assert not a.has("no_interim_measure"), "the CAT measures are in force"
            else:
                assert a.has("appeal_window_expired")
                assert a.has("no_interim_measure")
            assert not a.has("state_returned_despite_interim")


def test_the_day_before_the_rejection_the_appeal_was_still_pending(replay):
    a = replay("kz-07", date(2011, 3, 14))
    assert not a.has("appeal_rejected")


def test_after_the_returns_of_9_june_the_four_still_detained_are_imminent(replay):
    for day in days(date(2011, 6, 9), date(2011, 7, 22)):
        for key in KZ_STILL_DETAINED:
            a = replay(key, day)
            assert a.level == "imminent", (key, day, a)
            sentence = reason(a, "state_returned_despite_interim")
            assert sentence.startswith("Kazakhstan returned 6 people despite interim measures")
            assert "UN Committee against Torture" in sentence
            assert "most recently on 9 June 2011" in sentence
            if key == "kz-07":
                assert "the measure protecting this person may not be respected" in sentence
            else:
                assert "no interim measure protects this person" in sentence
    # The extradited six: no risk of return left once returned.
    for key in KZ_EXTRADITED:
        assert replay(key, date(2011, 6, 9)).level == "none"


def test_the_signal_alone_would_make_kz07_at_least_high(replay):
    """'Because the state has returned people despite interim measures': its floor alone
    makes a person high, whatever else is known."""
    a = replay("kz-07", date(2011, 6, 9))
    only = risk.combine(
        [risk.Fired(r.code, r.sentence) for r in a.reasons if r.code == "detained"]
        + [
            risk.Fired(r.code, r.sentence)
            for r in a.reasons
            if r.code == "state_returned_despite_interim"
        ]
    )
    assert only.level == "high"


def test_the_wives_of_the_extradited_are_watched_after_9_june(replay):
    before = replay("kz-w01", date(2011, 6, 8))
    after = replay("kz-w01", date(2011, 6, 9))
    assert reason(before, "relatives_detained") == "Relatives detained: spouse."
    assert not before.has("relatives_returned")
    assert risk.at_least(after.level, "monitoring")
    assert reason(after, "relatives_returned") == (
        "Relatives already returned (spouse), most recently on 9 June 2011."
    )


def test_the_child_of_a_detained_father_has_a_relative_detained(replay):
    a = replay("kz-c01", date(2011, 6, 12))
    assert "parent" in reason(a, "relatives_detained")


# --- the same through the services, the clock moved -------------------------------------------


def at(day: date):
    return time_machine.travel(
        timezone.make_aware(datetime(day.year, day.month, day.day, 9)), tick=False
    )


def test_the_services_keep_the_history_of_the_kazakhstan_case(demo):
    """Sweeps on the days of the timeline: a new assessment row only when the level or the
    reasons changed, the old one kept; the level raised raises alerts once."""
    kz07 = pid("kz-07")
    RiskAssessment.objects.all().delete()  # the demo assessed as of the real today
    Alert.objects.all().delete()
    for day in (date(2011, 3, 14), date(2011, 3, 15), date(2011, 3, 16), date(2011, 6, 9)):
        with at(day):
            services.sweep(today=day)
    rows = list(RiskAssessment.objects.filter(person_id=kz07).order_by("assessed_at"))
    # 14 March, 15 March (appeal rejected), 9 June (returns despite interim measures);
    # 16 March changed nothing.
    assert [r.assessed_on for r in rows] == [date(2011, 3, 14), date(2011, 3, 15), date(2011, 6, 9)]
    assert [r.is_current for r in rows] == [False, False, True]
    assert rows[1].previous_level == rows[0].level
    assert any("despite interim measures" in r["sentence"] for r in rows[2].reasons), rows[
        2
    ].reasons

    # Running the last day again changes nothing: no row, no alert.
    alerts = Alert.objects.count()
    with at(date(2011, 6, 9)):
        again = services.sweep(today=date(2011, 6, 9))
    assert again.assessed == 0
    assert Alert.objects.count() == alerts


def test_osh_transfer_day_raises_imminent_alerts_with_a_draft_proposed(demo):
    RiskAssessment.objects.all().delete()
    Alert.objects.all().delete()
    with at(date(2005, 6, 9)):
        services.sweep(today=date(2005, 6, 9))
    with at(date(2005, 6, 10)):
        services.sweep(today=date(2005, 6, 10))
    osh01 = pid("osh-01")
    current = RiskAssessment.objects.get(person_id=osh01, is_current=True)
    assert current.level == "imminent"
    raised = Alert.objects.filter(person_id=osh01, kind=AlertKind.RISK_RAISED, level="imminent")
    # The assigned caseworker and the demo coordinator, once each.
    assert sorted(raised.values_list("recipient__username", flat=True)) == [
        "caseworker",
        "coordinator",
    ]
    proposal = Alert.objects.get(person_id=osh01, kind=AlertKind.IMMINENT_NO_UA)
    assert proposal.recipient.username == "coordinator"
    assert proposal.action_link.endswith(f"?person={osh01}")


# --- what still protects, on the seeds' days ----------------------------------------------


def test_in_osh_nothing_protected_the_men_on_the_day_of_the_transfer(replay):
    for key in OSH_DETAINED:
        a = replay(key, date(2005, 6, 10))
        assert a.standing == (), (key, a.barriers)


def test_in_almaty_the_cat_measure_held_kz07_at_high_until_the_returns_of_9_june(replay):
    for day in (date(2011, 3, 15), date(2011, 4, 20), date(2011, 6, 8)):
        a = replay("kz-07", day)
        assert (a.level, a.capped_from) == ("high", "imminent"), (day, a)
        (barrier,) = a.standing
        assert barrier.kind == "interim_measure"
        assert barrier.sentence.startswith("Interim measure of the UN Committee against Torture")
    a = replay("kz-07", date(2011, 6, 9))
    assert a.level == "imminent"
    (barrier,) = a.barriers
    assert barrier.lifted_by == ("state_returned_despite_interim",)


def test_an_alerts_why_said_from_the_reasons_sentences_is_the_same_as_said_in_full(replay):
    """The batch path writes the English of a raised-risk alert's reasons from each reason's
    sentence instead of saying its message again (services._said_why): the same text, for
    every reason the seeds' timelines fire."""
    checked = 0
    for key in OSH_DETAINED + KZ_STILL_DETAINED + KZ_EXTRADITED:
        for day in (date(2005, 6, 10), date(2011, 3, 20), date(2011, 6, 9), date(2011, 7, 1)):
            reasons = replay(key, day).reasons_json()
            why = [services._line("Raised to %(level)s:", level={"level": "high"})]
            why += [services._item(r) for r in reasons]
            assert services._said_why(why, reasons) == [
                services.say(line["text"], line["args"]) for line in why
            ]
            checked += len(reasons)
    assert checked > 20  # the timelines fire reasons with arguments of every kind
