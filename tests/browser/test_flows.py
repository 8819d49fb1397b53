"""One flow per role, end to end in a real browser, in English and in Russian.

Selectors are ids and names, never visible words, so the same test drives both languages;
each flow also checks a word of the page in its language. Screenshots go to screenshots/.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import models as m
from tests import factories as f

# serialized_rollback: the rules and letter templates that migrations ship survive the flush
# between transactional tests (without them no deadline and no letter is produced).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
LANGUAGES = ["en", "ru"]
WORD = {"en": {"today": "What needs you today"}, "ru": {"today": "Что требует вашего внимания"}}


@pytest.mark.parametrize("language", LANGUAGES)
def test_caseworker_logs_the_osh_group_and_a_welfare_check(browse, language):
    caseworker = f.UserFactory(username=f"cw-{language}", roles=["caseworker"])
    osh = f.FacilityFactory(name="Detention centre", city="Osh", country="KG")
    person = f.PersonFactory(name="Rustam Abdullaev")
    f.DetentionFactory(
        person=person, facility=osh, started_on=timezone.localdate() - timedelta(days=20)
    )

    s = browse(caseworker, language, "caseworker")
    page = s.page
    assert WORD[language]["today"] in page.content()
    assert "Rustam Abdullaev" in page.locator("#h-no-contact + ul").inner_text()
    s.shot("home")

    # One action, before any name is known.
    s.go("/groups/log/")
    page.fill("#id_new_group_name", "29 men moved to Osh")
    page.fill("#id_estimated_size", "29")
    page.select_option("#id_kind", "transferred")
    page.select_option("#id_facility", str(osh.pk))
    page.fill("#id_occurred_on", "2005-06-10")
    page.fill("#id_source", "UNHCR Osh office")
    s.shot("group-event-form")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(r"/groups/[0-9a-f-]+/$"))
    group = m.Group.objects.get(name="29 men moved to Osh")
    assert group.estimated_size == 29
    assert group.events.get().facility == osh
    s.shot("group-page")

    # Add a known member later, found by a Cyrillic spelling, as you type.
    page.fill("#search-q", "Абдуллаев")
    page.wait_for_selector("#search-results li form button")
    s.shot("member-search")
    page.locator("#search-results li form button").first.click()
    page.wait_for_url(re.compile(r"/groups/[0-9a-f-]+/$"))
    assert list(group.members.all()) == [person]

    # The welfare check from the person page: one short form, posted by htmx.
    s.go("/persons/")
    page.fill("#search-q", "Абдуллаев")
    page.wait_for_selector("#search-results li a")
    page.locator("#search-results li a").first.click()
    page.wait_for_url(re.compile(r"/persons/[0-9a-f-]+/$"))
    page.fill("#id_seen_by", "lawyer")
    page.fill("#id_condition", "health poor")
    page.check("#id_contact_confirmed_0")  # "yes": answered each time, never pre-ticked
    page.locator("#welfare-box form button[type=submit]").click()
    page.wait_for_selector("#welfare-box .ok")
    assert "health poor" in page.locator("#welfare-box").inner_text()
    check = m.WelfareCheck.objects.get(person=person)
    assert check.recorded_by == caseworker and check.contact_confirmed
    s.shot("welfare-check")

    s.go("/")
    assert "Rustam Abdullaev" not in page.locator("#h-no-contact + ul").inner_text()
    s.shot("home-after")


@pytest.mark.parametrize("language", LANGUAGES)
def test_lawyer_records_an_appeal_decision_and_sees_the_deadline_at_home(
    browse, language, eager_tasks
):
    lawyer = f.UserFactory(username=f"lw-{language}", roles=["lawyer"])
    person = f.PersonFactory(name="Ilkhom Sodikov", assigned_lawyer=lawyer)
    extradition = f.ExtraditionRequestFactory(
        person=person, requesting_state="UZ", requested_state="RU"
    )
    appeal = f.AppealFactory(
        person=person, extradition_request=extradition, country="RU", court="Moscow City Court"
    )
    today = timezone.localdate()

    s = browse(lawyer, language, "lawyer")
    page = s.page
    assert "CPC RF Art. 389.4" not in page.locator("#h-deadlines + ul").inner_text()
    s.go(f"/persons/{person.pk}/")
    s.shot("person")
    page.locator(f"#appeal-{appeal.pk} a[href*='/proceedings/appeal/']").click()
    page.select_option("#id_court_level", "regional")
    page.select_option("#id_outcome", "rejected")
    page.fill("#id_decided_on", str(today - timedelta(days=13)))
    page.fill("#id_notified_on", str(today - timedelta(days=12)))
    s.shot("appeal-form")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/persons/{person.pk}/"))
    # Recomputed on commit by the engine's task, run eagerly (no worker here).
    assert "CPC RF Art. 389.4" in page.locator(f"#appeal-{appeal.pk}").inner_text()
    s.shot("person-after")

    s.go("/")
    deadlines = page.locator("#h-deadlines + ul").inner_text()
    assert "CPC RF Art. 389.4" in deadlines
    assert "Ilkhom Sodikov" in deadlines
    s.shot("home-with-deadline")

    # Subscribe to my deadlines in a calendar.
    s.go("/engine/deadlines/")
    page.locator("form[action*='calendar/tokens'] button[type=submit]").first.click()
    assert ".ics" in page.content()
    s.shot("calendar-feed")


@pytest.mark.parametrize("language", LANGUAGES)
def test_coordinator_drafts_issues_and_generates_letters(browse, language, eager_tasks):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    coordinator = f.UserFactory(username=f"co-{language}", roles=["coordinator"])
    group = (
        m.Group.objects.filter(memberships__person__detentions__facility__country="KZ")
        .distinct()
        .first()
    )
    assert group is not None, "the demo has a group detained in Kazakhstan"

    s = browse(coordinator, language, "coordinator")
    page = s.page
    s.shot("home")
    s.go(f"/advocacy/urgent-actions/draft/?group={group.pk}")
    assert page.locator(f"#draft-group-{group.pk}").is_checked()
    s.shot("draft-pick")
    page.click("#draft-submit")
    page.wait_for_url(re.compile(r"/urgent-actions/[0-9a-f-]+/$"))
    s.shot("draft")

    # Edit with a live preview.
    page.locator("#ua-edit-form [name=title]").fill("Kazakhstan: men at risk of extradition")
    # (Locators, not wait_for_function: the page's CSP forbids evaluating strings.)
    expect(page.locator("#ua-preview")).to_contain_text("men at risk of extradition")
    page.click("#ua-save")
    page.wait_for_load_state()
    s.shot("edited")

    page.click("#ua-submit")
    page.wait_for_selector("#ua-issue")
    page.click("#ua-issue")
    page.wait_for_selector("#ua-letters-link")
    s.shot("issued")

    page.click("#ua-letters-link")
    page.locator("form[action$='/letters/generate/'] button[type=submit]").click()
    bar = page.locator("#batch-progress progress")
    deadline = time.monotonic() + 120
    while True:
        value, top = bar.get_attribute("value"), bar.get_attribute("max")
        if value and top and float(value) >= float(top) > 0:
            break
        assert time.monotonic() < deadline, f"progress stuck at {value}/{top}"
        page.wait_for_timeout(250)
    # The finished bar reloads the page once: the coordinator sees the letters, not "none yet".
    page.wait_for_selector("[data-testid=letter-row]")
    s.shot("letters-done")
    from advocacy.models import UrgentAction

    ua = UrgentAction.objects.get(title="Kazakhstan: men at risk of extradition")
    assert ua.status == "issued"
    batch = ua.batches.get()
    assert batch.status == "done" and batch.total > 0 and batch.done == batch.total
