"""casework.bulk: rows written by COPY read back as written, with their history rows."""

import json
import time
import uuid
from datetime import date

import pytest

from casework.bulk import insert, insert_with_history, json_text, update_columns, uuid7_texts
from casework.import_models import ImportBatch, ImportRow
from casework.models import Person

pytestmark = pytest.mark.django_db

AWKWARD = 'back\\slash, tab\there, new\nline, "quotes", O‘g‘li, \\N'


def test_a_person_and_its_history_row_read_back_as_written(caseworker):
    person = Person(case_number="HV-T-1", notes=AWKWARD, primary_name="Ёркин", unhcr_number=None)
    insert_with_history(Person, [person], user=caseworker, reason="test")
    stored = Person.objects.get(pk=person.pk)
    assert (stored.notes, stored.primary_name, stored.unhcr_number) == (AWKWARD, "Ёркин", None)
    assert stored.created_at is not None and stored.updated_at == stored.created_at
    history = stored.history.get()
    assert history.history_type == "+" and history.history_user == caseworker
    assert history.history_change_reason == "test" and history.notes == AWKWARD


def test_json_values_and_generated_keys(caseworker):
    batch = ImportBatch.objects.create(created_by=caseworker, checksum="0" * 64)
    data = {"names": [AWKWARD], "born_on": None, "n": 1.5}
    insert(ImportRow, [ImportRow(batch=batch, line_number=2, data=data, reasons=["a\tb"])])
    row = ImportRow.objects.get()
    assert row.pk is not None and row.data == data and row.reasons == ["a\tb"]


def test_json_text_reads_back_as_the_standard_librarys_and_refuses_what_it_refuses(caseworker):
    """orjson writes the JSON of rows by COPY; what is stored must be what the standard
    library's text stored, and what it refused (a date in a field without an encoder) is
    still refused, not written."""
    value = {
        "sentence": "Задержан в СИЗО; " + AWKWARD,
        "weight": 40,
        "floor": None,
        "lifters": [{"code": "cat_stay", "n": 2.25}],
        "ok": True,
    }
    assert json.loads(json_text(value)) == json.loads(json.dumps(value)) == value
    # A key that is not a string: orjson refuses it, the standard library turns it into one.
    assert json.loads(json_text({1: "a"})) == {"1": "a"}
    with pytest.raises(TypeError):
        json_text({"on": date(2026, 1, 15)})
    batch = ImportBatch.objects.create(created_by=caseworker, checksum="0" * 64)
    insert(ImportRow, [ImportRow(batch=batch, line_number=2, data=value, reasons=[AWKWARD])])
    row = ImportRow.objects.get()
    assert row.data == value and row.reasons == [AWKWARD]


def test_update_columns_changes_only_the_named_columns(caseworker):
    batch = ImportBatch.objects.create(created_by=caseworker, checksum="0" * 64)
    for line in (2, 3):
        ImportRow.objects.create(batch=batch, line_number=line, data={"names": ["X"]})
    rows = list(ImportRow.objects.order_by("line_number"))
    for row in rows:
        row.changes = {"names": [AWKWARD]}
        row.person_created = True
        row.data = {"names": ["not written"]}
    update_columns(ImportRow, rows, ["changes", "person_created"])
    for row in ImportRow.objects.all():
        assert row.changes == {"names": [AWKWARD]} and row.person_created
        assert row.data == {"names": ["X"]}


def test_uuid7_texts_are_version_7_keys_of_the_current_millisecond_and_all_different():
    before = time.time_ns() // 1_000_000
    texts = uuid7_texts(5000)
    after = time.time_ns() // 1_000_000
    keys = [uuid.UUID(t) for t in texts]
    assert [str(k) for k in keys] == texts  # canonical lower-case text, as PostgreSQL reads it
    assert {k.version for k in keys} == {7} and {k.variant for k in keys} == {uuid.RFC_4122}
    assert all(before <= k.int >> 80 <= after for k in keys)
    assert len(set(texts)) == 5000
    # 74 random bits: every hex digit of the random part takes many values across keys
    assert all(len({t[i] for t in texts}) == 16 for i in (15, 16, 17, 20, 35))
    assert uuid7_texts(0) == []


def test_uuid7_texts_of_a_later_call_sort_after_those_of_an_earlier_one():
    first = uuid7_texts(50)
    time.sleep(0.002)
    second = uuid7_texts(50)
    assert max(first) < min(second)
