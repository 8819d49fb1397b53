"""Rows that data migrations ship (deadline rules, risk signals, letter templates).

The lawbook's rules too (engine.lawbook, synced after migrate).

A transactional test ends by flushing every table, so the tests after it would find none of
these rows, and a rule-less engine computes nothing. Re-create them from the migrations' own
functions (all idempotent) before a transactional test, wherever they are missing.
"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

# (migration module, function, model label, lookup of one row the migration ships: when no
# such row exists, the migration's rows are gone). A lookup, not "the table is empty": a later
# migration adding rows to a table an earlier one filled must be replayed on its own.
SHIPPED = [
    (
        "engine.migrations.0002_default_rules",
        "forwards",
        "engine.Rule",
        {"code": "echr.application"},
    ),
    ("engine.migrations.0004_default_risk_signals", "forwards", "engine.RiskSignal", {}),
    (
        "engine.migrations.0007_detention_rules",
        "forwards",
        "engine.Rule",
        {"code": "ru.detention.appeal"},
    ),
    ("advocacy.migrations.0002_letter_templates", "ship", "advocacy.LetterTemplate", {}),
    (
        "engine.migrations.0167_calendar_adjustments_2026",
        "forwards",
        "engine.CalendarAdjustment",
        {"calendar": "TJ", "day": "2026-01-10"},
    ),
]


def ensure_shipped_reference_data() -> int:
    """Re-run the data migrations whose rows are missing; returns how many were re-run.

    A flush after a test with serialized_rollback does not send post_migrate, so content
    types, permissions and the roles' grants (accounts.roles) are gone too: replay it."""
    from django.contrib.auth.models import Permission

    rerun = 0
    if not Permission.objects.exists():
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(0, False, "default")
        rerun += 1
    for module_name, function, label, lookup in SHIPPED:
        model = django_apps.get_model(label)
        if model.objects.filter(**lookup).exists():
            continue
        getattr(importlib.import_module(module_name), function)(django_apps, None)
        rerun += 1
    # The lawbook (engine.lawbook.RULES) is synced after migrate, not by a data migration:
    # sync it again, over the migrations' rows just put back. No-op when nothing differs.
    from engine import lawbook

    report = lawbook.sync(recompute=False, force=frozenset(e["code"] for e in lawbook.RULES))
    rerun += bool(report.created or report.updated)
    return rerun
