"""The monitoring figures: counts for a period and a set of states, each read through the
visibility gate (casework.access), so a restricted person is counted only for the staff who
may see them (their assigned caseworker and lawyer, and admins).

Counted by calendar date as recorded (a detention's start, a return's date ...); the one
moment, a letter's sending time, is counted by its date in settings.TIME_ZONE. Every figure
is one grouped COUNT query: eleven queries whatever the number of persons.
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

from .suppression import suppress


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

    def __post_init__(self):
        if not self.suppressed:
            _c, self.row_totals, self.column_totals, self.total = suppress(self.cells, 0)

    def published(self, threshold: int) -> Figure:
        """The same figure with small cells, and those that would give them back, hidden."""
        cells, row_totals, column_totals, total = suppress(self.cells, threshold)
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


def returns_by_month(user, period: Period) -> Figure:
    rows = list(
        visible(cw.Return.objects.all(), user)
        .filter(returned_on__range=(period.start, period.end))
        .filter(_in(period.states, "from_country"))
        .annotate(month=TruncMonth("returned_on"))
        .values("month", "destination_country", "kind")
        .annotate(n=Count("id"))
    )
    kinds = dict(cw.ReturnKind.choices)
    keys = sorted({(r["destination_country"], r["kind"]) for r in rows})
    return Figure(
        key="returns",
        title=_("Returns per month by destination and kind"),
        row_header=_("Month"),
        columns=[f"{dest} · {kinds.get(kind, kind)}" for dest, kind in keys],
        rows=[_month_label(m) for m in period.months()],
        cells=_by_month(
            period, rows, keys, column_of=lambda r: (r["destination_country"], r["kind"])
        ),
        chart="stacked",
        note=_("By the date of return; states: the state that returned the person."),
    )


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
    returns_by_month,
    returns_despite_interim_measures,
    post_return_reports,
    persons_by_risk,
    deadlines_kept,
    urgent_actions_and_letters,
)


def monitoring_figures(user, period: Period) -> list[Figure]:
    return [figure(user, period) for figure in FIGURES]
