"""docs/rules.md says what the shipped rule data says: regenerate it when the data changes."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from engine import rulesdoc
from engine.models import Rule

pytestmark = pytest.mark.django_db


def test_docs_rules_md_is_up_to_date():
    assert rulesdoc.DOC_PATH.exists(), "run: manage.py rules_doc"
    assert rulesdoc.DOC_PATH.read_text(encoding="utf-8") == rulesdoc.current(), (
        "docs/rules.md is out of date: run `manage.py rules_doc` on a freshly migrated database"
    )


def test_the_check_fails_once_a_rule_changes():
    call_command("rules_doc", "--check")
    Rule.objects.filter(code="kz.extr.appeal").update(in_force_from=date(2015, 1, 1))
    with pytest.raises(CommandError, match="out of date"):
        call_command("rules_doc", "--check")


def test_each_row_says_period_counting_force_confidence_and_source():
    text = rulesdoc.current()
    row = next(line for line in text.splitlines() if line.startswith("| `ru.appeal.general.pre"))
    assert "10 days" in row and "CPC RF Art. 389.4" in row and "2022-12-28" in row
    assert "day after" in row and "yes (RU)" in row
    placeholder = next(line for line in text.splitlines() if "`kg.extr.appeal`" in line)
    assert "none (placeholder)" in placeholder and "U (unverified)" in placeholder
