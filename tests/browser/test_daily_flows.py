"""The daily flows without the Django admin, in a real browser: a caseworker creates a person
with two names, a detention and a transfer, and logs five known members of a new group; a
lawyer records a rejected appeal and sees what follows from it, and adds a deadline by hand.

Selectors are ids and names, never visible words (see test_flows.py); no page visited is
under /admin/.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from casework import models as m
from engine.models import ManualDeadline
from tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _requests(page) -> list[str]:
    """Every URL the page asks for, to show at the end that none was the admin's."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def _no_admin(urls: list[str]) -> None:
    assert urls and not [u for u in urls if "/admin/" in u]


def test_a_caseworker_creates_a_person_a_detention_a_transfer_and_a_group_of_five(browse):
    caseworker = f.UserFactory(username="cw-daily", roles=["caseworker"])
    camp = f.FacilityFactory(name="Camp", city="Suzak", country="KG")
    osh = f.FacilityFactory(name="SIZO-5", city="Osh", country="KG")
    known = [f.PersonFactory(name=f"Known Member{'abcd'[i]}") for i in range(4)]
    today = timezone.localdate()

    s = browse(caseworker, "en", "caseworker-daily")
    page = s.page
    urls = _requests(page)

    # A person with two names, in two scripts.
    s.go("/persons/")
    page.locator("a[href$='/persons/new/']").click()
    page.wait_for_url(re.compile(r"/persons/new/$"))
    page.fill("#id_names-0-full_name", "Bakhtiyor Yusupov")
    page.select_option("#id_names-0-script", "latin")
    page.check("#id_names-0-is_primary")
    page.fill("#id_names-1-full_name", "Бахтиёр Юсупов")
    page.select_option("#id_names-1-script", "cyrillic")
    page.fill("#id_citizenship", "uz")
    s.shot("person-form")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(r"/persons/[0-9a-f-]+/$"))
    person = m.Person.objects.get(primary_name="Bakhtiyor Yusupov")
    assert person.names.count() == 2 and person.citizenship == "UZ"
    assert person.history.first().history_user == caseworker

    # A detention at the camp, then the transfer to Osh: both ends recorded.
    page.locator(f"a[href$='/persons/{person.pk}/detentions/new/']").click()
    page.select_option("#id_facility", str(camp.pk))
    page.fill("#id_started_on", str(today - timedelta(days=30)))
    page.select_option("#id_legal_basis", "extradition_arrest")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/persons/{person.pk}/"))
    detention = person.detentions.get()
    page.locator(f"a[href$='/detentions/{detention.pk}/transfer/']").click()
    page.select_option("#id_to_facility", str(osh.pk))
    page.fill("#id_moved_on", str(today - timedelta(days=2)))
    s.shot("transfer-form")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/persons/{person.pk}/"))
    detention.refresh_from_db()
    assert detention.ended_on == today - timedelta(days=2)
    new = person.detentions.get(ended_on__isnull=True)
    assert (new.facility, new.transferred_from) == (osh, detention)
    assert "SIZO-5" in page.locator("#h-detention + ul").inner_text()
    s.shot("person-after-transfer")

    # A new group, logged before names are known, then five known members.
    s.go("/groups/log/")
    page.fill("#id_new_group_name", "Five men moved to Osh")
    page.fill("#id_estimated_size", "5")
    page.select_option("#id_kind", "transferred")
    page.select_option("#id_facility", str(osh.pk))
    page.fill("#id_occurred_on", str(today))
    page.fill("#id_notes", "seen in one bus")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(r"/groups/[0-9a-f-]+/$"))
    group = m.Group.objects.get(name="Five men moved to Osh")
    assert "seen in one bus" in page.content()
    for member in [*known, person]:
        page.fill("#search-q", member.primary_name)
        button = page.locator("#search-results li form button").first
        button.wait_for()
        button.click()
        page.wait_for_url(re.compile(r"/groups/[0-9a-f-]+/$"))
    assert group.members.count() == 5
    s.shot("group-of-five")

    # The person's own transfer and the group's transfer today are both on the home page.
    s.go("/")
    transfers = page.locator("#h-transfers + ul").inner_text()
    assert "Five men moved to Osh" in transfers and "Bakhtiyor Yusupov" in transfers
    _no_admin(urls)


def test_a_member_not_yet_in_haven_is_created_from_the_group_page(browse):
    caseworker = f.UserFactory(username="cw-new-member", roles=["caseworker"])
    group = f.GroupFactory(name="Group in Osh")
    s = browse(caseworker, "en", "caseworker-new-member")
    page = s.page
    urls = _requests(page)
    s.go(f"/groups/{group.pk}/")
    page.fill("#search-q", "Sardor Newname")
    page.locator("#search-results form[action$='/persons/new/'] button").click()
    page.wait_for_url(re.compile(r"/persons/new/$"))
    assert page.input_value("#id_names-0-full_name") == "Sardor Newname"
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/groups/{group.pk}/$"))
    assert [p.primary_name for p in group.members.all()] == ["Sardor Newname"]
    _no_admin(urls)


def _record_rejected_appeal(page, person, extradition, *, country: str, court: str) -> m.Appeal:
    """The appeal form on the person page, as a lawyer fills it in: lodged 40 days ago,
    rejected 5 days ago, notified the day after."""
    today = timezone.localdate()
    page.locator(f"a[href$='/persons/{person.pk}/proceedings/appeal/new/']").click()
    page.select_option("#id_target", f"extradition_request:{extradition.pk}")
    page.fill("#id_court", court)
    page.select_option("#id_court_level", "regional")
    page.fill("#id_country", country)
    page.fill("#id_lodged_on", str(today - timedelta(days=40)))
    page.select_option("#id_outcome", "rejected")
    page.fill("#id_decided_on", str(today - timedelta(days=5)))
    page.fill("#id_notified_on", str(today - timedelta(days=4)))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/persons/{person.pk}/"))
    return m.Appeal.objects.get(person=person)


def test_a_lawyer_records_a_rejected_appeal_and_sees_the_next_deadline(browse, eager_tasks):
    """Russia: a regional court's rejection opens the next instance, listed under the
    appeal with its due date."""
    lawyer = f.UserFactory(username="lw-daily", roles=["lawyer"])
    person = f.PersonFactory(name="Ulugbek Karimov", assigned_lawyer=lawyer)
    extradition = f.ExtraditionRequestFactory(
        person=person, requesting_state="UZ", requested_state="RU"
    )
    s = browse(lawyer, "en", "lawyer-daily")
    page = s.page
    urls = _requests(page)
    s.go(f"/persons/{person.pk}/")
    appeal = _record_rejected_appeal(
        page, person, extradition, country="RU", court="Moscow City Court"
    )
    rows = page.locator(f"#appeal-{appeal.pk} .deadlines li")
    assert rows.count() > 0
    assert person.deadlines.filter(source_id=str(appeal.pk)).exclude(status="superseded")
    assert page.locator("#h-deadlines ~ ul li.rule-gap").count() == 0
    s.shot("rejected-appeal-next-deadline")
    _no_admin(urls)


def test_a_lawyer_records_a_rejected_appeal_and_sees_that_haven_has_no_rule(browse, eager_tasks):
    """Kyrgyzstan: Haven has no rule for the next instance nor a treaty body's window, and
    the person page says so instead of showing nothing (before the appeal, the decision
    itself was the gap; the appeal answers that one)."""
    lawyer = f.UserFactory(username="lw-no-rule", roles=["lawyer"])
    person = f.PersonFactory(name="Azamat Norulov", assigned_lawyer=lawyer)
    extradition = f.ExtraditionRequestFactory(
        person=person, requesting_state="UZ", requested_state="KG"
    )
    s = browse(lawyer, "en", "lawyer-no-rule")
    page = s.page
    urls = _requests(page)
    s.go(f"/persons/{person.pk}/")
    _record_rejected_appeal(page, person, extradition, country="KG", court="Osh City Court")
    gap = page.locator("#h-deadlines ~ ul li.rule-gap[data-event='extradition_appeal_rejected']")
    assert gap.count() == 1
    assert "No rule in Haven for this decision" in gap.inner_text()
    s.shot("rejected-appeal-no-rule")
    _no_admin(urls)


def test_a_lawyer_adds_a_deadline_by_hand_with_its_reason(browse):
    lawyer = f.UserFactory(username="lw-manual", roles=["lawyer"])
    person = f.PersonFactory(name="Jamshid Aliev", assigned_lawyer=lawyer)
    due = timezone.localdate() + timedelta(days=12)

    s = browse(lawyer, "en", "lawyer-manual")
    page = s.page
    urls = _requests(page)
    s.go(f"/persons/{person.pk}/")
    page.locator(f"a[href$='/persons/{person.pk}/deadlines/new/']").click()
    page.fill("#id_title", "Submit the medical report")
    page.fill("#id_due_on", str(due))
    page.fill("#id_reason", "The court asked for it at the hearing of 2 December")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/persons/{person.pk}/"))
    deadline = ManualDeadline.objects.get(person=person)
    assert deadline.added_by == lawyer
    text = page.locator(f"#manual-deadline-{deadline.pk}").inner_text()
    assert "Submit the medical report" in text and "hearing of 2 December" in text
    s.shot("manual-deadline")
    _no_admin(urls)
