"""The evidence pack for the demo's Kazakhstan 2011 persons (fixtures/demo.yaml): it reads
back with the facts in date order, the section on risk on return drawn from the man returned
in September 2010 without naming anyone who has not consented, and annex numbers that are
the ZIP's; the ECtHR pack follows the Practice Direction, the CAT pack the model form."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from casework import models as m
from documents import services as documents
from evidence import services
from evidence.models import PackStatus

from .conftest import PDF_BYTES, pdf_text, png_bytes, section

pytestmark = pytest.mark.django_db

NOW = datetime(2011, 6, 20, 9, tzinfo=UTC)
ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("HAVEN_DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=io.StringIO())
    lawyer = get_user_model().objects.get(username="lawyer")
    nazarov = m.Person.objects.get(names__full_name="Ilkhom Nazarov")
    appeal = nazarov.appeals.get()
    extradition = nazarov.extradition_requests.get()
    for data, name, kind, day, fact in (
        (PDF_BYTES, "appeal-decision.pdf", "court_decision", date(2011, 3, 15), appeal),
        (png_bytes(), "decree.png", "prosecutor_decision", date(2010, 9, 6), extradition),
        (PDF_BYTES, "medical.pdf", "medical_report", date(2011, 6, 10), None),
    ):
        documents.document_upload(
            person=nazarov,
            upload=documents.Upload(name, data),
            kind=kind,
            by=lawyer,
            dated_on=day,
            fact_kind=type(fact).__name__.lower() if fact else "",
            fact_id=fact.pk if fact else None,
        )
    return {"lawyer": lawyer, "person": nazarov}


def build(demo, body, language="en"):
    pack = services.evidence_pack_request(
        person=demo["person"], body=body, language=language, by=demo["lawyer"]
    )
    pack = services.evidence_pack_build(pack=pack, now=NOW)
    assert pack.status == PackStatus.DONE and pack.percent == 100
    pdf = b"".join(services.evidence_pack_chunks(pack=pack, which="pdf"))
    archive = b"".join(services.evidence_pack_chunks(pack=pack, which="zip"))
    return pack, pdf_text(pdf), zipfile.ZipFile(io.BytesIO(archive))


def test_the_cat_pack_lists_the_facts_in_date_order(demo):
    _pack, text, _zip = build(demo, "cat")

    chronology = section(text, "Chronology", "End of chronology.")
    days = ISO.findall(chronology)
    assert len(days) >= 10
    assert days == sorted(days)
    assert days[0] == "2010-06-10"  # the extradition request was received first
    for fact in ("Extradition decision: Approved.", "Appeal decided: Rejected.",
                 "Interim measures granted by the UN Committee against Torture."):  # fmt: skip
        assert fact in " ".join(chronology.split())


def test_the_risk_on_return_names_only_those_who_consented(demo):
    _pack, text, _zip = build(demo, "cat")
    flat = " ".join(text.split())
    returns = section(flat, "Risk on return", "Checklist of supporting documentation")

    # The man returned in September 2010 (consent unknown): described, held incommunicado,
    # sentenced to ten years; never named.
    assert (
        "returned from Kazakhstan: September 2010. 15 January 2011: Held incommunicado" in returns
    )
    assert "Held incommunicado" in returns and "Sentenced (10 years)" in returns
    for name in ("Toshmatov", "Tashmatov", "Тошматов", "Zafar"):
        assert name not in flat
    # Of the 28 extradited on 9 June 2011: those who consented are named, the rest are not.
    assert "Bakhodir Yusupov" in returns
    for name in ("Khamidov", "Kodirov", "Abdullaev", "Gafurov"):
        assert name not in flat


def test_annex_numbers_in_the_pdf_are_the_zips(demo):
    pack, text, archive = build(demo, "cat")

    names = archive.namelist()
    assert names == [a["name"] for a in pack.annexes]
    assert names == [
        "Annex 01 - Prosecutor's decision - 2010-09-06.png",
        "Annex 02 - Court decision - 2011-03-15.pdf",
        "Annex 03 - Medical report - 2011-06-10.pdf",
    ]
    flat = " ".join(text.split())
    for name in names:
        assert name in flat
    assert archive.read(names[1]) == PDF_BYTES and archive.read(names[0]) == png_bytes()
    decisions = " ".join(section(text, "Decision", "Other international procedures").split())
    assert re.search(r"Rejected 2\b", decisions)  # the appeal's decision is Annex 2


def test_the_cat_pack_follows_the_model_complaint_forms_headings(demo):
    _pack, text, _zip = build(demo, "cat")
    flat = " ".join(text.split())

    headings = [
        "I. Information on the complainant",
        "II. State concerned/Articles violated",
        "III. Exhaustion of domestic remedies/Application to other international procedures",
        "IV. Facts of the complaint",
        "Checklist of supporting documentation",
    ]
    positions = [flat.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Rule 39" not in flat


def test_the_ecthr_pack_is_a_rule_39_request_as_the_practice_direction_asks(demo):
    extradition = demo["person"].extradition_requests.get()
    extradition.scheduled_removal_at = datetime(2011, 6, 27, 4, tzinfo=UTC)  # Monday 06:00
    extradition.save()

    _pack, text, _zip = build(demo, "ecthr")
    flat = " ".join(text.split())

    assert flat.startswith("Rule 39 – Urgent")
    assert "Scheduled date and time of removal and destination: 2011-06-27" in flat
    assert "Uzbekistan" in flat.split("Scheduled date and time of removal")[1][:80]
    assert "Rule 39 Site" in flat and "+33 3 90 21 43 50" in flat
    assert "does not deal with requests sent by e-mail" in flat.replace("- ", "-")
    assert "Last useful moment to send" in flat and "closure days are not verified" in flat
    assert "Checklist of what must be attached" in flat
    assert "Copies of the relevant domestic decisions" in flat


def test_the_pack_in_russian(demo):
    _pack, text, _zip = build(demo, "cat", language="ru")
    flat = " ".join(text.split())

    assert "Хронология" in flat
    assert "I. Информация о заявителе" in flat
    assert "Тошматов" not in flat and "Toshmatov" not in flat
    days = ISO.findall(section(flat, "Хронология", "Конец хронологии."))
    assert days == sorted(days) and days
