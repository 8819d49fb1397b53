"""The pages people work in: home per role, persons (list, search as you type, the person
page, a welfare check in a few seconds), groups (log an event before names are known, add
members later), and the lawyer's proceedings.

Views parse, check and render; reads are in casework.selectors, writes in casework.services.
Every view refuses anyone without a staff role (the URL walk test checks it), every read of a
person goes through the visibility gate, and a restricted person an unassigned user asks for
is a 404, the same answer as a person who does not exist.
"""

from __future__ import annotations

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.mixins import audit_page_read
from accounts.roles import STAFF_ROLES, Role, user_roles

from . import forms, selectors, services
from . import models as m
from .access import can_see_person, visible

PAGE_SIZE = 25


def staff_required(view):
    """Logged in (the middleware adds the second factor) and holding a staff role."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_roles(request.user) & STAFF_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def url_or_none(name: str, *args) -> str | None:
    """A link to a page another engineer may not have built yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _page(request, qs):
    paginator = Paginator(qs, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


# ---------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------


@staff_required
def home(request):
    """What needs me today, per role (a user with several roles sees each part)."""
    roles = user_roles(request.user)
    today = timezone.localdate()
    ctx = {
        "roles": roles,
        "today": today,
        "no_contact_days": selectors.NO_CONTACT_DAYS,
        "inbox_url": url_or_none("engine:inbox"),
        "board_url": url_or_none("engine:board"),
        "deadlines_url": url_or_none("engine:deadlines"),
    }
    shown = []
    if roles & {Role.CASEWORKER, Role.ADMIN}:
        ctx["no_contact"] = selectors.detained_without_contact(request.user, today=today)
        ctx["transfers"] = selectors.transfers_reported(request.user, today=today)
        ctx["group_transfers"] = selectors.group_transfers_reported(today=today)
        shown += ctx["no_contact"] + [c.person for c in ctx["transfers"]]
    if roles & {Role.LAWYER, Role.ADMIN}:
        ctx["deadlines"] = selectors.deadlines_due(request.user, today=today)
        shown += [d.person for d in ctx["deadlines"]]
    if roles & {Role.COORDINATOR, Role.ADMIN}:
        ctx["risk_available"] = selectors.risk_model() is not None
        ctx["at_risk"] = selectors.persons_at_risk(request.user)
        ctx["imminent_without_ua"] = [
            p for p in ctx["at_risk"] if p.risk.level == "imminent" and not p.has_issued_ua
        ]
        ctx["uas_due"] = selectors.urgent_actions_due(today=today)
        ctx["uas_open"] = selectors.urgent_actions_open()
        ctx["ua_available"] = selectors.urgent_action_model() is not None
        shown += ctx["at_risk"]
    audit_page_read(request, shown)
    return render(request, "home.html", ctx)


# ---------------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------------


@staff_required
def person_list(request):
    status = request.GET.get("status", "")
    if status not in m.PersonStatus.values:
        status = ""
    sort = request.GET.get("sort", "name")
    if sort not in selectors.PERSON_SORTS:
        sort = "name"
    detained = request.GET.get("detained") == "1"
    mine = request.GET.get("mine") == "1"
    page = _page(
        request,
        selectors.persons_list(
            request.user, status=status, detained=detained, mine=mine, sort=sort
        ),
    )
    audit_page_read(request, list(page))
    query = {"status": status, "detained": "1" if detained else "", "mine": "1" if mine else ""}
    keep = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return render(
        request,
        "casework/person_list.html",
        {
            "page": page,
            "statuses": m.PersonStatus.choices,
            "status": status,
            "sort": sort,
            "detained": detained,
            "mine": mine,
            "keep": keep,
            "search_form": forms.SearchForm(),
        },
    )


@staff_required
@require_POST
def person_search(request):
    """Search as you type. POST, so the words typed (names) never sit in a URL, an access log
    or a Referer header. Answers the result fragment to htmx, the whole page otherwise."""
    form = forms.SearchForm(request.POST)
    results = selectors.persons_search(request.user, form.data.get("q", ""))
    audit_page_read(request, results)
    ctx = {
        "results": results,
        "searched": len(form.data.get("q", "").strip()) >= 2,
        "q": form.data.get("q", "").strip(),
        "can_create": request.user.has_perm("casework.add_person"),
    }
    group = None
    if request.POST.get("group"):
        group = m.Group.objects.filter(pk=request.POST["group"]).first()
        ctx["group"] = group
    if request.htmx:
        return render(request, "casework/_search_results.html", ctx)
    ctx["search_form"] = form
    return render(request, "casework/search.html", ctx)


def _person_or_404(request, pk) -> m.Person:
    person = selectors.person_for_page(request.user, pk)
    if person is None:
        raise Http404
    return person


def _actions(request, person: m.Person) -> dict:
    user = request.user
    ua_draft = url_or_none("advocacy:draft")
    return {
        "can_welfare": user.has_perm("casework.add_welfarecheck"),
        "can_proceedings": user.has_perm("casework.add_appeal"),
        "can_groups": user.has_perm("casework.add_groupmembership"),
        "ua_draft_url": ua_draft if user.has_perm("advocacy.add_urgentaction") else None,
        "manual_deadline_url": url_or_none("engine:manual-deadline-new", person.pk)
        if user.has_perm("engine.add_manualdeadline")
        else None,
        "edit_url": reverse("casework:person-edit", args=[person.pk])
        if user.has_perm("casework.change_person")
        else None,
        "can_detentions": user.has_perm("casework.add_detention")
        and user.has_perm("casework.change_detention"),
        "can_return": user.has_perm("casework.add_return")
        and user.has_perm("casework.change_return"),
    }


@staff_required
def person_detail(request, pk):
    person = _person_or_404(request, pk)
    audit_page_read(request, person)
    by_source = selectors.deadlines_by_source(person)
    risk = selectors.current_risk([person.pk]).get(person.pk)
    ctx = {
        "person": person,
        "names": list(person.names.all()),
        "relatives": selectors.relatives_of(request.user, person),
        "risk": risk,
        "risk_reasons": selectors.reasons_of(risk),
        "risk_available": selectors.risk_model() is not None,
        "deadlines": selectors.open_deadlines(by_source),
        "manual_deadlines": selectors.manual_deadlines(person),
        "rule_gaps": selectors.rule_gaps(person),
        "deadlines_available": selectors.deadline_model() is not None,
        "detentions": list(person.detentions.select_related("facility")),
        "welfare_checks": list(person.welfare_checks.all()[:5]),
        "return_record": m.Return.objects.filter(person=person).first(),
        "groups": list(person.groups.all()),
        "proceedings": _proceedings(person, by_source),
        "timeline": selectors.timeline(person),
        "welfare_form": forms.WelfareCheckForm(),
        **_actions(request, person),
    }
    return render(request, "casework/person_detail.html", ctx)


def _proceedings(person: m.Person, by_source) -> dict:
    def with_deadlines(rows, source_type):
        rows = list(rows)
        for r in rows:
            r.deadlines = by_source.get((source_type, str(r.pk)), [])
        return rows

    measures = with_deadlines(
        person.interim_measures.prefetch_related("reaffirmations"), "casework.interimmeasure"
    )
    return {
        "extraditions": with_deadlines(
            person.extradition_requests.all(), "casework.extraditionrequest"
        ),
        "asylum_claims": with_deadlines(person.asylum_claims.all(), "casework.asylumclaim"),
        # The page names the appeal's lower court, nothing else of its relations.
        "appeals": with_deadlines(person.appeals.select_related("lower_appeal"), "casework.appeal"),
        "interim_measures": measures,
        "detentions_deadlines": {
            str(k[1]): v for k, v in by_source.items() if k[0] == "casework.detention"
        },
    }


@staff_required
@require_POST
def welfare_check_add(request, pk):
    """The 30-second form: posted by htmx from the person page, answered with the form (fresh,
    or with its errors) and the latest checks."""
    _need(request, "casework.add_welfarecheck")
    person = _person_or_404(request, pk)
    form = forms.WelfareCheckForm(request.POST)
    saved = None
    if form.is_valid():
        saved = services.welfare_check_record(person=person, by=request.user, **form.cleaned_data)
        form = forms.WelfareCheckForm()
    if not request.htmx:
        if saved:
            messages.success(request, _("Welfare check recorded."))
        return redirect("casework:person", pk=person.pk)
    return render(
        request,
        "casework/_welfare.html",
        {
            "person": person,
            "welfare_form": form,
            "welfare_checks": list(person.welfare_checks.all()[:5]),
            "saved": saved,
            "can_welfare": True,
        },
    )


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------


@staff_required
def group_list(request):
    sort = request.GET.get("sort", "name")
    page = _page(request, selectors.groups_list(sort))
    return render(request, "casework/group_list.html", {"page": page, "sort": sort})


@staff_required
def group_event_log(request):
    """One action for "29 men moved from the camp to the detention centre in Osh": the group
    (new or existing), its estimated size, and the event, before any name is known."""
    _need(request, "casework.add_groupevent")
    form = forms.GroupEventForm(request.POST or None, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            group = data["group"]
            if group is None:
                group = m.Group(name=data["new_group_name"], estimated_size=data["estimated_size"])
                group._history_user = request.user
                group.save()
            elif data["estimated_size"] and data["estimated_size"] != group.estimated_size:
                group.estimated_size = data["estimated_size"]
                group._history_user = request.user
                group.save(update_fields=["estimated_size", "updated_at"])
            services.group_event_record(
                group=group,
                by=request.user,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                facility=data["facility"],
                estimated_count=data["estimated_count"] or data["estimated_size"],
                source=data["source"],
                notes=data["notes"],
            )
        messages.success(request, _("Group event logged. Add members when their names are known."))
        return redirect("casework:group", pk=group.pk)
    return render(request, "casework/group_event_form.html", {"form": form})


@staff_required
def group_detail(request, pk):
    group = get_object_or_404(m.Group, pk=pk)
    members = list(
        m.Person.objects.visible_to(request.user).filter(memberships__group=group).distinct()
    )
    audit_page_read(request, members)
    known = group.memberships.count()
    return render(
        request,
        "casework/group_detail.html",
        {
            "group": group,
            "members": members,
            "known": known,
            "hidden": known - len(members),
            "events": list(group.events.select_related("facility", "recorded_by")),
            "can_add": request.user.has_perm("casework.add_groupmembership"),
            "search_form": forms.SearchForm(),
            "ua_draft_url": url_or_none("advocacy:draft")
            if request.user.has_perm("advocacy.add_urgentaction")
            else None,
        },
    )


@staff_required
@require_POST
def group_member_add(request, pk):
    _need(request, "casework.add_groupmembership")
    group = get_object_or_404(m.Group, pk=pk)
    form = forms.MemberAddForm(request.POST)
    if not form.is_valid():
        raise Http404
    person = (
        m.Person.objects.visible_to(request.user).filter(pk=form.cleaned_data["person"]).first()
    )
    if person is None:
        raise Http404
    if not m.GroupMembership.objects.filter(group=group, person=person).exists():
        services.group_member_add(group=group, person=person, by=request.user)
        messages.success(request, _("Member added."))
    return redirect("casework:group", pk=group.pk)


# ---------------------------------------------------------------------------------------------
# Proceedings (lawyers)
# ---------------------------------------------------------------------------------------------


def _proceeding_kind(kind: str):
    if kind not in forms.PROCEEDINGS:
        raise Http404
    return forms.PROCEEDINGS[kind]


@staff_required
def proceeding_edit(request, person_pk, kind, pk=None):
    """Create or edit an extradition request, asylum claim, appeal or interim measure."""
    model, form_class = _proceeding_kind(kind)
    action = "change" if pk else "add"
    _need(request, f"casework.{action}_{model._meta.model_name}")
    person = _person_or_404(request, person_pk)
    instance = get_object_or_404(model, pk=pk, person=person) if pk else model(person=person)
    extra = {"person": person} if form_class is forms.AppealForm else {}
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                obj = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved: %(what)s.") % {"what": model._meta.verbose_name})
            return redirect(reverse("casework:person", args=[person.pk]) + f"#{kind}-{obj.pk}")
    deadlines = []
    if pk:
        audit_page_read(request, instance)
        deadlines = selectors.deadlines_by_source(person).get(
            (model._meta.label_lower, str(instance.pk)), []
        )
    return render(
        request,
        "casework/proceeding_form.html",
        {
            "person": person,
            "form": form,
            "kind": kind,
            "what": model._meta.verbose_name,
            "instance": instance if pk else None,
            "deadlines": deadlines,
            "reaffirmation_form": forms.ReaffirmationForm() if kind == "interim" and pk else None,
        },
    )


@staff_required
@require_POST
def reaffirmation_add(request, person_pk, pk):
    _need(request, "casework.add_reaffirmation")
    person = _person_or_404(request, person_pk)
    measure = get_object_or_404(
        visible(m.InterimMeasure.objects, request.user), pk=pk, person=person
    )
    form = forms.ReaffirmationForm(request.POST, instance=m.Reaffirmation(measure=measure))
    if form.is_valid():
        try:
            with transaction.atomic():
                form.save()
            messages.success(request, _("Reaffirmation recorded."))
        except Exception:  # noqa: BLE001 - the unique (measure, day) constraint
            messages.error(request, _("This reaffirmation is already recorded."))
    else:
        messages.error(request, _("Give the date of the reaffirmation."))
    return redirect("casework:proceeding-edit", person_pk=person.pk, kind="interim", pk=measure.pk)


# ---------------------------------------------------------------------------------------------
# The record without the admin: persons with their names, detentions and transfers, returns
# ---------------------------------------------------------------------------------------------


def _errors_into(form, exc: ValidationError) -> None:
    """A service's refusal (its model checks, or a race) shown on the form's own fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _group_for_new_member(request):
    """The group a new person is created for ("add a member whose name is not yet in
    Haven"), when the user may add members."""
    pk = request.POST.get("group") or ""
    if not pk or not request.user.has_perm("casework.add_groupmembership"):
        return None
    try:
        return m.Group.objects.filter(pk=pk).first()
    except ValidationError:
        return None


@staff_required
def person_new(request):
    """A person and every name they are known by, in any script. Reached also from a
    group's member search when nobody was found: the typed name comes in a POST (never in a
    URL), and the new person joins the group."""
    _need(request, "casework.add_person")
    group = _group_for_new_member(request)
    starting = request.method == "POST" and request.POST.get("start") == "1"
    bound = request.method == "POST" and not starting
    form = forms.PersonForm(request.POST if bound else None)
    initial = (
        [{"full_name": request.POST.get("q", "")[:300], "is_primary": True}] if starting else []
    )
    names = forms.PersonNameFormSet(
        request.POST if bound else None, instance=m.Person(), prefix="names", initial=initial
    )
    if bound and form.is_valid() & names.is_valid():
        data = {f: form.cleaned_data[f] for f in forms.PersonForm.Meta.fields}
        given = [
            services.NameInput(
                full_name=f.cleaned_data["full_name"],
                script=f.cleaned_data.get("script") or "",
                is_primary=bool(f.cleaned_data.get("is_primary")),
            )
            for f in names.forms
            if f.cleaned_data.get("full_name") and not names._should_delete_form(f)
        ]
        try:
            with transaction.atomic():
                person = services.person_create(names=given, by=request.user, **data)
                if group is not None:
                    services.group_member_add(group=group, person=person, by=request.user)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Person created."))
            if group is not None:
                return redirect("casework:group", pk=group.pk)
            if not can_see_person(request.user, person):
                # Restricted to staff the creator did not include: the page would be a 404.
                messages.info(request, _("The record is restricted to its assigned staff."))
                return redirect("casework:persons")
            return redirect("casework:person", pk=person.pk)
    return render(
        request,
        "casework/person_form.html",
        {"form": form, "names": names, "person": None, "group": group},
    )


@staff_required
def person_edit(request, pk):
    _need(request, "casework.change_person")
    person = _person_or_404(request, pk)
    person = m.Person.objects.get(pk=person.pk)  # the plain row, without the page's extras
    form = forms.PersonForm(request.POST or None, instance=person)
    names = forms.PersonNameFormSet(request.POST or None, instance=person, prefix="names")
    if request.method == "POST" and form.is_valid() & names.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            with transaction.atomic():
                person = services.person_update(person=person, by=request.user, **changed)
                _save_names(names, person=person, by=request.user)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("casework:person", pk=person.pk)
    audit_page_read(request, person)
    return render(
        request,
        "casework/person_form.html",
        {"form": form, "names": names, "person": person, "group": None},
    )


def _save_names(names, *, person, by) -> None:
    """Each name through its service, so a new primary name demotes the old one and every
    change is in the history with its user. Additions first: a person always has a name."""
    for f in names.forms:
        adding = f.instance._state.adding
        if adding and f.cleaned_data.get("full_name") and not names._should_delete_form(f):
            services.person_name_add(
                person=person,
                full_name=f.cleaned_data["full_name"],
                script=f.cleaned_data.get("script") or "",
                is_primary=bool(f.cleaned_data.get("is_primary")),
                by=by,
            )
    for f in names.forms:
        if f.instance._state.adding:
            continue
        if names._should_delete_form(f):
            services.person_name_delete(name=f.instance, by=by)
        elif f.has_changed():
            services.person_name_update(
                name=f.instance,
                by=by,
                **{k: f.cleaned_data[k] for k in ("full_name", "script", "is_primary")},
            )


def _record_page(request, *, person, form, save, saved: str, next_url: str, title: str):
    """The create/edit page of one fact of a person: on a valid POST, `save(form)` (a
    service) and back to the person page; a service's refusal lands on the form's fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, saved)
            return redirect(next_url)
    return render(
        request, "casework/record_form.html", {"person": person, "form": form, "title": title}
    )


def _create_or_update(form, *, instance, create, update):
    """A new row from every field of the form; a change from the fields it changed."""
    if instance is None:
        return create(**{f: form.cleaned_data[f] for f in form._meta.fields})
    return update(**{f: form.cleaned_data[f] for f in form.changed_data})


@staff_required
def detention_edit(request, person_pk, pk=None):
    """Record a detention, or correct one."""
    _need(request, "casework.change_detention" if pk else "casework.add_detention")
    person = _person_or_404(request, person_pk)
    detention = get_object_or_404(m.Detention, pk=pk, person=person) if pk else None
    return _record_page(
        request,
        person=person,
        form=forms.DetentionForm(request.POST or None, instance=detention),
        save=lambda form: _create_or_update(
            form,
            instance=detention,
            create=partial(services.detention_record, person=person, by=request.user),
            update=partial(services.detention_update, detention=detention, by=request.user),
        ),
        saved=_("Detention saved."),
        next_url=reverse("casework:person", args=[person.pk]) + "#h-detention",
        title=_("Correct the detention") if pk else _("Record a detention"),
    )


@staff_required
def detention_transfer(request, person_pk, pk):
    """Moved from the camp to Osh: one form, both ends recorded."""
    _need(request, "casework.add_detention")
    _need(request, "casework.change_detention")
    person = _person_or_404(request, person_pk)
    detention = get_object_or_404(
        m.Detention.objects.select_related("facility"), pk=pk, person=person
    )
    if detention.ended_on is not None:
        raise Http404

    def save(form):
        data = form.cleaned_data
        extra = {"authorised_until": data["authorised_until"]} if data["authorised_until"] else {}
        services.detention_transfer(
            detention=detention,
            to_facility=data["to_facility"],
            moved_on=data["moved_on"],
            by=request.user,
            **extra,
        )

    return _record_page(
        request,
        person=person,
        form=forms.TransferForm(request.POST or None, detention=detention),
        save=save,
        saved=_("Transfer recorded."),
        next_url=reverse("casework:person", args=[person.pk]) + "#h-detention",
        title=_("Record a transfer from %(facility)s")
        % {"facility": detention.facility or _("the current place")},
    )


@staff_required
def return_edit(request, person_pk):
    """The person's return (one per person): recorded, or corrected."""
    person = _person_or_404(request, person_pk)
    record = m.Return.objects.filter(person=person).first()
    _need(request, "casework.change_return" if record else "casework.add_return")
    return _record_page(
        request,
        person=person,
        form=forms.ReturnForm(request.POST or None, instance=record),
        save=lambda form: _create_or_update(
            form,
            instance=record,
            create=partial(services.return_record, person=person, by=request.user),
            update=partial(services.return_update, record=record, by=request.user),
        ),
        saved=_("Return saved."),
        next_url=reverse("casework:person", args=[person.pk]),
        title=_("Correct the return") if record else _("Record a return"),
    )
