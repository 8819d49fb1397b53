"""The evidence pack for the demo's Kazakhstan 2011 persons (fixtures/demo.yaml): it reads
back with the facts in date order, the section on risk on return drawn from the man returned
in September 2010 without naming anyone who has not consented, and annex numbers that are
the ZIP's; the ECtHR pack follows the Practice Direction, the CAT pack the model form."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from casework import models as m
from documents import services as documents
from documents.models import Document
from evidence import services
from evidence.models import PackStatus

from .conftest import pdf_text, section

pytestmark = pytest.mark.django_db

NOW = datetime(2011, 6, 20, 9, tzinfo=UTC)
ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    """The demo as `load_demo` leaves it, its documents included (documents/demo.py)."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("HAVEN_DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=io.StringIO())
    lawyer = get_user_model().objects.get(username="lawyer")
    nazarov = m.Person.objects.get(names__full_name="Ilkhom Nazarov")
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
        "Annex 01 - Prosecutor's decision - 2010-09-06.pdf",
        "Annex 02 - Court decision - 2011-03-15.pdf",
        "Annex 03 - Medical report - 2011-06-10.pdf",
    ]
    flat = " ".join(text.split())
    for name in names:
        assert name in flat
    # Each annex is the decrypted document its number says, and reads as the demo's paper.
    stored = {str(d.pk): d for d in demo["person"].documents.all()}
    for annex in pack.annexes:
        data = archive.read(annex["name"])
        assert data == documents.document_bytes(stored[annex["document"]])
    assert "Постановление районного суда" in pdf_text(archive.read(names[1]))
    assert "Medical report" in pdf_text(archive.read(names[2]))
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
    assert "Конвенция против пыток, ст. 3 (невысылка); ст. 22" in flat
    assert "Тошматов" not in flat and "Toshmatov" not in flat
    days = ISO.findall(section(flat, "Хронология", "Конец хронологии."))
    assert days == sorted(days) and days


def test_the_demo_documents_are_stored_encrypted_once_and_attached_to_their_facts(demo):
    person = demo["person"]
    kinds = dict(person.documents.values_list("kind", "fact_kind"))
    assert kinds == {
        "prosecutor_decision": "extraditionrequest",
        "court_decision": "appeal",
        "medical_report": "",
    }
    appeal = person.documents.get(kind="court_decision")
    assert appeal.fact == person.appeals.get()
    assert b"%PDF" not in appeal.path.read_bytes()
    history = Document.history.count()

    out = io.StringIO()
    call_command("load_demo", stdout=out)  # a second load finds them and writes nothing
    assert "documents: 0 demo documents" in out.getvalue()
    assert person.documents.count() == 3 and Document.history.count() == history


def test_the_packs_deadlines_are_the_proceedings_with_the_passed_ones_marked(demo):
    _pack, text, _zip = build(demo, "cat")
    deadlines = " ".join(section(text, "Deadlines still open", "Current risk of return").split())

    # The organisation's own reminders are not for the Committee.
    assert "Urgent action send-before" not in deadlines and "Welfare check" not in deadlines
    # On the pack's day (20 June 2011): the state's observations were due 10 June, the
    # detention term runs to 15 July.
    assert "2011-06-10 (passed) — State's observations due" in deadlines
    assert "2011-07-15 — Detention term ends" in deadlines
    # A rule's citation once, not twice.
    assert deadlines.count("Convention against Torture Art. 22(3)") == 1
    # The chronology says where he was detained, the city included.
    assert "Detention centre, Almaty." in " ".join(text.split())
