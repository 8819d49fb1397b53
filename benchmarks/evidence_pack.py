"""How long an evidence pack takes for a person with 200 facts and 20 documents (target <= 10 s).

    .venv/bin/python benchmarks/evidence_pack.py [ROUNDS] [--body cat|hrc|ecthr] [--language en|ru]

Builds, in a throw-away SQLite database and documents folder, one person with 200 facts
(an extradition request decided and notified, an asylum claim, a removal order, 6 appeals,
4 interim measures, 40 detentions and 147 welfare checks: ~280 lines of chronology), deadlines
and risk recomputed by the engine, 20 documents stored encrypted as uploads are (10 PDFs of
~400 KB, 10 JPEG scans of ~300 KB, each attached to a fact or to the person), and 12 other
persons returned to the same state with three post-return reports each (half of them
consenting to be named). Then, ROUNDS times (default 5), it times what the pack's task does:
`evidence_pack_build` (chronology, risk on return through the consent gate, the PDF through
WeasyPrint, the ZIP of decrypted annexes, both files encrypted and stored), and reads the
PDF back with pypdf to check the pack is whole (annexes listed = files in the ZIP).

The figure is the median wall time of the rounds. The machine is shared, so each round's CPU
time of this process (time.process_time: Haven, WeasyPrint and the in-process SQLite) is
printed beside it, with the load average before and after.
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="haven-bench-pack-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)  # database, documents, broker files
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["HAVEN_VAR_DIR"] = str(TMP)  # the embedded broker for tasks enqueued on commit
os.environ["HAVEN_DOCUMENTS_ROOT"] = str(TMP / "documents")
os.environ.pop("REDIS_URL", None)
for sub in ("broker/out", "broker/processed"):
    (TMP / sub).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

NOW = datetime(2011, 6, 20, 9, tzinfo=UTC)
FACTS = 200
DOCUMENTS = 20


def pdf_of(size: int, seed: int) -> bytes:
    """A valid one-page PDF padded to `size` bytes with a stream of incompressible data (a
    scan's weight, and it does not shrink in the ZIP)."""
    noise = random.Random(seed).randbytes(size)
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"4 0 obj<</Length " + str(len(noise)).encode() + b">>stream\n" + noise + b"\nendstream "
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def jpeg_of(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("L", (600, 800), rng.randbytes(600 * 800))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def build_world():
    call_command("migrate", verbosity=0)
    from casework import models as m
    from documents.services import Upload, document_upload
    from engine.services import person_recompute
    from tests import factories as f

    lawyer = f.UserFactory(username="bench-lawyer", roles=["lawyer"])
    person = f.PersonFactory(name="Benchmark Personov", assigned_lawyer=lawyer)
    facility = f.FacilityFactory()
    facts: list = []
    extradition = f.ExtraditionRequestFactory(
        person=person,
        received_on=date(2010, 6, 10),
        arrested_on=date(2010, 6, 15),
        status=m.ExtraditionStatus.APPROVED,
        decided_on=date(2010, 9, 6),
        notified_on=date(2010, 9, 10),
    )
    facts += [extradition, f.AsylumClaimFactory(person=person, lodged_on=date(2010, 7, 1))]
    facts.append(f.RemovalOrderFactory(person=person, country="KZ", issued_on=date(2011, 1, 5)))
    start = date(2010, 6, 15)
    for i in range(40):
        begun = start + timedelta(days=9 * i)
        facts.append(
            f.DetentionFactory(
                person=person,
                facility=facility,
                started_on=begun,
                ended_on=begun + timedelta(days=8),
                authorised_until=begun + timedelta(days=30),
            )
        )
    for i in range(6):
        facts.append(
            f.AppealFactory(
                person=person,
                extradition_request=extradition,
                lodged_on=date(2010, 9, 20) + timedelta(days=20 * i),
            )
        )
    for i in range(4):
        facts.append(
            f.InterimMeasureFactory(person=person, requested_on=date(2010, 12, 1) + timedelta(i))
        )
    for i in range(FACTS - len(facts)):
        facts.append(
            f.WelfareCheckFactory(
                person=person,
                observed_at=datetime(2010, 6, 20, 10, tzinfo=UTC) + timedelta(days=2 * i),
                condition="Seen by the lawyer; health poor.",
            )
        )
    assert len(facts) == FACTS

    # Others returned to the same state: the pack's section on risk on return.
    for i in range(12):
        other = f.PersonFactory(
            name=f"Returned Personov{i}",
            consent_to_be_named=m.Consent.YES if i % 2 else m.Consent.UNKNOWN,
            consent_recorded_on=date(2011, 1, 1) if i % 2 else None,
        )
        returned = f.ReturnFactory(
            person=other, returned_on=date(2010, 9, 1) + timedelta(days=20 * i)
        )
        for j, kind in enumerate(("incommunicado", "charged", "sentenced")):
            m.PostReturnReport.objects.create(
                return_record=returned,
                reported_on=returned.returned_on + timedelta(days=30 * (j + 1)),
                kind=kind,
                sentence_years=10 if kind == "sentenced" else None,
                source="A human rights group's report",
            )

    attachable = [x for x in facts if not isinstance(x, m.WelfareCheck)]
    for i in range(DOCUMENTS):
        fact = attachable[i] if i % 4 else None
        data = pdf_of(400_000, i) if i % 2 == 0 else jpeg_of(i)
        document_upload(
            person=person,
            upload=Upload(f"scan-{i}.{'pdf' if i % 2 == 0 else 'jpg'}", data),
            kind="court_decision" if i % 2 == 0 else "photo",
            by=lawyer,
            dated_on=date(2010, 6, 10) + timedelta(days=15 * i),
            fact_kind=type(fact).__name__.lower() if fact else "",
            fact_id=fact.pk if fact else None,
        )
    person_recompute(person_id=person.pk, today=NOW.date())
    return lawyer, person


def check_pack(pack) -> tuple[int, int, int]:
    from pypdf import PdfReader

    from evidence.services import evidence_pack_chunks

    pdf = b"".join(evidence_pack_chunks(pack=pack, which="pdf"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(evidence_pack_chunks(pack=pack, which="zip"))))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    names = archive.namelist()
    assert names == [a["name"] for a in pack.annexes] and len(names) == DOCUMENTS, names
    missing = [n for n in names if n not in " ".join(text.split())]
    assert not missing, f"annexes not listed in the PDF: {missing}"
    return len(reader.pages), len(pdf), sum(i.file_size for i in archive.infolist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rounds", nargs="?", type=int, default=5)
    parser.add_argument("--body", default="cat", choices=["cat", "hrc", "ecthr"])
    parser.add_argument("--language", default="en", choices=["en", "ru"])
    args = parser.parse_args()

    from evidence.chronology import chronology, load_facts
    from evidence.services import evidence_pack_build, evidence_pack_request

    load_before = os.getloadavg()
    setup = time.perf_counter()
    lawyer, person = build_world()
    print(f"setup: {time.perf_counter() - setup:.1f} s (200 facts, 20 documents encrypted)")
    print(f"chronology lines: {len(chronology(load_facts(person)))}")

    walls, cpus = [], []
    for i in range(args.rounds):
        pack = evidence_pack_request(
            person=person, body=args.body, language=args.language, by=lawyer
        )
        wall, cpu = time.perf_counter(), time.process_time()
        pack = evidence_pack_build(pack=pack, now=NOW)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        walls.append(wall)
        cpus.append(cpu)
        pages, pdf_size, zip_size = check_pack(pack)
        print(
            f"round {i + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU; PDF {pages} pages "
            f"({pdf_size / 1e6:.2f} MB), ZIP {len(pack.annexes)} annexes ({zip_size / 1e6:.1f} MB)"
        )
    load_after = os.getloadavg()
    median = statistics.median(walls)
    print(
        f"pack ({args.body}, {args.language}) for {FACTS} facts and {DOCUMENTS} documents: "
        f"median {median:.2f} s wall (min {min(walls):.2f}, max {max(walls):.2f}), "
        f"median {statistics.median(cpus):.2f} s CPU; target <= 10 s: "
        f"{'met' if median <= 10 else 'NOT met'}"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {os.cpu_count()} cores (a shared machine: CPU time is the steadier figure)"
    )


if __name__ == "__main__":
    main()
