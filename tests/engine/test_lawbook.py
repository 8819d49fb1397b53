"""The lawbook: every rule's worked examples, and how the sync treats the table.

The examples are the lawyers' (engine.lawbook.RULES, each with its reasoning in `why`); they
run against the rows the migrate-time sync wrote, with every row of the rule's family, so
that each also checks that the row in force on the fact's date is the one that counts.
"""

from datetime import date, timedelta

import pytest

from engine import lawbook
from engine.calendar import WorkCalendar
from engine.deadlines import compute_deadlines
from engine.models import Rule

pytestmark = pytest.mark.django_db

EXAMPLES = [
    pytest.param(entry["code"], example, id=f"{entry['code']}-{i}")
    for entry in lawbook.RULES
    for i, example in enumerate(entry.get("examples", ()))
]


@pytest.mark.parametrize("code,example", EXAMPLES)
def test_lawbook_worked_example(code, example):
    assert set(example) <= lawbook.EXAMPLE_KEYS, set(example) - lawbook.EXAMPLE_KEYS
    assert example["why"].strip(), "every example says how it was computed"
    rule = Rule.objects.get(code=code)
    family = [r.to_spec() for r in Rule.objects.filter(family=rule.family)]
    facts = lawbook.example_facts(rule.to_spec(), example)
    today = example.get("today") or example["event"] + timedelta(days=1)
    found = [
        d
        for d in compute_deadlines(facts, family, today)
        if d.kind == rule.kind and d.rule_code in {s.code for s in family}
    ]
    if example["due"] is None:
        assert [d.rule_code for d in found if d.rule_code == code] == [], example["why"]
        return
    (deadline,) = found
    assert deadline.rule_code == code, example["why"]
    assert deadline.due_on == example["due"], f"{deadline.why}\n  expected: {example['why']}"


def _crosses_a_day_off(rule: Rule, example) -> bool:
    if example["due"] is None:
        return False
    calendar = WorkCalendar(rule.calendar)
    start, end = sorted((example["event"], example["due"]))
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return any(not calendar.is_working_day(day) for day in days)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(e, id=e["code"])
        for e in lawbook.RULES
        if e.get("enabled", True) and e.get("period_amount") is not None
    ],
)
def test_every_lawbook_rule_has_an_example_across_a_weekend_or_holiday(entry):
    rule = Rule.objects.get(code=entry["code"])
    assert any(_crosses_a_day_off(rule, ex) for ex in entry.get("examples", ())), rule.code


def test_every_lawbook_entry_names_only_rule_fields():
    for entry in lawbook.RULES:
        lawbook.entry_values(Rule, entry)  # raises on an unknown key


def test_lawbook_rows_are_in_the_table_as_written():
    names = lawbook.synced_fields(Rule)
    for entry in lawbook.RULES:
        row = Rule.objects.get(code=entry["code"])
        assert lawbook.digest(lawbook.row_values(row, names)) == lawbook.digest(
            lawbook.entry_values(Rule, entry)
        ), row.code


# ---------------------------------------------------------------------------------------------
# The sync
# ---------------------------------------------------------------------------------------------

ENTRY = dict(
    code="zz.test.appeal",
    jurisdiction="ZZ",
    countries="ZZ",
    kind="appeal_extradition",
    description="Appeal",
    counts_from="extradition_decision_notified",
    period_amount=10,
    unit="days",
    citation="Test Code Art. 1",
    confidence="P",
    in_force_from=date(2015, 1, 1),
)


def test_sync_creates_then_updates_then_leaves_alone():
    report = lawbook.sync(rules=[ENTRY])
    assert report.created == ["zz.test.appeal"]
    row = Rule.objects.get(code="zz.test.appeal")
    assert row.family == "zz.test.appeal" and row.period_amount == 10 and row.synced_digest

    assert lawbook.sync(rules=[ENTRY]).unchanged == ["zz.test.appeal"]

    report = lawbook.sync(rules=[{**ENTRY, "period_amount": 15}])
    assert report.updated == ["zz.test.appeal"]
    assert Rule.objects.get(code="zz.test.appeal").period_amount == 15


def test_sync_keeps_a_row_an_admin_edited_unless_forced():
    lawbook.sync(rules=[ENTRY])
    row = Rule.objects.get(code="zz.test.appeal")
    row.roll_forward = True  # the admin read a newer text
    row.save()

    report = lawbook.sync(rules=[{**ENTRY, "period_amount": 15}])
    assert report.kept_admin_edit == ["zz.test.appeal"]
    row.refresh_from_db()
    assert (row.period_amount, row.roll_forward) == (10, True)

    report = lawbook.sync(rules=[{**ENTRY, "period_amount": 15}], force={"zz.test.appeal"})
    assert report.updated == ["zz.test.appeal"]
    row.refresh_from_db()
    assert (row.period_amount, row.roll_forward) == (15, False)


def test_sync_keeps_a_shipped_row_a_user_changed(django_user_model):
    """A row from a migration has no digest: a change by a user in its history marks it."""
    user = django_user_model.objects.create_user("admin-x", password="x", is_staff=True)
    row = Rule.objects.get(code="kz.extr.appeal")
    row.notes = "Checked against the 2024 consolidated text."
    row._history_user = user
    row.save()
    entry = {
        **{n: getattr(row, n) for n in lawbook.synced_fields(Rule)},
        "code": row.code,
        "period_amount": 15,
    }
    assert lawbook.sync(rules=[entry]).kept_admin_edit == ["kz.extr.appeal"]
    assert Rule.objects.get(code="kz.extr.appeal").period_amount == 10


def test_sync_updates_a_shipped_row_nobody_touched():
    row = Rule.objects.get(code="kz.extr.temp_custody")
    entry = {
        **{n: getattr(row, n) for n in lawbook.synced_fields(Rule)},
        "code": row.code,
        "first_day_counts": True,
    }
    assert lawbook.sync(rules=[entry]).updated == ["kz.extr.temp_custody"]
    assert Rule.objects.get(code="kz.extr.temp_custody").first_day_counts


def test_sync_refuses_an_unknown_field_and_writes_nothing():
    with pytest.raises(ValueError, match="not Rule fields"):
        lawbook.sync(rules=[ENTRY, {**ENTRY, "code": "zz.other", "periodd": 3}])
    assert not Rule.objects.filter(code="zz.test.appeal").exists()


def test_sync_enqueues_one_recompute_for_many_rows(monkeypatch, django_capture_on_commit_callbacks):
    from engine import signals

    sent = []
    monkeypatch.setattr(signals, "_send_recompute_run", lambda r, d: sent.append((r, d)))
    with django_capture_on_commit_callbacks(execute=True):
        lawbook.sync(rules=[ENTRY, {**ENTRY, "code": "zz.test.appeal.1997", "in_force_from": None,
                                     "in_force_until": date(2014, 12, 31),
                                     "family": "zz.test.appeal"}])  # fmt: skip
    assert sent == [("rule", "2 rules")]


def test_sync_moves_a_change_of_law_in_one_go_and_refuses_an_overlap():
    """The older row may come first in the lawbook: windows are checked once all are written."""
    older = {**ENTRY, "code": "zz.test.appeal.1997", "family": "zz.test.appeal",
             "in_force_from": None, "in_force_until": date(2014, 12, 31), "period_amount": 5}  # fmt: skip
    lawbook.sync(rules=[{**ENTRY, "in_force_from": None}])
    assert lawbook.sync(rules=[older, ENTRY]).created == ["zz.test.appeal.1997"]
    with pytest.raises(ValueError, match="same days"):
        lawbook.sync(rules=[{**older, "in_force_until": date(2015, 1, 1)}, ENTRY])
    assert Rule.objects.get(code="zz.test.appeal.1997").in_force_until == date(2014, 12, 31)
