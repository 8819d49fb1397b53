"""The board and the person page show, beside the level, what still protects and what
threatens, in English and Russian; the board filters to persons with no barrier left; the
API board says the same. Query counts stay as pinned in test_alerts / test_pages."""

from __future__ import annotations

from datetime import date

import pytest

from engine import services

# The same frozen day (an autouse fixture) and protected man as the alert tests.
from tests.engine.test_protection_lost import DAY, frozen, protected_man  # noqa: F401
from tests.factories import (
    AppealFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(coordinator):
    """One man held at high by a CAT measure; one with nothing left to protect him."""
    shielded, _measure = protected_man()
    bare = PersonFactory()
    DetentionFactory(person=bare, started_on=date(2011, 9, 1))
    ExtraditionRequestFactory(person=bare, status="approved", decided_on=date(2012, 1, 10))
    services.persons_recompute(person_ids=[shielded.pk, bare.pk], today=DAY)
    return shielded, bare


def test_the_board_shows_what_still_protects_and_what_threatens(client_for, coordinator, two):
    shielded, bare = two
    page = client_for(coordinator).get("/engine/board/").content.decode()
    assert "What still protects" in page and "What threatens" in page
    assert (
        "Interim measure of the UN Committee against Torture against Kazakhstan in force since "
        "2 April 2012." in page
    )
    assert "Held at High by what still protects; the threats alone make it Imminent." in page
    assert "No barrier left." in page  # the bare man's row
    assert "Extradition to Uzbekistan approved by Kazakhstan on 10 January 2012." in page


def test_the_board_filters_to_persons_with_no_barrier_left(client_for, coordinator, two):
    shielded, bare = two
    client = client_for(coordinator)
    page = client.get("/engine/board/?barrier=none").content.decode()
    assert bare.case_number in page and shielded.case_number not in page
    assert "Show everyone, protected or not" in page
    api = client.get("/api/engine/board/?barrier=none").json()
    assert [r["person"] for r in api["results"]] == [str(bare.pk)]
    assert sum(api["levels"].values()) == 1
    everyone = client.get("/api/engine/board/").json()
    row = next(r for r in everyone["results"] if r["person"] == str(shielded.pk))
    assert row["barriers_standing"] == 1 and row["level_without_barriers"] == "imminent"
    assert row["barriers"][0]["kind"] == "interim_measure"


def test_the_board_reads_in_russian(client_for, coordinator, two):
    client = client_for(coordinator)
    client.cookies["django_language"] = "ru"
    page = client.get("/engine/board/").content.decode()
    assert "Что ещё защищает" in page and "Что угрожает" in page
    assert (
        "Временная мера Комитета ООН против пыток в отношении Казахстана действует с "
        "2 апреля 2012." in page
    )
    assert "Защиты не осталось." in page
    assert "Только те, у кого не осталось защиты" in page
    # What threatens, said from each reason's message and facts, not the stored English.
    assert "Выдача в Узбекистан одобрена властями Казахстана 10 января 2012." in page
    assert "Ни одна временная мера не действует." in page  # the bare man
    assert "approved by Kazakhstan" not in page and "No interim measure" not in page


def test_the_person_page_shows_the_barrier_and_the_threats_in_both_languages(
    client_for, coordinator, two
):
    shielded, _bare = two
    client = client_for(coordinator)
    page = client.get(f"/persons/{shielded.pk}/").content.decode()
    assert "What still protects" in page
    assert (
        "Interim measure of the UN Committee against Torture against Kazakhstan in force since "
        "2 April 2012." in page
    )
    assert "Appeal against the extradition decision rejected on 1 March 2012." in page
    client.cookies["django_language"] = "ru"
    page = client.get(f"/persons/{shielded.pk}/").content.decode()
    assert (
        "Временная мера Комитета ООН против пыток в отношении Казахстана действует с "
        "2 апреля 2012." in page
    )
    assert "Что угрожает" in page
    assert "Жалоба на решение о выдаче отклонена 1 марта 2012." in page
    assert "В убежище отказано в Казахстане 1 декабря 2011." in page
    # The threat's sentence is not left in English (a rule's own description, shown with
    # the deadlines, is rule data and stays as the lawbook wrote it).
    assert "Appeal against the extradition decision rejected" not in page


def test_a_lifted_cap_says_why_the_barrier_is_not_respected(client_for, coordinator, two):
    from tests.factories import RemovalOrderFactory

    shielded, _bare = two
    RemovalOrderFactory(
        person=shielded, country="KZ", issued_on=date(2012, 5, 1), scheduled_removal_on=DAY
    )
    services.person_recompute(person_id=shielded.pk, today=DAY)
    client = client_for(coordinator)
    page = client.get(f"/persons/{shielded.pk}/").content.decode()
    assert "not respected: a removal is scheduled" in page
    assert "No barrier left." in page
    client.cookies["django_language"] = "ru"
    page = client.get(f"/persons/{shielded.pk}/").content.decode()
    assert "не соблюдается: назначена высылка" in page


@pytest.mark.parametrize(
    ("state", "citation"),
    [("RU", "CPC RF Art. 462(6)"), ("KZ", "CPC RK 2014 Art. 592")],
)
def test_a_pending_appeal_on_an_unverified_rule_shows_its_citation_and_flag_everywhere(
    client_for, coordinator, state, citation
):
    """Neither Russia's nor Kazakhstan's suspensive effect has been read in its text: the
    pending appeal is shown on the board and the person page with its citation, flagged, and
    holds nothing ("no barrier left"), in English and in Russian."""
    person = PersonFactory()
    DetentionFactory(person=person, started_on=date(2012, 1, 5))
    extradition = ExtraditionRequestFactory(
        person=person, requested_state=state, status="approved", decided_on=date(2012, 4, 20)
    )
    AppealFactory(
        person=person,
        extradition_request=extradition,
        country=state,
        lodged_on=date(2012, 4, 25),
        outcome="pending",
    )
    services.person_recompute(person_id=person.pk, today=DAY)
    client = client_for(coordinator)
    for url in ("/engine/board/", f"/persons/{person.pk}/"):
        page = client.get(url).content.decode()
        assert (
            "Appeal against the extradition decision lodged on 25 April 2012 is pending in" in page
        )
        assert citation in page, url
        assert "unverified rule: does not lower the level" in page, url
        assert "No barrier left." in page, url
    client.cookies["django_language"] = "ru"
    for url in ("/engine/board/", f"/persons/{person.pk}/"):
        page = client.get(url).content.decode()
        assert "Жалоба на решение об экстрадиции" in page, url
        assert citation in page, url
        assert "непроверенная норма" in page, url
    api = client.get("/api/engine/board/").json()
    (row,) = [r for r in api["results"] if r["person"] == str(person.pk)]
    (barrier,) = row["barriers"]
    assert barrier["unverified"] and barrier["cap"] == "" and citation in barrier["citation"]


@pytest.mark.parametrize("state", ["KG", "UZ", "TJ"])
def test_where_haven_has_no_suspensive_rule_the_pages_say_so_flagged_and_nothing_is_held(
    client_for, coordinator, state
):
    """No suspensive-effect row for the state: the pending appeal is not silently nothing.
    The board, the person page and the API say Haven has no rule and to check it, flagged like
    an unverified rule, in English and Russian; it holds nothing ("no barrier left")."""
    person = PersonFactory()
    DetentionFactory(person=person, started_on=date(2012, 1, 5))
    extradition = ExtraditionRequestFactory(
        person=person,
        requested_state=state,
        requesting_state="CN",
        status="approved",
        decided_on=date(2012, 4, 20),
    )
    AppealFactory(
        person=person,
        extradition_request=extradition,
        country=state,
        lodged_on=date(2012, 4, 25),
        outcome="pending",
    )
    services.person_recompute(person_id=person.pk, today=DAY)
    name = {"KG": "Kyrgyzstan", "UZ": "Uzbekistan", "TJ": "Tajikistan"}[state]
    client = client_for(coordinator)
    for url in ("/engine/board/", f"/persons/{person.pk}/"):
        page = client.get(url).content.decode()
        assert (
            "Haven has no rule on whether the appeal against the extradition decision lodged on "
            f"25 April 2012 suspends removal in {name}: check it yourself." in page
        ), url
        assert "no rule in Haven: does not lower the level" in page, url
        assert "No barrier left." in page, url
    russian = {"KG": "Кыргызстане", "UZ": "Узбекистане", "TJ": "Таджикистане"}[state]
    client.cookies["django_language"] = "ru"
    for url in ("/engine/board/", f"/persons/{person.pk}/"):
        page = client.get(url).content.decode()
        assert (
            f"В Haven нет нормы о том, приостанавливает ли в {russian} высылку жалоба на "
            "решение об экстрадиции, поданная 25 апреля 2012: проверьте сами." in page
        ), url
        assert "в Haven нет нормы: уровень не снижает" in page, url
        assert "Защиты не осталось." in page, url
    api = client.get("/api/engine/board/").json()
    (row,) = [r for r in api["results"] if r["person"] == str(person.pk)]
    (line,) = row["barriers"]
    assert line["kind"] == "no_rule" and line["unverified"] and line["cap"] == ""
    assert row["barriers_standing"] == 0 and row["level_without_barriers"] == ""
