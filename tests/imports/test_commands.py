"""score_names and import_names on the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from casework.models import Person
from tests.imports.helpers import csv_bytes, mapping


def test_score_names_adds_score_and_verdict_to_each_row(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name_a,name_b,birth_a,birth_b\n"
        "Абдуллаев Рустам,Rustam Abdullayev,1980,12.03.1980\n"
        "Abdullaev Rustam,Abdullaev Farrukh,,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("score_names", str(pairs), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "name_a,name_b,birth_a,birth_b,score,same_person"
    assert lines[1].endswith(",1") and lines[2].endswith(",0")


def test_score_names_reports_bad_rows_with_their_line_and_fails(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("Abdullaev Rustam,Rustam Abdullaev,19/78,\nonly one name\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 bad row"):
        call_command("score_names", str(pairs), stdout=out, stderr=err)
    assert "line 1: birth date" in err.getvalue() and "line 2: two names" in err.getvalue()
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_import_names_previews_and_commits_with_a_counter(tmp_path, admin_user):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([["Xurshid Tursunov", "1978", "", "UZ"]]))
    mapping()
    out = io.StringIO()
    call_command("import_names", str(path), "--mapping", "partner-a", "--group", "Osh", stdout=out)
    assert "nothing imported" in out.getvalue() and Person.objects.count() == 0
    call_command(
        "import_names",
        str(path),
        "--mapping",
        "partner-a",
        "--group",
        "Osh",
        "--commit",
        stdout=out,
    )
    assert "imported 1 rows" in out.getvalue() and Person.objects.count() == 1
