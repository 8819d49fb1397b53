"""Alerts: who is told what, once, and how it reaches them.

Raising: `alerts_create` writes one Alert row per (event, recipient) with
bulk_create(ignore_conflicts=True) on the unique (recipient, dedup_key): called inside the
transaction that decided the event (a recompute batch), so either the event and its alerts
commit together or neither does, and a second run finds them already there.

Recipients: the person's assigned staff (active) and the coordinators; for a restricted
person, only coordinators who may see it (assigned to it, or admins). Deadline reminders
before the due date go to the assigned staff only (coordinators if nobody is assigned);
"imminent with no urgent action" goes to the coordinators (the assigned staff if no
coordinator may see the person).

Delivery: every alert is in the inbox at once. Its e-mail is an outbox on the row: pending ->
sending (claimed by compare-and-set) -> sent, or failed (retried with backoff by the outbox
task, the error kept on the row and shown in the inbox) -> gave_up after MAX_ATTEMPTS. A
worker that dies between the claim and the record leaves "sending": reclaimed after
STALE_CLAIM. Digests: one per user and day (unique), same claim-and-record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.language import language_of

from .models import Alert, AlertKind, AlertPreference, DeliveryStatus, Digest

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)
DEFAULT_DIGEST_TIME = AlertPreference._meta.get_field("digest_time").default

AUDIENCE_ALL = "all"
AUDIENCE_STAFF = "staff"
AUDIENCE_COORDINATORS = "coordinators"


@dataclass(frozen=True)
class AlertSpec:
    person_id: str
    kind: str
    dedup_key: str
    subject: str
    body: str
    level: str = ""
    link: str = ""
    action_link: str = ""
    audience: str = AUDIENCE_ALL
    message: dict = field(default_factory=dict, hash=False, compare=False)


def ua_draft_link(person_id) -> str:
    """Where a coordinator drafts an urgent action for this person, prefilled. Advocacy has
    no prefill page yet: this is the hook (see the report of issue 6 for the route needed)."""
    return f"{_ua_draft_path(get_script_prefix())}?person={person_id}"


@lru_cache(maxsize=8)
def _ua_draft_path(script_prefix: str) -> str:
    try:
        return reverse("advocacy:draft")
    except NoReverseMatch:
        return "/advocacy/urgent-actions/draft/"


_SOME_PERSON = "00000000-0000-0000-0000-000000000000"


def person_link(person_id) -> str:
    # Reversed once per URL prefix, not per person: a first sweep links 10,000 persons.
    return _person_link_pattern(get_script_prefix()).replace(_SOME_PERSON, str(person_id))


def person_linker():
    """person_link for many persons: the URL prefix (a context-local read) looked up once."""
    pattern = _person_link_pattern(get_script_prefix())
    return lambda person_id: pattern.replace(_SOME_PERSON, str(person_id))


@lru_cache(maxsize=8)
def _person_link_pattern(script_prefix: str) -> str:
    try:
        return reverse("casework:person", args=[_SOME_PERSON])
    except NoReverseMatch:
        return f"/persons/{_SOME_PERSON}/"


def recipients(person: dict, directory: dict, audience: str = AUDIENCE_ALL) -> list:
    """User ids for an alert about `person` (a selectors.assignment_rows entry)."""
    staff = list(person["staff"])
    coordinators = list(directory["coordinators"])
    if person["restricted"]:
        coordinators = [c for c in coordinators if c in directory["admins"] or c in staff]
    if audience == AUDIENCE_STAFF:
        chosen = staff or coordinators
    elif audience == AUDIENCE_COORDINATORS:
        chosen = coordinators or staff
    else:
        chosen = staff + coordinators
    return list(dict.fromkeys(chosen))


def alerts_create(
    *, specs: Iterable[AlertSpec], assignments: dict[str, dict], directory: dict
) -> int:
    """Write the alerts of these events (one query). Existing (recipient, event) pairs are
    left alone. Returns how many rows were attempted."""
    rows = []
    immediate = directory.get("email_immediately", {})
    for spec in specs:
        person = assignments.get(str(spec.person_id))
        if person is None:
            continue
        subject = spec.subject.replace("{case}", person["case_number"])[:300]
        message = _with_case(spec.message, person["case_number"])
        for user_id in recipients(person, directory, spec.audience):
            by_email = immediate.get(user_id, True) or spec.level == "imminent"
            rows.append(
                Alert(
                    recipient_id=user_id,
                    person_id=spec.person_id,
                    kind=spec.kind,
                    dedup_key=spec.dedup_key,
                    level=spec.level,
                    subject=subject,
                    body=spec.body,
                    message=message,
                    link=spec.link,
                    action_link=spec.action_link,
                    email_status=DeliveryStatus.PENDING if by_email else DeliveryStatus.SKIPPED,
                )
            )
    if rows:
        Alert.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(_enqueue_outbox)
    return len(rows)


def alert_worded(
    subject: dict, lines: list[dict], said: Sequence[str] = ()
) -> tuple[str, str, dict]:
    """(English subject with {case}, English body, message) of an alert worded as messages
    (engine/wording.py): `subject` and each line are {"text": msgid, "args": {...}}. The case
    number is added to the subject by alerts_create, per person. `said`: the English of the
    first lines when the caller has it already (a sweep words thousands of alerts)."""
    from .wording import say

    english_subject = say(subject["text"], {**subject.get("args", {}), "case": "{case}"})
    rest = lines[len(said) :]
    body = "\n".join([*said, *(say(line["text"], line.get("args") or {}) for line in rest)])
    return english_subject, body, {"subject": subject, "lines": lines}


def _with_case(message: dict, case_number: str) -> dict:
    if not message or "subject" not in message:
        return message
    subject = message["subject"]
    return {**message, "subject": {**subject, "args": {**subject.get("args", {}),
                                                       "case": case_number}}}  # fmt: skip


def alert_subject(alert) -> str:
    """The alert's subject in the active language (its English if it has no message)."""
    return _said(alert.message.get("subject") if alert.message else None, alert.subject)


def alert_body(alert) -> str:
    """The alert's body in the active language, line by line (its English if none)."""
    lines = (alert.message or {}).get("lines")
    if not lines:
        return alert.body
    return "\n".join(_said(line, "") for line in lines)


def _said(message: dict | None, fallback: str) -> str:
    from .templatetags.risk_barriers import READER
    from .wording import say

    if not message or not message.get("text"):
        return fallback
    try:
        return say(message["text"], message.get("args") or {}, READER)
    except (KeyError, TypeError, ValueError):
        return fallback or say(message["text"], message.get("args") or {})


def _enqueue_outbox() -> None:
    from .tasks import alert_outbox_task

    try:
        alert_outbox_task.delay()
    except Exception:  # noqa: BLE001 - the beat entry drains the outbox every minute
        log.exception("engine: could not enqueue the alert outbox; the beat entry will")


# ---------------------------------------------------------------------------------------------
# E-mail: the outbox
# ---------------------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes... capped at an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _due_q(now: datetime, prefix: str = "email_") -> Q:
    status = f"{prefix}status" if prefix else "status"
    claimed = f"{prefix}claimed_at" if prefix else "claimed_at"
    q = Q(**{status: DeliveryStatus.PENDING}) | Q(
        **{status: DeliveryStatus.SENDING, f"{claimed}__lt": now - STALE_CLAIM}
    )
    if prefix:
        q |= Q(email_status=DeliveryStatus.FAILED, email_next_attempt_at__lte=now)
    else:
        q |= Q(status=DeliveryStatus.FAILED)
    return q


def alert_email_deliver(*, alert_id, now: datetime | None = None) -> str:
    """Send one alert's e-mail if it is due and nobody else is sending it. Returns the
    resulting status, or "" if another worker holds it (the compare-and-set decides)."""
    now = now or timezone.now()
    claimed = (
        Alert.objects.filter(pk=alert_id)
        .filter(_due_q(now))
        .update(
            email_status=DeliveryStatus.SENDING,
            email_claimed_at=now,
            email_attempts=F("email_attempts") + 1,
        )
    )
    if not claimed:
        return ""
    alert = Alert.objects.select_related("recipient__haven_profile", "person").get(pk=alert_id)
    mine = Alert.objects.filter(pk=alert_id, email_status=DeliveryStatus.SENDING)
    if not alert.recipient.email or not alert.recipient.is_active:
        mine.update(email_status=DeliveryStatus.SKIPPED, email_error="no e-mail address")
        return DeliveryStatus.SKIPPED
    # In the recipient's language, whatever the worker has active (accounts.language).
    with translation.override(language_of(alert.recipient)):
        subject, text = alert_subject(alert), _email_text(alert)
    try:
        send_mail(
            f"[Haven] {subject}",
            text,
            settings.DEFAULT_FROM_EMAIL,
            [alert.recipient.email],
        )
    except Exception as error:  # noqa: BLE001 - any backend error is recorded and retried
        gave_up = alert.email_attempts >= MAX_ATTEMPTS
        mine.update(
            email_status=DeliveryStatus.GAVE_UP if gave_up else DeliveryStatus.FAILED,
            email_next_attempt_at=None if gave_up else now + backoff(alert.email_attempts),
            email_error=f"{type(error).__name__}: {error}"[:500],
        )
        # The log names the alert only: the error text may hold an address.
        log.warning("engine: alert e-mail %s failed (attempt %s)", alert.pk, alert.email_attempts)
        return DeliveryStatus.GAVE_UP if gave_up else DeliveryStatus.FAILED
    mine.update(email_status=DeliveryStatus.SENT, email_sent_at=timezone.now(), email_error="")
    return DeliveryStatus.SENT


def alerts_outbox_drain(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver every due e-mail (pending, failed and due for a retry, or stale claims)."""
    now = now or timezone.now()
    ids = list(
        Alert.objects.filter(_due_q(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if alert_email_deliver(alert_id=pk, now=now) == DeliveryStatus.SENT)


def _email_text(alert: Alert) -> str:
    base = getattr(settings, "HAVEN_BASE_URL", "").rstrip("/")
    lines = [alert_subject(alert), "", alert_body(alert), ""]
    if alert.link:
        lines.append(_("Open in Haven: %(url)s") % {"url": base + alert.link})
    if alert.action_link:
        lines.append(_("Proposed action: %(url)s") % {"url": base + alert.action_link})
    lines += ["", _("Your alerts: %(url)s") % {"url": base + _inbox_path()}]
    return "\n".join(lines)


def _inbox_path() -> str:
    try:
        return reverse("engine:inbox")
    except NoReverseMatch:
        return "/engine/inbox/"


# ---------------------------------------------------------------------------------------------
# The inbox
# ---------------------------------------------------------------------------------------------


def alerts_mark_read(*, user, alert_ids: Sequence | None = None) -> int:
    """Mark the user's own alerts read (all unread ones when `alert_ids` is None)."""
    qs = Alert.objects.filter(recipient=user, read_at__isnull=True)
    if alert_ids is not None:
        qs = qs.filter(pk__in=list(alert_ids))
    return qs.update(read_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# Daily digests
# ---------------------------------------------------------------------------------------------


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send the digests that are due: users with alerts in the last day whose digest time has
    passed today and who have no digest for today yet. Run by beat every few minutes; the
    unique (user, day) makes running it twice harmless. Returns how many were sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    prefs = {
        user_id: (enabled, at)
        for user_id, enabled, at in AlertPreference.objects.values_list(
            "user_id", "digest_enabled", "digest_time"
        )
    }
    candidates = set(
        Alert.objects.filter(created_at__gte=now - timedelta(days=1)).values_list(
            "recipient_id", flat=True
        )
    )
    done = set(
        Digest.objects.filter(day=day)
        .exclude(_due_q(now, prefix=""))
        .values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in sorted(candidates - done, key=str):
        enabled, at = prefs.get(user_id, (True, DEFAULT_DIGEST_TIME))
        if enabled and local.time() >= at:
            sent += digest_send(user_id=user_id, day=day, now=now) == DeliveryStatus.SENT
    return sent


def digest_send(*, user_id, day: date, now: datetime) -> str:
    from django.contrib.auth import get_user_model

    previous = Digest.objects.filter(user_id=user_id, day__lt=day).order_by("-day").first()
    start = previous.period_end if previous else now - timedelta(days=1)
    digest, _created = Digest.objects.get_or_create(
        user_id=user_id, day=day, defaults={"period_start": start, "period_end": now}
    )
    claimed = (
        Digest.objects.filter(pk=digest.pk)
        .filter(_due_q(now, prefix=""))
        .update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return ""
    mine = Digest.objects.filter(pk=digest.pk, status=DeliveryStatus.SENDING)
    user = get_user_model().objects.select_related("haven_profile").get(pk=user_id)
    alerts = list(
        inbox_for(user).filter(
            created_at__gte=digest.period_start, created_at__lt=digest.period_end
        )
    )
    if not alerts or not user.email:
        mine.update(status=DeliveryStatus.SKIPPED, alert_count=len(alerts))
        return DeliveryStatus.SKIPPED
    # In the recipient's language: beat runs this with no request, in the site's language.
    with translation.override(language_of(user)):
        subject, text = _digest_text(alerts, since=digest.period_start)
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as error:  # noqa: BLE001
        mine.update(status=DeliveryStatus.FAILED, error=f"{type(error).__name__}: {error}"[:500])
        return DeliveryStatus.FAILED
    mine.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), alert_count=len(alerts))
    return DeliveryStatus.SENT


def _digest_text(alerts: list[Alert], *, since: datetime) -> tuple[str, str]:
    """The digest's subject and text in the active language: a line per alert, its subject."""
    n = len(alerts)
    when = date_format(timezone.localtime(since), "j E H:i")
    lines = [
        ngettext(
            "Haven: %(count)s alert since %(since)s",
            "Haven: %(count)s alerts since %(since)s",
            n,
        )
        % {"count": n, "since": when},
        "",
    ]
    lines += [_("- %(item)s") % {"item": alert_subject(a)} for a in alerts]
    base = getattr(settings, "HAVEN_BASE_URL", "").rstrip("/")
    lines += ["", _("Your alerts: %(url)s") % {"url": base + _inbox_path()}]
    subject = ngettext(
        "[Haven] Daily digest: %(count)s alert", "[Haven] Daily digest: %(count)s alerts", n
    ) % {"count": n}
    return subject, "\n".join(lines)


def inbox_for(user):
    """The user's alerts about persons they may still see (assignments change), newest
    first. Through the visibility gate, like every read of persons."""
    from casework.access import person_visibility_q

    gate = person_visibility_q(user, "person")
    qs = Alert.objects.filter(recipient=user)
    if gate:  # Q() (admins) must not be OR-ed: Q(a) | Q() is Q(a) in Django
        qs = qs.filter(Q(person__isnull=True) | gate)
    return qs.select_related("person").order_by("-created_at", "pk")


# No user has this id (ids count up from 1): it stands for the user in the SQL built once.
_STAND_IN_USER_ID = -1


@lru_cache(maxsize=32)
def _unread_count_sql(vendor: str, roles: frozenset[str]) -> tuple[str, tuple]:
    from django.contrib.auth import get_user_model

    stand_in = get_user_model()(pk=_STAND_IN_USER_ID, is_active=True)
    stand_in._haven_roles = roles  # what accounts.roles.user_roles reads
    unread = inbox_for(stand_in).filter(read_at__isnull=True).order_by().values("pk")
    sql, params = unread.query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) unread", params


def unread_count(user) -> int:
    """How many of the user's alerts are unread, through the inbox's gate: the count of
    `inbox_for(user)` unread. Asked by every page (the navigation badge), so its SQL is built
    by the ORM once a process for each set of roles, with a stand-in for the user's id:
    building the gated count cost each page ~2.5 ms of Python, several times running it."""
    from django.db import connection

    from accounts.roles import STAFF_ROLES, user_roles

    roles = user_roles(user)
    if not roles & STAFF_ROLES:
        return 0  # the gate lets such a user see nothing
    sql, params = _unread_count_sql(connection.vendor, roles)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _STAND_IN_USER_ID else p for p in params])
        return cursor.fetchone()[0]


__all__ = [
    "AlertKind",
    "AlertSpec",
    "alert_email_deliver",
    "alerts_create",
    "alerts_mark_read",
    "alerts_outbox_drain",
    "alert_body",
    "alert_subject",
    "digests_send_due",
    "inbox_for",
    "unread_count",
]
