"""Malformed files: each gives a clear error or a safe value, and nothing is written."""

import io
import os

import pytest

from casework.import_models import ImportBatch, RowOutcome
from casework.importing import ImportFileError, ImportRefused, import_commit, import_preview
from casework.models import Group, GroupMembership, Person, PersonName
from tests.imports.helpers import csv_bytes, mapping, xlsx_bytes

pytestmark = pytest.mark.django_db


def counts():
    return (
        Person.objects.count(),
        PersonName.objects.count(),
        GroupMembership.objects.count(),
        Group.objects.count(),
    )


@pytest.fixture
def nothing_written():
    before = counts()
    yield
    assert counts() == before


def run(content, user, file_name="list.csv", **kwargs):
    return import_preview(
        content=content, file_name=file_name, mapping=mapping(), by=user, group_name="Osh", **kwargs
    )


def test_a_cp1251_file_is_refused_with_the_encoding_named(caseworker, nothing_written):
    content = csv_bytes([["Абдуллаев Рустам", "1980", "", "UZ"]], encoding="cp1251")
    with pytest.raises(ImportFileError, match="Windows-1251"):
        run(content, caseworker)
    assert not ImportBatch.objects.exists()


def test_a_cp1251_file_reads_when_the_encoding_is_chosen(caseworker):
    content = csv_bytes([["Абдуллаев Рустам", "1980", "", "UZ"]], encoding="cp1251")
    batch = run(content, caseworker, encoding="cp1251")
    assert batch.rows.get().data["names"] == ["Абдуллаев Рустам"]


def test_a_utf16_file_with_its_byte_order_mark_is_read(caseworker):
    content = csv_bytes([["Абдуллаев Рустам", "1980", "", "UZ"]], encoding="utf-16")
    batch = run(content, caseworker)
    assert batch.rows.get().data["names"] == ["Абдуллаев Рустам"]


def test_binary_garbage_is_refused(caseworker, nothing_written):
    with pytest.raises(ImportFileError, match="binary"):
        run(os.urandom(4096), caseworker)
    assert not ImportBatch.objects.exists()


def test_a_broken_xlsx_is_refused(caseworker, nothing_written):
    good = xlsx_bytes([["Xurshid Tursunov", 1978, None, "UZ"]])
    with pytest.raises(ImportFileError, match="XLSX"):
        run(good[: len(good) // 2], caseworker, file_name="list.xlsx")
    with pytest.raises(ImportFileError, match="XLSX"):
        run(b"PK\x03\x04not really a zip", caseworker, file_name="list.xlsx")
    assert not ImportBatch.objects.exists()


def test_a_missing_required_column_is_named(caseworker, nothing_written):
    content = csv_bytes([["Абдуллаев Рустам", "1980"]], header=("ФИО", "Born"))
    with pytest.raises(ImportFileError, match="no column “Name”"):
        run(content, caseworker)
    assert not ImportBatch.objects.exists()


def test_a_questioned_year_is_read_as_the_year_with_a_warning(caseworker):
    batch = run(csv_bytes([["Xurshid Tursunov", "1978?", "", "UZ"]]), caseworker)
    row = batch.rows.get()
    assert row.outcome == RowOutcome.NEW
    assert row.data["born_on"] == "1978-01-01" and row.data["born_on_precision"] == "year"
    assert "approximate" in row.warnings[0]


def test_ten_thousand_empty_rows_are_no_rows(caseworker, nothing_written):
    content = csv_bytes([["", "", "", ""]] * 10_000)
    with pytest.raises(ImportFileError, match="no data rows"):
        run(content, caseworker)
    content = xlsx_bytes([[None, None, None, None]] * 10_000 + [["", " ", None, None]])
    with pytest.raises(ImportFileError, match="no data rows"):
        run(content, caseworker, file_name="list.xlsx")


def test_empty_rows_between_real_ones_are_skipped_and_lines_kept(caseworker):
    content = csv_bytes([["", "", "", ""]] * 500 + [["Xurshid Tursunov", "1978", "", "UZ"]])
    batch = run(content, caseworker)
    assert batch.row_count == 1 and batch.rows.get().line_number == 502


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://example.org/x","Click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"],
)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formula_injection_cells_are_refused_and_nothing_is_written(
    caseworker, nothing_written, cell, kind
):
    rows = [["Xurshid Tursunov", "1978", "", "UZ"], [cell, "1980", "", "UZ"]]
    if kind == "csv":
        batch = run(csv_bytes(rows), caseworker)
    else:
        batch = run(xlsx_bytes(rows), caseworker, file_name="list.xlsx")
    bad = batch.rows.get(line_number=3)
    assert bad.outcome == RowOutcome.ERROR
    assert "formula" in bad.errors[0]["message"]
    with pytest.raises(ImportRefused):
        import_commit(batch=batch, by=caseworker)


def test_a_formula_in_another_column_is_refused_too(caseworker, nothing_written):
    batch = run(csv_bytes([["Xurshid Tursunov", "1978", "=1+1", "UZ"]]), caseworker)
    assert batch.rows.get().errors[0]["field"] == "unhcr_number"


def test_an_xlsx_formula_cell_arrives_as_its_text_not_its_value(caseworker):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Born", "UNHCR", "Citizenship"])
    book.active.append(['=CONCAT("Xurshid"," Tursunov")', 1978, None, "UZ"])
    out = io.BytesIO()
    book.save(out)
    batch = run(out.getvalue(), caseworker, file_name="list.xlsx")
    assert batch.rows.get().outcome == RowOutcome.ERROR
