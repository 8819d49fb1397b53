"""Reads for the engine: the ORM -> the pure core's dataclasses, in a fixed number of queries
per batch of persons, however many persons or facts the batch holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Max
from django.utils import timezone

from casework import models as cw

from .calendar import WorkCalendar
from .facts import (
    AppealFact,
    AsylumFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
    RemovalFact,
    RuleSpec,
    UrgentActionFact,
)
from .models import AdjustmentKind, CalendarAdjustment, Rule


def rule_specs() -> list[RuleSpec]:
    """All rules (one query). Disabled ones are passed too: the core skips them."""
    return [r.to_spec() for r in Rule.objects.all()]


def work_calendars() -> dict[str, WorkCalendar]:
    """One WorkCalendar per calendar code with the admin's adjustments (one query)."""
    extra_holidays: dict[str, set[date]] = defaultdict(set)
    extra_working: dict[str, set[date]] = defaultdict(set)
    for code, day, kind in CalendarAdjustment.objects.values_list("calendar", "day", "kind"):
        target = extra_holidays if kind == AdjustmentKind.HOLIDAY else extra_working
        target[code.upper()].add(day)
    codes = {"", "KZ", "KG", "UZ", "RU", "TJ", "TR"} | set(extra_holidays) | set(extra_working)
    return {
        code: WorkCalendar(
            code, frozenset(extra_holidays.get(code, ())), frozenset(extra_working.get(code, ()))
        )
        for code in codes
    }


def _s(value) -> str | None:
    return None if value is None else str(value)


def persons_rows(queryset, person_ids: Sequence, path: str = "person_id"):
    """`queryset` narrowed to rows of these persons. The sweep's batches are runs of
    consecutive primary keys, so a range does it: cheaper to build and to plan than an IN list
    of 500 UUIDs. Rows of persons created inside the range since are dropped by the callers."""
    ids = sorted(person_ids)
    if len(ids) == 1:
        return queryset.filter(**{path: ids[0]})
    return queryset.filter(**{f"{path}__gte": ids[0], f"{path}__lte": ids[-1]})


def person_facts(person_ids: Sequence) -> dict[str, PersonFacts]:
    """The facts of these persons, keyed by str(person id). Ten queries for any batch size
    (eleven once urgent actions exist, twelve with return-risk assessments).

    `person_ids` must be all persons between its smallest and largest id (a sweep batch, or
    one person): see persons_rows."""
    ids = list(person_ids)
    bucket: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    for d in persons_rows(cw.Detention.objects, ids).values(
        "id",
        "person_id",
        "started_on",
        "ended_on",
        "authorised_until",
        "legal_basis",
        "facility__country",
        "transferred_from_id",
    ):
        bucket[str(d["person_id"])]["detentions"].append(
            DetentionFact(
                id=str(d["id"]),
                started_on=d["started_on"],
                ended_on=d["ended_on"],
                authorised_until=d["authorised_until"],
                legal_basis=d["legal_basis"],
                country=d["facility__country"] or "",
                transferred_from_id=_s(d["transferred_from_id"]),
            )
        )

    last_contact = {
        str(row["person_id"]): timezone.localdate(row["last"])
        for row in persons_rows(cw.WelfareCheck.objects, ids)
        .filter(contact_confirmed=True)
        .values("person_id")
        .annotate(last=Max("observed_at"))
    }

    for e in persons_rows(cw.ExtraditionRequest.objects, ids).values(
        "id", "person_id", "requested_state", "status", "decided_on", "notified_on", "received_on"
    ):
        bucket[str(e.pop("person_id"))]["extraditions"].append(
            ExtraditionFact(**{**e, "id": str(e["id"])})
        )

    for c in persons_rows(cw.AsylumClaim.objects, ids).values(
        "id", "person_id", "country", "decision", "authority_kind", "decided_on", "notified_on"
    ):
        bucket[str(c.pop("person_id"))]["asylum_claims"].append(
            AsylumFact(**{**c, "id": str(c["id"])})
        )

    for o in persons_rows(cw.RemovalOrder.objects, ids).values(
        "id", "person_id", "country", "issued_on", "kind", "notified_on", "scheduled_removal_on"
    ):
        bucket[str(o.pop("person_id"))]["removal_orders"].append(
            RemovalFact(**{**o, "id": str(o["id"])})
        )

    target_columns = [f"{name}_id" for name in cw.Appeal.TARGET_FIELDS]
    for a in persons_rows(cw.Appeal.objects, ids).values(
        "id",
        "person_id",
        "country",
        "lodged_on",
        "outcome",
        "decided_on",
        "notified_on",
        "court_level",
        *target_columns,
    ):
        target_kind, target_id = next(
            ((name, a[f"{name}_id"]) for name in cw.Appeal.TARGET_FIELDS if a[f"{name}_id"]),
            ("", ""),
        )
        bucket[str(a["person_id"])]["appeals"].append(
            AppealFact(
                id=str(a["id"]),
                target_kind=target_kind,
                target_id=str(target_id),
                country=a["country"],
                lodged_on=a["lodged_on"],
                outcome=a["outcome"],
                decided_on=a["decided_on"],
                notified_on=a["notified_on"],
                court_level=a["court_level"],
            )
        )

    reaffirmed: dict[str, list[date]] = defaultdict(list)
    for measure_id, day in persons_rows(
        cw.Reaffirmation.objects, ids, "measure__person_id"
    ).values_list("measure_id", "reaffirmed_on"):
        reaffirmed[str(measure_id)].append(day)
    for m in persons_rows(cw.InterimMeasure.objects, ids).values(
        "id",
        "person_id",
        "body",
        "status",
        "requested_on",
        "granted_on",
        "lifted_on",
        "complaint_transmitted_on",
        "decision_on",
        "respondent_state",
    ):
        mid = str(m["id"])
        bucket[str(m.pop("person_id"))]["interim_measures"].append(
            InterimFact(**{**m, "id": mid, "reaffirmed_on": tuple(sorted(reaffirmed[mid]))})
        )

    for pid, ua in urgent_action_facts(ids):
        bucket[pid]["urgent_actions"].append(ua)
    risk = current_risk_levels(ids)

    return {
        pid: PersonFacts(
            person_id=pid,
            detentions=tuple(b["detentions"]),
            last_confirmed_contact_on=last_contact.get(pid),
            extraditions=tuple(b["extraditions"]),
            asylum_claims=tuple(b["asylum_claims"]),
            removal_orders=tuple(b["removal_orders"]),
            appeals=tuple(b["appeals"]),
            interim_measures=tuple(b["interim_measures"]),
            urgent_actions=tuple(b["urgent_actions"]),
            risk_level=risk.get(pid),
        )
        for pid in map(str, ids)
        for b in (bucket[pid],)
    }


def urgent_action_model():
    """advocacy.UrgentAction if it exists yet (it is being built beside the engine), else None.
    Looked up at call time, never imported: casework and the engine must not depend on it."""
    if not apps.is_installed("advocacy"):
        return None
    try:
        model = apps.get_model("advocacy", "UrgentAction")
        for name in ("send_before", "status", "persons"):
            model._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None
    return model


def urgent_action_facts(person_ids: Sequence) -> list[tuple[str, UrgentActionFact]]:
    model = urgent_action_model()
    if model is None:
        return []
    rows = (
        model.objects.filter(persons__in=list(person_ids), send_before__isnull=False)
        .values_list("persons", "id", "send_before", "status")
        .distinct()
    )
    return [
        (str(pid), UrgentActionFact(id=str(ua_id), send_before=send_before, status=status))
        for pid, ua_id, send_before, status in rows
    ]


def current_risk_levels(person_ids: Sequence) -> dict[str, str]:
    """Each person's current return-risk level, once issue 6's assessment exists: this reads
    `engine.RiskAssessment` rows with `person` and `level` fields and a boolean `is_current`
    if present. Until then {}: the welfare rule uses its normal period (3 days)."""
    try:
        model = apps.get_model("engine", "RiskAssessment")
        model._meta.get_field("level")
    except (LookupError, FieldDoesNotExist):
        return {}
    qs = model.objects.filter(person_id__in=list(person_ids))
    try:
        model._meta.get_field("is_current")
        qs = qs.filter(is_current=True)
    except FieldDoesNotExist:
        pass
    return {str(pid): level for pid, level in qs.values_list("person_id", "level")}


# ---------------------------------------------------------------------------------------------
# The lawyer's view
# ---------------------------------------------------------------------------------------------

SCOPE_MINE = "mine"
SCOPE_ALL = "all"


def deadlines_for(
    user,
    *,
    today: date,
    scope: str = SCOPE_MINE,
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    person_id=None,
    jurisdiction: str = "",
):
    """Deadlines a user may see, "mine" first narrowed to their persons, sorted overdue
    first, then the next 7 days, then by due date. Always through the visibility gate.

    "Mine": a lawyer's or caseworker's assigned persons; coordinators and admins see every
    visible person's deadlines. `scope="all"` widens a lawyer to everything visible (cover
    for a colleague). Default statuses: open and missed (what still needs someone).
    """
    from django.db.models import Case, IntegerField, Q, Value, When

    from accounts.roles import Role, user_roles
    from casework.access import person_visibility_q

    from .models import ACTIONABLE_STATUSES, Deadline

    roles = user_roles(user)
    qs = Deadline.objects.filter(person_visibility_q(user, "person"))
    if scope != SCOPE_ALL and not roles & {Role.COORDINATOR, Role.ADMIN}:
        mine = Q(pk__in=[])
        if Role.LAWYER in roles:
            mine |= Q(person__assigned_lawyer=user)
        if Role.CASEWORKER in roles:
            mine |= Q(person__assigned_caseworker=user)
        qs = qs.filter(mine)
    qs = qs.filter(status__in=list(statuses) or list(ACTIONABLE_STATUSES))
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if person_id:
        qs = qs.filter(person_id=person_id)
    if jurisdiction:
        qs = qs.filter(jurisdiction__iexact=jurisdiction)
    live = Q(status__in=list(ACTIONABLE_STATUSES))
    return (
        qs.select_related("person", "rule")
        .annotate(
            urgency=Case(
                When(live & Q(due_on__lt=today), then=Value(0)),
                When(live & Q(due_on__lte=today + timedelta(days=7)), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", "due_on", "kind", "id")
    )
