"""What still protects, in a real browser, in English and Russian: a lawyer sees the CAT
measure holding a man at high on the board and his page, lifts it, and finds "no barrier
left", the "protection lost" alert in the inbox and the man on the board's "no barrier left"
filter; what threatens reads in the page's language beside it. Selectors are ids and
classes; each language checks its own words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f

# serialized_rollback: the rules, signals and caps that migrations ship survive the flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WORDS = {
    "en": {
        "protects": "What still protects",
        "measure": "Interim measure of the UN Committee against Torture against Kazakhstan in force",
        "none_left": "No barrier left.",
        "threat": "Appeal against the extradition decision rejected on",
    },
    "ru": {
        "protects": "Что ещё защищает",
        "measure": "Временная мера Комитета ООН против пыток в отношении Казахстана действует с",
        "none_left": "Защиты не осталось.",
        "threat": "Жалоба на решение о выдаче отклонена",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_lawyer_sees_the_measure_protect_lifts_it_and_finds_protection_lost(
    browse, language, eager_tasks
):
    words = WORDS[language]
    today = timezone.localdate()
    lawyer = f.UserFactory(username=f"lw-b-{language}", roles=["lawyer"])
    person = f.PersonFactory(name="Rustam Khaitov", assigned_lawyer=lawyer)
    f.DetentionFactory(person=person, started_on=today - timedelta(days=90))
    extradition = f.ExtraditionRequestFactory(
        person=person, status="approved", decided_on=today - timedelta(days=60)
    )
    f.AppealFactory(
        person=person,
        extradition_request=extradition,
        lodged_on=today - timedelta(days=55),
        outcome="rejected",
        decided_on=today - timedelta(days=30),
    )
    f.AsylumClaimFactory(person=person, decision="refused", decided_on=today - timedelta(days=40))
    measure = f.InterimMeasureFactory(
        person=person,
        status="granted",
        requested_on=today - timedelta(days=21),
        granted_on=today - timedelta(days=20),
    )

    s = browse(lawyer, language, "barriers")
    page = s.page
    s.go("/engine/board/")
    row = page.locator("table.board tr", has=page.locator(f"a[href='/persons/{person.pk}/']"))
    assert words["measure"] in row.locator("div.barriers").inner_text()
    assert words["protects"] in page.content()
    # What threatens, in the page's language too (not the English stored with the reason).
    assert words["threat"] in row.locator("ul.reasons").inner_text()
    s.shot("board-protected")
    # Protected: not on the "no barrier left" filter.
    page.locator("a.filter-no-barrier").click()
    page.wait_for_url(re.compile(r"barrier=none"))
    assert page.locator(f"a[href='/persons/{person.pk}/']").count() == 0

    s.go(f"/persons/{person.pk}/")
    assert words["measure"] in page.locator("#h-risk ~ div.barriers").inner_text()
    assert words["threat"] in page.locator("#h-risk ~ ul.reasons").inner_text()
    s.shot("person-protected")
    page.locator(f"#interim-{measure.pk} a[href*='/proceedings/interim/']").click()
    page.select_option("#id_status", "lifted")
    page.fill("#id_lifted_on", str(today))
    page.locator("form.stacked button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/persons/{person.pk}/(#.*)?$"))
    # Recomputed on commit by the engine's task, run eagerly (no worker here).
    barriers = page.locator("#h-risk ~ div.barriers").inner_text()
    assert words["none_left"] in barriers and words["measure"] not in barriers
    s.shot("person-protection-lost")

    s.go("/engine/inbox/")
    assert page.locator("li.alert.kind-protection_lost").count() == 1
    s.shot("inbox-protection-lost")
    s.go("/engine/board/?barrier=none")
    assert page.locator(f"a[href='/persons/{person.pk}/']").count() == 1
    s.shot("board-no-barrier-left")
