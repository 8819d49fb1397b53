"""Inserting many rows at once, with their history rows: COPY on PostgreSQL.

`bulk_create` runs every value of every instance through the ORM's SQL compiler; for an
import of 10,000 rows (persons, their names, memberships, the history of each, the import's
own rows) that was most of the commit's time. COPY sends each table's rows as text in one
statement. Like `bulk_create` it sends no signal and calls no `save()`; auto_now fields are
set here. Elsewhere (SQLite) it falls back to bulk_create (with history). `copy_rows` is the
raw COPY, for callers that build their rows themselves (engine may read casework).
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import uuid
from datetime import date, datetime

import orjson
from django.db import connection
from django.db.models import JSONField
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

_PLAIN = frozenset({int, float, uuid.UUID, date, datetime})
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is bool:
        return "t" if value else "f"
    if kind in _PLAIN:
        return str(value)  # never holds a tab, a newline or a backslash
    value = str(value)  # str, TextChoices, int, float, UUID, date, aware datetime
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], value) if _SPECIAL.search(value) else value


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def uuid7_texts(n: int) -> list[str]:
    """`n` new primary keys as text: time-ordered UUIDs (version 7, RFC 9562: 48 bits of
    Unix milliseconds, then 74 random bits) from one read of the system's random source.
    Random (version 4) keys land on random pages of the primary key's index, so a first
    recompute's 650,000 deadlines at 100,000 persons touched most of an index larger than
    PostgreSQL's buffers; keys made in the same millisecond land side by side, on the
    index's last pages. They are as unguessable as the rest of the key: 74 random bits.
    (Python 3.14's uuid.uuid7 does the same, one key a call.)"""
    stamp = f"{time.time_ns() // 1_000_000:012x}"
    head = f"{stamp[:8]}-{stamp[8:12]}-7"
    raw = os.urandom(10 * n).hex()
    return [
        f"{head}{h[:3]}-{_VARIANT[h[3]]}{h[4:7]}-{h[7:19]}"
        for h in (raw[i : i + 20] for i in range(0, 20 * n, 20))
    ]


def copy_rows(table: str, columns: list[str], rows: list[list]) -> None:
    """COPY rows into a table, in the current transaction; logged as one query where Django
    logs queries, so query counts stay honest."""
    copy_lines(table, columns, ["\t".join(map(copy_text, row)) for row in rows])


def copy_lines(table: str, columns: list[str], lines: list[str]) -> None:
    """COPY rows already in COPY's text format (one line each, without its newline): a
    caller writing the same values to two tables (a row and its history) formats them once."""
    data = "\n".join(lines) + "\n" if lines else ""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.StringIO(data))
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(lines)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def _can_copy() -> bool:
    return connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2"


def _values(model, objs: list, now) -> tuple[list, list[list]]:
    """(fields, one list of column values per object); auto_now fields set to `now`, the
    primary key left out when it is to be generated (an AutoField not set)."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (
            f.primary_key and f.get_internal_type().endswith("AutoField") and objs[0].pk is None
        )
    ]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False)]
    stamped += [f.attname for f in fields if getattr(f, "auto_now_add", False)]
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
    return fields, _rows(fields, objs)


# Dates, datetimes, dataclasses and subclasses of str, int, dict and list go to the standard
# library's encoder, which refuses dates and dataclasses, as Django's JSONField does.
_AS_STDLIB = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def json_text(value, encoder=None) -> str:
    """A JSON field's value as the text PostgreSQL parses into jsonb. Without an encoder of
    the field's own, orjson: a first recompute at 100,000 persons writes 100,000 risk
    assessments with 1.6 KB of reasons and barriers each, and the standard library's encoder
    was 3.5% of a worker's CPU (README "Running at scale"). jsonb keeps the value, not the
    text, so the two encoders' spacing and escaping of non-ASCII letters store the same. A
    value orjson refuses (a dict key that is not a string, an integer over 64 bits) goes to
    the standard library's, which converts or refuses it as before."""
    if encoder is None:
        try:
            return orjson.dumps(value, option=_AS_STDLIB).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(value, cls=encoder)


def _rows(fields: list, objs: list) -> list[list]:
    json_fields = {f.attname: f.encoder for f in fields if isinstance(f, JSONField)}
    rows = []
    for obj in objs:
        row = []
        for f in fields:
            value = getattr(obj, f.attname)
            if f.attname in json_fields:
                value = json_text(value, json_fields[f.attname])
            row.append(value)
        rows.append(row)
    return rows


def update_columns(model, objs: list, names: list[str]) -> None:
    """Set the fields `names` of stored rows to the values `objs` hold (matched by primary
    key): one COPY of just those columns into a temporary table, one UPDATE from it, so the
    columns that did not change are neither sent nor rewritten. bulk_update elsewhere."""
    if not objs:
        return
    if not _can_copy():
        model.objects.bulk_update(objs, names, batch_size=2000)
        return
    quote = connection.ops.quote_name
    pk = model._meta.pk
    fields = [pk, *(model._meta.get_field(name) for name in names)]
    table, temp = model._meta.db_table, f"bulk_update_{model._meta.db_table}"
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(temp)} AS SELECT {columns} FROM {quote(table)} "
            "WITH NO DATA"
        )
        copy_rows(temp, [f.column for f in fields], _rows(fields, objs))
        assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in fields[1:])
        cursor.execute(
            f"UPDATE {quote(table)} AS t SET {assignments} FROM {quote(temp)} AS s "
            f"WHERE t.{quote(pk.column)} = s.{quote(pk.column)}"
        )
        cursor.execute(f"DROP TABLE {quote(temp)}")


def insert(model, objs: list) -> None:
    """Insert unsaved instances of `model` (no history)."""
    if not objs:
        return
    if not _can_copy():
        model.objects.bulk_create(objs, batch_size=2000)
        return
    fields, rows = _values(model, objs, timezone.now())
    copy_rows(model._meta.db_table, [f.column for f in fields], rows)


def insert_with_history(model, objs: list, *, user=None, reason: str | None = None) -> None:
    """Insert unsaved instances of `model` (primary keys set) and their "+" history rows,
    as simple_history's bulk_create_with_history does."""
    if not objs:
        return
    if not _can_copy():
        bulk_create_with_history(
            objs, model, batch_size=2000, default_user=user, default_change_reason=reason
        )
        return
    now = timezone.now()
    fields, rows = _values(model, objs, now)
    copy_rows(model._meta.db_table, [f.column for f in fields], rows)
    history = model.history.model
    extra = [now, getattr(user, "pk", None), reason, "+"]
    copy_rows(
        history._meta.db_table,
        [history._meta.get_field(f.name).column for f in fields]
        + ["history_date", history._meta.get_field("history_user").column]
        + ["history_change_reason", "history_type"],
        [row + extra for row in rows],
    )
