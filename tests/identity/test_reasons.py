"""The matcher's reasons are English data, shown translated (identity.reasons)."""

import csv
from pathlib import Path

from django.utils import translation

from identity.matching import MatchRecord, score_names, score_records
from identity.reasons import shown

PAIRS = Path(__file__).resolve().parent.parent / "data" / "name_pairs.csv"


def _reasons() -> set[str]:
    found = set()
    with PAIRS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            found.update(
                score_names(row["name_a"], row["name_b"], row["birth_a"], row["birth_b"]).reasons
            )
    for a, b, birth_a, birth_b in [
        ("Алишер Кахрамонов", "Алишер Абдурахманов", "1983", "1983"),
        ("Rustam Abdullaev", "Абдуллаев Рустам", "12.03.1980", "03.12.1980"),
        ("Rustam Abdullaev", "Абдуллаев Рустам", "12.03.1980", "12.03.1981"),
        ("Rustam Abdullaev", "Абдуллаев Рустам", "1980", "1985"),
    ]:
        found.update(score_names(a, b, birth_a, birth_b).reasons)
    a = MatchRecord.build("a", ["Rustam Abdullaev"], unhcr_number="1", citizenship="UZ")
    b = MatchRecord.build("b", ["Абдуллаев Рустам"], unhcr_number="2", citizenship="KZ")
    found.update(score_records(a, b).reasons)
    return found


def test_every_reason_the_matcher_gives_is_shown_in_russian():
    reasons = _reasons()
    assert {"born 5 years apart", "dates of birth differ (one digit differs): ask"} <= reasons
    assert "a name differs (not a spelling of the other)" in reasons
    with translation.override("ru"):
        untranslated = {r for r in reasons if shown(r) == r}
        assert shown("born 5 years apart") == "родились с разницей в 5 г."
    assert not untranslated


def test_text_that_is_no_reason_of_the_matcher_is_shown_as_it_is():
    with translation.override("ru"):
        assert shown("HV-2026-0001") == "HV-2026-0001"
