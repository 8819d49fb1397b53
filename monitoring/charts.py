"""Charts drawn on the server as SVG with pygal (Kozea, LGPL-3.0-or-later; the makers of
WeasyPrint, which Haven already uses): pure Python, no JavaScript build, no browser code.

Each chart is drawn from the same cells as the table beside it (suppressed cells are gaps,
never bars) and is served as an <img> with a data: URI, which the Content-Security-Policy
already allows (img-src 'self' data:) and which WeasyPrint draws in the PDF. Inside an <img>
no script runs; pygal's configuration script is dropped all the same."""

from __future__ import annotations

import base64
import re

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    background="white",
    plot_background="white",
    colors=("#1f5f8b", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#566573", "#117a65"),
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    value_font_size=11,
    title_font_size=14,
)
_SCRIPT = re.compile(r"<script.*?</script>", re.S)


def chart_svg(figure) -> str:
    """The SVG of one Figure (monitoring.selectors)."""
    stacked = figure.chart == "stacked"
    kind = pygal.StackedBar if stacked else pygal.Bar
    chart = kind(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=340,
        explicit_size=False,
        print_values=True,
        print_zeroes=False,
        show_legend=len(figure.columns) > 1,
        legend_at_bottom=True,
        x_label_rotation=30 if len(figure.rows) > 6 else 0,
        truncate_label=-1,
        no_data_text=_("Nothing counted"),
        min_scale=1,
        max_scale=6,
        y_labels_major_every=None,
    )
    chart.x_labels = figure.rows
    for j, column in enumerate(figure.columns):
        chart.add(column, [row[j] for row in figure.cells])
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def as_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
