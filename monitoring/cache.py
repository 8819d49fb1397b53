"""The monitoring figures are cached under a key made of cheap "last changed" values of
every table they count: each table's row count and latest change time, in one query.

A recompute that changes a figure writes a new risk assessment (level or reasons changed)
or changes a deadline (every change of a deadline, the engine's or a lawyer's, writes a row
of its history, dated); a new or edited fact stamps updated_at; a deletion changes a count. Any of these gives a new key, so the next page
computes afresh; a recompute that changes nothing leaves the key, and the cache, as they
were. Nothing in the engine or casework had to change for this."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils.translation import get_language

from accounts.roles import Role, user_roles
from advocacy import models as adv
from casework import models as cw
from engine.models import Deadline, RiskAssessment

SECONDS = 3600
_SOURCES = (
    (cw.Person, "updated_at"),  # confidentiality and assigned staff decide who counts whom
    (cw.Facility, "updated_at"),
    (cw.Detention, "updated_at"),
    (cw.ExtraditionRequest, "updated_at"),
    (cw.AsylumClaim, "updated_at"),
    (cw.Appeal, "updated_at"),
    (cw.InterimMeasure, "updated_at"),
    (cw.Return, "updated_at"),
    (cw.PostReturnReport, "updated_at"),
    # Counted here, dated by its history (below): the history's date is indexed for its own
    # readers, and an index of status_changed_at cost a first recompute at 100,000 persons
    # 650,000 index writes for this one MAX().
    (Deadline, None),
    (RiskAssessment, "assessed_at"),
    (adv.UrgentAction, "updated_at"),
    (adv.UrgentAction.persons.through, None),
    (adv.UrgentActionRecipient, "updated_at"),
    (adv.Letter, "updated_at"),
    (adv.Authority, "updated_at"),
)
# Tables read for their latest change only.
_DATED = ((Deadline.history.model, "history_date"),)


def _version_sql() -> str:
    qn = connection.ops.quote_name

    def latest(model, column) -> str:
        return f"(SELECT CAST(MAX({qn(column)}) AS TEXT) FROM {qn(model._meta.db_table)})"

    parts = []
    for model, column in _SOURCES:
        parts.append(f"(SELECT COUNT(*) FROM {qn(model._meta.db_table)})")
        if column:
            parts.append(latest(model, column))
    parts += [latest(model, column) for model, column in _DATED]
    return "SELECT " + ", ".join(parts)


def data_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]


def audience(user) -> str:
    """Who the figures are counted for: admins count everyone; staff assigned to no
    restricted person all count the same persons; anyone else counts their own."""
    if Role.ADMIN in user_roles(user):
        return "all"
    assigned = cw.Person.objects.filter(
        Q(assigned_caseworker=user) | Q(assigned_lawyer=user),
        confidentiality=cw.Confidentiality.RESTRICTED,
    )
    return f"user:{user.pk}" if assigned.exists() else "normal"


def charts(figures, draw) -> list[str]:
    """draw(figure) of each figure, cached by what the chart shows (title, labels, cells,
    language) rather than by the data version: after a change only the figures it changed
    are drawn again, and staff who count the same numbers share the drawings. One round
    trip to the cache each way."""
    language = get_language()
    keys = [
        "monitoring:chart:"
        + hashlib.sha256(
            repr((language, f.key, f.title, f.chart, f.rows, f.columns, f.cells)).encode()
        ).hexdigest()
        for f in figures
    ]
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001 - the cache is down: draw them all
        found = {}
    drawn = {k: draw(f) for k, f in zip(keys, figures, strict=True) if k not in found}
    if drawn:
        try:
            cache.set_many(drawn, SECONDS)
        except Exception:  # noqa: BLE001
            pass
    return [found.get(k) or drawn[k] for k in keys]


def cached(key_parts: tuple, compute):
    """compute() cached under the data version and `key_parts`; computed when the cache
    is unreachable too."""
    key = "monitoring:" + hashlib.sha256(repr((data_version(), *key_parts)).encode()).hexdigest()
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: compute, as without it
        value = None
    if value is None:
        value = compute()
        try:
            cache.set(key, value, SECONDS)
        except Exception:  # noqa: BLE001
            pass
    return value
