"""Every write in advocacy: drafting, review, issue, updates, letters, sending.

Transitions of an urgent action (anything else is refused):

    draft -> in_review -> issued -> updated (when an update of it is issued) -> closed
    in_review -> draft (sent back)        issued -> closed

Only coordinators and admins approve and issue (BRIEF §1, §4). Consent is re-checked when a UA
is issued and whenever a public output is rendered (casework.consent).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from casework.consent import ConsentError, phrase_key
from casework.models import Group, Person

from . import drafting, letters
from .models import (
    Authority,
    BatchStatus,
    ConsentConfirmation,
    Letter,
    LetterBatch,
    LetterStatus,
    LetterTemplate,
    UrgentAction,
    UrgentActionRecipient,
    UrgentActionStatus,
)

logger = logging.getLogger(__name__)

S = UrgentActionStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.IN_REVIEW},
    S.IN_REVIEW: {S.DRAFT, S.ISSUED},
    S.ISSUED: {S.UPDATED, S.CLOSED},
    S.UPDATED: {S.CLOSED},
    S.CLOSED: set(),
}
# Practice, not law: the seed's send-before was about six weeks after issue (BRIEF §6).
DEFAULT_SEND_BEFORE = timedelta(weeks=6)
# Bulk generation writes its letters and its progress at most this often (seconds): the
# letters page polls every second, and every write is a commit, a disk sync.
PROGRESS_EVERY = 1.0


class TransitionError(ValidationError):
    pass


def _require_coordinator(user) -> None:
    if not has_role(user, Role.COORDINATOR, Role.ADMIN):
        raise PermissionDenied(_("Only coordinators and admins may do this."))


def _move(ua: UrgentAction, to: str) -> None:
    """Compare-and-set: if another request moved the UA first, nothing is updated."""
    if to not in TRANSITIONS[ua.status]:
        raise TransitionError(
            _("An urgent action cannot go from %(from)s to %(to)s.")
            % {"from": ua.get_status_display(), "to": S(to).label}
        )


# --- drafting --------------------------------------------------------------------------------


@transaction.atomic
def urgent_action_draft(
    *,
    by,
    persons: Iterable[Person] = (),
    groups: Iterable[Group] = (),
    update_of: UrgentAction | None = None,
    today: date | None = None,
) -> UrgentAction:
    """A new draft from the facts of `persons` and the known members of `groups` that `by`
    can see. With `update_of`, the draft is the next update of that UA's original."""
    _require_coordinator(by)
    today = today or timezone.localdate()
    groups = list(groups)
    visible = Person.objects.visible_to(by)
    ids = {p.pk for p in persons} | set(
        visible.filter(groups__in=groups).values_list("pk", flat=True)
    )
    chosen = list(drafting.fact_queryset(visible.filter(pk__in=ids)))
    if not chosen and not groups:
        raise ValidationError(_("Choose at least one person or group."))
    draft = drafting.draft_from_facts(persons=chosen, groups=groups, today=today)
    if draft.states:
        evidence_qs = visible.filter(return_record__from_country=draft.states[0]).exclude(
            pk__in=ids
        )
        evidence = list(drafting.fact_queryset(evidence_qs)[:20])
        if evidence:
            draft = drafting.draft_from_facts(
                persons=chosen, groups=groups, today=today, evidence=evidence
            )
    ua = UrgentAction(
        title=draft.title,
        summary=draft.summary,
        background=draft.background,
        asks=draft.asks,
        translations=draft.translations,
        languages=draft.languages,
        send_before=today + DEFAULT_SEND_BEFORE,
        created_by=by,
    )
    if update_of is not None:
        root = update_of.root
        ua.parent = root
        ua.number, ua.year = root.number, root.year
        ua.update_number = (
            max(
                root.update_number,
                root.updates.aggregate(n=Max("update_number"))["n"] or 0,
            )
            + 1
        )
        ua.additional_information = update_of.additional_information
        ua.diplomatic_copies = update_of.diplomatic_copies
        ua.cosigners = list(update_of.cosigners)
    ua.save()
    ua.persons.set(chosen)
    ua.groups.set(groups)
    _set_recipients(ua, [(a, role) for a, role in draft.recipients])
    return ua


def _set_recipients(ua: UrgentAction, recipients: list[tuple[Authority, str]]) -> None:
    ua.recipients.all().delete()
    UrgentActionRecipient.objects.bulk_create(
        [
            UrgentActionRecipient(urgent_action=ua, authority=a, role=role, position=i)
            for i, (a, role) in enumerate(recipients)
        ]
    )


def urgent_action_set_recipients(
    *, ua: UrgentAction, recipients: list[tuple[Authority, str]], by
) -> UrgentAction:
    _require_coordinator(by)
    if ua.status not in (S.DRAFT, S.IN_REVIEW):
        raise TransitionError(_("Only a draft's recipients can be changed."))
    with transaction.atomic():
        _set_recipients(ua, recipients)
    return ua


# What a coordinator edits on a draft; numbering, status and the people covered are not here.
EDITABLE_FIELDS = (
    "title", "summary", "background", "languages", "asks", "send_before",
    "diplomatic_copies", "cosigners", "additional_information", "further_information",
)  # fmt: skip


def urgent_action_edit(
    *,
    ua: UrgentAction,
    by,
    changes: dict,
    recipients: list[tuple[Authority, str]] | None = None,
) -> UrgentAction:
    """Save a coordinator's edits of a draft (or of one in review) and, if given, its
    recipients and copies in order. Consent is not checked here: a draft may hold anything
    while it is worked on; review and issue refuse a text that names someone."""
    _require_coordinator(by)
    if ua.status not in (S.DRAFT, S.IN_REVIEW):
        raise TransitionError(_("Only a draft or an urgent action in review can be edited."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in changes.items():
            setattr(ua, name, value)
        ua.save()
        if recipients is not None:
            _set_recipients(ua, recipients)
    return ua


def urgent_action_update(*, ua: UrgentAction, by, today: date | None = None) -> UrgentAction:
    """Draft the next update of an issued UA, from the current facts of the same persons."""
    if ua.status not in (S.ISSUED, S.UPDATED):
        raise TransitionError(_("Only an issued urgent action can be updated."))
    return urgent_action_draft(
        by=by,
        persons=list(ua.persons.all()),
        groups=list(ua.groups.all()),
        update_of=ua,
        today=today,
    )


# --- review and issue -----------------------------------------------------------------------


def urgent_action_submit_for_review(*, ua: UrgentAction, by) -> UrgentAction:
    _require_coordinator(by)
    _move(ua, S.IN_REVIEW)
    # Catch a name early; issue checks again, because consent can be withdrawn meanwhile.
    letters.public_document(ua)
    return _transition(ua, S.IN_REVIEW)


def urgent_action_send_back(*, ua: UrgentAction, by) -> UrgentAction:
    _require_coordinator(by)
    _move(ua, S.DRAFT)
    return _transition(ua, S.DRAFT)


def _transition(ua: UrgentAction, to: str, **fields) -> UrgentAction:
    old = ua.status
    updated = UrgentAction.objects.filter(pk=ua.pk, status=old).update(status=to, **fields)
    if not updated:
        raise TransitionError(_("Someone else changed this urgent action first; reload it."))
    # A real save as well, so the transition is in the history with who made it.
    ua.refresh_from_db()
    ua.save()
    return ua


def urgent_action_issue(
    *, ua: UrgentAction, by, issued_on: date | None = None, send_before: date | None = None
) -> UrgentAction:
    """Issue: number it (originals), re-check consent against the current record, render the
    document, and mark the UA it updates as updated."""
    _require_coordinator(by)
    _move(ua, S.ISSUED)
    issued_on = issued_on or timezone.localdate()
    if send_before is not None:
        ua.send_before = send_before
    if not ua.send_before or ua.send_before <= issued_on:
        raise ValidationError({"send_before": _("Send-before must be after the issue date.")})
    if not ua.recipients.exists():
        raise ValidationError({"recipients": _("An urgent action needs at least one recipient.")})
    for attempt in range(5):
        try:
            with transaction.atomic():
                return _issue(ua, by=by, issued_on=issued_on)
        except IntegrityError:
            # Two originals numbered at once: the unique constraint decides, we take the next.
            if attempt == 4 or ua.parent_id:
                raise
    raise AssertionError("unreachable")


def _issue(ua: UrgentAction, *, by, issued_on: date) -> UrgentAction:
    if ua.parent_id is None:
        ua.year = issued_on.year
        ua.number = (
            UrgentAction.objects.filter(year=ua.year, parent__isnull=True)
            .exclude(pk=ua.pk)
            .aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
    ua.issued_on = issued_on
    ua.approved_by = by
    # Raises ConsentError (nothing is saved) if anyone is named without consent *now*.
    html, pdf = letters.render_urgent_action_pdf(ua)
    updated = UrgentAction.objects.filter(pk=ua.pk, status=S.IN_REVIEW).update(
        status=S.ISSUED,
        number=ua.number,
        year=ua.year,
        issued_on=issued_on,
        send_before=ua.send_before,
        approved_by=by,
    )
    if not updated:
        raise TransitionError(_("Someone else changed this urgent action first; reload it."))
    ua.status = S.ISSUED
    ua.pdf.save(f"{ua.id}.pdf", ContentFile(pdf), save=False)
    ua.save()
    if ua.parent_id:
        chain = UrgentAction.objects.filter(
            pk__in=[
                ua.parent_id,
                *ua.parent.updates.exclude(pk=ua.pk).values_list("pk", flat=True),
            ],
            status=S.ISSUED,
        )
        for earlier in chain:
            earlier.status = S.UPDATED
            earlier.save()
    return ua


def urgent_action_confirm_someone_else(
    *, ua: UrgentAction, person_id: str, phrase: str, by
) -> ConsentConfirmation:
    """Record that `phrase`, where the consent gate stopped `ua`, names someone other than
    the person it matched, for this action only, with who and when. Only a phrase that
    stops the action now can be confirmed (the coordinator saw it on the page)."""
    _require_coordinator(by)
    key = phrase_key(phrase)
    stopping = {(h.person_id, h.phrase_key) for h in letters.consent_hits(ua)}
    if (str(person_id), key) not in stopping:
        raise ValidationError(
            {"phrase": _("That phrase does not stop this urgent action (any more).")}
        )
    confirmation, _created = ConsentConfirmation.objects.get_or_create(
        urgent_action=ua,
        person_id=person_id,
        phrase_key=key,
        defaults={"phrase": phrase[:300], "confirmed_by": by},
    )
    return confirmation


def urgent_action_close(*, ua: UrgentAction, by) -> UrgentAction:
    _require_coordinator(by)
    _move(ua, S.CLOSED)
    return _transition(ua, S.CLOSED)


# --- letters ------------------------------------------------------------------------------------


def letter_languages(ua: UrgentAction, templates: dict[str, LetterTemplate]) -> list[str]:
    """English plus the UA's languages, where an active template exists for them."""
    wanted = ["en", *[c for c in ua.languages if c != "en"]]
    return [c for c in wanted if c in templates]


def letter_batch_start(*, ua: UrgentAction, by) -> LetterBatch:
    """Record a batch and enqueue its generation once this transaction commits."""
    _require_coordinator(by)
    if ua.status not in (S.ISSUED, S.UPDATED, S.IN_REVIEW):
        raise TransitionError(_("Letters are generated for an urgent action in review or issued."))
    batch = LetterBatch.objects.create(urgent_action=ua, requested_by=by)
    from .tasks import generate_letters_task

    transaction.on_commit(lambda: generate_letters_task.delay(str(ua.pk), str(batch.pk)))
    return batch


def letters_generate(
    *,
    ua: UrgentAction,
    batch: LetterBatch | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LetterBatch:
    """Render one letter per recipient per language; skip every letter whose content hash
    is current (re-running regenerates nothing) and every letter already sent or answered.
    Progress is written to the batch row as it goes, for the progress bar, at most every
    PROGRESS_EVERY seconds: with the letters done since the last write, in one transaction."""
    templates = {
        t.language: t
        for t in LetterTemplate.objects.filter(name=LetterTemplate.DEFAULT_NAME, is_active=True)
    }
    languages = letter_languages(ua, templates)
    recipients = list(ua.recipients.select_related("authority").order_by("role", "position"))
    work = [(r.authority, lang) for r in recipients for lang in languages]
    total = len(work)
    running = {
        "status": BatchStatus.RUNNING, "total": total, "done": 0, "generated": 0, "skipped": 0,
        "started_at": timezone.now(), "error": "",
    }  # fmt: skip
    if batch is None:
        with transaction.atomic():  # the row and its history row: one commit
            batch = LetterBatch.objects.create(urgent_action=ua, **running)
    else:
        LetterBatch.objects.filter(pk=batch.pk).update(**running)
    persons = letters.persons_in_scope(ua)
    scanner = letters.scanner_for(ua, persons)
    try:
        doc = letters.public_document(
            ua,
            persons=persons,
            scanner=scanner,
            recipients=[(r.authority, r.role) for r in recipients],
        )
        compiled = {
            lang: (
                letters.compile_template(templates[lang].subject),
                letters.compile_template(templates[lang].body),
            )
            for lang in languages
        }
        existing = {(x.authority_id, x.language): x for x in ua.letters.all()}
        # Every letter's text first: one that names someone stops the batch before any PDF is
        # rendered, and the text work runs in one loop instead of between PDFs.
        plan = []  # per letter of `work`: (letter or None, authority, language, rendered)
        texts = []  # what the consent gate reads of each letter
        for authority, lang in work:
            letter = existing.get((authority.pk, lang))
            if letter and letter.status in (LetterStatus.SENT, LetterStatus.ANSWERED):
                plan.append(None)
                continue
            rendered = letters.render_letter(
                doc, authority, lang, *compiled[lang], persons=persons, scanner=scanner,
                check=False,
            )  # fmt: skip
            texts.append(rendered.scanned)
            current = letter and letter.content_hash == rendered.content_hash and letter.pdf
            plan.append(None if current else (letter, authority, lang, rendered))
        # The consent gate over every letter's text (an unchanged one too: consent may have
        # been withdrawn since), with one read of the database.
        scanner.prefetch(texts)
        for text in texts:
            letters.public_text(text, persons, where=_("A letter"), scanner=scanner)
        font_config = letters.font_configuration()
        new, changed = [], []
        generated = skipped = 0
        written_at = time.monotonic()
        for done, item in enumerate(plan, start=1):
            if item is None:
                skipped += 1
            else:
                letter, authority, lang, rendered = item
                if letter is None:
                    letter = Letter(urgent_action=ua, authority=authority, language=lang)
                    new.append(letter)
                else:
                    changed.append(letter)
                pdf = letters.html_to_pdf(rendered.html, font_config=font_config)
                _redraft(letter, rendered, pdf)
            last = done == total
            if not last and time.monotonic() - written_at < PROGRESS_EVERY:
                continue
            # The rows, their history and the progress in one transaction (a commit costs a
            # disk sync); the last one marks the batch done, so that the bar never reads
            # "all done" on a batch still running. A crash loses the letters since the
            # previous write, which the re-run redoes.
            generated += len(new) + len(changed)
            finished = {"status": BatchStatus.DONE, "finished_at": timezone.now()} if last else {}
            with transaction.atomic():
                _store_letters(new, changed)
                LetterBatch.objects.filter(pk=batch.pk).update(
                    done=done, generated=generated, skipped=skipped, **finished
                )
            new, changed = [], []
            written_at = time.monotonic()
            if progress:
                progress(done, total)
    except (ConsentError, letters.TemplateError) as exc:
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        raise
    if not work:
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE, finished_at=timezone.now()
        )
    batch.refresh_from_db()
    return batch


# What regenerating a letter rewrites.
_LETTER_FIELDS = ["subject", "text_body", "content_hash", "status", "failure_reason", "pdf",
                  "updated_at"]  # fmt: skip


def _redraft(letter: Letter, rendered: letters.RenderedLetter, pdf: bytes) -> None:
    """Put the new content on `letter` and its PDF on disk, over its old file. Changed
    content needs approving again."""
    letter.subject = rendered.subject
    letter.text_body = rendered.text
    letter.content_hash = rendered.content_hash
    letter.status = LetterStatus.DRAFTED
    letter.failure_reason = ""
    letter.updated_at = timezone.now()  # written by _update_rows, which skips auto_now
    _write_pdf(letter, pdf)


def _store_letters(new: list[Letter], changed: list[Letter]) -> None:
    """Write new and changed rows and their history rows, in bulk."""
    if not (new or changed):
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            if new:
                Letter.objects.bulk_create(new)
                Letter.history.bulk_history_create(new, default_date=now)
            if changed:
                _update_rows(Letter, changed, _LETTER_FIELDS)
                Letter.history.bulk_history_create(changed, update=True, default_date=now)
    except IntegrityError:
        # Another run of the same batch (a redelivered task) stored some first: take theirs
        # and write ours row by row.
        for letter in new + changed:
            try:
                with transaction.atomic():
                    letter.save()
            except IntegrityError:
                pass


def _update_rows(model, objs: list, fields: list[str]) -> None:
    """UPDATE `fields` of each of `objs` by primary key, one statement run for every row.
    QuerySet.bulk_update builds a CASE expression per field per row, which cost more than
    all the rest of Haven's work on a letter (1.7 ms a row against 0.1 ms)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns),
        quote(meta.pk.column),
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [meta.pk.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write_pdf(letter: Letter, pdf: bytes) -> None:
    """Overwrite the letter's PDF in place (same name: no delete, no search for a free name).
    Over the old bytes, then cut what is left of them: truncating a file and writing it anew
    makes ext4 start writing it to disk on close (its guard for replace-by-truncate), a wait
    of a millisecond or more per letter on a busy disk."""
    if letter.pdf:
        try:
            with letter.pdf.storage.open(letter.pdf.name, "r+b") as out:
                out.write(pdf)
                out.truncate()
            return
        except FileNotFoundError:
            pass  # its folder is gone: store it afresh
    letter.pdf.save(f"{letter.id}.pdf", ContentFile(pdf), save=False)


def letter_approve(*, letter: Letter, by) -> Letter:
    _require_coordinator(by)
    if letter.status not in (LetterStatus.DRAFTED, LetterStatus.FAILED):
        raise TransitionError(_("Only a drafted letter can be approved."))
    letter.status = LetterStatus.APPROVED
    letter.approved_by = by
    letter.save()
    return letter


class LetterSendError(Exception):
    pass


def letter_send(*, letter: Letter) -> Letter:
    """E-mail an approved letter with its PDF attached. On failure the letter is marked
    failed with the reason and LetterSendError is raised (the task retries it)."""
    if letter.status not in (LetterStatus.APPROVED, LetterStatus.FAILED):
        raise TransitionError(_("Only an approved letter can be sent."))
    emails = letter.authority.emails
    if not emails:
        raise ValidationError(_("This recipient has no e-mail address: send the PDF by post."))
    persons = letters.persons_in_scope(letter.urgent_action)
    letters.public_text(
        f"{letter.subject}\n{letter.text_body}",
        persons,
        where=_("An e-mail"),
        scanner=letters.scanner_for(letter.urgent_action, persons),
    )
    message = EmailMessage(subject=letter.subject, body=letter.text_body, to=emails)
    letter.pdf.open("rb")
    try:
        message.attach(f"letter-{letter.language}.pdf", letter.pdf.read(), "application/pdf")
    finally:
        letter.pdf.close()
    letter.send_attempts += 1
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any backend error: SMTP, socket, TLS
        letter.status = LetterStatus.FAILED
        letter.failure_reason = f"{type(exc).__name__}: {exc}"[:1000]
        letter.save()
        logger.warning("letter %s: sending failed (%s)", letter.pk, type(exc).__name__)
        raise LetterSendError(letter.failure_reason) from exc
    letter.status = LetterStatus.SENT
    letter.sent_at = timezone.now()
    letter.failure_reason = ""
    letter.save()
    return letter


def letter_send_enqueue(*, letter: Letter, by) -> Letter:
    _require_coordinator(by)
    if letter.status not in (LetterStatus.APPROVED, LetterStatus.FAILED):
        raise TransitionError(_("Only an approved letter can be sent."))
    if not letter.authority.emails:
        raise ValidationError(_("This recipient has no e-mail address: send the PDF by post."))
    from .tasks import send_letter_task

    transaction.on_commit(lambda: send_letter_task.delay(str(letter.pk)))
    return letter


def letters_approve_drafted(*, ua: UrgentAction, by) -> int:
    """Approve every drafted letter of `ua`; returns how many."""
    _require_coordinator(by)
    count = 0
    with transaction.atomic():
        for letter in ua.letters.filter(status=LetterStatus.DRAFTED).select_for_update():
            letter_approve(letter=letter, by=by)
            count += 1
    return count


def letters_send_approved(*, ua: UrgentAction, by) -> tuple[list[Letter], list[Letter]]:
    """Enqueue every approved (or failed) letter that has an e-mail address. Returns the
    letters enqueued and those left to send by post (no address)."""
    _require_coordinator(by)
    queued, by_post = [], []
    letters_qs = ua.letters.filter(status__in=[LetterStatus.APPROVED, LetterStatus.FAILED])
    for letter in letters_qs.select_related("authority"):
        if letter.authority.emails:
            queued.append(letter_send_enqueue(letter=letter, by=by))
        else:
            by_post.append(letter)
    return queued, by_post


def letter_record_answer(
    *, letter: Letter, by, text: str = "", file=None, answered_on: date | None = None
) -> Letter:
    _require_coordinator(by)
    if letter.status not in (LetterStatus.SENT, LetterStatus.ANSWERED, LetterStatus.APPROVED):
        raise TransitionError(_("Only a sent letter can be answered."))
    if not text and not file:
        raise ValidationError({"answer_text": _("Give the answer's text or attach it.")})
    letter.status = LetterStatus.ANSWERED
    letter.answer_text = text
    letter.answered_on = answered_on or timezone.localdate()
    if file is not None:
        letter.answer_file.save(f"{letter.id}-answer", file, save=False)
    letter.save()
    return letter


# Re-exported so callers catch one family of errors.
public_text = letters.public_text
__all__ = [
    "ConsentError",
    "LetterSendError",
    "TransitionError",
    "urgent_action_draft",
    "urgent_action_submit_for_review",
    "urgent_action_issue",
    "urgent_action_update",
    "urgent_action_close",
    "letters_generate",
    "letter_approve",
    "letters_approve_drafted",
    "letter_send",
    "letters_send_approved",
    "urgent_action_edit",
    "letter_record_answer",
]
