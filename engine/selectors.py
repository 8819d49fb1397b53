"""Reads for the engine: the ORM -> the pure core's dataclasses, in a fixed number of queries
per batch of persons, however many persons or facts the batch holds."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import F, Max, Q, QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable
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
from .models import AdjustmentKind, CalendarAdjustment, RiskAssessment, Rule


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


def _localdate(moment, tz=None):
    """timezone.localdate(moment); `tz` the current time zone read once for many (reading it
    is a context-local lookup, a tenth of a batch's reads of the facts)."""
    if moment is None:
        return None
    return moment.astimezone(tz).date() if tz is not None else timezone.localdate(moment)


class ConsecutiveIds(list):
    """Person ids that are every person between the smallest and the largest (a batch of
    the sweep or of a recompute chunk, taken in primary-key order)."""


@contextmanager
def uuids_as_text() -> Iterator[None]:
    """Inside, this connection reads UUID columns as their text (as str(uuid) gives it),
    not as uuid.UUID objects. A recompute reads some 30 keys per person and the engine
    keys everything by str(id): on PostgreSQL, parsing each into a UUID and printing it back
    was a fifth of a full recompute's time. Everything read inside must be compared as
    text, which the engine's batch code does throughout; models are not loaded inside."""
    if connection.vendor != "postgresql" or connection.Database.__name__ != "psycopg2":
        yield
        return
    import psycopg2.extensions
    import psycopg2.extras

    connection.ensure_connection()
    raw = connection.connection
    psycopg2.extensions.register_type(_UUID_AS_TEXT, raw)
    try:
        yield
    finally:
        psycopg2.extras.register_uuid(conn_or_curs=raw)  # as Django registers it


def _uuid_as_text_type():
    try:
        import psycopg2.extensions
    except ImportError:  # not this backend
        return None
    return psycopg2.extensions.new_type((2950,), "UUID_AS_TEXT", lambda value, cursor: value)


_UUID_AS_TEXT = _uuid_as_text_type()


def persons_rows(queryset, person_ids: Sequence, path: str = "person_id"):
    """`queryset` narrowed to rows of these persons. A sweep's batches are runs of
    consecutive primary keys (`ConsecutiveIds`), so a range does it: cheaper to build and to
    plan than an IN list of 500 UUIDs. Rows of persons created inside the range since are
    dropped by the callers. Other lists (the persons the agenda says are due, scattered over
    the table) by IN: a range would read every row between them."""
    return queryset.filter(persons_q(person_ids, path))


def persons_q(person_ids: Sequence, path: str = "person_id") -> Q:
    """The condition of persons_rows, to combine with others."""
    ids = sorted(person_ids)
    if isinstance(person_ids, ConsecutiveIds) and len(ids) > 1:
        return Q(**{f"{path}__gte": ids[0], f"{path}__lte": ids[-1]})
    if len(ids) == 1:
        return Q(**{path: ids[0]})
    return Q(**{f"{path}__in": ids})


# Appeal's target columns: (name, column), as person_facts reads them.
_APPEAL_TARGETS = tuple((name, f"{name}_id") for name in cw.Appeal.TARGET_FIELDS)

# Each call site's compiled SQL, by the shape of its persons' condition (see persons_values).
_COMPILED: dict[tuple, tuple] = {}
_COMPILED_MAX = 4096  # shapes kept: an IN list of every length up to a batch, per call site
_SENTINEL = "00000000-0000-0000-0000-{:012x}"


def persons_values(build: Callable[[Callable[..., Q]], QuerySet], person_ids: Sequence) -> list:
    """The rows of `build(q)` for these persons, where `q(path="person_id")` is their
    condition (persons_q) and `build` returns a values() or values_list() queryset: a list
    of what iterating it gives, the same rows, converted as Django converts them.

    Django builds and compiles a queryset's SQL on every evaluation, about half a
    millisecond of CPU for each of the twenty-odd reads of a recompute, most of one
    person's recompute. Here each call site's SQL is compiled once per process for each
    shape of the condition (a range of consecutive keys, one key, an IN list of n keys),
    with placeholder keys whose parameters are then replaced by the persons' own. So
    `build` must be a function of `q` alone: a closure over local values would be
    compiled once with the first call's values, and is refused."""
    if build.__closure__:
        raise TypeError("persons_values: build must not read local variables (it is cached)")
    ids = sorted(str(i) for i in person_ids)
    if not ids:
        return []
    ranged = isinstance(person_ids, ConsecutiveIds) and len(ids) > 1
    shape = (build.__code__, connection.vendor, "range" if ranged else len(ids))
    compiled = _COMPILED.get(shape)
    if compiled is None:
        sentinels = [_SENTINEL.format(i) for i in range(2 if ranged else len(ids))]
        held = ConsecutiveIds(sentinels) if ranged else sentinels
        queryset = build(lambda path="person_id": persons_q(held, path))
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        # A key's parameter as the backend takes it: a UUID (PostgreSQL), its 32 hex digits
        # (SQLite's char(32)), or the text given (a path to a text column).
        index = {}
        for i, value in enumerate(sentinels):
            index[uuid.UUID(value)] = (i, uuid.UUID)
            index[uuid.UUID(value).hex] = (i, _hex)
            index[value] = (i, str)
        slots = [(n, *index[p]) for n, p in enumerate(params) if _hashable(p) and p in index]
        flat = queryset._iterable_class is FlatValuesListIterable
        tuples = queryset._iterable_class is ValuesListIterable
        if not (flat or tuples or queryset._iterable_class is ValuesIterable):
            raise TypeError("persons_values: build must return values() or values_list()")
        query = queryset.query
        names = (
            list(query.selected)
            if query.selected
            else [
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            ]
        )
        compiled = (compiler, sql, list(params), slots, flat, tuples, names)
        if len(_COMPILED) < _COMPILED_MAX:
            _COMPILED[shape] = compiled
    compiler, sql, params, slots, flat, tuples, names = compiled
    wanted = [ids[0], ids[-1]] if ranged else ids
    params = list(params)
    for n, i, kind in slots:
        params[n] = kind(wanted[i])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if compiler.has_extra_select:
        fetched = [row[: compiler.col_count] for row in fetched]
    rows = compiler.results_iter(results=[fetched], tuple_expected=tuples)
    if flat:
        return [row[0] for row in rows]
    if tuples:
        return list(rows)
    indexes = range(len(names))
    return [{names[i]: row[i] for i in indexes} for row in rows]


def _hex(value: str) -> str:
    return uuid.UUID(value).hex


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def person_facts(person_ids: Sequence) -> dict[str, PersonFacts]:
    """The facts of these persons, keyed by str(person id). Ten queries for any batch size
    (eleven once urgent actions exist, twelve with return-risk assessments).

    See persons_rows for how the rows of `person_ids` are found."""
    ids = person_ids  # kept as given: persons_rows reads a ConsecutiveIds as a range
    bucket: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    for d in persons_values(
        lambda q: cw.Detention.objects.filter(q()).values(
            "id",
            "person_id",
            "started_on",
            "ended_on",
            "authorised_until",
            "legal_basis",
            "facility__country",
            "transferred_from_id",
            "incommunicado",
        ),
        ids,
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
                incommunicado=d["incommunicado"],
            )
        )

    last_contact = {
        str(row["person_id"]): row["last"]
        for row in persons_values(
            lambda q: (
                cw.WelfareCheck.objects.filter(q(), contact_confirmed=True)
                .values("person_id")
                .annotate(last=Max("observed_at"))
            ),
            ids,
        )
    }

    for e in persons_values(
        lambda q: cw.ExtraditionRequest.objects.filter(q()).values(
            "id",
            "person_id",
            "requested_state",
            "status",
            "decided_on",
            "notified_on",
            "received_on",
            "requesting_state",
        ),
        ids,
    ):
        bucket[str(e.pop("person_id"))]["extraditions"].append(
            ExtraditionFact(**{**e, "id": str(e["id"])})
        )

    for c in persons_values(
        lambda q: cw.AsylumClaim.objects.filter(q()).values(
            "id",
            "person_id",
            "country",
            "decision",
            "authority_kind",
            "decided_on",
            "notified_on",
            "lodged_on",
            "procedure",
        ),
        ids,
    ):
        bucket[str(c.pop("person_id"))]["asylum_claims"].append(
            AsylumFact(**{**c, "id": str(c["id"])})
        )

    for o in persons_values(
        lambda q: cw.RemovalOrder.objects.filter(q()).values(
            "id", "person_id", "country", "issued_on", "kind", "notified_on", "scheduled_removal_on"
        ),
        ids,
    ):
        bucket[str(o.pop("person_id"))]["removal_orders"].append(
            RemovalFact(**{**o, "id": str(o["id"])})
        )

    targets = _APPEAL_TARGETS
    for a in persons_values(
        lambda q: cw.Appeal.objects.filter(q()).values(
            "id",
            "person_id",
            "country",
            "lodged_on",
            "outcome",
            "decided_on",
            "notified_on",
            "court_level",
            *(column for _name, column in _APPEAL_TARGETS),
        ),
        ids,
    ):
        target_kind, target_id = next(
            ((name, a[column]) for name, column in targets if a[column]), ("", "")
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
    for measure_id, day in persons_values(
        lambda q: cw.Reaffirmation.objects.filter(q("measure__person_id")).values_list(
            "measure_id", "reaffirmed_on"
        ),
        ids,
    ):
        reaffirmed[str(measure_id)].append(day)
    for m in persons_values(
        lambda q: cw.InterimMeasure.objects.filter(q()).values(
            "id",
            "person_id",
            "body",
            "status",
            "requested_on",
            "granted_on",
            "lifted_on",
            "complaint_transmitted_on",
            "decision_on",
            "decision_transmitted_on",
            "respondent_state",
        ),
        ids,
    ):
        mid = str(m["id"])
        bucket[str(m.pop("person_id"))]["interim_measures"].append(
            InterimFact(**{**m, "id": mid, "reaffirmed_on": tuple(sorted(reaffirmed[mid]))})
        )

    for pid, ua in urgent_action_facts(ids):
        bucket[pid]["urgent_actions"].append(ua)
    risk = current_risk_levels(ids)
    tz = timezone.get_current_timezone()

    return {
        pid: PersonFacts(
            person_id=pid,
            detentions=tuple(b["detentions"]),
            last_confirmed_contact_on=_localdate(last_contact.get(pid), tz),
            last_confirmed_contact_at=last_contact.get(pid),
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
    rows = persons_values(
        lambda q: (
            urgent_action_model()
            .objects.filter(q("persons"), send_before__isnull=False)
            .values_list("persons", "id", "send_before", "status")
            .distinct()
        ),
        person_ids,
    )
    return [
        (str(pid), UrgentActionFact(id=str(ua_id), send_before=send_before, status=status))
        for pid, ua_id, send_before, status in rows
    ]


def current_risk_levels(person_ids: Sequence) -> dict[str, str]:
    """Each person's current return-risk level (one query): the welfare rule's period is
    shorter when it is imminent."""
    return {
        str(pid): level
        for pid, level in persons_values(
            lambda q: RiskAssessment.objects.filter(q(), is_current=True).values_list(
                "person_id", "level"
            ),
            person_ids,
        )
    }


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
    from django.db.models import Case, IntegerField, Value, When

    from .models import ACTIONABLE_STATUSES, Deadline

    qs = _mine(Deadline.objects.all(), user, scope)
    wanted = list(statuses) or list(ACTIONABLE_STATUSES)
    qs = qs.filter(status__in=wanted)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if person_id:
        qs = qs.filter(person_id=person_id)
    if jurisdiction:
        qs = qs.filter(jurisdiction__iexact=jurisdiction)
    live = Q(status__in=list(ACTIONABLE_STATUSES))
    qs = qs.select_related("person").annotate(
        urgency=Case(
            When(live & Q(due_on__lt=today), then=Value(0)),
            When(live & Q(due_on__lte=today + timedelta(days=7)), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    if set(wanted) <= set(ACTIONABLE_STATUSES):
        # Every row is live, so urgency only grows with the due date: the same order, and
        # PostgreSQL walks the due-date index instead of sorting all of a lawyer's deadlines.
        return qs.order_by("due_on", "kind", "id")
    return qs.order_by("urgency", "due_on", "kind", "id")


def _mine(qs, user, scope: str):
    """`qs` (rows with a `person`) through the visibility gate, and narrowed to the user's
    persons unless scope is "all" or the user coordinates (see deadlines_for)."""
    from accounts.roles import Role, user_roles
    from casework.access import person_visibility_q

    roles = user_roles(user)
    qs = qs.filter(person_visibility_q(user, "person"))
    if scope != SCOPE_ALL and not roles & {Role.COORDINATOR, Role.ADMIN}:
        mine = Q(pk__in=[])
        if Role.LAWYER in roles:
            mine |= Q(person__assigned_lawyer=user)
        if Role.CASEWORKER in roles:
            mine |= Q(person__assigned_caseworker=user)
        qs = qs.filter(mine)
    return qs


def gaps_for(user, *, scope: str = SCOPE_MINE, person_id=None, jurisdiction: str = ""):
    """The facts with no rule (RuleGap) of the persons whose deadlines `deadlines_for` shows
    the user, newest first: beside the deadlines, so that a missing rule is not silence. The
    newest come first because a fresh decision is the one whose period may still be running."""
    from .models import RuleGap

    qs = _mine(RuleGap.objects.all(), user, scope)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if jurisdiction:
        qs = qs.filter(jurisdiction__iexact=jurisdiction)
    return qs.select_related("person").order_by("-counted_from", "event", "id")


# ---------------------------------------------------------------------------------------------
# Return risk: what risk reads beyond PersonFacts
# ---------------------------------------------------------------------------------------------

ISSUED_UA_STATUSES = ("issued", "updated")
_INVERSE_RELATION = {"child": "parent", "parent": "child"}


def return_evidence() -> list:
    """Every Return, with the returned person's interim measures and groups: the evidence
    about states (three queries, once per sweep; returns are few)."""
    from .risk import ReturnEvidence

    returns = list(
        cw.Return.objects.values_list(
            "person_id", "from_country", "returned_on", "returned_on_precision"
        )
    )
    if not returns:
        return []
    ids = [r[0] for r in returns]
    measures: dict[str, list[InterimFact]] = defaultdict(list)
    for m in cw.InterimMeasure.objects.filter(person_id__in=ids).values(
        "id", "person_id", "body", "status", "granted_on", "lifted_on", "respondent_state"
    ):
        measures[str(m.pop("person_id"))].append(InterimFact(**{**m, "id": str(m["id"])}))
    groups: dict[str, set[str]] = defaultdict(set)
    for pid, gid in cw.GroupMembership.objects.filter(person_id__in=ids).values_list(
        "person_id", "group_id"
    ):
        groups[str(pid)].add(str(gid))
    return [
        (
            groups[str(pid)],
            ReturnEvidence(
                person_id=str(pid),
                from_country=from_country,
                returned_on=returned_on,
                precision=precision,
                interim_measures=tuple(measures[str(pid)]),
            ),
        )
        for pid, from_country, returned_on, precision in returns
    ]


def risk_inputs(person_ids: Sequence, evidence: list) -> dict[str, dict]:
    """Per person (str id): returned_on, observations, group_events, relatives, other_returns:
    the keyword arguments of RiskFacts besides `facts`. Seven queries for any batch size.
    `evidence` is return_evidence(), loaded once per sweep."""
    from dataclasses import replace

    from .risk import GroupEventFact, Observation, RelativeFact

    ids = [str(i) for i in person_ids]
    wanted = set(ids)
    tz = timezone.get_current_timezone()
    out: dict[str, dict] = {pid: defaultdict(list) for pid in ids}

    for pid, returned_on in persons_values(
        lambda q: cw.Return.objects.filter(q()).values_list("person_id", "returned_on"),
        person_ids,
    ):
        if str(pid) in wanted:
            out[str(pid)]["returned_on"] = returned_on

    for pid, at, confirmed, transfer in persons_values(
        lambda q: (
            cw.WelfareCheck.objects.filter(q())
            .order_by("observed_at")
            .values_list("person_id", "observed_at", "contact_confirmed", "transfer_reported")
        ),
        person_ids,
    ):
        if str(pid) in wanted:
            out[str(pid)]["observations"].append(
                Observation(_localdate(at, tz), confirmed, transfer)
            )

    memberships: dict[str, set[str]] = defaultdict(set)
    for pid, gid in persons_values(
        lambda q: cw.GroupMembership.objects.filter(q()).values_list("person_id", "group_id"),
        person_ids,
    ):
        if str(pid) in wanted:
            memberships[str(pid)].add(str(gid))
    group_ids = {g for gs in memberships.values() for g in gs}
    events: dict[str, list[GroupEventFact]] = defaultdict(list)
    # Reads of the keys found by another read are skipped when there are none (most batches
    # of one person): an empty IN reads nothing, but Django still builds the query.
    for gid, name, kind, on, count, source in (
        cw.GroupEvent.objects.filter(group_id__in=list(group_ids)).values_list(
            "group_id", "group__name", "kind", "occurred_on", "estimated_count", "source"
        )
        if group_ids
        else ()
    ):
        events[str(gid)].append(GroupEventFact(name, kind, on, count, source))
    for pid, gs in memberships.items():
        out[pid]["group_events"] = [e for g in sorted(gs) for e in events[g]]

    # Relationship (A, kind, B) reads "A is the kind of B": seen from B, A is its `kind`;
    # seen from A, B is the inverse (A child of B: B is A's parent).
    relations: dict[str, dict[str, str]] = defaultdict(dict)
    for a, kind, b in persons_values(
        lambda q: cw.Relationship.objects.filter(q() | q("relative_id")).values_list(
            "person_id", "kind", "relative_id"
        ),
        person_ids,
    ):
        a, b = str(a), str(b)
        if b in wanted:
            relations[b].setdefault(a, kind)
        if a in wanted:
            relations[a].setdefault(b, _INVERSE_RELATION.get(kind, kind))
    relative_ids = {r for rs in relations.values() for r in rs}
    detentions: dict[str, list] = defaultdict(list)
    for pid, started, ended in (
        cw.Detention.objects.filter(person_id__in=list(relative_ids)).values_list(
            "person_id", "started_on", "ended_on"
        )
        if relative_ids
        else ()
    ):
        detentions[str(pid)].append((started, ended))
    returned = {
        str(pid): on
        for pid, on in (
            cw.Return.objects.filter(person_id__in=list(relative_ids)).values_list(
                "person_id", "returned_on"
            )
            if relative_ids
            else ()
        )
    }
    for pid, rels in relations.items():
        out[pid]["relatives"] = [
            RelativeFact(relation, tuple(detentions[rid]), returned.get(rid))
            for rid, relation in sorted(rels.items())
        ]

    for pid in ids:
        mine = memberships.get(pid, set())
        out[pid]["other_returns"] = [
            replace(r, same_group=bool(mine & groups)) if mine & groups else r
            for groups, r in evidence
            if r.person_id != pid
        ]
    return {
        pid: {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()}
        for pid, d in out.items()
    }


def affected_person_ids(person_id, *, limit: int = 2000) -> list[str] | None:
    """Persons whose risk depends on this person's facts: relatives, members of the same
    groups, and, if this person was returned, everyone exposed to the state that returned
    them. None when there are more than `limit` (enqueue a sweep instead)."""
    from django.db.models import Q as _Q

    pid = str(person_id)
    ids: set[str] = set()
    for a, b in cw.Relationship.objects.filter(
        _Q(person_id=person_id) | _Q(relative_id=person_id)
    ).values_list("person_id", "relative_id"):
        ids |= {str(a), str(b)}
    groups = cw.GroupMembership.objects.filter(person_id=person_id).values("group_id")
    ids |= {
        str(p)
        for p in cw.GroupMembership.objects.filter(group_id__in=groups).values_list(
            "person_id", flat=True
        )[: limit + 1]
    }
    state = cw.Return.objects.filter(person_id=person_id).values_list("from_country", flat=True)
    state = state.first()
    if state:
        exposed = (
            cw.Person.objects.filter(return_record__isnull=True)
            .filter(
                _Q(detentions__facility__country=state, detentions__ended_on__isnull=True)
                | _Q(asylum_claims__country=state)
                | _Q(
                    extradition_requests__requested_state=state,
                    extradition_requests__status__in=["pending", "approved"],
                )
                | _Q(interim_measures__respondent_state=state)
                | _Q(removal_orders__country=state)
            )
            .values_list("pk", flat=True)
            .distinct()
        )
        ids |= {str(p) for p in exposed[: limit + 1]}
    ids.discard(pid)
    return None if len(ids) > limit else sorted(ids)


def assignment_rows(person_ids: Sequence) -> dict[str, dict]:
    """Per person: case number, confidentiality and the active assigned staff (one query)."""
    rows = {}
    for r in persons_values(
        lambda q: cw.Person.objects.filter(q("pk")).values(
            "pk",
            "case_number",
            "confidentiality",
            "assigned_caseworker_id",
            "assigned_caseworker__is_active",
            "assigned_lawyer_id",
            "assigned_lawyer__is_active",
        ),
        person_ids,
    ):
        staff = [
            r[f"assigned_{role}_id"]
            for role in ("lawyer", "caseworker")
            if r[f"assigned_{role}_id"] and r[f"assigned_{role}__is_active"]
        ]
        rows[str(r["pk"])] = {
            "case_number": r["case_number"],
            "restricted": r["confidentiality"] == "restricted",
            "staff": list(dict.fromkeys(staff)),
        }
    return rows


def alert_directory() -> dict:
    """Who may receive alerts beyond assigned staff: active coordinators, which of them are
    admins (they may see restricted persons), and everyone's e-mail preference. Three
    queries, once per sweep."""
    from django.contrib.auth import get_user_model

    from accounts.roles import Role

    from .models import AlertPreference

    users = get_user_model().objects.filter(is_active=True)
    coordinators = list(
        users.filter(groups__name=Role.COORDINATOR).values_list("pk", flat=True).distinct()
    )
    admins = set(
        users.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN))
        .values_list("pk", flat=True)
        .distinct()
    )
    immediate = dict(AlertPreference.objects.values_list("user_id", "email_immediately"))
    return {
        "coordinators": sorted(coordinators, key=str),
        "admins": admins,
        "email_immediately": immediate,
    }


# ---------------------------------------------------------------------------------------------
# The coordinator's board
# ---------------------------------------------------------------------------------------------


def board_level_counts(
    user, *, include_none: bool = False, no_barrier: bool = False
) -> dict[str, int]:
    """How many persons the user may see are at each level: every current assessment counted
    off the board's index, less those of persons the gate hides from this user (found through
    the index of persons not everyone sees). Two narrow queries instead of joining every
    assessment with its person (~25 ms at 10,000 persons)."""
    from collections import Counter

    from django.db.models import Count

    from casework.access import person_visibility_q

    from .models import RiskAssessment
    from .risk import BOARD_RANK_NONE, level_of_board_rank

    qs = RiskAssessment.objects.filter(is_current=True)
    if not include_none:
        qs = qs.filter(board_rank__lt=BOARD_RANK_NONE)
    if no_barrier:
        qs = qs.filter(barriers_standing=0)

    def by_level(rows) -> Counter:
        counts = Counter()
        for rank, n in (
            rows.values_list("board_rank").annotate(n=Count("pk")).values_list("board_rank", "n")
        ):
            counts[level_of_board_rank(rank)] += n
        return counts

    counts = by_level(qs)
    gate = person_visibility_q(user, "person")
    if gate:  # Q() is an admin's: nothing hidden
        counts -= by_level(qs.exclude(gate))
    return dict(counts)


def board_for(user, *, include_none: bool = False, no_barrier: bool = False):
    """Current assessments of the persons the user may see, in board order: `imminent` with
    no issued urgent action first, then by level, then the longest without confirmed contact
    (engine.risk.board_rank; the engine keeps the rank and the last contact on the current
    row). PostgreSQL reads a page off the `riskassessment_board` index, checking each row's
    person against the gate, instead of sorting every person at risk. Each row also says
    whether an issued urgent action covers the person now (`has_issued_ua`). `no_barrier`:
    only persons nothing protects any more (no barrier standing, engine/barriers.py)."""
    from django.db.models import BooleanField, Exists, OuterRef, Value

    from casework.access import person_visibility_q

    from .models import RiskAssessment
    from .risk import BOARD_RANK_NONE

    qs = RiskAssessment.objects.filter(is_current=True).filter(person_visibility_q(user, "person"))
    if not include_none:
        qs = qs.filter(board_rank__lt=BOARD_RANK_NONE)
    if no_barrier:
        qs = qs.filter(barriers_standing=0)
    ua = urgent_action_model()
    issued = (
        Exists(ua.objects.filter(persons=OuterRef("person_id"), status__in=ISSUED_UA_STATUSES))
        if ua is not None
        else Value(False, output_field=BooleanField())
    )
    return (
        qs.select_related("person")
        .annotate(has_issued_ua=issued)
        .order_by(
            "board_rank",
            F("last_contact_at").asc(nulls_first=True),
            "person__case_number",
        )
    )


# ---------------------------------------------------------------------------------------------
# Whom an admin's edit of the rules affects (a targeted recompute, not everyone)
# ---------------------------------------------------------------------------------------------

# The kind of fact each event counts from (engine.deadlines._occurrences) and the field that
# gives the occurrence's country (what a rule's `countries` is compared with); "" where the
# rule's countries are not compared with the fact's (a treaty body's rules, urgent actions).
_EVENT_FACTS = {
    "extradition_decision_notified": ("ExtraditionRequest", "requested_state"),
    "asylum_refusal_notified": ("AsylumClaim", "country"),
    "removal_order_notified": ("RemovalOrder", "country"),
    "other_admin_act_notified": ("RemovalOrder", "country"),
    "removal_scheduled": ("RemovalOrder", "country"),
    "detention_ordered": ("Detention", "facility__country"),
    "detention_started": ("Detention", "facility__country"),
    "provisional_arrest": ("Detention", "facility__country"),
    "detention_authorised_until": ("Detention", "facility__country"),
    "last_confirmed_contact": ("Detention", "facility__country"),
    "court_decision_notified": ("Appeal", "country"),
    "extradition_appeal_lodged": ("Appeal", "country"),
    "final_domestic_decision": ("Appeal", "country"),
    "complaint_transmitted": ("InterimMeasure", ""),
    "committee_decision": ("InterimMeasure", ""),
    "interim_granted": ("InterimMeasure", ""),
    "ua_send_before": ("UrgentAction", ""),
}


def persons_affected_by_rule(rule: Rule) -> set[str] | None:
    """Persons whose deadlines (and so risk) an edit of this rule, as it now stands, can
    change: those with a live deadline from it (what the rule gave before the edit), and
    those with a fact of the kind it counts from, in one of its countries if it names any.
    A person with neither got nothing from the rule before and gets nothing now: where the
    earliest of several rules wins, the rule lost, and still does. None: an event this does
    not know (recompute everyone)."""
    from .models import Deadline, DeadlineStatus

    ids = {
        str(pid)
        for pid in Deadline.objects.filter(rule_id=rule.pk)
        .exclude(status=DeadlineStatus.SUPERSEDED)
        .values_list("person_id", flat=True)
        .distinct()
    }
    if not rule.enabled or rule.period_amount is None:
        return ids  # it gives nothing now: only what it gave goes
    if rule.counts_from not in _EVENT_FACTS:
        return None
    model_name, country_field = _EVENT_FACTS[rule.counts_from]
    if model_name == "UrgentAction":
        model = urgent_action_model()
        if model is None:
            return ids
        qs = model.objects.filter(send_before__isnull=False, persons__isnull=False)
        return ids | {str(p) for p in qs.values_list("persons", flat=True).distinct()}
    qs = apps.get_model("casework", model_name).objects.all()
    countries = rule.to_spec().countries
    if countries and country_field:
        from django.db.models.functions import Upper

        qs = qs.annotate(occurrence_country=Upper(country_field)).filter(
            occurrence_country__in=sorted(countries)
        )
    return ids | {str(p) for p in qs.values_list("person_id", flat=True).distinct()}


def persons_affected_by_calendar_days(days: Sequence[tuple[str, date]]) -> set[str]:
    """Persons with a live deadline counted in working days of one of these calendars whose
    span (from the fact to the due date, either way round: a period may count backwards)
    holds one of these days: a holiday added or removed there moves the due date; elsewhere
    it cannot. A calendar day never creates or removes a deadline, only moves one."""
    from .models import Deadline, DeadlineStatus

    rules = list(Rule.objects.values_list("pk", "calendar"))
    wanted = Q(pk__in=[])
    for code, day in days:
        codes = {pk for pk, calendar in rules if (calendar or "").upper() == code.upper()}
        if not codes:
            continue
        wanted |= Q(rule_id__in=codes) & (
            Q(counted_from__lte=day, due_on__gte=day) | Q(due_on__lte=day, counted_from__gte=day)
        )
    rows = (
        Deadline.objects.filter(wanted)
        .exclude(status__in=[DeadlineStatus.SUPERSEDED, DeadlineStatus.MET])
        .values_list("person_id", flat=True)
        .distinct()
    )
    return {str(p) for p in rows}


def persons_with_reason(code: str) -> set[str]:
    """Persons whose current assessment counts this risk signal: all that a change of its
    weight or floor alone can reach (where it did not fire, it adds nothing either way)."""
    from .models import RiskAssessment

    qs = RiskAssessment.objects.filter(is_current=True)
    if connection.vendor == "postgresql":
        qs = qs.filter(reasons__contains=[{"code": code}])
        return {str(p) for p in qs.values_list("person_id", flat=True)}
    return {  # no JSON containment here: read and look
        str(pid)
        for pid, reasons in qs.values_list("person_id", "reasons")
        if any(r.get("code") == code for r in reasons or ())
    }
