"""A row matched to an existing person adds what the person lacks (UNHCR number, a full
date of birth where only the year was known, citizenship, names), never overwrites a
different value, shows it all in the preview, and undo puts it back."""

from datetime import date

import pytest
from django.urls import reverse

from casework.import_models import BatchStatus
from casework.importing import (
    ImportRefused,
    commit_problems,
    import_commit,
    import_decide,
    import_preview,
    import_undo,
    person_changes,
)
from casework.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.imports.helpers import csv_bytes, mapping

pytestmark = pytest.mark.django_db


def preview(rows, user):
    return import_preview(content=csv_bytes(rows), file_name="list.csv", mapping=mapping(), by=user)


def known(born_on=date(1980, 1, 1), precision="year", unhcr=None, citizenship=""):
    return {
        "born_on": born_on,
        "born_on_precision": precision,
        "unhcr_number": unhcr,
        "citizenship": citizenship,
    }


def row(born_on=None, precision="day", unhcr="", citizenship="", names=()):
    return {
        "born_on": born_on,
        "born_on_precision": precision,
        "unhcr_number": unhcr,
        "citizenship": citizenship,
        "names": list(names),
    }


def test_a_row_fills_what_the_person_lacks():
    changes = person_changes(
        known(),
        row("1980-05-02", unhcr="UNHCR-77", citizenship="UZ", names=["Rustam Abdullayev"]),
        ["Абдуллаев Рустам"],
    )
    assert changes == {
        "fill": {
            "unhcr_number": "UNHCR-77",
            "citizenship": "UZ",
            "born_on": "1980-05-02",
            "born_on_precision": "day",
        },
        "names": ["Rustam Abdullayev"],
    }


def test_a_different_value_is_a_conflict_never_an_overwrite():
    changes = person_changes(
        known(date(1980, 5, 2), "day", unhcr="UNHCR-1", citizenship="KZ"),
        row("1981-05-02", unhcr="UNHCR-2", citizenship="UZ"),
        [],
    )
    assert "fill" not in changes
    assert {c["field"]: (c["record"], c["list"]) for c in changes["conflicts"]} == {
        "unhcr_number": ("UNHCR-1", "UNHCR-2"),
        "citizenship": ("KZ", "UZ"),
        "born_on": ("02.05.1980", "02.05.1981"),
    }


@pytest.mark.parametrize(
    ("person", "listed", "expected"),
    [
        (known(date(1980, 5, 2), "day"), row("1980-01-01", "year"), {}),  # the list knows less
        (known(date(1980, 5, 1), "month"), row("1980-05-17"), {"born_on": "1980-05-17"}),
        (known(None), row("1980-01-01", "year"), {"born_on": "1980-01-01"}),
        (known(unhcr="unhcr 77"), row(unhcr="UNHCR-77"), {}),  # the same number, written apart
    ],
)
def test_a_date_of_birth_is_filled_only_where_the_row_knows_more(person, listed, expected):
    changes = person_changes(person, listed, [])
    assert {k: v for k, v in changes.get("fill", {}).items() if k != "born_on_precision"} == (
        expected
    )
    assert "conflicts" not in changes


def the_person():
    person = PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 1, 1), citizenship="")
    return person


def test_a_matched_row_fills_the_person_shows_it_and_undo_restores_it(client_for, caseworker):
    person = the_person()
    batch = preview([["Rustam Abdullayev", "02.05.1980", "UNHCR-77", "UZ"]], caseworker)
    line = batch.rows.get()
    assert line.candidate == person and line.changes["fill"]["unhcr_number"] == "UNHCR-77"
    page = client_for(caseworker).get(reverse("imports:detail", args=[batch.pk])).content
    text = page.decode()
    assert "adds UNHCR number UNHCR-77" in text and "adds date of birth 02.05.1980" in text
    assert "adds citizenship UZ" in text and "adds the names: Rustam Abdullayev" in text
    api = client_for(caseworker).get(reverse("imports:api_batch", args=[batch.pk])).json()
    assert api["rows"][0]["changes"]["fill"]["citizenship"] == "UZ"

    import_decide(batch=batch, line_number=line.line_number, decision="new", by=caseworker)
    page = client_for(caseworker).get(reverse("imports:detail", args=[batch.pk])).content
    assert "adds UNHCR number" not in page.decode()  # a different person: nothing is added
    import_decide(batch=batch, line_number=line.line_number, decision="match", by=caseworker)
    import_commit(batch=batch, by=caseworker)
    person.refresh_from_db()
    assert (person.unhcr_number, person.citizenship) == ("UNHCR-77", "UZ")
    assert (person.born_on, person.born_on_precision) == (date(1980, 5, 2), "day")
    assert set(person.names.values_list("full_name", flat=True)) == {
        "Абдуллаев Рустам",
        "Rustam Abdullayev",
    }
    assert person.history.first().history_user == caseworker

    import_undo(batch=batch, by=caseworker)
    person.refresh_from_db()
    assert (person.unhcr_number, person.citizenship) == (None, "")
    assert (person.born_on, person.born_on_precision) == (date(1980, 1, 1), "year")
    assert list(person.names.values_list("full_name", flat=True)) == ["Абдуллаев Рустам"]


def test_a_conflicting_value_is_shown_and_left_as_it_is(client_for, caseworker):
    person = PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 5, 2), citizenship="KZ")
    person.born_on_precision = "day"
    person.save()
    batch = preview([["Rustam Abdullayev", "02.05.1980", "", "UZ"]], caseworker)
    page = client_for(caseworker).get(reverse("imports:detail", args=[batch.pk])).content
    assert "keeps the record&#x27;s citizenship KZ; the list says UZ" in page.decode()
    # Another citizenship is evidence against: a person decides, even on the whole date.
    assert batch.rows.get().outcome == "duplicate"
    import_decide(batch=batch, line_number=2, decision="match", by=caseworker)
    import_commit(batch=batch, by=caseworker)
    person.refresh_from_db()
    assert person.citizenship == "KZ"


def test_a_value_set_after_the_preview_is_not_overwritten(caseworker):
    person = the_person()
    batch = preview([["Rustam Abdullayev", "02.05.1980", "UNHCR-77", "UZ"]], caseworker)
    import_decide(batch=batch, line_number=2, decision="match", by=caseworker)
    Person.objects.filter(pk=person.pk).update(citizenship="TJ")
    import_commit(batch=batch, by=caseworker)
    person.refresh_from_db()
    assert person.citizenship == "TJ" and person.unhcr_number == "UNHCR-77"
    assert batch.rows.get().changes["skipped"] == ["citizenship"]
    import_undo(batch=batch, by=caseworker)
    person.refresh_from_db()
    assert person.citizenship == "TJ" and person.unhcr_number is None


def test_undo_is_refused_once_someone_changed_a_filled_person(caseworker):
    person = the_person()
    batch = preview([["Rustam Abdullayev", "02.05.1980", "UNHCR-77", "UZ"]], caseworker)
    import_decide(batch=batch, line_number=2, decision="match", by=caseworker)
    import_commit(batch=batch, by=caseworker)
    person.refresh_from_db()
    person.ethnicity = "Tajik"
    person.save()
    with pytest.raises(ImportRefused, match=person.case_number):
        import_undo(batch=batch, by=caseworker)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    person.refresh_from_db()
    assert person.unhcr_number == "UNHCR-77"


def test_a_number_another_person_holds_stops_the_commit(caseworker):
    the_person()
    PersonFactory(name="Karimov Jasur", unhcr_number="UNHCR-77")
    batch = preview([["Rustam Abdullayev", "02.05.1980", "UNHCR-77", "UZ"]], caseworker)
    row_ = batch.rows.get()
    if row_.outcome == "duplicate":
        import_decide(batch=batch, line_number=2, decision="match", by=caseworker)
    assert any("UNHCR-77" in p for p in commit_problems(batch, caseworker))


def test_what_a_row_would_change_on_a_hidden_record_is_not_shown(client_for, caseworker):
    other = UserFactory(username="cw2", roles=["caseworker"])
    PersonFactory(
        name="Абдуллаев Рустам",
        born_on=date(1980, 1, 1),
        citizenship="KZ",
        confidentiality="restricted",
        assigned_caseworker=other,
    )
    batch = preview([["Rustam Abdullayev", "1980", "", "UZ"]], caseworker)
    assert batch.rows.get().changes == {}
    api = client_for(caseworker).get(reverse("imports:api_batch", args=[batch.pk])).json()
    assert api["rows"][0]["changes"] == {} and "KZ" not in str(api)
