"""The lawyer's pages (my deadlines, calendar-feed tokens, the feed), the coordinator's
return-risk board, and everyone's alerts inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import record_read
from accounts.language import (
    LANGUAGE_CODES,
    language_chosen,
    set_language_cookie,
    user_language_set,
)
from accounts.roles import STAFF_ROLES, user_roles

from . import alerts, selectors, services
from .api import filters_from
from .feeds import deadlines_calendar
from .kinds import KIND_LABELS, Kind
from .models import (
    AlertPreference,
    CalendarToken,
    Deadline,
    DeadlineStatus,
    RiskAssessment,
    hash_token,
)

PAGE_LIMIT = 500


def _require_engine_view(user) -> None:
    if not (user_roles(user) & STAFF_ROLES and user.has_perm("engine.view_deadline")):
        raise PermissionDenied


@login_required
@require_GET
def deadline_list(request):
    _require_engine_view(request.user)
    today = timezone.localdate()
    filters = filters_from(request.GET)
    # Only what the rows show (and the audit reads): a third of the time of loading the
    # deadlines and their persons whole. A column the page shows must be added here.
    deadlines = selectors.deadlines_for(request.user, today=today, **filters).only(
        *ROW_FIELDS, "person__case_number", "person__primary_name", "person__confidentiality"
    )
    # Paged like the board: rendering a lawyer's 500 rows was most of the page's time, and
    # the first page already holds what is overdue and due within the week.
    page = Paginator(deadlines, DEADLINES_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    tokens = CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True)
    # Facts with no rule (a decision in a state Haven has no rule for): listed whatever the
    # kind and status filters, which are about deadlines; the person and place filters apply.
    gaps = list(
        selectors.gaps_for(
            request.user,
            scope=filters["scope"],
            person_id=filters["person_id"],
            jurisdiction=filters["jurisdiction"],
        )[:GAPS_ON_PAGE]
    )
    record_read(user=request.user, objects=shown + gaps, channel="page", path=request.path)
    return render(
        request,
        "engine/deadlines.html",
        {
            "rule_gaps": gaps,
            "gaps_cut": len(gaps) == GAPS_ON_PAGE,
            "rows": _deadline_rows(shown, today=today),
            "page": page,
            # The filters as the form sent them, for the pager's links.
            "keep": urlencode(
                [(k, v) for k in DEADLINE_FILTER_PARAMS for v in request.GET.getlist(k) if v]
            ),
            "today": today,
            "filters": filters,
            "kinds": [(k.value, KIND_LABELS[k]) for k in Kind],
            "statuses": DeadlineStatus.choices,
            "tokens": tokens,
            "new_feed_url": request.session.pop("engine_new_feed_url", None),
        },
    )


DEADLINES_PAGE_SIZE = 100
GAPS_SHOWN = 200  # in the calendar feed
# On the page: each gap is a rendered include, and 200 of them were three quarters of the
# page's time; the person and jurisdiction filters reach the others, and every gap stays on
# its person's page.
GAPS_ON_PAGE = 50
DEADLINE_FILTER_PARAMS = ("kind", "status", "jurisdiction", "scope", "person")

ROW_FIELDS = (
    "person",
    "kind",
    "due_on",
    "status",
    "waived_reason",
    "rule_code",
    "citation",
    "unverified",
    "practice",
    "why",
)


def _deadline_rows(deadlines: list, *, today) -> list[dict]:
    """What each row of the page shows, worked out here once a row, as plain values: the page
    holds up to 100 rows, and in the template a date filter, a plural block or a lookup
    through a model a row cost more than all the rest of the page."""
    labels = {
        name: {v: str(label) for v, label in Deadline._meta.get_field(name).flatchoices}
        for name in ("kind", "status")
    }
    by_date = {}
    rows = []
    for d in deadlines:
        overdue = d.status in ("open", "missed") and d.due_on < today
        if (d.due_on, overdue) not in by_date:
            days_left = (d.due_on - today).days
            if overdue:
                n = -days_left
                when = ngettext("%(days)s day overdue", "%(days)s days overdue", n) % {"days": n}
            elif days_left == 0:
                when = _("due today")
            else:
                when = ngettext("in %(days)s day", "in %(days)s days", days_left) % {
                    "days": days_left
                }
            by_date[(d.due_on, overdue)] = {
                "row_class": "overdue" if overdue else "soon" if days_left <= 7 else "",
                "due_iso": d.due_on.isoformat(),
                "due_text": date_format(d.due_on, "j M Y"),
                "when": when,
                "strong": overdue or days_left == 0,
            }
        rows.append(
            {
                **by_date[(d.due_on, overdue)],
                "case_number": d.person.case_number,
                "name": d.person.primary_name,
                "kind": labels["kind"].get(d.kind, d.kind),
                "status": labels["status"].get(d.status, d.status),
                "waived_reason": d.waived_reason,
                "rule_code": d.rule_code,
                "citation": d.citation,
                "unverified": d.unverified,
                "practice": d.practice,
                "why": d.why,
            }
        )
    return rows


@login_required
@require_POST
def calendar_token_create(request):
    _require_engine_view(request.user)
    _token, secret = services.calendar_token_create(user=request.user)
    # Shown once, on the next page: the secret is never stored, only its hash.
    request.session["engine_new_feed_url"] = request.build_absolute_uri(
        reverse("engine:calendar-feed", args=[secret])
    )
    messages.success(request, _("Your calendar feed address was created. Copy it now."))
    return redirect("engine:deadlines")


@login_required
@require_POST
def calendar_token_revoke(request, pk):
    _require_engine_view(request.user)
    if services.calendar_token_revoke(token_id=pk, user=request.user):
        messages.success(request, _("The calendar feed address was revoked."))
    return redirect("engine:deadlines")


@require_GET
def calendar_feed(request, token: str):
    """No session here: calendar apps cannot log in. The secret token is the credential; a
    revoked or unknown one is a plain 404 (saying nothing about whether it ever existed)."""
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.user.is_active:
        raise Http404
    CalendarToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    today = timezone.localdate()
    deadlines = list(selectors.deadlines_for(found.user, today=today)[:PAGE_LIMIT])
    gaps = list(selectors.gaps_for(found.user)[:GAPS_SHOWN])
    record_read(user=found.user, objects=deadlines + gaps, channel="feed", path="/engine/calendar/")
    response = HttpResponse(
        deadlines_calendar(deadlines, gaps=gaps, today=today, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The coordinator's board and the alerts inbox
# ---------------------------------------------------------------------------------------------

BOARD_LEVELS = ("imminent", "high", "elevated", "monitoring", "none")
INBOX_LIMIT = 200
BOARD_PAGE_SIZE = 50


@login_required
@require_GET
def board(request):
    if not (user_roles(request.user) & STAFF_ROLES) or not request.user.has_perm(
        "engine.view_riskassessment"
    ):
        raise PermissionDenied
    show_all = request.GET.get("all") == "1"
    no_barrier = request.GET.get("barrier") == "none"
    board = selectors.board_for(request.user, include_none=show_all, no_barrier=no_barrier)
    level_counts = selectors.board_level_counts(
        request.user, include_none=show_all, no_barrier=no_barrier
    )
    # Paged: in a crisis the board holds thousands of persons; the most urgent come first,
    # and the counts per level are one aggregate, not a page of rows each. The board's rows
    # are the rows those counts count: their sum is the paginator's count (a second pass over
    # every visible assessment saved).
    paginator = Paginator(board, BOARD_PAGE_SIZE)
    paginator.count = sum(level_counts.values())
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    record_read(user=request.user, objects=rows, channel="page", path=request.path)
    now = timezone.now()
    for row in rows:
        row.days_since_contact = (now - row.last_contact_at).days if row.last_contact_at else None
        row.needs_ua = row.level == "imminent" and not row.has_issued_ua
        row.draft_link = alerts.ua_draft_link(row.person_id) if row.needs_ua else ""
    _board_texts(rows)
    return render(
        request,
        "engine/board.html",
        {
            "needs_ua": [r for r in rows if r.needs_ua],
            "by_level": [
                (level, [r for r in rows if r.level == level and not r.needs_ua])
                for level in BOARD_LEVELS
            ],
            "level_counts": level_counts,
            "page_obj": page,
            "show_all": show_all,
            "no_barrier": no_barrier,
            # The filters as the page was asked for, for the pager's and the other filter's links.
            "keep": urlencode([("all", "1")] * show_all + [("barrier", "none")] * no_barrier),
            "keep_all": urlencode([("all", "1")] * show_all),
            "keep_barrier": urlencode([("barrier", "none")] * no_barrier),
        },
    )


def _board_texts(rows: list) -> None:
    """The sentences of each row (its level, what it was, since when, the last contact), the
    same messages the template used to put together, worked out here once a row."""
    labels = {
        name: {v: str(label) for v, label in RiskAssessment._meta.get_field(name).flatchoices}
        for name in ("level", "previous_level")
    }
    for row in rows:
        row.level_label = labels["level"].get(row.level, row.level)
        row.was = ""
        if row.previous_level and row.previous_level != row.level:
            before = labels["previous_level"].get(row.previous_level, row.previous_level)
            row.was = _("was %(before)s") % {"before": before}
        since = date_format(timezone.localtime(row.assessed_at), "j M Y H:i")
        row.since = _("since %(since)s") % {"since": since}
        if row.last_contact_at:
            row.contact_on = date_format(timezone.localtime(row.last_contact_at), "j M Y")
            n = row.days_since_contact
            row.contact_ago = ngettext("%(days)s day ago", "%(days)s days ago", n) % {"days": n}


@login_required
@require_GET
def inbox(request):
    if not user_roles(request.user) & STAFF_ROLES:
        raise PermissionDenied
    qs = alerts.inbox_for(request.user)
    unread = qs.filter(read_at__isnull=True).count()
    items = list(qs[:INBOX_LIMIT])
    preference = AlertPreference.objects.filter(user=request.user).first() or AlertPreference()
    return render(
        request,
        "engine/inbox.html",
        {
            "alerts": items,
            "unread": unread,
            "preference": preference,
            # Never chosen: the language the page is read in, so saving keeps it.
            "my_language": language_chosen(request.user) or translation.get_language(),
        },
    )


@login_required
@require_POST
def inbox_mark_read(request):
    if not user_roles(request.user) & STAFF_ROLES:
        raise PermissionDenied
    ids = [i for i in request.POST.getlist("alert") if _is_uuid(i)]
    alerts.alerts_mark_read(user=request.user, alert_ids=ids or None)
    return redirect("engine:inbox")


@login_required
@require_POST
def alert_preferences(request):
    if not user_roles(request.user) & STAFF_ROLES:
        raise PermissionDenied
    pref, _created = AlertPreference.objects.get_or_create(user=request.user)
    pref.email_immediately = request.POST.get("email_immediately") == "on"
    pref.digest_enabled = request.POST.get("digest_enabled") == "on"
    try:
        pref.digest_time = datetime.strptime(request.POST.get("digest_time", ""), "%H:%M").time()
    except ValueError:
        messages.error(request, _("Give the digest time as HH:MM."))
        return redirect("engine:inbox")
    pref.save()
    response = redirect("engine:inbox")
    language = request.POST.get("language", "")
    if language in LANGUAGE_CODES:
        user_language_set(user=request.user, language=language)
        # The pages follow at once: the cookie is what LocaleMiddleware reads.
        set_language_cookie(response, language)
        translation.activate(language)
    messages.success(request, _("Your alert preferences were saved."))
    return response


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
