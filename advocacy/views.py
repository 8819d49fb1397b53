"""The coordinator's pages for urgent actions: list, draft from persons or a group, edit with
a live preview, review and issue, updates, and letters (generate with a progress bar, approve,
send, record answers).

Views parse input, call one service and render; the rules are in advocacy.services. Only
coordinators and admins reach these pages (`advocacy.*` permissions and the role); persons are
read only through `Person.objects.visible_to`, and names typed in a search travel in a POST
body, never in a URL.

Stable hooks for browser tests (tests/browser/), by page:

- list:      #ua-filter (form), #ua-filter-status, #ua-list (table), a[data-testid=ua-link],
             #ua-new (link to the draft page)
- draft:     #draft-form, #draft-search (input; htmx search as you type), #draft-search-button,
             #draft-persons (results: checkboxes name=persons, data-testid=draft-person),
             #draft-groups (checkboxes name=groups, data-testid=draft-group), #draft-submit
- detail:    #ua-status, #ua-edit-form (htmx posts it to the preview as you type),
             #ua-title, #ua-summary, #ua-background, #ua-asks, #ua-languages_<n>,
             #ua-send-before, #ua-cosigners, #ua-additional-information, #ua-role-<authority>,
             #ua-save, #ua-preview (the live preview region), #ua-preview-error,
             #ua-submit, #ua-send-back, #ua-issue-form, #ua-issue-send-before, #ua-issue,
             #ua-errors (form errors, e.g. consent refused at issue), #ua-update, #ua-close,
             #ua-letters-link
- letters:   #letters-generate, #batch-progress (polls itself),
             [role=progressbar][data-testid=letters-progress] with aria-valuenow 0..100,
             #letters-approve-all, #letters-send-all, #letters-table,
             tr[data-testid=letter-row][data-status=...], button[data-testid=letter-approve],
             button[data-testid=letter-send], form[data-testid=letter-answer],
             [data-testid=letter-failure] (why sending failed), #letters-errors
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.mixins import audit_page_read
from accounts.roles import Role, has_role
from casework.consent import ConsentError, may_be_named, public_reference
from casework.models import Group, Person
from casework.names import search_persons

from . import letters as documents
from . import services
from .forms import AnswerForm, DraftForm, IssueForm, UrgentActionForm
from .models import (
    Authority,
    AuthorityRole,
    BatchStatus,
    Letter,
    LetterBatch,
    LetterStatus,
    UrgentAction,
    UrgentActionStatus,
)

PAGE_SIZE = 25
SEARCH_LIMIT = 20


def coordinator_required(perm: str):
    """Logged in (the middleware adds the second factor), a coordinator or an admin, and
    holding `perm`. Everyone else gets a 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (has_role(user, Role.COORDINATOR, Role.ADMIN) and user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def refusal_messages(exc: Exception) -> list[str]:
    """A service's refusal as sentences for the page (consent, a transition, a field)."""
    if isinstance(exc, ConsentError):
        return [str(exc)]
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


# --- list -------------------------------------------------------------------------------------


@coordinator_required("advocacy.view_urgentaction")
def ua_list(request):
    status = request.GET.get("status", "")
    if status not in UrgentActionStatus.values:
        status = ""
    # Two queries whatever the page holds: the count and the page (with the parent's number).
    qs = UrgentAction.objects.select_related("parent").order_by(*UrgentAction._meta.ordering)
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "advocacy/ua_list.html",
        {
            "page": page,
            "status": status,
            "statuses": UrgentActionStatus.choices,
            "keep": f"status={status}" if status else "",
        },
    )


# --- draft --------------------------------------------------------------------------------------


def _uuid_or_none(value: str | None):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _selected_persons(request, ids) -> list[Person]:
    ids = [i for i in (_uuid_or_none(str(x)) for x in ids) if i]
    if not ids:
        return []
    return list(Person.objects.visible_to(request.user).filter(pk__in=ids))


def _draft_candidates(request, selected: list[Person], query: str) -> list[Person]:
    """The persons already picked, then those matching the search (visible ones only)."""
    found = []
    if len(query.strip()) >= 2:
        qs = search_persons(Person.objects.visible_to(request.user), query)
        found = list(qs.exclude(pk__in=[p.pk for p in selected])[:SEARCH_LIMIT])
    shown = [*selected, *found]
    audit_page_read(request, shown)
    return shown


@coordinator_required("advocacy.add_urgentaction")
def ua_draft(request):
    """Pick persons (search as you type) or groups, and draft. `?person=` / `?group=` preselect
    one (the risk engine's "imminent with no urgent action" alert links here)."""
    visible = Person.objects.visible_to(request.user)
    errors: list[str] = []
    if request.method == "POST":
        form = DraftForm(request.POST, persons_queryset=visible)
        selected = _selected_persons(request, request.POST.getlist("persons"))
        if "search" not in request.POST and form.is_valid():
            try:
                ua = services.urgent_action_draft(
                    by=request.user,
                    persons=form.cleaned_data["persons"],
                    groups=form.cleaned_data["groups"],
                )
            except (ValidationError, ConsentError) as exc:
                errors = refusal_messages(exc)
            else:
                messages.success(request, _("Draft created from the case record: edit it below."))
                return redirect("advocacy:detail", pk=ua.pk)
        if "search" in request.POST:
            form = DraftForm(initial=request.POST, persons_queryset=visible)
        query = request.POST.get("q", "")
        chosen_groups = {str(g) for g in request.POST.getlist("groups")}
    else:
        selected = _selected_persons(request, request.GET.getlist("person"))
        form = DraftForm(persons_queryset=visible)
        query = ""
        chosen_groups = {
            str(g) for g in (_uuid_or_none(x) for x in request.GET.getlist("group")) if g
        }
    return render(
        request,
        "advocacy/ua_draft.html",
        {
            "form": form,
            "errors": errors,
            "candidates": _draft_candidates(request, selected, query),
            "selected_ids": {p.pk for p in selected},
            "groups": Group.objects.order_by("name"),
            "chosen_groups": chosen_groups,
            "query": query,
            "searched": len(query.strip()) >= 2,
        },
    )


@coordinator_required("advocacy.add_urgentaction")
@require_POST
def ua_draft_search(request):
    """Search as you type (htmx): POST, so the names typed never sit in a URL or a log."""
    selected = _selected_persons(request, request.POST.getlist("persons"))
    query = request.POST.get("q", "")
    return render(
        request,
        "advocacy/_draft_persons.html",
        {
            "candidates": _draft_candidates(request, selected, query),
            "selected_ids": {p.pk for p in selected},
            "searched": len(query.strip()) >= 2,
        },
    )


# --- detail, edit and preview ----------------------------------------------------------------


def _ua_or_404(pk) -> UrgentAction:
    return get_object_or_404(UrgentAction.objects.select_related("parent"), pk=pk)


def _edit_form(ua: UrgentAction, data=None) -> UrgentActionForm:
    """The edit form, offering the directory: authorities of the countries already addressed
    first (in the UA's order), then the rest of the active ones."""
    current = sorted(
        ua.recipients.select_related("authority"),
        key=lambda r: (r.role != AuthorityRole.RECIPIENT, r.position),
    )
    chosen = {r.authority_id: r.role for r in current}
    others = Authority.objects.filter(is_active=True).exclude(pk__in=chosen)
    countries = {r.authority.country for r in current}
    rest = sorted(others, key=lambda a: (a.country not in countries, a.country, a.rank, a.title))
    return UrgentActionForm(
        data, instance=ua, authorities=[r.authority for r in current] + rest, chosen=chosen
    )


def _preview(ua: UrgentAction, **kwargs) -> dict:
    try:
        return {"preview_html": documents.render_preview_html(ua, **kwargs)}
    except ConsentError as exc:
        return {"preview_error": str(exc), "consent_hits": exc.hits}


def _covered(request, ua: UrgentAction) -> dict:
    """Who the UA covers, as the coordinator may see them: case number and public reference
    (a person who has not consented is described here too, as in the document)."""
    visible = list(Person.objects.visible_to(request.user).filter(urgent_actions=ua))
    audit_page_read(request, visible)
    total = ua.persons.count()
    return {
        "covered": [
            {"person": p, "reference": public_reference(p), "named": may_be_named(p)}
            for p in visible
        ],
        "covered_hidden": total - len(visible),
        "covered_groups": list(ua.groups.annotate(known=Count("memberships"))),
    }


def _detail_context(request, ua: UrgentAction, *, form=None, issue_form=None, errors=(), hits=()):
    editable = ua.status in (UrgentActionStatus.DRAFT, UrgentActionStatus.IN_REVIEW)
    ctx = {
        "ua": ua,
        "editable": editable,
        "errors": list(errors),
        "issue_form": issue_form or IssueForm(initial={"send_before": ua.send_before}),
        "batch": ua.batches.order_by("-created_at").first(),
        "updates": list(ua.root.updates.order_by("update_number")) if ua.number else [],
        **_covered(request, ua),
    }
    if editable:
        ctx["form"] = form or _edit_form(ua)
    if form is not None and form.is_bound and form.is_valid():
        ctx.update(_preview(ua, changes=form.changes(), recipients=form.recipients()))
    else:
        ctx.update(_preview(ua))
    # What the gate stopped on, each with a way to say "someone else" (the phrase is the
    # action's own text; the person appears by case number only).
    ctx["consent_hits"] = list(hits) or ctx.get("consent_hits", [])
    ctx["consent_confirmations"] = list(
        ua.consent_confirmations.select_related("person", "confirmed_by").order_by("confirmed_at")
    )
    return ctx


def _hits(exc: Exception) -> list:
    return list(getattr(exc, "hits", []))


@coordinator_required("advocacy.view_urgentaction")
def ua_detail(request, pk):
    """GET: the UA with its preview and the actions its status allows. POST: save the edit."""
    ua = _ua_or_404(pk)
    if request.method == "POST":
        if not request.user.has_perm("advocacy.change_urgentaction"):
            raise PermissionDenied
        form = _edit_form(ua, request.POST)
        if form.is_valid():
            try:
                services.urgent_action_edit(
                    ua=ua, by=request.user, changes=form.changes(), recipients=form.recipients()
                )
            except ValidationError as exc:
                return render(
                    request,
                    "advocacy/ua_detail.html",
                    _detail_context(request, _ua_or_404(pk), form=form, errors=exc.messages),
                )
            messages.success(request, _("Saved."))
            return redirect("advocacy:detail", pk=ua.pk)
        return render(request, "advocacy/ua_detail.html", _detail_context(request, ua, form=form))
    return render(request, "advocacy/ua_detail.html", _detail_context(request, ua))


@coordinator_required("advocacy.change_urgentaction")
@require_POST
def ua_preview(request, pk):
    """The live preview (htmx): the document as it would print with the unsaved edit."""
    ua = _ua_or_404(pk)
    form = _edit_form(ua, request.POST)
    if form.is_valid():
        ctx = _preview(ua, changes=form.changes(), recipients=form.recipients())
    else:
        ctx = _preview(ua)
        ctx["preview_invalid"] = True
    return render(request, "advocacy/_ua_preview.html", ctx)


def _transition_view(service, *, success: str):
    @coordinator_required("advocacy.change_urgentaction")
    @require_POST
    def view(request, pk):
        ua = _ua_or_404(pk)
        try:
            ua = service(ua=ua, by=request.user)
        except (ValidationError, ConsentError) as exc:
            ctx = _detail_context(
                request, _ua_or_404(pk), errors=refusal_messages(exc), hits=_hits(exc)
            )
            return render(request, "advocacy/ua_detail.html", ctx)
        messages.success(request, success)
        return redirect("advocacy:detail", pk=ua.pk)

    return view


ua_submit = _transition_view(
    services.urgent_action_submit_for_review, success=gettext_lazy("Submitted for review.")
)
ua_send_back = _transition_view(
    services.urgent_action_send_back, success=gettext_lazy("Sent back to draft.")
)
ua_close = _transition_view(services.urgent_action_close, success=gettext_lazy("Closed."))
ua_update = _transition_view(
    services.urgent_action_update,
    success=gettext_lazy("Update drafted from the current facts: edit it below."),
)


@coordinator_required("advocacy.change_urgentaction")
@require_POST
def ua_issue(request, pk):
    ua = _ua_or_404(pk)
    form = IssueForm(request.POST)
    errors: list[str] = []
    hits: list = []
    if form.is_valid():
        try:
            services.urgent_action_issue(
                ua=ua,
                by=request.user,
                issued_on=form.cleaned_data["issued_on"],
                send_before=form.cleaned_data["send_before"],
            )
        except (ValidationError, ConsentError) as exc:
            errors, hits = refusal_messages(exc), _hits(exc)
        else:
            messages.success(request, _("Issued."))
            return redirect("advocacy:detail", pk=ua.pk)
    ctx = _detail_context(request, _ua_or_404(pk), issue_form=form, errors=errors, hits=hits)
    return render(request, "advocacy/ua_detail.html", ctx)


@coordinator_required("advocacy.change_urgentaction")
@require_POST
def ua_consent_confirm(request, pk):
    """The coordinator's word that a phrase the consent gate stopped on is someone else
    (person and phrase in the POST body, never in the URL)."""
    ua = _ua_or_404(pk)
    try:
        services.urgent_action_confirm_someone_else(
            ua=ua,
            person_id=request.POST.get("person", ""),
            phrase=request.POST.get("phrase", ""),
            by=request.user,
        )
    except ValidationError as exc:
        ctx = _detail_context(request, ua, errors=refusal_messages(exc))
        return render(request, "advocacy/ua_detail.html", ctx, status=400)
    messages.success(request, _("Recorded: that phrase names someone else, for this action."))
    return redirect("advocacy:detail", pk=ua.pk)


# --- letters ----------------------------------------------------------------------------------


@coordinator_required("advocacy.view_letter")
def letters_page(request, pk, errors=()):
    ua = _ua_or_404(pk)
    batch = ua.batches.order_by("-created_at").first()
    rows = [
        (letter, AnswerForm(auto_id=f"answer-{letter.pk}-%s"))
        for letter in ua.letters.select_related("authority").order_by("authority__rank", "language")
    ]
    counts = ua.letters.aggregate(
        drafted=Count("pk", filter=Q(status=LetterStatus.DRAFTED)),
        approved=Count("pk", filter=Q(status__in=[LetterStatus.APPROVED, LetterStatus.FAILED])),
    )
    return render(
        request,
        "advocacy/letters.html",
        {"ua": ua, "batch": batch, "rows": rows, "counts": counts, "errors": list(errors)},
    )


@coordinator_required("advocacy.add_letterbatch")
@require_POST
def generate(request, pk):
    ua = _ua_or_404(pk)
    try:
        batch = services.letter_batch_start(ua=ua, by=request.user)
    except ValidationError as exc:
        if request.htmx:
            return render(request, "advocacy/_errors.html", {"errors": exc.messages})
        return letters_page(request, pk, errors=exc.messages)
    if request.htmx:
        return _progress(request, batch)
    return redirect("advocacy:letters", pk=ua.pk)


def _progress(request, batch: LetterBatch):
    """The progress bar; once the batch has finished, reload the page once so the letters
    table under it shows what was generated (a finished bar no longer polls: no loop)."""
    response = render(request, "advocacy/_progress.html", {"batch": batch})
    if request.htmx and batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        response["HX-Refresh"] = "true"
    return response


@coordinator_required("advocacy.view_letterbatch")
def batch_progress(request, pk):
    return _progress(request, get_object_or_404(LetterBatch, pk=pk))


def _letter_action(request, pk, action) -> Letter | None:
    letter = get_object_or_404(Letter.objects.select_related("authority", "urgent_action"), pk=pk)
    try:
        action(letter)
    except (ValidationError, ConsentError) as exc:
        for message in refusal_messages(exc):
            messages.error(request, message)
    return letter


@coordinator_required("advocacy.change_letter")
@require_POST
def letter_approve(request, pk):
    letter = _letter_action(
        request, pk, lambda x: services.letter_approve(letter=x, by=request.user)
    )
    return redirect("advocacy:letters", pk=letter.urgent_action_id)


@coordinator_required("advocacy.change_letter")
@require_POST
def letter_send(request, pk):
    letter = _letter_action(
        request, pk, lambda x: services.letter_send_enqueue(letter=x, by=request.user)
    )
    return redirect("advocacy:letters", pk=letter.urgent_action_id)


@coordinator_required("advocacy.change_letter")
@require_POST
def letter_answer(request, pk):
    letter = get_object_or_404(Letter, pk=pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        _letter_action(
            request,
            pk,
            lambda x: services.letter_record_answer(
                letter=x,
                by=request.user,
                text=form.cleaned_data["answer_text"],
                file=form.cleaned_data["answer_file"],
                answered_on=form.cleaned_data["answered_on"],
            ),
        )
    return redirect("advocacy:letters", pk=letter.urgent_action_id)


@coordinator_required("advocacy.change_letter")
@require_POST
def letters_approve_all(request, pk):
    ua = _ua_or_404(pk)
    count = services.letters_approve_drafted(ua=ua, by=request.user)
    messages.success(request, _("%(n)d letters approved.") % {"n": count})
    return redirect("advocacy:letters", pk=ua.pk)


@coordinator_required("advocacy.change_letter")
@require_POST
def letters_send_all(request, pk):
    ua = _ua_or_404(pk)
    queued, by_post = services.letters_send_approved(ua=ua, by=request.user)
    messages.success(request, _("%(n)d letters queued for sending.") % {"n": len(queued)})
    if by_post:
        messages.warning(
            request,
            _("%(n)d letters have no e-mail address: print them and send them by post.")
            % {"n": len(by_post)},
        )
    return redirect("advocacy:letters", pk=ua.pk)
