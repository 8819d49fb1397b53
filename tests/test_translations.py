"""Russian is complete: every msgid of the catalogue is translated, none is fuzzy, the
placeholders of each translation are those of its msgid, and the compiled catalogue is
current. When someone adds a string, this names it, with where it comes from, so that
`makemessages -l ru` + a translation + `compilemessages` fixes the run."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
PO = LOCALE / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


@pytest.fixture(scope="module")
def catalogue():
    assert PO.exists(), f"{PO} is missing: run makemessages -l ru"
    return polib.pofile(str(PO))


def _where(entry) -> str:
    return ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])


def _translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_every_msgid_is_translated_into_russian(catalogue):
    missing = [e for e in catalogue if not e.obsolete and not _translated(e)]
    assert not missing, f"{len(missing)} msgid(s) untranslated in Russian:\n" + "\n".join(
        f"  {e.msgid!r}  ({_where(e)})" for e in missing
    )


def test_no_russian_translation_is_fuzzy(catalogue):
    fuzzy = [e for e in catalogue if not e.obsolete and "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy msgid(s) in Russian (check and unmark):\n" + "\n".join(
        f"  {e.msgid!r} -> {e.msgstr!r}  ({_where(e)})" for e in fuzzy
    )


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for e in catalogue:
        if e.obsolete or not _translated(e):
            continue
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr_plural.values() if e.msgid_plural else [e.msgstr]:
            # A Russian plural form may leave the number out ("один день"); never add one.
            found = sorted(PLACEHOLDER.findall(text))
            if found != wanted and not (e.msgid_plural and set(found) <= set(wanted)):
                wrong.append(f"  {e.msgid!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_russian_catalogue_has_four_plural_forms(catalogue):
    assert "nplurals=4" in catalogue.metadata.get("Plural-Forms", "").replace(" ", "")


def test_the_compiled_catalogue_is_current(catalogue):
    assert MO.exists(), "compile it: manage.py compilemessages -l ru"
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MO))}
    stale = [
        e.msgid
        for e in catalogue
        if not e.obsolete and _translated(e) and (e.msgctxt, e.msgid) not in compiled
    ]
    assert not stale, f"django.mo is older than django.po ({len(stale)} msgids): {stale[:10]}"


def test_django_serves_the_russian_catalogue():
    from django.utils import translation

    with translation.override("ru"):
        assert translation.gettext("Persons") == "Лица"
        assert translation.gettext("UN Committee against Torture") == "Комитет ООН против пыток"
