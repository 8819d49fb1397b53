"""The matcher: the labelled set, the evidence beyond names, blocking, dates as written."""

from datetime import date

import pytest

from benchmarks.matching import evaluate
from identity.matching import (
    SAME_PERSON,
    BirthError,
    MatchIndex,
    MatchRecord,
    parse_birth,
    score_names,
    score_records,
)


def test_labelled_pairs_reach_the_precision_and_recall_targets():
    result = evaluate()
    assert result["pairs"] >= 200
    assert result["precision"] > 0.95, result["errors"]
    assert result["recall"] > 0.9, result["errors"]


@pytest.mark.parametrize(
    "a,b",
    [
        ("Абдуллаев Рустам", "Rustam Abdullayev"),
        ("Abdullaev Rustam Karimovich", "Rustam Abdullayev"),
        ("Yo‘ldoshev O‘tkir", "Юлдашев Уткир"),
        ("Xolmatov Xurshid", "Kholmatov Khurshid"),
        ("Dzhuraev Jamshid", "Jo‘rayev Jamshid"),
        ("Nazarow Anvar", "Nazarov Anwar"),
        ("Qodirov Nodir Karim o‘g‘li", "Кадыров Надир Каримович"),
    ],
)
def test_spellings_of_one_name_score_as_the_same_person(a, b):
    assert score_names(a, b).same_person


@pytest.mark.parametrize(
    "a,b,birth_a,birth_b",
    [
        ("Abdullaev Rustam", "Abdullaev Farrukh", "1980", "1980"),
        ("Abdullaev Rustam", "Abdullaeva Dilnoza", "", ""),
        ("Abdullaev Rustam", "Abdullaev Rustam", "1955", "1982"),
        ("Abdullaev Rustam Karimovich", "Abdullaev Rustam Rustamovich", "", ""),
        ("Rustam", "Rustam Abdullaev", "", ""),
    ],
)
def test_hard_negatives_are_not_the_same_person(a, b, birth_a, birth_b):
    assert not score_names(a, b, birth_a, birth_b).same_person


def test_equal_unhcr_numbers_are_a_strong_match_and_different_ones_a_strong_non_match():
    a = MatchRecord.build(1, ["Rustam Abdullaev"], unhcr_number="123-45C")
    b = MatchRecord.build(2, ["Abdullaev R."], unhcr_number="12345c")
    c = MatchRecord.build(3, ["Абдуллаев Рустам"], unhcr_number="999-00")
    same = score_records(a, b)
    assert same.same_person and "same UNHCR number" in same.reasons
    different = score_records(a, c)
    assert not different.same_person and "different UNHCR numbers" in different.reasons


def test_different_citizenship_lowers_the_score_and_says_so():
    a = MatchRecord.build(1, ["Rustam Abdullaev"], citizenship="UZ")
    b = MatchRecord.build(2, ["Rustam Abdullaev"], citizenship="KG")
    match = score_records(a, b)
    assert match.score < 1 and "different citizenship" in match.reasons


def test_year_only_birth_matches_a_full_date_in_that_year():
    a = MatchRecord.build(
        1, ["Xurshid Tursunov"], born_on=date(1978, 1, 1), born_on_precision="year"
    )
    b = MatchRecord.build(2, ["Турсунов Хуршид"], born_on=date(1978, 5, 3))
    assert "same year of birth" in score_records(a, b).reasons


def test_blocking_does_not_compare_everyone_with_everyone():
    records = [
        MatchRecord.build(
            i, [f"{s} {g}"], born_on=date(1950 + i % 40, 1, 1), born_on_precision="year"
        )
        for i, (s, g) in enumerate(
            (s, g)
            for s in ["Karimov", "Nazarov", "Umarov", "Valiev", "Hasanov", "Yusupov", "Sobirov"]
            for g in ["Rustam", "Anvar", "Zafar", "Aziz", "Komil", "Odil", "Laziz", "Akmal"]
        )
    ]
    index = MatchIndex(records)
    compared = sum(len(m) * (len(m) - 1) // 2 for m in index.blocks.values())
    everyone = len(records) * (len(records) - 1) // 2
    assert compared < everyone / 5
    assert list(index.pairs(threshold=SAME_PERSON)) == []


@pytest.mark.parametrize(
    "cell,expected,precision",
    [
        ("1978", date(1978, 1, 1), "year"),
        ("1978?", date(1978, 1, 1), "year"),
        ("ca. 1978", date(1978, 1, 1), "year"),
        ("03.1978", date(1978, 3, 1), "month"),
        ("12.03.1978", date(1978, 3, 12), "day"),
        ("1978-03-12", date(1978, 3, 12), "day"),
        (1978, date(1978, 1, 1), "year"),
        ("", None, "day"),
    ],
)
def test_dates_of_birth_are_read_as_people_write_them(cell, expected, precision):
    birth, _warning = parse_birth(cell)
    assert birth.on == expected
    if expected:
        assert birth.precision == precision


@pytest.mark.parametrize("cell", ["19/78", "31.02.1980", "born in spring", "12.03.78", "2999"])
def test_unreadable_dates_raise_a_clear_error(cell):
    with pytest.raises(BirthError):
        parse_birth(cell)
