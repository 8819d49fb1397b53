"""Evidence packs: request one (a row, and its task on commit), build it (the task's one
service), and the Rule 39 alerts; post-return reports entered from the person page."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from casework import models as m
from casework.access import can_see_person
from casework.services import record_check
from documents import crypto

from . import pack as builder
from .models import EvidencePack, PackStatus


def evidence_pack_request(*, person, body: str, language: str, by) -> EvidencePack:
    """A pack to build; its task is sent once the row is committed."""
    from .tasks import build_pack_task

    if not can_see_person(by, person):
        raise PermissionError
    with transaction.atomic():
        pack = EvidencePack.objects.create(
            person=person, body=body, language=language, requested_by=by
        )
        transaction.on_commit(lambda: build_pack_task.delay(str(pack.pk)))
    return pack


def _store(data: bytes, *, pack_id, which: str) -> tuple[str, bytes, str]:
    root = Path(settings.DOCUMENTS_ROOT) / "packs"
    root.mkdir(parents=True, exist_ok=True)
    name = f"packs/{uuid.uuid4().hex}.bin"
    target = Path(settings.DOCUMENTS_ROOT) / name
    partial = target.with_suffix(".partial")
    try:
        with open(partial, "wb") as out:
            sealed = crypto.encrypt_file(io.BytesIO(data), out, row_id=f"{pack_id}:{which}")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return name, sealed.wrapped_key, sealed.key_id


def _step(pack: EvidencePack) -> None:
    EvidencePack.objects.filter(pk=pack.pk).update(done=F("done") + 1)


def evidence_pack_build(*, pack: EvidencePack, now: datetime | None = None) -> EvidencePack:
    """Build the PDF and the ZIP as the requesting user may see the person, store both
    encrypted and mark the pack done. Idempotent: a finished pack is left as it is; a rerun
    of an unfinished one starts over (files of a failed run are not referenced by any row)."""
    if pack.status == PackStatus.DONE:
        return pack
    now = now or timezone.now()
    user = pack.requested_by
    person = m.Person.objects.select_related("assigned_lawyer").get(pk=pack.person_id)
    with translation.override(pack.language):
        context = builder.pack_context(person=person, body=pack.body, user=user, now=now)
        annexes = context["annexes"]
        total = len(annexes) + 2
        EvidencePack.objects.filter(pk=pack.pk).update(
            status=PackStatus.RUNNING, done=0, total=total, error=""
        )
        pdf = builder.render_pack_pdf(context, language=pack.language)
        _step(pack)
        archive = builder.annexes_zip(annexes, on_each=lambda: _step(pack))
    pdf_name, pdf_key, key_id = _store(pdf, pack_id=pack.pk, which="pdf")
    zip_name, zip_key, _key_id = _store(archive, pack_id=pack.pk, which="zip")
    EvidencePack.objects.filter(pk=pack.pk).update(
        status=PackStatus.DONE,
        done=total,
        annexes=[
            {"number": a.number, "document": str(a.document.pk), "name": a.name} for a in annexes
        ],
        pdf_storage=pdf_name,
        zip_storage=zip_name,
        pdf_key=pdf_key,
        zip_key=zip_key,
        key_id=key_id,
        pdf_size=len(pdf),
        zip_size=len(archive),
        finished_at=timezone.now(),
    )
    pack.refresh_from_db()
    return pack


def evidence_pack_chunks(*, pack: EvidencePack, which: str):
    """The decrypted PDF or ZIP, chunk by chunk (callers have passed the gate)."""
    return crypto.decrypt_chunks(
        pack.path(which),
        wrapped_key=getattr(pack, f"{which}_key"),
        row_id=f"{pack.pk}:{which}",
        stored_key_id=pack.key_id,
    )


def post_return_report_add(*, return_record: m.Return, by, **fields) -> m.PostReturnReport:
    """A report of what happened after the return, checked as the API checks it (nothing
    reported in the future)."""
    report = m.PostReturnReport(return_record=return_record, **fields)
    report._history_user = by
    with transaction.atomic():
        record_check(report)
        report.save()
    return report


def post_return_report_update(*, report: m.PostReturnReport, by, **fields) -> m.PostReturnReport:
    """A correction to a report, checked on the fields it changes, in the history with who
    made it."""
    for field, value in fields.items():
        setattr(report, field, value)
    report._history_user = by
    with transaction.atomic():
        record_check(report, fields=fields.keys())
        report.save()
    return report


# --- Rule 39 alerts ------------------------------------------------------------------------

RULE39_LOOKAHEAD = timedelta(days=14)


def rule39_alerts_raise(*, now: datetime) -> int:
    """An alert to the person's staff for each scheduled removal whose last useful moment for
    a Rule 39 request is less than a working day away (engine.rule39). Once per removal
    moment and recipient (the alert's dedup key), so running often is safe."""
    from engine import rule39
    from engine.alerts import alerts_create
    from engine.selectors import alert_directory, assignment_rows

    window = scheduled_removals(now)
    specs = []
    for person_id, removal_at in window:
        moment = rule39.last_useful_moment(
            removal_at=removal_at, now=now, lawyer_tz=timezone.get_current_timezone()
        )
        if not moment.alert or removal_at <= now:
            continue
        specs.append(_rule39_alert(person_id, removal_at, moment))
    if not specs:
        return 0
    ids = [s.person_id for s in specs]
    return alerts_create(specs=specs, assignments=assignment_rows(ids), directory=alert_directory())


def _rule39_alert(person_id, removal_at: datetime, moment):
    """Worded as messages (engine/wording.py): each reader reads it in their language. The
    moments are Strasbourg's, written as figures."""
    from engine import rule39
    from engine.alerts import AUDIENCE_STAFF, AlertSpec, alert_worded, person_link
    from engine.models import AlertKind
    from engine.wording import N_

    lines = [
        {
            "text": N_(
                "Removal scheduled for %(removal)s (Strasbourg time). The Court may not deal "
                "with a request received less than a working day before the removal "
                "(%(citation)s)."
            ),
            "args": {
                "removal": removal_at.astimezone(rule39.STRASBOURG).strftime("%Y-%m-%d %H:%M"),
                "citation": rule39.CITATION,
            },
        }
    ]
    if not moment.closure_days_verified:
        lines.append({"text": N_("Closure days unverified."), "args": {}})
    subject = {
        "text": N_("%(case)s: Rule 39 request: last useful moment %(when)s Strasbourg time"),
        "args": {"when": moment.latest_strasbourg.strftime("%Y-%m-%d %H:%M")},
    }
    english_subject, body, message = alert_worded(subject, lines)
    return AlertSpec(
        person_id=str(person_id),
        kind=AlertKind.DEADLINE_REMINDER,
        dedup_key=f"rule39:{person_id}:{removal_at.isoformat()}",
        subject=english_subject,
        body=body,
        message=message,
        level="imminent",
        link=person_link(person_id),
        audience=AUDIENCE_STAFF,
    )


def scheduled_removals(now: datetime) -> list[tuple]:
    """(person id, moment) of every removal scheduled in the next two weeks."""
    until = now + RULE39_LOOKAHEAD
    rows = list(
        m.ExtraditionRequest.objects.filter(
            scheduled_removal_at__gt=now, scheduled_removal_at__lte=until
        ).values_list("person_id", "scheduled_removal_at")
    )
    rows += m.RemovalOrder.objects.filter(
        scheduled_removal_at__gt=now, scheduled_removal_at__lte=until
    ).values_list("person_id", "scheduled_removal_at")
    return rows


def evidence_packs_rekey():
    """Every finished pack's two file keys under the current documents key (a rotation;
    documents.services.rekey_rows)."""
    from documents.services import rekey_rows

    return rekey_rows(
        EvidencePack.objects.filter(status=PackStatus.DONE),
        keys={"pdf_key": "pdf", "zip_key": "zip"},
        row_id=lambda pk, which: f"{pk}:{which}",
    )
