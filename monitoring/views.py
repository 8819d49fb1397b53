"""The monitoring page and the public statistics export (CSV, PDF).

Every staff role may open them; each sees the figures for the persons it may see (the
selectors go through casework.access). The page shows the counts as they are; the exports
are meant for the public and publish them suppressed (monitoring.suppression)."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES, Role, user_roles

from .cache import audience, cached, charts
from .charts import as_data_uri, chart_svg
from .forms import PeriodForm, default_period
from .models import StatisticsSettings
from .selectors import monitoring_figures, publish


def _form(request) -> PeriodForm:
    if not user_roles(request.user) & STAFF_ROLES:
        raise PermissionDenied
    start, end = default_period(timezone.localdate())
    data = {"start": start.isoformat(), "end": end.isoformat(), "states": ""}
    data.update({k: request.GET[k] for k in data if k in request.GET})
    return PeriodForm(data)


def _charted(request, period, *, threshold: int | None):
    """[(figure, chart data URI)], cached; suppressed when a threshold is given."""

    def compute():
        figures = monitoring_figures(request.user, period)
        if threshold is not None:
            figures = publish(figures, threshold)
        drawn = charts(figures, lambda f: as_data_uri(chart_svg(f)))
        return list(zip(figures, drawn, strict=True))

    key = (audience(request.user), get_language(), period, threshold)
    return cached(key, compute)


def _context(request, form, charted, *, public: bool, threshold=None) -> dict:
    return {
        "form": form,
        "charted": charted,
        "period": form.period() if form.is_valid() else None,
        "time_zone": settings.TIME_ZONE,
        "counts_everyone": Role.ADMIN in user_roles(request.user),
        "public": public,
        "threshold": threshold,
        "query": request.GET.urlencode(),
    }


def monitoring_page(request):
    form = _form(request)
    if not form.is_valid():
        context = _context(request, form, [], public=False)
        return render(request, "monitoring/page.html", context, status=400)
    charted = _charted(request, form.period(), threshold=None)
    return render(request, "monitoring/page.html", _context(request, form, charted, public=False))


def _export_rows(charted, period, threshold):
    yield [_("Haven public statistics")]
    yield [_("Period"), period.start.isoformat(), period.end.isoformat()]
    yield [_("States"), ", ".join(period.states) or _("every state")]
    yield [_("Time zone"), settings.TIME_ZONE]
    yield [
        _("Counts from 1 to %(n)d are suppressed, with others that would give them back.")
        % {"n": threshold - 1}
    ]
    yield []
    yield [_("Figure"), _("Row"), _("Column"), _("Count")]
    hidden = _("suppressed")

    def value(v):
        return hidden if v is None else v

    for figure, _uri in charted:
        total_label = _("Total")
        for label, cells, row_total in figure.table:
            for column, v in zip(figure.columns, cells, strict=True):
                yield [figure.title, label, column, value(v)]
            if figure.row_totals is not None:
                yield [figure.title, label, total_label, value(row_total)]
        if figure.column_totals is not None:
            for column, v in zip(figure.columns, figure.column_totals, strict=True):
                yield [figure.title, total_label, column, value(v)]
        yield [figure.title, total_label, total_label, value(figure.total)]


def _export(request):
    form = _form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return None, None, None, HttpResponse(errors, status=400, content_type="text/plain")
    threshold = StatisticsSettings.threshold()
    period = form.period()
    return form, period, threshold, _charted(request, period, threshold=threshold)


def export_csv(request):
    form, period, threshold, charted = _export(request)
    if form is None:
        return charted
    out = io.StringIO()
    csv.writer(out).writerows(_export_rows(charted, period, threshold))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"haven-statistics-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_pdf(request):
    from advocacy.letters import font_configuration, html_to_pdf

    form, period, threshold, charted = _export(request)
    if form is None:
        return charted
    html = render_to_string(
        "monitoring/export_pdf.html",
        _context(request, form, charted, public=True, threshold=threshold),
        request=request,
    )
    response = HttpResponse(
        html_to_pdf(html, font_config=font_configuration()), content_type="application/pdf"
    )
    name = f"haven-statistics-{period.start}-{period.end}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
