"""A lawyer, in a real browser, uploads a court decision for a person, generates an evidence
pack, watches its progress and downloads the PDF, in English and in Russian."""

from __future__ import annotations

import io
import re

import pytest

from casework import models as m
from documents.models import Document
from evidence.models import EvidencePack, PackStatus
from tests import factories as f
from tests.documents.conftest import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WORD = {"en": "Documents and evidence", "ru": "Документы и доказательства"}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_lawyer_uploads_a_decision_generates_a_pack_and_downloads_it(
    browse, eager_tasks, settings, tmp_path, language
):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    lawyer = f.UserFactory(username=f"lw-{language}", roles=["lawyer"])
    person = f.PersonFactory(name="Ilkhom Testnazarov", assigned_lawyer=lawyer)
    extradition = f.ExtraditionRequestFactory(person=person)
    decision = tmp_path / "decision.pdf"
    decision.write_bytes(PDF_BYTES)

    s = browse(lawyer, language, "evidence")
    page = s.page
    s.go(f"/persons/{person.pk}/")
    assert WORD[language] in page.content()
    page.click("#documents-link")
    page.select_option("#id_kind", "prosecutor_decision")
    page.fill("#id_dated_on", "2010-09-06")
    page.select_option("#id_fact", f"extraditionrequest:{extradition.pk}")
    page.set_input_files("#id_file", str(decision))
    s.shot("upload")
    page.click("#document-upload-submit")
    page.wait_for_selector("[data-testid=document-row] [data-testid=document-download]")
    document = Document.objects.get(person=person)
    assert document.fact_id == extradition.pk and document.path.read_bytes() != PDF_BYTES

    s.go(f"/persons/{person.pk}/")
    page.click("#packs-link")
    page.select_option("#id_body", "cat")
    page.select_option("#id_language", language)
    page.click("#pack-generate")
    page.wait_for_url(re.compile(r"/evidence/packs/[0-9a-f-]+/$"))
    page.wait_for_selector("#pack-progress[data-status=done]")
    pack = EvidencePack.objects.get(person=person)
    assert pack.status == PackStatus.DONE and len(pack.annexes) == 1
    assert page.locator("#pack-progress-bar").get_attribute("aria-valuenow") == "100"
    s.shot("pack-ready")

    with page.expect_download() as download:
        page.click("[data-testid=pack-pdf]")
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Ilkhom Testnazarov" in text
    assert ("Chronology" if language == "en" else "Хронология") in text
    assert m.Person.objects.count() == 1
