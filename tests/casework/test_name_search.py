"""Name search across scripts finds spellings of a name, and nothing for nonsense: "zzzzz"
folded letter by letter is "z", which is in half the names."""

from __future__ import annotations

import pytest

from casework import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def names():
    return {
        name: f.PersonFactory(name=name)
        for name in ("Aziz Zakirov", "Zafar Nazarov", "Rustam Abdullaev", "Азиз Закиров")
    }


def _found(text):
    return {p.primary_name for p in m.Person.objects.search(text)}


@pytest.mark.parametrize("text", ["zzzzz", "zzz", "zz", "ZZZZZ", "ззззз", "z", "a b", "xxxx yyyy"])
def test_nonsense_finds_nobody(names, text):
    assert _found(text) == set()


def test_a_nonsense_word_beside_a_real_one_finds_nobody(names):
    assert _found("Aziz zzzzz") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aziz", {"Aziz Zakirov", "Азиз Закиров"}),
        ("Закиров", {"Aziz Zakirov", "Азиз Закиров"}),
        ("Nazarov", {"Zafar Nazarov"}),
        ("Abdullayev", {"Rustam Abdullaev"}),
        ("R. Abdullaev", {"Rustam Abdullaev"}),
    ],
)
def test_spellings_of_a_name_still_find_it(names, text, expected):
    assert _found(text) == expected


def test_the_persons_page_search_for_zzzzz_shows_no_one(names, caseworker, client_for):
    from casework.selectors import persons_search

    assert persons_search(caseworker, "zzzzz") == []
    assert {p.primary_name for p in persons_search(caseworker, "zakirov")} == {
        "Aziz Zakirov",
        "Азиз Закиров",
    }
