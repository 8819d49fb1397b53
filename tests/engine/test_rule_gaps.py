"""Where Haven has no rule, it says so: the person page, "my deadlines" and the feed."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from engine import services
from engine.deadlines import find_gaps
from engine.facts import AppealFact, ExtraditionFact, PersonFacts, RuleSpec
from engine.kinds import Event, Kind, Unit
from engine.models import Rule, RuleGap
from tests.factories import AppealFactory, ExtraditionRequestFactory, PersonFactory

NO_RULE_KG = "No rule in Haven for this decision in Kyrgyzstan: check the deadline yourself."


def extradition(state, notified=date(2026, 3, 2)):
    return ExtraditionFact("e", state, "approved", notified, notified)


def kz_appeal_rule(**kw):
    base = dict(
        code="kz.extr.appeal",
        kind=Kind.APPEAL_EXTRADITION,
        counts_from=Event.EXTRADITION_DECISION_NOTIFIED,
        description="Appeal",
        period_amount=10,
        unit=Unit.DAYS,
        countries=frozenset({"KZ"}),
    )
    return RuleSpec(**{**base, **kw})


def test_a_decision_in_a_state_without_a_rule_is_a_gap_and_one_with_a_rule_is_not():
    facts = PersonFacts("p", extraditions=(extradition("KG"),))
    (gap,) = find_gaps(facts, [kz_appeal_rule()])
    assert (gap.event, gap.jurisdiction, gap.on) == (
        Event.EXTRADITION_DECISION_NOTIFIED,
        "KG",
        date(2026, 3, 2),
    )
    assert find_gaps(PersonFacts("p", extraditions=(extradition("KZ"),)), [kz_appeal_rule()]) == []


def test_a_rule_not_in_force_on_the_facts_date_leaves_a_gap():
    rule = kz_appeal_rule(in_force_from=date(2015, 1, 1))
    facts = PersonFacts("p", extraditions=(extradition("KZ", date(2011, 3, 15)),))
    (gap,) = find_gaps(facts, [rule])
    assert gap.jurisdiction == "KZ"


def test_a_disabled_placeholder_is_named_but_still_a_gap():
    placeholder = kz_appeal_rule(
        code="kg.extr.appeal", countries=frozenset({"KG"}), period_amount=None, enabled=False
    )
    (gap,) = find_gaps(PersonFacts("p", extraditions=(extradition("KG"),)), [placeholder])
    assert gap.placeholder == "kg.extr.appeal"


def test_an_appealed_decision_is_no_gap():
    facts = PersonFacts(
        "p",
        extraditions=(extradition("KG"),),
        appeals=(AppealFact("a", "extradition_request", "e", "KG", date(2026, 3, 5)),),
    )
    assert [g.source_id for g in find_gaps(facts, [])] == []


def rejected(country, level="district", **kw):
    on = date(2026, 4, 1)
    return AppealFact(
        "a", "extradition_request", "e", country, on, "rejected", on, on, court_level=level, **kw
    )


def test_a_rejected_appeal_is_covered_by_a_next_instance_rule_of_its_level_only():
    rule = kz_appeal_rule(
        code="kz.extr.cassation",
        kind=Kind.APPEAL_LOWER_COURT,
        counts_from=Event.EXTRADITION_APPEAL_REJECTED,
        after_court_levels=frozenset({"district"}),
    )
    appealed = (extradition("KZ"),)
    facts = PersonFacts("p", extraditions=appealed, appeals=(rejected("KZ"),))
    assert find_gaps(facts, [rule]) == []
    facts = PersonFacts("p", extraditions=appealed, appeals=(rejected("KZ", "supreme"),))
    (gap,) = find_gaps(facts, [rule])
    assert (gap.event, gap.source_id) == (Event.EXTRADITION_APPEAL_REJECTED, "a")


def test_a_final_rejection_is_covered_by_a_treaty_bodys_window():
    echr = RuleSpec(
        code="echr.application",
        kind=Kind.ECTHR_APPLICATION,
        counts_from=Event.FINAL_DOMESTIC_DECISION,
        description="Application",
        period_amount=4,
        unit=Unit.MONTHS,
        jurisdiction="ECTHR",
        countries=frozenset({"TR"}),
    )
    tr = PersonFacts("p", extraditions=(extradition("TR"),), appeals=(rejected("TR"),))
    assert find_gaps(tr, [echr]) == []  # the decision was appealed, the rejection is final
    kg = PersonFacts("p", appeals=(rejected("KG"),))
    assert [g.event for g in find_gaps(kg, [echr])] == [Event.EXTRADITION_APPEAL_REJECTED]


# ---------------------------------------------------------------------------------------------
# Stored by the recompute, shown by the pages
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def bishkek(db, frozen, lawyer):
    """A person whose extradition to Uzbekistan a Kyrgyz prosecutor approved, with the
    Kyrgyz rule back to the placeholder it was before the lawbook (issue 16b ships a flagged
    one): a state without a rule."""
    Rule.objects.filter(code="kg.extr.appeal").update(enabled=False, period_amount=None)
    person = PersonFactory(assigned_lawyer=lawyer)
    ExtraditionRequestFactory(
        person=person,
        requested_state="KG",
        status="approved",
        decided_on=date(2026, 3, 1),
        notified_on=date(2026, 3, 2),
    )
    services.person_recompute(person_id=person.pk, today=timezone.localdate())
    return person


def test_the_recompute_stores_the_gap_and_removes_it_once_a_rule_exists(bishkek):
    (gap,) = RuleGap.objects.filter(person=bishkek)
    assert (gap.event, gap.jurisdiction, gap.placeholder_code) == (
        "extradition_decision_notified",
        "KG",
        "kg.extr.appeal",
    )
    assert gap.message == NO_RULE_KG
    services.person_recompute(person_id=bishkek.pk, today=timezone.localdate())
    assert RuleGap.objects.filter(person=bishkek).count() == 1  # idempotent
    Rule.objects.filter(code="kg.extr.appeal").update(enabled=True, period_amount=10)
    services.person_recompute(person_id=bishkek.pk, today=timezone.localdate())
    assert not RuleGap.objects.filter(person=bishkek).exists()
    assert bishkek.deadlines.filter(rule_code="kg.extr.appeal").exists()


def test_the_person_page_says_there_is_no_rule(bishkek, client_for, lawyer):
    html = client_for(lawyer).get(f"/persons/{bishkek.pk}/").content.decode()
    section = html.split('id="h-deadlines"')[1].split("</section>")[0]
    assert NO_RULE_KG in section
    assert "kg.extr.appeal" in section  # the placeholder: research pending
    assert "No open deadlines." not in section


def test_the_person_page_says_it_in_russian(bishkek, client_for, lawyer):
    client = client_for(lawyer)
    html = client.get(f"/persons/{bishkek.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "В Haven нет правила для этого решения (Кыргызстан): проверьте срок сами." in html


def test_my_deadlines_list_the_decisions_without_a_rule(bishkek, client_for, lawyer):
    html = client_for(lawyer).get("/engine/deadlines/").content.decode()
    section = html.split('id="rule-gaps"')[1].split("</section>")[0]
    assert NO_RULE_KG in section and bishkek.case_number in section


def test_my_deadlines_list_the_newest_gaps_first_and_say_when_some_are_left_out(
    bishkek, client_for, lawyer, monkeypatch
):
    """A fresh decision is the one whose period may still run: it comes first, and when the
    page holds only some, it says so (the filters and the person pages show the rest)."""
    from engine import views

    older = PersonFactory(assigned_lawyer=lawyer)
    ExtraditionRequestFactory(
        person=older,
        requested_state="KG",
        status="approved",
        decided_on=date(2025, 6, 1),
        notified_on=date(2025, 6, 2),
    )
    services.person_recompute(person_id=older.pk, today=timezone.localdate())
    client = client_for(lawyer)
    section = client.get("/engine/deadlines/").content.decode().split('id="rule-gaps"')[1]
    assert section.index(bishkek.case_number) < section.index(older.case_number)
    assert "Only the most recent are listed" not in section
    monkeypatch.setattr(views, "GAPS_ON_PAGE", 1)
    section = client.get("/engine/deadlines/").content.decode().split('id="rule-gaps"')[1]
    section = section.split("</section>")[0]
    assert bishkek.case_number in section and older.case_number not in section
    assert "Only the most recent are listed" in section


def test_my_deadlines_do_not_list_another_lawyers_gaps(bishkek, client_for):
    from tests.factories import UserFactory

    other = UserFactory(username="lw2", roles=["lawyer"])
    html = client_for(other).get("/engine/deadlines/").content.decode()
    assert 'id="rule-gaps"' not in html and bishkek.case_number not in html


def test_the_calendar_feed_says_there_is_no_rule(bishkek, client_for, client, lawyer):
    response = client_for(lawyer).post("/api/engine/calendar-tokens/")
    url = response.json()["url"].replace("http://testserver", "")
    client.logout()
    events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    (gap,) = [e for e in events if str(e["uid"]).startswith("rulegap-")]
    assert "No rule in Haven" in str(gap["summary"]) and bishkek.case_number in str(gap["summary"])
    assert NO_RULE_KG in str(gap["description"])
    assert gap["dtstart"].dt == date(2026, 3, 10)  # stands on today until resolved


def test_a_rejected_appeal_recorded_by_a_lawyer_gives_the_next_instance_or_says_no_rule(
    db, frozen, lawyer
):
    """Issue 21's report: a rejected appeal produced nothing. A Kazakh district court's
    rejection with a next-instance rule in the data gives its deadline; a Kyrgyz one, with no
    rule, says so."""
    Rule.objects.create(
        code="kz.extr.appeal.next",
        jurisdiction="KZ",
        countries="KZ",
        kind="appeal_lower_court",
        description="Appeal against the court's decision",
        counts_from="extradition_appeal_rejected",
        period_amount=15,
        unit="days",
        citation="Test rule",
        confidence="U",
    )
    person = PersonFactory(assigned_lawyer=lawyer)
    for state in ("KZ", "KG"):
        extradition_request = ExtraditionRequestFactory(
            person=person, requested_state=state, status="approved", decided_on=date(2026, 2, 1)
        )
        AppealFactory(
            person=person,
            extradition_request=extradition_request,
            country=state,
            lodged_on=date(2026, 2, 5),
            outcome="rejected",
            decided_on=date(2026, 3, 2),
            notified_on=date(2026, 3, 3),
        )
    services.person_recompute(person_id=person.pk, today=timezone.localdate())
    (deadline,) = person.deadlines.filter(rule_code="kz.extr.appeal.next")
    assert deadline.due_on == date(2026, 3, 18)  # 3 March + 15 days
    (gap,) = RuleGap.objects.filter(person=person)
    assert (gap.event, gap.jurisdiction) == ("extradition_appeal_rejected", "KG")


def test_a_removal_order_is_covered_only_where_a_rule_gives_it_a_deadline():
    from engine.facts import RemovalFact

    rule = RuleSpec(
        code="tr.deport.appeal",
        kind=Kind.APPEAL_REMOVAL,
        counts_from=Event.REMOVAL_ORDER_NOTIFIED,
        description="Appeal",
        period_amount=7,
        countries=frozenset({"TR"}),
    )
    on = date(2026, 3, 2)
    tr = PersonFacts("p", removal_orders=(RemovalFact("o", "TR", on, "deportation", on),))
    assert find_gaps(tr, [rule]) == []
    uz = PersonFacts("p", removal_orders=(RemovalFact("o", "UZ", on, "deportation", on),))
    assert [(g.event, g.jurisdiction) for g in find_gaps(uz, [rule])] == [
        (Event.REMOVAL_ORDER_NOTIFIED, "UZ")
    ]
