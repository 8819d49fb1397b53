"""Demo data hook: the demo loader calls `load()` after loading the case record.

Three invented papers for the Kazakhstan 2011 scenario's Ilkhom Nazarov (kz-07), stored as
uploads are (checked, encrypted): the Prosecutor General's extradition decision, the district
court's rejection of his appeal, and a medical report. Each says on its face that it is a
demo document with invented text. Fixed ids: a second load finds them and writes nothing.
"""

from __future__ import annotations

from datetime import date
from html import escape

from casework import models as m

from .models import Document, DocumentKind, FactKind

PERSON = "kz-07"
NOTICE = "DEMO DOCUMENT — invented text for Haven's demonstration; not a real decision."
DOCUMENTS = (
    {
        "key": "extradition-decision",
        "kind": DocumentKind.PROSECUTOR_DECISION,
        "dated_on": date(2010, 9, 6),
        "language": "ru",
        "description": "Prosecutor General's decision approving extradition to Uzbekistan",
        "fact": (FactKind.EXTRADITION_REQUEST, "extradition_requests", "uz"),
        "title": "Постановление о выдаче",
        "body": (
            "Генеральная прокуратура Республики Казахстан рассмотрела запрос Республики "
            "Узбекистан о выдаче гражданина Узбекистана Назарова И.",
            "Постановлено: удовлетворить запрос о выдаче.",
        ),
    },
    {
        "key": "appeal-decision",
        "kind": DocumentKind.COURT_DECISION,
        "dated_on": date(2011, 3, 15),
        "language": "ru",
        "description": "District court, Almaty: appeal against the extradition rejected",
        "fact": (FactKind.APPEAL, "appeals", "extradition"),
        "title": "Постановление районного суда г. Алматы",
        "body": (
            "Суд рассмотрел жалобу на постановление Генеральной прокуратуры о выдаче.",
            "Постановлено: жалобу оставить без удовлетворения.",
        ),
    },
    {
        "key": "medical-report",
        "kind": DocumentKind.MEDICAL_REPORT,
        "dated_on": date(2011, 6, 10),
        "language": "en",
        "description": "Medical report after a visit in detention: hypertension",
        "fact": None,
        "title": "Medical report",
        "body": (
            "Examined in the detention centre in Almaty at his lawyer's request.",
            "Findings: hypertension; medication brought by his family is not always passed on.",
        ),
    },
)


def _pdf(spec: dict) -> bytes:
    from advocacy.letters import font_configuration, html_to_pdf

    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in spec["body"])
    html = (
        f'<html lang="{spec["language"]}"><body style="font-family: sans-serif">'
        f'<p style="color: #a00"><strong>{escape(NOTICE)}</strong></p>'
        f"<h1>{escape(spec['title'])}</h1><p>{spec['dated_on'].isoformat()}</p>{paragraphs}"
        "</body></html>"
    )
    return html_to_pdf(html, font_config=font_configuration())


def load(stdout=None) -> int:
    from casework.management.commands.load_demo import demo_id

    from .services import Upload, document_upload

    person = m.Person.objects.filter(pk=demo_id("person", PERSON)).first()
    if person is None:
        return 0
    created = 0
    for spec in DOCUMENTS:
        pk = demo_id("document", PERSON, spec["key"])
        if Document.objects.filter(pk=pk).exists():
            continue
        fact_kind, fact_id = "", None
        if spec["fact"]:
            fact_kind, kind, fact_key = spec["fact"]
            fact_id = demo_id("person", PERSON, kind, fact_key)
        document_upload(
            person=person,
            upload=Upload(f"{spec['key']}.pdf", _pdf(spec)),
            kind=spec["kind"],
            by=person.assigned_lawyer,
            dated_on=spec["dated_on"],
            language=spec["language"],
            description=spec["description"],
            fact_kind=fact_kind,
            fact_id=fact_id,
            row_id=pk,
        )
        created += 1
    if stdout is not None:
        stdout.write(f"documents: {created} demo documents stored encrypted\n")
    return created
