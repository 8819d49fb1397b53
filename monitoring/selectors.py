"""The monitoring figures: counts for a period and a set of states, each read through the
visibility gate (casework.access), so a restricted person is counted only for the staff who
may see them (their assigned caseworker and lawyer, and admins).

Counted by calendar date as recorded (a detention's start, a return's date ...); the one
moment, a letter's sending time, is counted by its date in settings.TIME_ZONE. Every figure
is one grouped COUNT query (the two tables of returns share one): twelve queries whatever the
number of persons.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from advocacy import models as adv
from casework import models as cw
from casework.access import person_visibility_q, visible
from engine.models import Deadline, DeadlineStatus, RiskAssessment, RiskLevel

from .suppression import suppress, suppress_linked


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    states: tuple[str, ...] = ()  # ISO 3166 codes; empty: every state

    def months(self) -> list[date]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (
                day.replace(year=day.year + 1, month=1)
                if day.month == 12
                else day.replace(month=day.month + 1)
            )
        return out


@dataclass
class Figure:
    """One table: rows of counts under columns, with the chart drawn from the same cells.
    `cells[i][j]` is the count of row i, column j, None where suppressed; the margins are
    as monitoring.suppression publishes them (row totals only with several columns, column
    totals only with several rows)."""

    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[str]
    cells: list[list[int | None]]
    chart: str = "bar"  # bar, stacked
    note: str = ""
    row_totals: list | None = None
    column_totals: list | None = None
    total: int | None = None
    suppressed: bool = False
    # The key of the figure whose columns are this one's rows: this figure's row totals are
    # that figure's column totals, the same numbers published twice (see publish()).
    rows_are_columns_of: str = ""

    def __post_init__(self):
        if not self.suppressed:
            _c, self.row_totals, self.column_totals, self.total = suppress(self.cells, 0)

    def published(self, threshold: int) -> Figure:
        """The same figure with small cells, and those that would give them back, hidden.
        Alone: a figure linked to another is published by publish()."""
        return self._as_published(suppress(self.cells, threshold))

    def _as_published(self, result) -> Figure:
        cells, row_totals, column_totals, total = result
        return replace(
            self,
            cells=cells,
            row_totals=row_totals,
            column_totals=column_totals,
            total=total,
            suppressed=True,
        )

    @property
    def table(self) -> list[tuple[str, list, object]]:
        totals = self.row_totals or [None] * len(self.rows)
        return list(zip(self.rows, self.cells, totals, strict=True))


def _month_label(day: date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def _in(states, field_name: str) -> Q:
    return Q(**{f"{field_name}__in": states}) if states else Q()


def _by_month(period: Period, rows, columns: list, *, column_of) -> list[list[int]]:
    """Cells months x columns from rows of {"month": date, ..., "n": count}."""
    months = period.months()
    index = {m: i for i, m in enumerate(months)}
    col_index = {c: j for j, c in enumerate(columns)}
    cells = [[0] * len(columns) for _ in months]
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        cells[index[month]][col_index[column_of(row)]] += row["n"]
    return cells


def _one_column(pairs, labels: dict | None = None) -> tuple[list[str], list[list[int]]]:
    pairs = sorted(pairs, key=lambda kv: (-kv[1], str(kv[0])))
    return [str((labels or {}).get(k, k) or "—") for k, _n in pairs], [[n] for _k, n in pairs]


def detentions_started(user, period: Period) -> Figure:
    rows = (
        visible(cw.Detention.objects.all(), user)
        .filter(started_on__range=(period.start, period.end))
        .filter(_in(period.states, "facility__country"))
        .annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(n=Count("id"))
    )
    label = _("Detentions started")
    return Figure(
        key="detentions",
        title=label,
        row_header=_("Month"),
        columns=[label],
        rows=[_month_label(m) for m in period.months()],
        cells=_by_month(period, rows, [label], column_of=lambda r: label),
        note=_("By the date the detention began; states: the facility's country."),
    )


def extradition_requests(user, period: Period) -> Figure:
    rows = (
        visible(cw.ExtraditionRequest.objects.all(), user)
        .annotate(on=Coalesce("received_on", "arrested_on"))
        .filter(on__range=(period.start, period.end))
        .filter(_in(period.states, "requested_state"))
        .values("requesting_state")
        .annotate(n=Count("id"))
    )
    names, cells = _one_column((r["requesting_state"], r["n"]) for r in rows)
    return Figure(
        key="extradition_requests",
        title=_("Extradition requests by requesting state"),
        row_header=_("Requesting state"),
        columns=[_("Requests")],
        rows=names,
        cells=cells,
        note=_("By the date received (else the arrest); states: the requested state."),
    )


def decisions(user, period: Period) -> Figure:
    span = (period.start, period.end)
    extradition = (
        visible(cw.ExtraditionRequest.objects.all(), user)
        .filter(decided_on__range=span)
        .exclude(status=cw.ExtraditionStatus.PENDING)
        .filter(_in(period.states, "requested_state"))
        .values_list("status")
        .annotate(n=Count("id"))
    )
    asylum = (
        visible(cw.AsylumClaim.objects.all(), user)
        .filter(decided_on__range=span)
        .exclude(decision=cw.AsylumDecision.PENDING)
        .filter(_in(period.states, "country"))
        .values_list("decision")
        .annotate(n=Count("id"))
    )
    appeals = (
        visible(cw.Appeal.objects.all(), user)
        .filter(decided_on__range=span)
        .exclude(outcome=cw.AppealOutcome.PENDING)
        .filter(_in(period.states, "country"))
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    rows, cells = [], []
    for kind, choices, counts in (
        (_("Extradition"), cw.ExtraditionStatus, extradition),
        (_("Asylum"), cw.AsylumDecision, asylum),
        (_("Appeal"), cw.AppealOutcome, appeals),
    ):
        labels = dict(choices.choices)
        for value, n in sorted(counts):
            rows.append(f"{kind}: {labels.get(value, value)}")
            cells.append([n])
    return Figure(
        key="decisions",
        title=_("Decisions"),
        row_header=_("Decision"),
        columns=[_("Decisions")],
        rows=rows,
        cells=cells,
        note=_("By the date decided; states: the deciding state."),
    )


def returns(user, period: Period) -> list[Figure]:
    """Two tables of the same returns: per month by destination, and by destination and
    kind. Their per-destination totals are the same numbers, which is why publish() hides
    their cells together."""
    rows = list(
        visible(cw.Return.objects.all(), user)
        .filter(returned_on__range=(period.start, period.end))
        .filter(_in(period.states, "from_country"))
        .annotate(month=TruncMonth("returned_on"))
        .values("month", "destination_country", "kind")
        .annotate(n=Count("id"))
    )
    per_destination: dict[str, int] = {}
    for r in rows:
        dest = r["destination_country"]
        per_destination[dest] = per_destination.get(dest, 0) + r["n"]
    destinations = sorted(per_destination, key=lambda d: (-per_destination[d], d))
    present = {r["kind"] for r in rows}
    kinds = [(value, label) for value, label in cw.ReturnKind.choices if value in present]
    by_kind = [[0] * len(kinds) for _d in destinations]
    dest_index = {d: i for i, d in enumerate(destinations)}
    kind_index = {value: j for j, (value, _label) in enumerate(kinds)}
    for r in rows:
        by_kind[dest_index[r["destination_country"]]][kind_index[r["kind"]]] += r["n"]
    # No returns: no months either, so the table says "Nothing counted".
    per_month = (
        _by_month(period, rows, destinations, column_of=lambda r: r["destination_country"])
        if destinations
        else []
    )
    note = _("By the date of return; states: the state that returned the person.")
    return [
        Figure(
            key="returns",
            title=_("Returns per month by destination"),
            row_header=_("Month"),
            columns=destinations,
            rows=[_month_label(m) for m in period.months()] if destinations else [],
            cells=per_month,
            chart="stacked",
            note=note,
        ),
        Figure(
            key="returns_by_kind",
            title=_("Returns by destination and kind"),
            row_header=_("Destination"),
            columns=[str(label) for _value, label in kinds],
            rows=destinations,
            cells=by_kind,
            chart="stacked",
            note=note,
            rows_are_columns_of="returns",
        ),
    ]


def _interim_in_force_at_return() -> Exists:
    return Exists(
        cw.InterimMeasure.objects.filter(
            person_id=OuterRef("person_id"),
            granted_on__isnull=False,
            granted_on__lte=OuterRef("returned_on"),
        ).filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=OuterRef("returned_on")))
    )


def returns_despite_interim_measures(user, period: Period) -> Figure:
    rows = (
        visible(cw.Return.objects.all(), user)
        .filter(returned_on__range=(period.start, period.end))
        .filter(_in(period.states, "from_country"))
        .filter(_interim_in_force_at_return())
        .values("from_country")
        .annotate(n=Count("id"))
    )
    names, cells = _one_column((r["from_country"], r["n"]) for r in rows)
    return Figure(
        key="returns_despite_interim",
        title=_("Returns despite interim measures"),
        row_header=_("Returning state"),
        columns=[_("Returns")],
        rows=names,
        cells=cells,
        note=_("Returns on a day an interim measure for the person was in force."),
    )


def post_return_reports(user, period: Period) -> Figure:
    rows = (
        visible(cw.PostReturnReport.objects.all(), user)
        .filter(reported_on__range=(period.start, period.end))
        .filter(_in(period.states, "return_record__destination_country"))
        .values("kind")
        .annotate(n=Count("id"))
    )
    names, cells = _one_column(((r["kind"], r["n"]) for r in rows), dict(cw.PostReturnKind.choices))
    return Figure(
        key="post_return_reports",
        title=_("Post-return reports by kind"),
        row_header=_("What was reported"),
        columns=[_("Reports")],
        rows=names,
        cells=cells,
        note=_("By the date reported; states: the state the person was returned to."),
    )


def persons_by_risk(user, period: Period) -> Figure:
    current = visible(RiskAssessment.objects.filter(is_current=True), user)
    if period.states:
        person = OuterRef("person_id")
        current = current.filter(
            Exists(cw.Detention.objects.filter(person=person, facility__country__in=period.states))
            | Exists(
                cw.ExtraditionRequest.objects.filter(
                    person=person, requested_state__in=period.states
                )
            )
            | Exists(cw.Return.objects.filter(person=person, from_country__in=period.states))
        )
    counts = dict(current.values_list("level").annotate(n=Count("id")))
    levels = list(reversed(RiskLevel.choices))
    return Figure(
        key="risk",
        title=_("Persons by current risk level"),
        row_header=_("Risk level"),
        columns=[_("Persons")],
        rows=[str(label) for _value, label in levels],
        cells=[[counts.get(value, 0)] for value, _label in levels],
        note=_(
            "As of the last recompute, whatever the period; states: persons detained, asked "
            "for or returned there."
        ),
    )


def deadlines_kept(user, period: Period) -> Figure:
    statuses = [DeadlineStatus.MET, DeadlineStatus.MISSED, DeadlineStatus.WAIVED]
    counts = dict(
        visible(Deadline.objects.all(), user)
        .filter(due_on__range=(period.start, period.end), status__in=statuses)
        .filter(_in(period.states, "jurisdiction"))
        .values_list("status")
        .annotate(n=Count("id"))
    )
    labels = dict(DeadlineStatus.choices)
    return Figure(
        key="deadlines",
        title=_("Deadlines met, missed and waived"),
        row_header=_("Status"),
        columns=[_("Deadlines")],
        rows=[str(labels[s]) for s in statuses],
        cells=[[counts.get(s, 0)] for s in statuses],
        note=_("By the due date; states: the rule's jurisdiction."),
    )


def _covers_hidden_person(user) -> Exists:
    through = adv.UrgentAction.persons.through
    return Exists(
        through.objects.filter(urgentaction_id=OuterRef("pk")).exclude(
            person_visibility_q(user, "person")
        )
    )


def urgent_actions_and_letters(user, period: Period) -> Figure:
    actions = (
        adv.UrgentAction.objects.filter(issued_on__range=(period.start, period.end))
        .exclude(_covers_hidden_person(user))
        .annotate(month=TruncMonth("issued_on"))
    )
    letters = adv.Letter.objects.filter(sent_at__date__range=(period.start, period.end)).exclude(
        Exists(
            adv.UrgentAction.persons.through.objects.filter(
                urgentaction_id=OuterRef("urgent_action_id")
            ).exclude(person_visibility_q(user, "person"))
        )
    )
    if period.states:
        actions = actions.filter(
            Exists(
                adv.UrgentActionRecipient.objects.filter(
                    urgent_action_id=OuterRef("pk"), authority__country__in=period.states
                )
            )
        )
        letters = letters.filter(authority__country__in=period.states)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    issued, sent = _("Urgent actions issued"), _("Letters sent")
    rows = [{**r, "what": issued} for r in actions.values("month").annotate(n=Count("id"))]
    rows += [
        {**r, "what": sent}
        for r in letters.annotate(month=TruncMonth("sent_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("id"))
    ]
    return Figure(
        key="advocacy",
        title=_("Urgent actions issued and letters sent"),
        row_header=_("Month"),
        columns=[issued, sent],
        rows=[_month_label(m) for m in period.months()],
        cells=_by_month(period, rows, [issued, sent], column_of=lambda r: r["what"]),
        note=_(
            "An urgent action or letter about a person you may not see is not counted; "
            "states: the country of a recipient."
        ),
    )


FIGURES = (
    detentions_started,
    extradition_requests,
    decisions,
    returns,
    returns_despite_interim_measures,
    post_return_reports,
    persons_by_risk,
    deadlines_kept,
    urgent_actions_and_letters,
)


def monitoring_figures(user, period: Period) -> list[Figure]:
    out = []
    for figure in FIGURES:
        made = figure(user, period)
        out += made if isinstance(made, list) else [made]
    return out


def publish(figures: list[Figure], threshold: int) -> list[Figure]:
    """The figures as the public export shows them, small counts suppressed. A figure whose
    row totals are another's column totals is suppressed together with that one (secondary
    suppression across the two tables), so that solving both at once gives nothing back."""
    by_key = {f.key: f for f in figures}
    # {key of a figure: the figure whose rows are its columns}
    linked = {f.rows_are_columns_of: f for f in figures if f.rows_are_columns_of in by_key}
    done: dict[str, Figure] = {}
    for figure in figures:
        if figure.key in done:
            continue
        first, second = figure, linked.get(figure.key)
        if second is None and figure.rows_are_columns_of in by_key:
            first, second = by_key[figure.rows_are_columns_of], figure
        if second is None:
            done[figure.key] = figure.published(threshold)
            continue
        links = [(0, ("total",), 1, ("total",))] + [
            (0, ("column", first.columns.index(label)), 1, ("row", i))
            for i, label in enumerate(second.rows)
        ]
        a, b = suppress_linked([first.cells, second.cells], links, threshold)
        done[first.key], done[second.key] = first._as_published(a), second._as_published(b)
    return [done[f.key] for f in figures]
