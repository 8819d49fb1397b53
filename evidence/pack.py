"""What goes into an evidence pack, and the PDF and ZIP made of it.

`pack_context` gathers the facts (evidence.chronology), the open deadlines, the current risk
with its reasons, the interim measures so far, the section on risk on return
(evidence.returns, through the consent gate), the Rule 39 moment (engine.rule39) and the
annexes: the person's documents the requesting user may see, numbered in date order, each
numbered the same in the PDF and in the ZIP. The PDF goes through advocacy.letters'
html_to_pdf (the one PDF pipeline); the layout follows the body's own form:

- ECtHR: the Practice Direction on requests for interim measures: "Rule 39 – Urgent" and the
  person to contact on the face of the request; in removal cases the scheduled date and time
  of removal and the destination; the channel (the Court's Rule 39 Site or fax, never e-mail);
  the decisions and supporting material attached.
- CAT and HRC: the headings of the OHCHR model complaint form for communications under the
  OP-ICCPR, CAT and CERD (I. Information on the complainant; II. State concerned/Articles
  violated; III. Exhaustion of domestic remedies/Application to other international
  procedures; IV. Facts of the complaint; checklist of supporting documentation).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.letters import font_configuration, html_to_pdf
from casework import selectors as casework_selectors
from casework.access import visible
from documents.content import EXTENSION_FOR
from documents.models import Document
from documents.services import document_bytes
from engine import rule39
from engine.kinds import Kind

from . import chronology as chrono
from .models import PackBody
from .returns import risk_on_return

# The ECtHR's channels, from its page "How to contact the Court for lodging a request for an
# interim measure" (read through a copy; confidence S).
ECTHR_RULE39_SITE = "https://r39.echr.coe.int"
ECTHR_FAX_NUMBERS = ("+33 3 90 21 43 50", "+33 3 88 41 39 00")
ECTHR_POST = "European Court of Human Rights, Council of Europe, 67075 Strasbourg Cedex, France"

ARTICLES = {
    PackBody.CAT: gettext_lazy("Convention against Torture, art. 3 (non-refoulement); art. 22"),
    PackBody.HRC: gettext_lazy(
        "International Covenant on Civil and Political Rights, arts. 6 and 7"
    ),
    PackBody.ECTHR: gettext_lazy(
        "European Convention on Human Rights, arts. 2 and 3; Rules of Court, rule 39"
    ),
}


@dataclass
class Annex:
    number: int
    document: Document
    name: str  # its name in the ZIP


def annex_name(number: int, document: Document) -> str:
    """'Annex 01 - Court decision - 2011-03-15.pdf': never the uploaded name (it may name
    someone); the number is the PDF's."""
    day = document.dated_on.isoformat() if document.dated_on else _("undated")
    extension = EXTENSION_FOR.get(document.content_type, "")
    return f"{_('Annex')} {number:02d} - {document.get_kind_display()} - {day}{extension}"


def annexes_of(user, person) -> list[Annex]:
    docs = visible(Document.objects.filter(person=person), user).order_by(
        "dated_on", "created_at", "id"
    )
    return [Annex(i, d, annex_name(i, d)) for i, d in enumerate(docs, 1)]


def rule39_moment(removal_at: datetime | None, *, now: datetime):
    if removal_at is None:
        return None
    return rule39.last_useful_moment(
        removal_at=removal_at, now=now, lawyer_tz=timezone.get_current_timezone()
    )


# The organisation's own reminders, not steps in the proceedings: a court or committee has no
# use for them (and an urgent action's send-before date says that one was issued).
INTERNAL_KINDS = {Kind.WELFARE_CHECK_OVERDUE, Kind.UA_SEND_BEFORE}


def pack_deadlines(person, *, today) -> list:
    """The person's open and missed deadlines in the proceedings, soonest first, each marked
    `passed` when its day is before the pack's (an appeal window that ran out unused is a
    fact for the request too)."""
    rows = [
        d
        for d in casework_selectors.open_deadlines(casework_selectors.deadlines_by_source(person))
        if d.kind not in INTERNAL_KINDS
    ]
    for d in rows:
        d.passed = d.due_on < today
        # The rule's sentence usually ends with its citation; repeated only when it does not.
        d.cite = "" if d.citation and d.citation in d.why else d.citation
    return rows


def pack_context(*, person, body: str, user, now: datetime) -> dict:
    facts = chrono.load_facts(person)
    annexes = annexes_of(user, person)
    by_fact: dict[str, list[int]] = {}
    for annex in annexes:
        if annex.document.fact_id:
            by_fact.setdefault(str(annex.document.fact_id), []).append(annex.number)
    entries = chrono.chronology(facts)
    # A fact's annexes are cited at its decision, or at its first entry if it has none.
    with_decision = {e.fact_id for e in entries if e.is_decision}
    cited: set[str] = set()
    for entry in entries:
        if entry.is_decision or (entry.fact_id not in with_decision and entry.fact_id not in cited):
            entry.annexes = by_fact.get(entry.fact_id, [])
            cited.add(entry.fact_id)
    decisions = chrono.decisions(facts)
    for decision in decisions:
        decision.annexes = by_fact.get(decision.fact_id, [])
    removal_at, destination = chrono.scheduled_removal(facts)
    risk = casework_selectors.current_risk([person.pk]).get(person.pk)
    deadlines = pack_deadlines(person, today=timezone.localtime(now).date())
    return {
        "person": person,
        "names": [n.full_name for n in person.names.all()],
        "body": body,
        "body_label": PackBody(body).label,
        "is_ecthr": body == PackBody.ECTHR,
        "articles": ARTICLES[PackBody(body)],
        "generated_at": now,
        "entries": entries,
        "decisions": decisions,
        "deadlines": deadlines,
        "risk": risk,
        "risk_reasons": casework_selectors.reasons_of(risk),
        "measures": facts.measures,
        "detention": next((d for d in reversed(facts.detentions) if d.is_open), None),
        "destination": chrono.country_name(destination),
        "respondent": chrono.country_name(chrono.respondent_state(facts)),
        "removal_at": removal_at.astimezone(timezone.get_current_timezone())
        if removal_at
        else None,
        "rule39": rule39_moment(removal_at, now=now),
        "returns": risk_on_return(user, person=person, country=destination) if destination else [],
        "annexes": annexes,
        "lawyer": person.assigned_lawyer,
        "rule39_site": ECTHR_RULE39_SITE,
        "fax_numbers": ECTHR_FAX_NUMBERS,
        "post_address": ECTHR_POST,
    }


def render_pack_pdf(context: dict, *, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string("evidence/pack.html", {**context, "language": language})
    return html_to_pdf(html, font_config=font_configuration())


def annexes_zip(annexes: list[Annex], *, on_each: Callable[[], None] | None = None) -> bytes:
    """The ZIP of the annexes, each under its annex name (already-compressed formats are
    stored, not deflated again)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for annex in annexes:
            compress = (
                zipfile.ZIP_STORED
                if annex.document.content_type.startswith("image/")
                else zipfile.ZIP_DEFLATED
            )
            archive.writestr(annex.name, document_bytes(annex.document), compress_type=compress)
            if on_each is not None:
                on_each()
    return out.getvalue()
