"""The lawyer's pages: my deadlines, calendar-feed tokens, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import record_read
from accounts.roles import STAFF_ROLES, user_roles

from . import selectors, services
from .api import filters_from
from .feeds import deadlines_calendar
from .kinds import KIND_LABELS, Kind
from .models import CalendarToken, DeadlineStatus, hash_token

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
    deadlines = list(selectors.deadlines_for(request.user, today=today, **filters)[:PAGE_LIMIT])
    record_read(user=request.user, objects=deadlines, channel="page", path=request.path)
    for d in deadlines:
        d.days_left = (d.due_on - today).days
        d.days_overdue = -d.days_left
        d.overdue = d.status in ("open", "missed") and d.due_on < today
    tokens = CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "engine/deadlines.html",
        {
            "deadlines": deadlines,
            "today": today,
            "filters": filters,
            "kinds": [(k.value, KIND_LABELS[k]) for k in Kind],
            "statuses": DeadlineStatus.choices,
            "tokens": tokens,
            "new_feed_url": request.session.pop("engine_new_feed_url", None),
            "truncated": len(deadlines) == PAGE_LIMIT,
        },
    )


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
    record_read(user=found.user, objects=deadlines, channel="feed", path="/engine/calendar/")
    response = HttpResponse(
        deadlines_calendar(deadlines, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response
