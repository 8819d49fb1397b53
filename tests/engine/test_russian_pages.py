"""The Russian person page, board and inbox leave nothing in English but data: names, case
numbers, facility and court names, citations, and a deadline's own sentence, which is the
lawbook's English (rule data) and is introduced in Russian."""

from __future__ import annotations

import re
from html import unescape

import pytest

from engine import services
from engine.models import Deadline
from tests.engine.test_protection_lost import DAY, frozen, protected_man  # noqa: F401
from tests.factories import ExtraditionRequestFactory, PersonFactory

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b[A-Za-z]{3,}")


def text_lines(html: str) -> list[str]:
    html = re.sub(r"<(script|style|option)[^>]*>.*?</\1>", "", html, flags=re.S)
    return [x.strip() for x in unescape(re.sub(r"<[^>]+>", "\n", html)).splitlines() if x.strip()]


@pytest.fixture
def persons(lawyer):
    shielded, measure = protected_man(assigned_lawyer=lawyer)
    notified = PersonFactory(assigned_lawyer=lawyer)
    ExtraditionRequestFactory(person=notified, status="approved", decided_on=DAY, notified_on=DAY)
    services.persons_recompute(person_ids=[shielded.pk, notified.pk], today=DAY)
    measure.status, measure.lifted_on = "lifted", DAY
    measure.save()
    services.person_recompute(person_id=shielded.pk, today=DAY)
    return shielded, notified


def without(line: str, data: set[str]) -> str:
    for value in data:
        line = line.replace(value, "")
    return line


def russian_client(client_for, user):
    client = client_for(user)
    client.cookies["django_language"] = "ru"
    return client


def test_each_deadline_sentence_on_the_russian_person_page_is_introduced_in_russian(
    client_for, coordinator, persons
):
    client = russian_client(client_for, coordinator)
    for person in persons:
        page = client.get(f"/persons/{person.pk}/").content.decode()
        shown = Deadline.objects.filter(person=person, status__in=["open", "missed"])
        whys = set(shown.values_list("why", flat=True))
        assert whys
        for why in whys:
            assert f"Как рассчитан срок:</span> {why}" in unescape(page)
        assert "How it is counted" not in page


def test_the_russian_history_names_every_field_in_russian(client_for, coordinator, persons):
    shielded, _notified = persons
    lines = text_lines(client_for(coordinator).get(f"/persons/{shielded.pk}/").content.decode())
    assert "extradition request:" in lines  # English, as a control
    lines = text_lines(
        russian_client(client_for, coordinator).get(f"/persons/{shielded.pk}/").content.decode()
    )
    labels = [x for x in lines if x.endswith(":") and not x.startswith("Как")]
    assert "запрос об экстрадиции:" in labels
    assert not [x for x in labels if ENGLISH.search(x)], labels


def test_the_russian_board_and_inbox_leave_only_data_in_english(client_for, coordinator, persons):
    client = russian_client(client_for, coordinator)
    names = {p.primary_name for p in persons} | {p.case_number for p in persons}
    for url in ("/engine/board/", "/engine/inbox/"):
        lines = text_lines(client.get(url).content.decode())
        left = [
            x
            for x in lines
            if ENGLISH.search(without(x, names | {"Haven"}))
            and not x.startswith("(")  # a barrier's citation, as the law data says it
            and not x.startswith("Как рассчитан срок:")  # a deadline's sentence: rule data
        ]
        assert not left, (url, left)
