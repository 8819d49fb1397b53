"""Importing partner lists: read, preview, commit all or nothing, undo.

1. `read_table` turns the uploaded bytes into rows, or raises `ImportFileError` with a
   sentence a caseworker can act on (wrong encoding, damaged XLSX, no rows, too many rows).
   Nothing is written until the file is readable and has the columns its mapping names.
2. `import_preview` stores an `ImportBatch` with one `ImportRow` per non-empty line, each
   cleaned and validated (errors carry the line number and the field), then `import_match`
   gives every row its outcome: a new person, a match to an existing person or to an earlier
   line of the same file (the same man in Cyrillic and in Latin), a possible duplicate that
   needs a decision, or an error. Big files are matched by a Celery task that keeps
   `progress_done` on the batch.
3. `import_commit` writes everything in one transaction, or nothing: it refuses while any row
   has an error or an undecided duplicate.
4. `import_undo` removes what the commit created, only while nobody has changed it since.

Spreadsheet formula injection: a cell starting with = + - @ (or a tab or carriage return)
is refused with an error on its line; exports neutralise such values too (exports.py).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from identity.folding import detect_script, search_key
from identity.matching import (
    POSSIBLE,
    SAME_PERSON,
    BirthError,
    MatchIndex,
    MatchRecord,
    normalise_unhcr,
    parse_birth,
)

from .access import can_see_person
from .bulk import insert, insert_with_history, update_columns
from .import_models import (
    IMPORT_FIELDS,
    BatchStatus,
    ImportBatch,
    ImportMapping,
    ImportRow,
    RowDecision,
    RowOutcome,
)
from .merge import acting_as
from .models import Group, GroupMembership, NameToken, Person, PersonName, _next_case_number

MAX_BYTES = getattr(settings, "HAVEN_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAX_ROWS = getattr(settings, "HAVEN_IMPORT_MAX_ROWS", 50_000)
# Above this many rows the preview and the commit run in a Celery task with a progress bar.
ASYNC_ROWS = getattr(settings, "HAVEN_IMPORT_ASYNC_ROWS", 500)
# Rows per INSERT when committing: fewer round trips; psycopg2 binds client-side, so
# PostgreSQL's 65,535-parameter limit does not apply.
BULK_BATCH = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Sent after a commit is durable: the engine (or anyone) may recompute the persons touched.
import_committed = Signal()
# Sent on commit of an undo with the persons that remain (matched ones, filled or added to a
# group): their facts changed back.
import_undone = Signal()


class ImportFileError(ValueError):
    """The file cannot be imported at all; the message says why and what to do."""


class ImportRefused(ValueError):
    """The batch cannot be committed or undone as it stands; the message says why."""


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (line number in the file, cells), empty lines left out


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _looks_binary(content: bytes) -> bool:
    sample = content[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > max(2, len(sample) // 100)


def decode_text(content: bytes, encoding: str = "auto") -> str:
    if encoding and encoding != "auto":
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportFileError(
                _("The file cannot be read as %(enc)s. Choose another encoding.")
                % {"enc": encoding}
            ) from exc
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file says it is UTF-16 but is damaged.")) from exc
    if _looks_binary(content):
        raise ImportFileError(
            _(
                "This is not a text list: it looks like a binary file. Upload a CSV saved as "
                "UTF-8, or an XLSX workbook."
            )
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            guess = content.decode("cp1251")
            if any("\u0400" <= c <= "\u04ff" for c in guess):
                hint = _(
                    " It looks like Windows-1251 (Cyrillic, as older Excel saves it): choose "
                    "that encoding, or save the file as CSV UTF-8."
                )
        except UnicodeDecodeError:
            pass
        raise ImportFileError(
            _("The file is not UTF-8 (first unreadable character on line %(line)s).%(hint)s")
            % {"line": line, "hint": hint}
        ) from exc


def _read_csv(content: bytes, encoding: str) -> list[tuple[int, list]]:
    text = decode_text(content, encoding)
    if "\x00" in text:
        raise ImportFileError(_("The file contains NUL characters: it is not a text list."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    out = []
    try:
        for cells in reader:
            out.append((reader.line_num, cells))
            if len(out) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV is malformed near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    return out


def _read_xlsx(content: bytes) -> list[tuple[int, list]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        # data_only=False: a formula arrives as its text ("=HYPERLINK(...)") and is refused,
        # never as a value computed by whoever made the file.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        out = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            out.append((number, list(cells)))
            if len(out) > MAX_ROWS + 1:
                break
        book.close()
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _(
                "The XLSX workbook cannot be read: it is damaged or not an Excel 2007+ file. "
                "Open it in a spreadsheet program and save it again, or export it as CSV."
            )
        ) from exc
    except Exception as exc:  # openpyxl raises a zoo of parser errors on broken XML
        raise ImportFileError(
            _("The XLSX workbook cannot be read (%(kind)s). Save it again or export it as CSV.")
            % {"kind": type(exc).__name__}
        ) from exc
    return out


def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(*, content: bytes, file_name: str = "", encoding: str = "auto") -> Table:
    """The rows of a CSV or XLSX file. The first non-empty line holds the column names."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB: split it.") % {"mb": MAX_BYTES // 2**20}
        )
    is_xlsx = content[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm"))
    lines = _read_xlsx(content) if is_xlsx else _read_csv(content, encoding)
    lines = [(n, cells) for n, cells in lines if not all(_is_blank(c) for c in cells)]
    if not lines:
        raise ImportFileError(_("The file has no rows."))
    _header_line, header_cells = lines[0]
    headers = [_clean_header(c) for c in header_cells]
    seen = Counter(h for h in headers if h)
    repeated = [h for h, n in seen.items() if n > 1]
    if repeated:
        raise ImportFileError(
            _("Column names must be unique; repeated: %(cols)s") % {"cols": ", ".join(repeated)}
        )
    rows = lines[1:]
    if not rows:
        raise ImportFileError(_("The file has column names but no data rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(n)s rows: split it.") % {"n": f"{MAX_ROWS:,}"}
        )
    return Table(headers=headers, rows=rows)


def _clean_header(cell) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


# Column names partners use, for a first guess at the mapping.
HEADER_HINTS = {
    "full_name": ["full name", "name", "фио", "ф.и.о.", "ф.и.о", "имя и фамилия", "ism familiya"],
    "surname": ["surname", "last name", "family name", "фамилия", "familiya"],
    "given_name": ["given name", "first name", "имя", "ism"],
    "patronymic": ["patronymic", "father's name", "отчество", "otasining ismi"],
    "other_names": ["other names", "aliases", "также известен как", "другие имена"],
    "born": ["born", "date of birth", "dob", "birth", "year of birth", "дата рождения",
             "год рождения", "г.р.", "tug'ilgan sana", "tug‘ilgan yili"],
    "sex": ["sex", "gender", "пол", "jinsi"],
    "citizenship": ["citizenship", "nationality", "гражданство", "fuqaroligi"],
    "country_of_origin": ["country of origin", "страна происхождения"],
    "unhcr_number": ["unhcr", "unhcr number", "unhcr no", "unhcr no.", "номер увкб", "увкб"],
    "ethnicity": ["ethnicity", "национальность", "millati"],
    "notes": ["notes", "comment", "comments", "примечание", "примечания", "izoh"],
}  # fmt: skip


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    lowered = {h.lower(): h for h in headers if h}
    out = {}
    for field, hints in HEADER_HINTS.items():
        for hint in hints:
            if hint in lowered:
                out[field] = lowered[hint]
                break
    if "full_name" in out and "surname" in out:
        del out["full_name"]
    return out


def check_mapping(columns: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The mapping narrowed to known fields; ImportFileError if it names no name column or a
    column the file does not have."""
    known = {f for f, _label, _req in IMPORT_FIELDS}
    columns = {f: h for f, h in (columns or {}).items() if f in known and h}
    if not ({"full_name", "surname"} & set(columns)):
        raise ImportFileError(
            _("The mapping needs a name column: 'Full name', or 'Surname' (and 'Given name').")
        )
    by_lower = {h.lower(): h for h in headers if h}
    missing = []
    resolved = {}
    for field, header in columns.items():
        found = by_lower.get(" ".join(header.split()).lower())
        if found is None:
            missing.append(f"“{header}” ({field})")
        else:
            resolved[field] = found
    if missing:
        raise ImportFileError(
            _("The file has no column %(missing)s. Its columns are: %(cols)s.")
            % {
                "missing": ", ".join(missing),
                "cols": ", ".join(h for h in headers if h) or _("none"),
            }
        )
    return resolved


# --------------------------------------------------------------------------------------------
# Cleaning one row
# --------------------------------------------------------------------------------------------

_SEX = {
    "male": ["m", "male", "man", "м", "муж", "муж.", "мужской", "erkak", "e"],
    "female": ["f", "female", "woman", "ж", "жен", "жен.", "женский", "ayol", "a"],
    "unknown": ["", "?", "unknown", "неизвестно"],
}
SEX_VALUES = {v: k for k, values in _SEX.items() for v in values}
COUNTRY_NAMES = {
    "uzbekistan": "UZ", "узбекистан": "UZ", "o‘zbekiston": "UZ", "ozbekiston": "UZ",
    "kazakhstan": "KZ", "казахстан": "KZ", "kyrgyzstan": "KG", "кыргызстан": "KG",
    "киргизия": "KG", "tajikistan": "TJ", "таджикистан": "TJ", "russia": "RU",
    "россия": "RU", "russian federation": "RU", "turkey": "TR", "türkiye": "TR",
    "турция": "TR", "turkmenistan": "TM", "туркменистан": "TM", "afghanistan": "AF",
    "афганистан": "AF", "ukraine": "UA", "украина": "UA", "stateless": "XX",
}  # fmt: skip
_UNHCR = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-/ .]{2,48}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = unicodedata.normalize("NFC", str(cell))
    return " ".join(_CONTROL.sub(" ", text).split())


def is_formula(value: str) -> bool:
    return bool(value) and value != "-" and value.startswith(FORMULA_PREFIXES)


def clean_row(cells: dict[str, object], *, date_order: str = "dmy"):
    """(data, errors, warnings) for one row given {field: cell}. `data` is what the commit
    writes; each error is {"field", "message"}."""
    errors: list[dict] = []
    warnings: list[str] = []

    def err(field, message):
        errors.append({"field": field, "message": str(message)})

    raw_texts = {}
    for field, cell in cells.items():
        if field == "born":
            continue
        value = _text(cell)
        if value == "-":
            value = ""
        if is_formula(str(cell).lstrip() if cell is not None else ""):
            err(field, _("looks like a spreadsheet formula; remove the leading character"))
            value = ""
        raw_texts[field] = value

    names: list[str] = []
    full = raw_texts.get("full_name", "")
    assembled = " ".join(
        p for p in (raw_texts.get(k, "") for k in ("surname", "given_name", "patronymic")) if p
    )
    for name in [full, assembled, *raw_texts.get("other_names", "").split(";")]:
        name = " ".join(name.split())
        if not name:
            continue
        if len(name) > 300:
            err("full_name", _("a name longer than 300 characters"))
        elif not any(c.isalpha() for c in name):
            err("full_name", _("“%(v)s” is not a name") % {"v": name[:40]})
        elif name not in names:
            names.append(name)
    if not names and not any(e["field"] in ("full_name", "surname") for e in errors):
        err("full_name" if "full_name" in cells else "surname", _("no name on this line"))

    born_on, precision = None, "year"
    if "born" in cells:
        try:
            birth, warning = parse_birth(cells["born"], date_order=date_order)
            if birth.on:
                born_on, precision = birth.on.isoformat(), birth.precision
            if warning:
                warnings.append(warning)
        except BirthError as exc:
            err("born", exc)

    sex = SEX_VALUES.get(raw_texts.get("sex", "").lower())
    if sex is None:
        err("sex", _("“%(v)s” is not a sex Haven knows (m / f)") % {"v": raw_texts["sex"][:20]})
        sex = "unknown"

    countries = {}
    for field in ("citizenship", "country_of_origin"):
        value = raw_texts.get(field, "")
        code = (
            value.upper()
            if re.fullmatch(r"[A-Za-z]{2}", value)
            else COUNTRY_NAMES.get(value.lower(), "" if not value else None)
        )
        if code is None:
            err(field, _("“%(v)s” is not a country code (e.g. UZ)") % {"v": value[:30]})
            code = ""
        countries[field] = code

    unhcr = raw_texts.get("unhcr_number", "")
    if unhcr and not _UNHCR.match(unhcr):
        err("unhcr_number", _("“%(v)s” is not a UNHCR number") % {"v": unhcr[:30]})
        unhcr = ""

    data = {
        "names": names,
        "born_on": born_on,
        "born_on_precision": precision if born_on else "year",
        "sex": sex,
        "citizenship": countries["citizenship"],
        "country_of_origin": countries["country_of_origin"],
        "unhcr_number": unhcr,
        "ethnicity": raw_texts.get("ethnicity", "")[:100],
        "notes": raw_texts.get("notes", ""),
    }
    return data, errors, warnings


def _record(key, data: dict) -> MatchRecord:
    return MatchRecord.build(
        key,
        data.get("names", []),
        born_on=date.fromisoformat(data["born_on"]) if data.get("born_on") else None,
        born_on_precision=data.get("born_on_precision") or "year",
        unhcr_number=data.get("unhcr_number"),
        citizenship=data.get("citizenship"),
        sex=data.get("sex"),
    )


# --------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------


def _require_import_right(user) -> None:
    if user is None or not user.has_perm("casework.add_person"):
        raise PermissionDenied(_("Importing lists needs the right to add persons."))


def import_preview(
    *,
    content: bytes,
    by,
    file_name: str = "",
    mapping: ImportMapping | None = None,
    columns: dict[str, str] | None = None,
    date_order: str | None = None,
    source: str = "",
    group: Group | None = None,
    group_name: str = "",
    encoding: str = "auto",
    run_async: bool | None = None,
    on_progress=None,
) -> ImportBatch:
    """Read and check the file, store a batch of rows, and match them (now, or in a task for
    big files when `run_async` is not False). Raises ImportFileError, writing nothing, when
    the file cannot be read or lacks a mapped column."""
    _require_import_right(by)
    table = read_table(content=content, file_name=file_name, encoding=encoding)
    if columns is None:
        columns = mapping.columns if mapping else suggest_mapping(table.headers)
    columns = check_mapping(columns, table.headers)
    order = date_order or (mapping.date_order if mapping else "dmy")
    index_of = {h: i for i, h in enumerate(table.headers)}

    if run_async is None:
        run_async = len(table.rows) > ASYNC_ROWS
    with transaction.atomic():
        if group is None and group_name.strip():
            group = Group.objects.filter(name=group_name.strip()).first()
        batch = ImportBatch.objects.create(
            created_by=by,
            source=source or (mapping.partner if mapping else ""),
            mapping=mapping,
            file_name=file_name[:255],
            checksum=checksum(content),
            row_count=len(table.rows),
            status=BatchStatus.QUEUED,
            group=group,
            progress_total=len(table.rows),
            group_name=group_name.strip()[:200] if group is None else "",
        )
        rows = []
        for line, cells in table.rows:
            values = {
                field: (cells[index_of[h]] if index_of[h] < len(cells) else None)
                for field, h in columns.items()
            }
            data, errors, warnings = clean_row(values, date_order=order)
            rows.append(
                ImportRow(
                    batch=batch,
                    line_number=line,
                    data=data,
                    errors=errors,
                    warnings=warnings,
                    outcome=RowOutcome.ERROR if errors else RowOutcome.PENDING,
                )
            )
        if run_async:  # the task reads them; matched now, they are written once, matched
            insert(ImportRow, rows)

    if run_async:
        from .tasks import import_match_task

        transaction.on_commit(lambda: import_match_task.delay(str(batch.pk)))
        return batch
    return import_match(batch=batch, rows=rows, on_progress=on_progress)


def load_index(persons=None) -> tuple[MatchIndex, dict]:
    """Matcher records of `persons` (a Person queryset; default every person), and per
    person id as text (born_on, precision, unhcr, citizenship, case_number,
    confidentiality, assigned caseworker id, assigned lawyer id, sex, names). The import matches against every person,
    not only those the importer may see: a restricted person must still stop a duplicate;
    the preview shows such a match by case number only."""
    persons = Person.objects.all() if persons is None else persons
    # Ids as text: 200,000 UUID objects made and hashed were a tenth of a preview. No
    # ORDER BY: sorting every person by name is work nobody reads.
    as_text = Cast("pk", output_field=TextField())
    people = {
        row[0]: row[1:]
        for row in persons.annotate(key=as_text)
        .order_by()
        .values_list(
            "key",
            "born_on",
            "born_on_precision",
            "unhcr_number",
            "citizenship",
            "case_number",
            "confidentiality",
            "assigned_caseworker_id",
            "assigned_lawyer_id",
            "sex",
        )
        .iterator(chunk_size=5000)
    }
    names: dict = {}
    name_rows = PersonName.objects.annotate(
        key=Cast("person_id", output_field=TextField())
    ).values_list("key", "full_name")
    if persons.query.where:
        name_rows = name_rows.filter(person__in=persons)
    for person_id, full_name in name_rows.iterator(chunk_size=5000):
        names.setdefault(person_id, []).append(full_name)
    index = MatchIndex()
    for pk, (born_on, precision, unhcr, citizenship, *_rest, sex) in people.items():
        people[pk] = (*people[pk], names.get(pk, []))
        index.add(
            MatchRecord.build(
                pk,
                names.get(pk, []),
                born_on=born_on,
                born_on_precision=precision,
                unhcr_number=unhcr,
                citizenship=citizenship,
                sex=sex,
            )
        )
    return index, people


def import_match(
    *,
    batch: ImportBatch,
    rows: list[ImportRow] | None = None,
    progress_every: int = 250,
    on_progress=None,
) -> ImportBatch:
    """Give every pending row its outcome: new, match (to a person or an earlier line),
    duplicate (needs a decision). Progress is written to the batch as it goes. `rows`: the
    batch's rows in line order, not yet stored (the preview, when it matches at once);
    default: read them."""
    updated = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[BatchStatus.QUEUED, BatchStatus.FAILED]
    ).update(status=BatchStatus.PREVIEWING, progress_done=0)
    if not updated:
        batch.refresh_from_db()
        return batch  # another worker is matching it, or it is done
    try:
        index, people = load_index()
        if rows is None:
            rows = list(batch.rows.order_by("line_number"))
        outcome_of: dict[int, str] = {}
        for i, row in enumerate(rows, start=1):
            if row.outcome != RowOutcome.ERROR:
                index.add(_classify(row, index, people, batch.created_by, outcome_of))
            if i % progress_every == 0:
                ImportBatch.objects.filter(pk=batch.pk).update(progress_done=i)
                if on_progress:
                    on_progress(i, len(rows))
        _rewrite_rows(batch, rows)
        counts = dict(Counter(r.outcome for r in rows))
        batch.counts = {**batch.counts, **counts}
        batch.status = BatchStatus.PREVIEWED
        batch.progress_done = len(rows)
        batch.save(update_fields=["counts", "status", "progress_done"])
    except Exception as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=f"{type(exc).__name__}"
        )
        raise
    return batch


def _rewrite_rows(batch: ImportBatch, rows: list[ImportRow]) -> None:
    """Store changed rows. Rows belong to their batch alone (nothing points at them), and
    replacing them is an order of magnitude faster than bulk_update's CASE expressions."""
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch)._raw_delete(ImportRow.objects.db)
        insert(ImportRow, rows)


# Evidence beyond the name that lets an import match a person on its own (matching.py
# reasons): one registration number, or the whole date of birth. A patronymic and a year of
# birth are not enough: fathers' names repeat as much as sons', and namesakes with one
# father's name born in one year are found in every list of 100,000.
CORROBORATING = {"same UNHCR number", "same date of birth"}
# Evidence against, however weak, leaves the decision to a person: a merge of two humans is
# worse than a question asked.
CONTRADICTING = {
    "different citizenship",
    "patronymics differ",
    "born a year apart",
    "same year of birth, different month",
    "same month of birth, different day",
}


def _classify(
    row: ImportRow, index: MatchIndex, people: dict, user, outcome_of: dict
) -> MatchRecord:
    """Give `row` its outcome; returns its matcher record (for the rows after it)."""
    record = _record(("row", row.line_number), row.data)
    found = index.candidates(record, threshold=POSSIBLE, limit=3)
    if not found:
        row.outcome = RowOutcome.NEW
        outcome_of[row.line_number] = row.outcome
        return record
    best, match = found[0]
    row.score = match.score
    reasons = list(match.reasons)
    if isinstance(best.key, tuple):  # an earlier line of this file
        row.candidate_line = best.key[1]
        reasons.insert(0, _("same as line %(n)s of this file") % {"n": best.key[1]})
    else:
        row.candidate_id = best.key
        (
            born_on,
            precision,
            unhcr,
            citizenship,
            case_number,
            confidentiality,
            cw,
            lw,
            _sex,
            names,
        ) = people[best.key]
        reasons.insert(0, case_number)
        if confidentiality == "restricted" and not _may_see(user, cw, lw):
            reasons.append(_("a restricted record: an admin or its assigned staff must decide"))
        else:  # what the row would add is shown only to who may see the record
            current = {
                "born_on": born_on,
                "born_on_precision": precision,
                "unhcr_number": unhcr,
                "citizenship": citizenship,
            }
            row.changes = person_changes(current, row.data, names)
    ambiguous = len(found) > 1 and found[1][1].score >= SAME_PERSON
    # Attaching a row to an existing person without a human decision needs more than a name
    # and a birth year: many men share both, and a wrong match mixes two people's deadlines.
    corroborated = bool(CORROBORATING & set(match.reasons)) and (
        "same UNHCR number" in match.reasons or not CONTRADICTING & set(match.reasons)
    )
    if match.score >= SAME_PERSON and not ambiguous and corroborated:
        row.outcome = RowOutcome.MATCH
    else:
        row.outcome = RowOutcome.DUPLICATE
        if ambiguous:
            reasons.append(_("more than one record matches"))
        elif match.score >= SAME_PERSON:
            reasons.append(
                _(
                    "neither the UNHCR number nor the whole date of birth agrees: a person must decide"
                )
            )
    row.reasons = reasons
    outcome_of[row.line_number] = row.outcome
    return record


_PRECISION = {"year": 0, "month": 1, "day": 2}


def _birth_known(on: date, precision: str) -> tuple:
    """The part of a date of birth that is known: (year,), (year, month) or the whole."""
    return (on.year, on.month, on.day)[: _PRECISION.get(precision, 2) + 1]


def person_changes(person: dict, data: dict, names: list[str]) -> dict:
    """What a row matched to `person` adds to it: {"fill": {field: value}, "conflicts":
    [{"field", "record", "list"}], "names": [...]}, each key present only when not empty.

    A field is filled only where the person has no value, or (the date of birth) where the
    row knows more of the same date: 1980 becomes 02.05.1980. A different existing value is
    never overwritten: it is a conflict, shown in the preview and left as it is (a person
    corrects the record by hand). `person`: born_on (a date), born_on_precision,
    unhcr_number, citizenship."""
    fill: dict = {}
    conflicts: list[dict] = []

    def conflict(field, record, listed):
        conflicts.append({"field": field, "record": str(record), "list": str(listed)})

    number, current = data.get("unhcr_number") or "", person.get("unhcr_number") or ""
    if number and not current:
        fill["unhcr_number"] = number
    elif number and normalise_unhcr(number) != normalise_unhcr(current):
        conflict("unhcr_number", current, number)

    country, current = data.get("citizenship") or "", person.get("citizenship") or ""
    if country and not current:
        fill["citizenship"] = country
    elif country and country != current:
        conflict("citizenship", current, country)

    if data.get("born_on"):
        on, precision = date.fromisoformat(data["born_on"]), data.get("born_on_precision", "day")
        known, known_precision = person.get("born_on"), person.get("born_on_precision", "day")
        if known is None:
            fill.update(born_on=on.isoformat(), born_on_precision=precision)
        else:
            depth = min(_PRECISION.get(precision, 2), _PRECISION.get(known_precision, 2))
            if (
                _birth_known(on, precision)[: depth + 1]
                != _birth_known(known, known_precision)[: depth + 1]
            ):
                conflict("born_on", _birth_text(known, known_precision), _birth_text(on, precision))
            elif _PRECISION.get(precision, 2) > _PRECISION.get(known_precision, 2):
                fill.update(born_on=on.isoformat(), born_on_precision=precision)

    have = {" ".join(n.split()) for n in names}
    new_names = [n for n in data.get("names", []) if " ".join(n.split()) not in have]
    out = {"fill": fill, "conflicts": conflicts, "names": new_names}
    return {k: v for k, v in out.items() if v}


def describe_changes(changes: dict) -> list[str]:
    """The sentences the preview shows for a row's changes to its matched person."""
    labels = {
        "unhcr_number": _("UNHCR number"),
        "citizenship": _("citizenship"),
        "born_on": _("date of birth"),
    }
    fill = changes.get("fill", {})
    lines = []
    for field in ("unhcr_number", "citizenship", "born_on"):
        if field in fill:
            value = fill[field]
            if field == "born_on":
                value = _birth_text(date.fromisoformat(value), fill.get("born_on_precision", "day"))
            lines.append(_("adds %(field)s %(value)s") % {"field": labels[field], "value": value})
    if changes.get("names"):
        lines.append(_("adds the names: %(names)s") % {"names": " / ".join(changes["names"])})
    for conflict in changes.get("conflicts", []):
        lines.append(
            _(
                "keeps the record's %(field)s %(record)s; the list says %(list)s (correct the "
                "record by hand if the list is right)"
            )
            % {**conflict, "field": labels.get(conflict["field"], conflict["field"])}
        )
    for field in changes.get("skipped", []):
        lines.append(
            _("left %(field)s alone: it was set on the record after the preview")
            % {"field": labels.get(field, field)}
        )
    return lines


def _birth_text(on: date, precision: str) -> str:
    return {"year": f"{on:%Y}", "month": f"{on:%m.%Y}"}.get(precision, f"{on:%d.%m.%Y}")


def _may_see(user, caseworker_id, lawyer_id) -> bool:
    fake = Person(confidentiality="restricted")
    fake.assigned_caseworker_id, fake.assigned_lawyer_id = caseworker_id, lawyer_id
    return can_see_person(user, fake)


def import_decide(*, batch: ImportBatch, line_number: int, decision: str, by) -> ImportRow:
    """Record a decision for one row (new / match / skip) before the commit."""
    _require_import_right(by)
    if batch.status != BatchStatus.PREVIEWED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    if decision not in RowDecision.values or not decision:
        raise ImportRefused(_("Unknown decision."))
    row = batch.rows.get(line_number=line_number)
    if row.outcome == RowOutcome.ERROR and decision != RowDecision.SKIP:
        raise ImportRefused(_("A line with an error can only be skipped."))
    if decision == RowDecision.MATCH and not (row.candidate_id or row.candidate_line):
        raise ImportRefused(_("This line has no proposed person to match."))
    row.decision = decision
    row.save(update_fields=["decision"])
    return row


def _effective(row: ImportRow) -> str:
    """What the commit does with a row: new, match or skip."""
    if row.decision:
        return row.decision
    if row.outcome == RowOutcome.MATCH:
        return RowDecision.MATCH
    if row.outcome == RowOutcome.NEW:
        return RowDecision.NEW
    return ""


def commit_problems(batch: ImportBatch, by, rows: list[ImportRow] | None = None) -> list[str]:
    """Why the batch cannot be committed (empty: it can). `rows`: the batch's rows in line
    order with their candidates, when the caller has them already."""
    problems = []
    if rows is None:
        rows = list(batch.rows.select_related("candidate").order_by("line_number"))
    for row in rows:
        action = _effective(row)
        if row.outcome == RowOutcome.ERROR and action != RowDecision.SKIP:
            for error in row.errors:
                problems.append(
                    _("line %(n)s, %(field)s: %(message)s")
                    % {"n": row.line_number, "field": error["field"], "message": error["message"]}
                )
        elif not action:
            problems.append(
                _("line %(n)s: possible duplicate, decide whether it is the same person")
                % {"n": row.line_number}
            )
        elif (
            action == RowDecision.MATCH and row.candidate and not can_see_person(by, row.candidate)
        ):
            problems.append(
                _("line %(n)s: matches a record you cannot see — ask an admin")
                % {"n": row.line_number}
            )
    # Who would get each UNHCR number: a new person, or a matched person who had none.
    owners: dict[str, set] = {}
    for r in rows:
        action = _effective(r)
        if action == RowDecision.NEW and r.data.get("unhcr_number"):
            owners.setdefault(r.data["unhcr_number"], set()).add(("line", r.line_number))
        elif action == RowDecision.MATCH and not r.candidate_line:
            number = (r.changes or {}).get("fill", {}).get("unhcr_number")
            if number:
                owners.setdefault(number, set()).add(r.candidate_id)
    taken = set(
        Person.objects.filter(unhcr_number__in=list(owners)).values_list("unhcr_number", flat=True)
    )
    for number, who in owners.items():
        if len(who) > 1 or number in taken:
            problems.append(_("UNHCR number %(num)s would belong to two persons") % {"num": number})
    return problems


def import_commit(*, batch: ImportBatch, by, on_progress=None) -> ImportBatch:
    """Write the batch in one transaction: new persons with their names, names added to
    matched persons, everyone added to the batch's group. All or nothing."""
    _require_import_right(by)
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEWED).update(
        status=BatchStatus.COMMITTING, progress_done=0
    )
    if not claimed:
        batch.refresh_from_db()
        raise ImportRefused(
            _("This import cannot be committed now (it is %(status)s).")
            % {"status": batch.get_status_display()}
        )
    try:
        # One read of the rows for the checks and the writing (10,000 rows of JSON).
        rows = list(batch.rows.select_related("candidate").order_by("line_number"))
        problems = commit_problems(batch, by, rows)
        if problems:
            raise ImportRefused(
                _("Nothing was imported. Fix these first: %(list)s") % {"list": "; ".join(problems)}
            )
        with (
            _commit_progress(batch, len(rows), on_progress) as progress,
            transaction.atomic(),
            acting_as(by),
        ):
            _write(batch, rows, by, progress)
    except Exception as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.PREVIEWED, progress_done=0
        )
        if not isinstance(exc, ImportRefused):
            ImportBatch.objects.filter(pk=batch.pk).update(error=type(exc).__name__)
        raise
    batch.refresh_from_db()
    person_ids = list(batch.rows.exclude(person=None).values_list("person_id", flat=True))
    transaction.on_commit(
        lambda: import_committed.send(sender=ImportBatch, batch=batch, person_ids=person_ids)
    )
    return batch


@contextmanager
def _commit_progress(batch: ImportBatch, total: int, on_progress=None):
    """progress(done) for a commit. The commit is one transaction, and an UPDATE inside it
    shows nobody anything until the end: on PostgreSQL, outside any caller's transaction,
    progress goes through a connection of its own in autocommit. SKIP LOCKED: if anything
    holds the batch's row, a progress step is dropped rather than waited for (waiting on our
    own transaction would never end)."""
    from django.db import connection, connections

    side = None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        side = connections.create_connection(connection.alias)
        side.set_autocommit(True)
    table = ImportBatch._meta.db_table

    def progress(done: int) -> None:
        if side is not None:
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress_done = %s WHERE id IN "  # noqa: S608
                    f"(SELECT id FROM {table} WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED)",
                    [done, str(batch.pk)],
                )
        if on_progress:
            on_progress(done, total)

    try:
        yield progress
    finally:
        if side is not None:
            side.close()


def _unique_case_numbers(n: int) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < n:
        fresh = {_next_case_number() for _ in range(n - len(numbers))}
        fresh -= set(
            Person.objects.filter(case_number__in=fresh).values_list("case_number", flat=True)
        )
        numbers |= fresh
    return list(numbers)


def _write(batch: ImportBatch, rows: list[ImportRow], by, progress) -> None:
    """`rows`: the batch's rows in line order. Persons are referred to by id from here on,
    so a line matched to an existing person costs no query. `progress(rows done)`: the new
    persons are the first 40% of the work, the names and memberships the next 50%."""
    total = len(rows)
    group = batch.group
    if group is None and batch.group_name:
        group, created = Group.objects.get_or_create(name=batch.group_name)
        batch.group, batch.group_created = group, created

    by_line = {r.line_number: r for r in rows}
    # What each line does. A line matched to an earlier line of the file follows it; if
    # that line is skipped, this one is a new person after all.
    action: dict[int, str] = {}
    for row in rows:
        act = _effective(row)
        if act == RowDecision.MATCH and row.candidate_line:
            if action.get(row.candidate_line) not in (RowDecision.NEW, RowDecision.MATCH):
                act = RowDecision.NEW
        action[row.line_number] = act
    new_rows = [r for r in rows if action[r.line_number] == RowDecision.NEW]
    numbers = _unique_case_numbers(len(new_rows))
    persons = []
    for row, number in zip(new_rows, numbers, strict=True):
        d = row.data
        person = Person(
            case_number=number,
            born_on=date.fromisoformat(d["born_on"]) if d.get("born_on") else None,
            born_on_precision=d.get("born_on_precision") or "year",
            sex=d.get("sex") or "unknown",
            citizenship=d.get("citizenship", ""),
            country_of_origin=d.get("country_of_origin", ""),
            unhcr_number=d.get("unhcr_number") or None,
            ethnicity=d.get("ethnicity", ""),
            notes=d.get("notes", ""),
            primary_name=d["names"][0],
        )
        persons.append(person)
        row.person, row.person_created = person, True
    for start in range(0, len(persons), BULK_BATCH):
        chunk = persons[start : start + BULK_BATCH]
        insert_with_history(Person, chunk, user=by)
        progress(int(total * 0.4 * (start + len(chunk)) / len(persons)))
    for row in rows:  # in line order, so an earlier line's person is known
        if action[row.line_number] == RowDecision.MATCH:
            if row.candidate_line:
                row.person_id = by_line[row.candidate_line].person_id
            else:
                row.person_id = row.candidate_id
    _fill_matched(batch, rows, action, by)
    touched = {r.person_id for r in rows if r.person_id is not None}
    existing_names = set(
        PersonName.objects.filter(person_id__in=list(touched)).values_list("person_id", "full_name")
    )
    has_primary = {pid for pid, _n in existing_names}
    names, memberships = [], []
    members = set()
    if group is not None:
        members = set(
            GroupMembership.objects.filter(group=group, person_id__in=list(touched)).values_list(
                "person_id", flat=True
            )
        )
    for row in rows:
        person_id = row.person_id
        if person_id is None:
            continue
        row.created_name_ids = []
        for full_name in row.data.get("names", []):
            full_name = " ".join(full_name.split())
            if (person_id, full_name) in existing_names:
                continue
            existing_names.add((person_id, full_name))
            name = PersonName(
                person_id=person_id,
                full_name=full_name,
                is_primary=person_id not in has_primary,
                search_key=search_key(full_name),
                script=detect_script(full_name),
            )
            has_primary.add(person_id)
            names.append(name)
            row.created_name_ids.append(str(name.pk))
        if group is not None and person_id not in members:
            members.add(person_id)
            membership = GroupMembership(group=group, person_id=person_id)
            memberships.append(membership)
            row.membership_id = membership.pk
    progress(int(total * 0.5))
    for start in range(0, len(names), BULK_BATCH):
        chunk = names[start : start + BULK_BATCH]
        insert_with_history(PersonName, chunk, user=by)
        insert(NameToken, [t for name in chunk for t in NameToken.of(name)])
        progress(int(total * (0.5 + 0.3 * (start + len(chunk)) / len(names))))
    insert_with_history(GroupMembership, memberships, user=by)
    progress(int(total * 0.9))
    update_columns(
        ImportRow,
        rows,
        ["person", "person_created", "changes", "created_name_ids", "membership_id"],
    )
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.committed_by = by
    batch.progress_done = len(rows)
    batch.error = ""
    batch.save()


FILL_FIELDS = ("unhcr_number", "citizenship", "born_on", "born_on_precision")


def _fill_values(person: Person) -> dict:
    return {f: getattr(person, f) for f in FILL_FIELDS}


def _save_fields(persons: list[Person], *, by, reason: str) -> None:
    """Save the fill fields of `persons` in bulk, with their history rows."""
    now = timezone.now()
    for person in persons:
        person.updated_at = now  # bulk_update does not touch auto_now fields
    bulk_update_with_history(
        persons,
        Person,
        [*FILL_FIELDS, "updated_at"],
        batch_size=BULK_BATCH,
        default_user=by,
        default_change_reason=reason,
    )


def _fill_matched(batch: ImportBatch, rows: list[ImportRow], action: dict, by) -> None:
    """Give matched persons what their rows previewed as fills. A value someone set on the
    person since the preview is left alone and listed on the row as skipped; the replaced
    values are kept on the row ("before") so that undo can put them back."""
    filling = [
        r
        for r in rows
        if action[r.line_number] == RowDecision.MATCH
        and not r.candidate_line
        and (r.changes or {}).get("fill")
    ]
    if not filling:
        return
    persons = Person.objects.select_for_update().in_bulk({r.candidate_id for r in filling})
    changed = {}
    for row in filling:
        person = persons[row.candidate_id]
        current = _fill_values(person)
        now_fill = person_changes(current, row.data, []).get("fill", {})
        before, skipped = {}, []
        for field, value in row.changes["fill"].items():
            if field == "born_on_precision":
                continue  # goes with born_on
            if now_fill.get(field) != value:
                same = str(current[field] or "") == value
                if not same:
                    skipped.append(field)
                continue
            if field == "born_on":
                before.update(
                    born_on=current["born_on"].isoformat() if current["born_on"] else None
                )
                before["born_on_precision"] = current["born_on_precision"]
                person.born_on = date.fromisoformat(value)
                person.born_on_precision = row.changes["fill"]["born_on_precision"]
            else:
                before[field] = current[field]
                setattr(person, field, value)
        row.changes = {
            **row.changes,
            **({"before": before} if before else {}),
            **({"skipped": skipped} if skipped else {}),
        }
        if before:
            changed[person.pk] = person
    _save_fields(list(changed.values()), by=by, reason=f"filled by import {batch.pk}")


def undo_problems(batch: ImportBatch) -> list[str]:
    """Why the batch can no longer be undone (empty: it can)."""
    if batch.status != BatchStatus.COMMITTED:
        return [_("Only an import that was committed can be undone.")]
    since = batch.committed_at
    rows = list(batch.rows.exclude(person=None))
    created = [r.person_id for r in rows if r.person_created]
    filled = [r.person_id for r in rows if (r.changes or {}).get("before")]
    name_ids = [n for r in rows for n in r.created_name_ids]
    membership_ids = [r.membership_id for r in rows if r.membership_id]
    problems = []
    ours = created + filled
    changed = Person.objects.filter(pk__in=ours, updated_at__gt=since)
    changed_ids = set(changed.values_list("pk", flat=True))
    changed_ids |= set(
        Person.history.filter(id__in=ours, history_date__gt=since).values_list("id", flat=True)
    )
    numbers = Person.objects.filter(pk__in=changed_ids).values_list("case_number", flat=True)
    for case_number in numbers[:20]:
        problems.append(_("%(case)s was changed after the import") % {"case": case_number})
    if PersonName.objects.filter(pk__in=name_ids, updated_at__gt=since).exists():
        problems.append(_("a name added by this import was changed since"))
    if GroupMembership.objects.filter(pk__in=membership_ids, updated_at__gt=since).exists():
        problems.append(_("a group membership added by this import was changed since"))
    # Anything else now pointing at a person this import created is a fact added since.
    from .merge import _relations

    ours = {
        PersonName: Q(pk__in=name_ids),
        GroupMembership: Q(pk__in=membership_ids),
        ImportRow: Q(batch=batch),
    }
    for model, field in _relations():
        if getattr(model, "computed_from_facts", False):
            continue  # risk, deadlines, alerts the engine worked out: they go with the person
        qs = model._default_manager.filter(**{f"{field.name}__in": created})
        if model in ours:
            qs = qs.exclude(ours[model])
        if qs.exists():
            problems.append(
                _("%(what)s were added since to persons this import created")
                % {"what": model._meta.verbose_name_plural}
            )
    return problems


def _unfill(batch: ImportBatch, rows: list[ImportRow], by) -> None:
    """Put back the values that the commit's fills replaced (the last row's first, so
    that a person filled by two rows gets the value from before both)."""
    filled = [r for r in rows if (r.changes or {}).get("before")]
    if not filled:
        return
    persons = Person.objects.select_for_update().in_bulk({r.person_id for r in filled})
    for row in reversed(filled):
        person = persons[row.person_id]
        for field, value in row.changes["before"].items():
            if field == "born_on":
                value = date.fromisoformat(value) if value else None
            setattr(person, field, value)
    _save_fields(list(persons.values()), by=by, reason=f"import {batch.pk} undone")


def import_undo(*, batch: ImportBatch, by) -> ImportBatch:
    """Remove what the batch created — persons, names, group memberships — if nothing has
    changed them since; otherwise refuse, saying what changed."""
    _require_import_right(by)
    if batch.created_by_id != by.pk and not by.has_perm("casework.delete_person"):
        raise PermissionDenied(_("Only whoever imported the list, or an admin, may undo it."))
    with transaction.atomic(), acting_as(by):
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        problems = undo_problems(batch)
        if problems:
            raise ImportRefused(
                _("This import can no longer be undone: %(list)s") % {"list": "; ".join(problems)}
            )
        rows = list(batch.rows.exclude(person=None))
        created = [r.person_id for r in rows if r.person_created]
        GroupMembership.objects.filter(
            pk__in=[r.membership_id for r in rows if r.membership_id]
        ).delete()
        PersonName.objects.filter(pk__in=[n for r in rows for n in r.created_name_ids]).exclude(
            person_id__in=created
        ).delete()
        Person.objects.filter(pk__in=created).delete()
        _unfill(batch, rows, by)
        if batch.group_created and batch.group and not batch.group.memberships.exists():
            batch.group.delete()
            batch.group = None
        batch.status = BatchStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = by
        batch.save()
        remaining = sorted({str(r.person_id) for r in rows if not r.person_created})
        transaction.on_commit(
            lambda: import_undone.send(sender=ImportBatch, batch=batch, person_ids=remaining)
        )
    return batch
