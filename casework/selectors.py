"""Reads for the pages people work in: lists, the person page, the timeline, the home page.

Every read goes through the visibility gate (casework.access). Each function runs a fixed
number of queries whatever the number of rows: the page tests pin those counts.

The engine and advocacy are read here only through `apps.get_model` and lazy imports, behind
guards: casework must keep working (and importing) without them, and parts of them (risk,
alerts) are still being built beside these pages.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import models as m
from .access import person_visibility_q, visible

# The caseworker's default: BRIEF §6 "welfare check overdue ... no confirmed contact for 3 days".
NO_CONTACT_DAYS = 3
TRANSFER_WINDOW_DAYS = 14
HOME_LIMIT = 50
# What the home page's lists show of a person, and the read audit reads (confidentiality):
# a hundred whole person rows (and risk rows with their reasons) cost the page ~5 ms to build.
HOME_PERSON_FIELDS = ("id", "primary_name", "case_number", "confidentiality")

# ---------------------------------------------------------------------------------------------
# Optional models of other apps
# ---------------------------------------------------------------------------------------------


def optional_model(app_label: str, name: str, *fields: str):
    """The model if it is installed and has these fields, else None."""
    try:
        model = apps.get_model(app_label, name)
        for f in fields:
            model._meta.get_field(f)
    except (LookupError, FieldDoesNotExist):
        return None
    return model


def risk_model():
    return optional_model("engine", "RiskAssessment", "person", "level")


def deadline_model():
    return optional_model("engine", "Deadline", "person", "due_on", "status")


def manual_deadlines(person) -> list:
    """Deadlines a lawyer added by hand, not yet done, with who added them."""
    model = optional_model("engine", "ManualDeadline", "person", "due_on", "reason")
    if model is None:
        return []
    return list(
        model.objects.filter(person=person, done_on__isnull=True)
        .select_related("added_by")
        .order_by("due_on")
    )


def rule_gaps(person) -> list:
    """The person's facts Haven has no rule for (engine.RuleGap): the page says so instead
    of showing nothing. One query."""
    model = optional_model("engine", "RuleGap", "person", "event", "jurisdiction")
    if model is None:
        return []
    return list(model.objects.filter(person=person).order_by("counted_from", "event"))


def urgent_action_model():
    return optional_model("advocacy", "UrgentAction", "persons", "send_before", "status")


def current_risk(person_ids) -> dict:
    """person id -> the current risk assessment row (or {} before the risk model exists)."""
    model = risk_model()
    if model is None or not person_ids:
        return {}
    qs = model.objects.filter(person_id__in=list(person_ids))
    try:
        model._meta.get_field("is_current")
        qs = qs.filter(is_current=True)
    except FieldDoesNotExist:
        pass
    order = [
        f
        for f in ("-assessed_at", "-computed_at", "-created_at")
        if _has_field(model, f.lstrip("-"))
    ]
    if order:
        qs = qs.order_by(*order)
    found = {}
    for row in qs:
        found.setdefault(row.person_id, row)
    with_choice_labels(list(found.values()), "level")
    return found


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
        return True
    except FieldDoesNotExist:
        return False


def with_choice_labels(rows: list, *field_names: str) -> list:
    """Sets `<field>_label` on each row, each choice translated once per call. Django's
    `get_<field>_display` translates every choice of the field on every call: a millisecond
    a row for the thirty deadline kinds, half a second on a page of 500 deadlines."""
    if not rows:
        return rows
    meta = type(rows[0])._meta
    for name in field_names:
        labels = {value: str(label) for value, label in meta.get_field(name).flatchoices}
        for row in rows:
            value = getattr(row, name)
            setattr(row, f"{name}_label", labels.get(value, value))
    return rows


def reasons_of(assessment) -> list[str]:
    """The sentences that fired, whatever the risk model calls them."""
    if assessment is None:
        return []
    for name in ("reasons", "signals", "why"):
        value = getattr(assessment, name, None)
        if value:
            if isinstance(value, str):
                return [line for line in value.splitlines() if line.strip()]
            out = []
            for item in value:
                if isinstance(item, dict):
                    out.append(item.get("sentence") or item.get("text") or str(item))
                else:
                    out.append(str(item))
            return out
    return []


# ---------------------------------------------------------------------------------------------
# Persons list and search
# ---------------------------------------------------------------------------------------------

PERSON_SORTS = {
    "name": ("primary_name", "case_number"),
    "-name": ("-primary_name", "case_number"),
    "case": ("case_number",),
    "-case": ("-case_number",),
    "updated": ("updated_at", "case_number"),
    "-updated": ("-updated_at", "case_number"),
}


LIST_PERSON_FIELDS = ("id", "primary_name", "case_number", "status", "confidentiality")


def with_staff_usernames(qs: QuerySet) -> QuerySet:
    """`caseworker_username` and `lawyer_username` on each person: the pages name the assigned
    staff and nothing else of them (two whole user rows a person cost more than the person)."""
    name = get_user_model().USERNAME_FIELD
    return qs.annotate(
        caseworker_username=F(f"assigned_caseworker__{name}"),
        lawyer_username=F(f"assigned_lawyer__{name}"),
    )


def persons_list(
    user, *, status: str = "", detained: bool = False, mine: bool = False, sort: str = "name"
) -> QuerySet:
    """Visible persons, filtered and sorted. One query for the page (assigned staff joined),
    loading only what the list shows and the read audit reads."""
    qs = with_staff_usernames(m.Person.objects.visible_to(user)).only(*LIST_PERSON_FIELDS)
    if status:
        qs = qs.filter(status=status)
    if detained:
        qs = qs.filter(
            Exists(m.Detention.objects.filter(person=OuterRef("pk"), ended_on__isnull=True))
        )
    if mine:
        qs = qs.filter(Q(assigned_caseworker=user) | Q(assigned_lawyer=user))
    return qs.order_by(*PERSON_SORTS.get(sort, PERSON_SORTS["name"]))


SEARCH_LIMIT = 20


def persons_search(user, text: str) -> list[m.Person]:
    """Visible persons any of whose names matches `text` in any script, with their names."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    return list(
        m.Person.objects.visible_to(user)
        .search(text)
        .prefetch_related("names")
        .order_by("primary_name", "case_number")[:SEARCH_LIMIT]
    )


def groups_list(sort: str = "name") -> QuerySet:
    from django.db.models import Count

    order = {"name": "name", "-name": "-name", "size": "estimated_size", "-size": "-estimated_size"}
    return m.Group.objects.annotate(known=Count("memberships")).order_by(
        order.get(sort, "name"), "id"
    )


# ---------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------


def detained_without_contact(user, *, today: date, days: int = NO_CONTACT_DAYS) -> list[m.Person]:
    """Visible persons in an open detention whose last confirmed contact is more than `days`
    ago, or who have none: what a caseworker must never miss (BRIEF §1). Oldest first."""
    cutoff = timezone.make_aware(
        datetime.combine(today - timedelta(days=days), datetime.min.time())
    )
    qs = (
        m.Person.objects.visible_to(user)
        .filter(Exists(m.Detention.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)))
        .annotate(
            last_contact=Max(
                "welfare_checks__observed_at", filter=Q(welfare_checks__contact_confirmed=True)
            )
        )
        .filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))
        .order_by("last_contact", "primary_name")
    )
    # Every detained person is grouped with their welfare checks: group ids, not whole rows,
    # then load the 50 shown (a third less database time with thousands detained).
    first = list(qs.values_list("pk", "last_contact")[:HOME_LIMIT])
    persons = (
        m.Person.objects.visible_to(user).only(*HOME_PERSON_FIELDS).in_bulk([pk for pk, _ in first])
    )
    rows = []
    for pk, last_contact in first:
        p = persons.get(pk)
        if p is None:  # restricted or merged away between the two reads
            continue
        p.last_contact = last_contact
        p.days_without_contact = (
            (today - timezone.localdate(last_contact)).days if last_contact else None
        )
        rows.append(p)
    return rows


def transfers_reported(user, *, today: date) -> list[m.WelfareCheck]:
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=TRANSFER_WINDOW_DAYS), datetime.min.time())
    )
    return list(
        visible(m.WelfareCheck.objects, user)
        .filter(transfer_reported=True, observed_at__gte=since)
        .select_related("person")
        .order_by("-observed_at")[:HOME_LIMIT]
    )


def detention_transfers(user, *, today: date) -> list[m.Detention]:
    """Transfers recorded as such (the transfer page: the old detention ends, a new one starts
    at the new place) in the same window. A transfer is a fact of the record, not a welfare
    check, so the reported-transfer observations above do not include it."""
    return list(
        visible(m.Detention.objects, user)
        .filter(
            transferred_from__isnull=False,
            started_on__gte=today - timedelta(days=TRANSFER_WINDOW_DAYS),
        )
        .select_related("person", "facility", "transferred_from__facility")
        .only(
            "id",
            "started_on",
            "facility__name",
            "facility__city",
            "transferred_from__facility__name",
            "transferred_from__facility__city",
            *(f"person__{f}" for f in HOME_PERSON_FIELDS),
        )
        .order_by("-started_on", "-created_at")[:HOME_LIMIT]
    )


def group_transfers_reported(*, today: date) -> list[m.GroupEvent]:
    """Transfers of whole groups in the same window: "29 men moved to Osh" is logged as a
    group event, often before anyone's name is known. Groups are not one person's record, so
    every staff member sees them (the group page narrows its members)."""
    return list(
        m.GroupEvent.objects.filter(
            kind=m.GroupEventKind.TRANSFERRED,
            occurred_on__gte=today - timedelta(days=TRANSFER_WINDOW_DAYS),
        )
        .select_related("group", "facility")
        .order_by("-occurred_on", "-created_at")[:HOME_LIMIT]
    )


def deadlines_due(user, *, today: date, days: int = 7) -> list:
    """Open or missed deadlines of my persons: overdue, then the next `days` days."""
    if deadline_model() is None:
        return []
    from engine.selectors import deadlines_for

    # Sliced in SQL: a lawyer with thousands of missed deadlines must not load them all.
    rows = list(
        deadlines_for(user, today=today).filter(due_on__lte=today + timedelta(days=days))[
            :HOME_LIMIT
        ]
    )
    for d in rows:
        d.days_left = (d.due_on - today).days
        d.overdue = d.due_on < today
    return with_choice_labels(rows, "kind", "status")


def persons_at_risk(user, levels=("imminent", "high")) -> list:
    """Visible persons whose current risk is one of `levels`, imminent first, each with
    `.risk` and `.has_issued_ua` (whether an issued UA covers them)."""
    model = risk_model()
    if model is None:
        return []
    qs = model.objects.filter(person_visibility_q(user, "person"), level__in=list(levels))
    if _has_field(model, "is_current"):
        qs = qs.filter(is_current=True)
    # The rows to show: the first level first (an imminent person is never crowded out by
    # newer "high" ones), newest first within a level. A level at a time, each read newest
    # first off an index (engine's `riskassessment_current_newest`): sorting every person at
    # risk by level and time cost ~30 ms a coordinator's home at 10,000.
    wanted = HOME_LIMIT * 2
    newest: list = []
    for level in levels:
        if len(newest) >= wanted:
            break
        newest += (
            qs.filter(level=level)
            .order_by("-assessed_at")
            .values_list("pk", flat=True)[: wanted - len(newest)]
        )
    rows = with_choice_labels(
        list(
            model.objects.filter(pk__in=newest)
            .select_related("person")
            .only("person_id", "level", *(f"person__{f}" for f in HOME_PERSON_FIELDS))
        ),
        "level",
    )
    ua = urgent_action_model()
    covered = set()
    if ua is not None and rows:
        covered = set(
            ua.objects.filter(
                status__in=["issued", "updated"], persons__in=[r.person_id for r in rows]
            ).values_list("persons", flat=True)
        )
    seen, out = set(), []
    for r in sorted(rows, key=lambda r: (list(levels).index(r.level), r.person.primary_name)):
        if r.person_id in seen:
            continue
        seen.add(r.person_id)
        person = r.person
        person.risk = r
        person.has_issued_ua = r.person_id in covered
        out.append(person)
    return out[:HOME_LIMIT]


def urgent_actions_due(*, today: date, days: int = 7) -> list:
    """Issued UAs whose send-before date is within `days` or has passed, soonest first."""
    model = urgent_action_model()
    if model is None:
        return []
    rows = list(
        model.objects.filter(
            status__in=["issued"],
            send_before__isnull=False,
            send_before__lte=today + timedelta(days),
        ).order_by("send_before")[:HOME_LIMIT]
    )
    for ua in rows:
        ua.days_left = (ua.send_before - today).days
    return rows


def urgent_actions_open() -> list:
    model = urgent_action_model()
    if model is None:
        return []
    return list(
        model.objects.filter(status__in=["draft", "in_review"]).order_by("-created_at")[:20]
    )


# ---------------------------------------------------------------------------------------------
# The person page
# ---------------------------------------------------------------------------------------------


def person_for_page(user, pk) -> m.Person | None:
    return with_staff_usernames(m.Person.objects.visible_to(user)).filter(pk=pk).first()


@dataclass
class Relative:
    person: m.Person
    kind_label: str
    risk: object = None


def relatives_of(user, person: m.Person) -> list[Relative]:
    """Visible relatives in both directions, each with their own current risk."""
    # Both directions in one query, each side through the gate (no one is their own relative:
    # a constraint).
    rows = visible(m.Relationship.objects, user).filter(
        (Q(person=person) & person_visibility_q(user, "relative")) | Q(relative=person)
    )
    forward, backward = [], []
    for r in rows.select_related("person", "relative"):
        if r.person_id == person.pk:
            # (A, child, B): A is the child of B, so B is shown on A's page as "parent of".
            forward.append(Relative(r.relative, _inverse_label(r.kind)))
        else:
            backward.append(Relative(r.person, r.get_kind_display()))
    out: list[Relative] = forward + backward
    risks = current_risk([r.person.pk for r in out])
    for r in out:
        r.risk = risks.get(r.person.pk)
    return out


def _inverse_label(kind: str) -> str:

    return {
        "spouse": _("Spouse"),
        "child": _("Parent"),
        "parent": _("Child"),
        "sibling": _("Sibling"),
    }.get(kind, _("Other relative"))


def open_deadlines(by_source: dict) -> list:
    """Open and missed deadlines, soonest first, out of `deadlines_by_source(person)` (every
    deadline of the person not superseded): the person page reads them once."""
    rows = [d for ds in by_source.values() for d in ds if d.status in ("open", "missed")]
    return sorted(rows, key=lambda d: (d.due_on, d.kind))


def deadlines_by_source(person: m.Person) -> dict[tuple[str, str], list]:
    """(source_type, source_id) -> live deadlines: what each proceeding produced."""
    model = deadline_model()
    if model is None:
        return {}
    out: dict[tuple[str, str], list] = defaultdict(list)
    rows = list(model.objects.filter(person=person).exclude(status="superseded").order_by("due_on"))
    for d in with_choice_labels(rows, "kind", "status"):
        out[(d.source_type, d.source_id)].append(d)
    return out


# ---------------------------------------------------------------------------------------------
# The timeline: every fact and every change, from the history tables
# ---------------------------------------------------------------------------------------------

# model -> the path from its historical row to the person (None: the person's own history).
TIMELINE_MODELS: list[tuple[type, str]] = [
    (m.Person, "id"),
    (m.PersonName, "person_id"),
    (m.Relationship, "person_id"),
    (m.GroupMembership, "person_id"),
    (m.Detention, "person_id"),
    (m.WelfareCheck, "person_id"),
    (m.ExtraditionRequest, "person_id"),
    (m.AsylumClaim, "person_id"),
    (m.RemovalOrder, "person_id"),
    (m.Appeal, "person_id"),
    (m.InterimMeasure, "person_id"),
    (m.Return, "person_id"),
]
# Facts whose history rows reach the person through a parent: (model, parent field, parent).
TIMELINE_CHILDREN = [
    (m.Hearing, "appeal_id", m.Appeal),
    (m.Reaffirmation, "measure_id", m.InterimMeasure),
    (m.PostReturnReport, "return_record_id", m.Return),
]
SKIP_FIELDS = {"id", "created_at", "updated_at", "search_key", "primary_name", "person"}
TIMELINE_LIMIT = 200


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    what: str
    action: str  # "+", "~", "-"
    changes: list[Change] = field(default_factory=list)
    summary: str = ""
    said: str = ""  # "<what> added / deleted / changed", translated

    @property
    def changes_html(self) -> str:
        """The changes as list items, put together here rather than by the template: a
        person's two hundred changes cost the page ~6 ms in template tags."""
        return format_html_join(
            "",
            "<li>{}: {}<ins>{}</ins></li>",
            (
                (c.field, format_html("<del>{}</del> → ", c.old) if c.old else "", c.new)
                for c in self.changes
            ),
        )


@functools.cache
def _history(model):
    """`model.history` with no instance: simple_history builds a new manager class on every
    access of the attribute (half a millisecond each, four a person page); this one is
    stateless and reusable."""
    return model.history


@functools.cache
def _choice_labels(model, fname: str, language: str | None) -> dict:
    """Value -> label of a choice field, translated once per process and language instead of
    every choice of the field for every value shown."""
    return {value: str(label) for value, label in model._meta.get_field(fname).flatchoices}


def _display(model, fname: str, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        f = model._meta.get_field(fname)
    except FieldDoesNotExist:
        return str(value)
    if f.choices:
        return _choice_labels(model, fname, get_language()).get(value, str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if f.is_relation:
        return "…"  # related rows are named on their own pages, never by id here
    return str(value)


def _tracked_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIP_FIELDS and f.editable and not f.name.endswith("_ptr")
    ]


def _timeline_sources(person_id) -> list[tuple[type, dict]]:
    """(fact model, filter of its history rows) for each kind of fact of the person."""
    sources = [(model, {path: person_id}) for model, path in TIMELINE_MODELS]
    for child, parent_field, parent in TIMELINE_CHILDREN:
        parent_ids = _history(parent).filter(person_id=person_id).values("id")
        sources.append((child, {f"{parent_field}__in": parent_ids}))
    return sources


_PROBE_PERSON = uuid.UUID(int=0)


@functools.cache
def _history_probe(vendor: str) -> tuple[str, tuple]:
    """The SQL of one EXISTS per kind of fact, built by the ORM once for a stand-in person:
    building eighteen subqueries cost the person page more than running them."""
    probe = m.Person.objects.filter(pk=_PROBE_PERSON).values(
        **{
            f"has_{i}": Exists(_history(model).filter(**filters))
            for i, (model, filters) in enumerate(_timeline_sources(_PROBE_PERSON))
        }
    )
    return probe.query.sql_with_params()


def _has_history(person_id) -> list[bool]:
    """For each of `_timeline_sources`, whether the person has history rows there."""
    sql, params = _history_probe(connection.vendor)
    stand_in = m.Person._meta.pk.get_db_prep_value(_PROBE_PERSON, connection)
    value = m.Person._meta.pk.get_db_prep_value(person_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value if p == stand_in else p for p in params])
        row = cursor.fetchone()
    return [bool(v) for v in row] if row else [False] * len(TIMELINE_MODELS + TIMELINE_CHILDREN)


def _field_label(field) -> str:
    """A field's label in the active language. A relation named by Django from the field's
    name ("extradition request", never translated) is called by its model's translated name."""
    related = getattr(field, "related_model", None)
    if related is not None and field.verbose_name == field.name.replace("_", " "):
        return str(related._meta.verbose_name)
    return str(field.verbose_name)


def timeline(person: m.Person, *, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """Every historical row of the person and their facts, newest first, with what changed
    compared with the row before it. One query finds which fact models have history for the
    person, then one query per such model, whatever the number of changes: diffs are computed
    in memory. (A person has a few kinds of facts, not fifteen: most tables are skipped.)"""
    entries: list[TimelineEntry] = []
    username = f"history_user__{get_user_model().USERNAME_FIELD}"
    sources = _timeline_sources(person.pk)
    found = _has_history(person.pk)
    for model, filters in (source for source, has in zip(sources, found, strict=True) if has):
        fields = _tracked_fields(model)
        # Translated once a kind of fact, not once a change.
        labels = {f.name: _field_label(f) for f in fields}
        what = str(model._meta.verbose_name)
        said = {
            "+": _("%(what)s added") % {"what": what},
            "-": _("%(what)s deleted") % {"what": what},
        }
        changed = _("%(what)s changed") % {"what": what}
        # Plain values, not model instances: building a hundred historical rows and their
        # users cost more than diffing them.
        rows = (
            _history(model)
            .filter(**filters)
            .order_by("id", "history_date", "history_id")
            .values(
                "id",
                "history_date",
                "history_type",
                "history_user_id",
                username,
                *(f.attname for f in fields),
            )
        )
        previous = {}
        for row in rows:
            prev = previous.get(row["id"])
            changes = []
            for f in fields:
                new = row[f.attname]
                old = prev[f.attname] if prev is not None else None
                if prev is None and (new is None or new == "" or new == f.get_default()):
                    continue
                if prev is not None and old == new:
                    continue
                changes.append(
                    Change(
                        labels[f.name],
                        _display(model, f.name, old) if prev is not None else "",
                        _display(model, f.name, new),
                    )
                )
            previous[row["id"]] = row
            if prev is not None and row["history_type"] == "~" and not changes:
                continue
            entries.append(
                TimelineEntry(
                    when=row["history_date"],
                    who=row[username] if row["history_user_id"] else "",
                    what=what,
                    action=row["history_type"],
                    said=said.get(row["history_type"], changed),
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
