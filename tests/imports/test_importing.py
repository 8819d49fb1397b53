"""import_preview / import_commit / import_undo: outcomes, all or nothing, undo."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from casework.import_models import BatchStatus, ImportBatch, RowOutcome
from casework.importing import (
    ImportRefused,
    import_commit,
    import_decide,
    import_preview,
    import_undo,
)
from casework.models import Group, GroupMembership, Person, PersonName
from tests.factories import PersonFactory
from tests.imports.helpers import csv_bytes, mapping, xlsx_bytes

pytestmark = pytest.mark.django_db


def preview(rows, user, **kwargs):
    return import_preview(
        content=csv_bytes(rows), file_name="list.csv", mapping=mapping(), by=user, **kwargs
    )


def outcomes(batch):
    return {r.line_number: r.outcome for r in batch.rows.all()}


def test_preview_gives_every_row_its_outcome(caseworker):
    PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 1, 1), unhcr_number="UNHCR-1")
    batch = preview(
        [
            ["Rustam Abdullayev", "1980", "UNHCR-1", "UZ"],  # the existing person, in Latin
            ["Xurshid Tursunov", "12.03.1978", "", "UZ"],  # new
            ["Турсунов Хуршид", "1978", "", "UZ"],  # line 3 again, in Cyrillic, year only
            ["Nazarov Anvar", "not a date", "", "UZ"],  # error
        ],
        caseworker,
    )
    assert batch.status == BatchStatus.PREVIEWED
    assert outcomes(batch) == {2: "match", 3: "new", 4: "duplicate", 5: "error"}
    rows = {r.line_number: r for r in batch.rows.all()}
    assert rows[2].candidate.names.first().full_name == "Абдуллаев Рустам"
    assert rows[2].score >= 0.85 and "same UNHCR number" in rows[2].reasons
    assert rows[4].candidate_line == 3
    assert any("a person must decide" in r for r in rows[4].reasons)
    assert rows[5].errors == [{"field": "born", "message": "'not a date' is not a year or a date"}]
    assert Person.objects.count() == 1  # a preview writes no person


def test_a_name_and_a_birth_year_alone_never_match_without_a_decision(caseworker):
    """Many men share a name and a birth year: attaching a row to the wrong one would mix
    two people's deadlines, so it waits for a person to decide."""
    PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 1, 1))
    batch = preview([["Rustam Abdullayev", "1980", "", "UZ"]], caseworker)
    row = batch.rows.get()
    assert row.outcome == "duplicate"
    assert row.score >= 0.85
    assert any("a person must decide" in r for r in row.reasons)


def test_a_patronymic_and_a_birth_year_are_not_enough_to_match_without_a_decision(caseworker):
    """Namesakes with one father's name, born in one year, occur in every big list (the
    import benchmark planted them): only the UNHCR number or the whole date of birth, with
    nothing against, attaches a row on its own."""
    PersonFactory(name="Сардоров Бобур Абдурахманович", born_on=date(1995, 1, 1))
    PersonFactory(name="Акмалов Акбар", born_on=date(1964, 5, 15), born_on_precision="day",
                  citizenship="KG")  # fmt: skip
    PersonFactory(name="Тошев Равшан", born_on=date(1971, 3, 9), born_on_precision="day")
    batch = preview(
        [
            ["Sardorov Bobur Abduraxmanovich", "1995", "", "UZ"],
            ["Akbar Akmalov", "15.05.1964", "", "UZ"],  # another citizenship
            ["Ravshan Toshev", "09.03.1971", "", "UZ"],  # the whole date: a match
        ],
        caseworker,
    )
    assert outcomes(batch) == {2: "duplicate", 3: "duplicate", 4: "match"}


def test_one_given_name_and_a_birth_year_are_not_a_possible_duplicate(caseworker):
    """The benchmark's preview once offered half of a 10,000-row list as duplicates:
    another surname with the same given name and year, or a root and its compound
    (Askar Bakhromov, son of Bakhrom; Bakhrom Askarov, his father), are other people."""
    PersonFactory(name="Алишер Абдурахманов", born_on=date(1983, 1, 1))
    PersonFactory(name="Аскаров Бахром", born_on=date(1985, 1, 1))
    PersonFactory(name="Гайрат Мансуров", born_on=date(1984, 1, 1))
    batch = preview(
        [
            ["Алишер Кахрамонов", "19.04.1983", "", "UZ"],
            ["Askar Bakhromov", "1985", "", "UZ"],
            ["Gayratkul Mansurov", "1984", "", "UZ"],
        ],
        caseworker,
    )
    assert outcomes(batch) == {2: "new", 3: "new", 4: "new"}


def test_commit_is_refused_while_a_row_has_an_error_and_writes_nothing(caseworker):
    batch = preview(
        [["Xurshid Tursunov", "1978", "", "UZ"], ["Nazarov Anvar", "19/78", "", ""]], caseworker
    )
    with pytest.raises(ImportRefused, match="line 3, born"):
        import_commit(batch=batch, by=caseworker)
    assert Person.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED


def test_skipping_the_error_row_lets_the_rest_commit(caseworker):
    batch = preview(
        [["Xurshid Tursunov", "1978", "", "UZ"], ["Nazarov Anvar", "19/78", "", ""]], caseworker
    )
    import_decide(batch=batch, line_number=3, decision="skip", by=caseworker)
    import_commit(batch=batch, by=caseworker)
    assert Person.objects.count() == 1


def test_commit_creates_persons_names_and_group_and_the_batch_records_it(caseworker):
    existing = PersonFactory(name="Абдуллаев Рустам", unhcr_number="UNHCR-7")
    batch = preview(
        [
            ["Rustam Abdullayev", "1980", "UNHCR-7", "UZ"],
            ["Xurshid Tursunov", "12.03.1978", "A-123-45", "UZ"],
            ["Турсунов Хуршид", "1978", "", "UZ"],
        ],
        caseworker,
        group_name="29 men detained in Osh",
    )
    # Line 4 agrees with line 3 on name and year only: the caseworker confirms it.
    import_decide(batch=batch, line_number=4, decision="match", by=caseworker)
    batch = import_commit(batch=batch, by=caseworker)
    assert batch.status == BatchStatus.COMMITTED and batch.committed_by == caseworker
    assert len(batch.checksum) == 64 and batch.row_count == 3
    new = Person.objects.exclude(pk=existing.pk).get()
    assert new.born_on == date(1978, 3, 12) and new.unhcr_number == "A-123-45"
    assert sorted(new.names.values_list("full_name", flat=True)) == [
        "Xurshid Tursunov",
        "Турсунов Хуршид",
    ]
    assert new.primary_name == "Xurshid Tursunov"
    assert set(existing.names.values_list("full_name", flat=True)) == {
        "Абдуллаев Рустам",
        "Rustam Abdullayev",
    }
    group = Group.objects.get(name="29 men detained in Osh")
    assert set(group.members.all()) == {existing, new}
    assert new.history.first().history_user == caseworker


def test_a_possible_duplicate_needs_a_decision_before_commit(caseworker):
    PersonFactory(name="Karimov Rustam", born_on=date(1979, 1, 1))
    batch = preview([["Karimov Rustam", "1980", "", "UZ"]], caseworker)
    row = batch.rows.get()
    assert row.outcome == RowOutcome.DUPLICATE
    with pytest.raises(ImportRefused, match="decide"):
        import_commit(batch=batch, by=caseworker)
    import_decide(batch=batch, line_number=row.line_number, decision="new", by=caseworker)
    import_commit(batch=batch, by=caseworker)
    assert Person.objects.count() == 2


def test_a_second_commit_of_the_same_batch_is_refused(caseworker):
    batch = preview([["Xurshid Tursunov", "1978", "", "UZ"]], caseworker)
    import_commit(batch=batch, by=caseworker)
    with pytest.raises(ImportRefused):
        import_commit(batch=batch, by=caseworker)
    assert Person.objects.count() == 1


def test_xlsx_imports_like_csv(caseworker):
    batch = import_preview(
        content=xlsx_bytes([["Xurshid Tursunov", 1978, None, "UZ"]]),
        file_name="list.xlsx",
        mapping=mapping(),
        by=caseworker,
    )
    assert outcomes(batch) == {2: "new"}


def test_undo_removes_what_the_import_created(caseworker):
    existing = PersonFactory(name="Абдуллаев Рустам", unhcr_number="UNHCR-7")
    batch = preview(
        [["Rustam Abdullayev", "1980", "UNHCR-7", "UZ"], ["Xurshid Tursunov", "1978", "", "UZ"]],
        caseworker,
        group_name="Osh",
    )
    import_commit(batch=batch, by=caseworker)
    assert Person.objects.count() == 2
    import_undo(batch=batch, by=caseworker)
    assert list(Person.objects.all()) == [existing]
    assert list(existing.names.values_list("full_name", flat=True)) == ["Абдуллаев Рустам"]
    assert not GroupMembership.objects.exists() and not Group.objects.exists()
    assert ImportBatch.objects.get().status == BatchStatus.UNDONE


def test_undo_is_refused_once_an_imported_record_changed(caseworker):
    batch = preview([["Xurshid Tursunov", "1978", "", "UZ"]], caseworker)
    import_commit(batch=batch, by=caseworker)
    person = Person.objects.get()
    person.notes = "seen by lawyer today"
    person.save()
    with pytest.raises(ImportRefused, match="changed after the import"):
        import_undo(batch=batch, by=caseworker)
    assert Person.objects.count() == 1


def test_undo_is_refused_once_a_fact_was_added(caseworker):
    batch = preview([["Xurshid Tursunov", "1978", "", "UZ"]], caseworker)
    import_commit(batch=batch, by=caseworker)
    PersonName.objects.create(person=Person.objects.get(), full_name="Khurshid Tursunov")
    with pytest.raises(ImportRefused, match="names"):
        import_undo(batch=batch, by=caseworker)


def test_a_lawyer_may_not_import(lawyer):
    with pytest.raises(PermissionDenied):
        preview([["Xurshid Tursunov", "1978", "", "UZ"]], lawyer)
    assert not ImportBatch.objects.exists()


def test_an_existing_unhcr_number_on_a_new_row_is_refused(caseworker):
    PersonFactory(name="Someone Else", unhcr_number="A-123-45")
    batch = preview([["Xurshid Tursunov", "1978", "A-123-45", "UZ"]], caseworker)
    row = batch.rows.get()
    assert row.outcome == RowOutcome.DUPLICATE  # same number, different name
    import_decide(batch=batch, line_number=row.line_number, decision="new", by=caseworker)
    with pytest.raises(ImportRefused, match="two persons"):
        import_commit(batch=batch, by=caseworker)
    assert Person.objects.count() == 1


def test_big_files_are_matched_by_a_task_enqueued_on_commit(
    caseworker, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        "casework.tasks.import_match_task.delay", lambda batch_id: calls.append(batch_id)
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = preview([["Xurshid Tursunov", "1978", "", "UZ"]], caseworker, run_async=True)
    assert calls == [str(batch.pk)]
    assert batch.status == BatchStatus.QUEUED
