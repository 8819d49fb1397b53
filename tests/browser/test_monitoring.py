"""The monitoring page in a real browser, in English and Russian: every chart is drawn (the
browser loads each SVG under the page's Content-Security-Policy), and every chart shows the
numbers of the table beside it: the same values, under the same row and column names, in the
page's language. The counts are the hand-counted scenario's, for a coordinator (the
restricted person left out)."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from tests import factories as f
from tests.monitoring import scenario

# serialized_rollback: the rules that migrations ship survive the flush (the scenario's
# deadlines name one).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
QUERY = "?start=2011-01-01&end=2011-06-30"
SVG = "{http://www.w3.org/2000/svg}"
WORDS = {
    "en": {
        "title": "Monitoring figures",
        "zone": "Counted by calendar date in the time zone UTC.",
        "january": "January 2011",
        "detentions": "Detentions started",
    },
    "ru": {
        "title": "Мониторинг",
        "zone": "Подсчёт по календарным датам в часовом поясе UTC.",
        "january": "Январь 2011 г.",
        "detentions": "Начатые задержания",
    },
}


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def chart_numbers(src: str) -> dict:
    """{(row label, series name): value} as pygal drew them: each bar's value and x label,
    each series' name from the legend (one series: the table's single column)."""
    assert src.startswith("data:image/svg+xml;base64,")
    svg = ET.fromstring(base64.b64decode(src.split(",", 1)[1]))
    legend = [
        "".join(g.find(f"{SVG}text").itertext())
        for g in svg.iter(f"{SVG}g")
        if "legend" in _classes(g)
    ]
    numbers = {}
    for g in svg.iter(f"{SVG}g"):
        bars = [c for c in g if "bars" in _classes(c)]
        if "series" not in _classes(g) or not bars:
            continue
        j = int(next(c for c in _classes(g) if c.startswith("serie-")).split("-")[1])
        for bar in bars[0]:
            desc = {d.get("class").split()[0]: d.text for d in bar.iter(f"{SVG}desc")}
            numbers[(desc["x_label"], legend[j] if legend else None)] = int(desc["value"])
    return numbers


def table_numbers(section) -> dict:
    """{(row label, column name): value} read from the table on the page."""
    headers = section.locator("table thead th").all_inner_texts()[1:]
    numbers = {}
    for row in section.locator("table tbody tr").all():
        label = row.locator("th").inner_text()
        values = row.locator("td.count").all_inner_texts()
        for column, value in zip(headers, values, strict=False):
            numbers[(label, column if len(values) > 1 else None)] = int(value)
    return numbers


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_chart_shows_the_numbers_of_its_table(browse, language):
    words = WORDS[language]
    caseworker = f.UserFactory(username=f"cw-m-{language}", roles=["caseworker"])
    scenario.build(caseworker)
    coordinator = f.UserFactory(username=f"co-m-{language}", roles=["coordinator"])
    session = browse(coordinator, language, "monitoring")
    page = session.go("/monitoring/" + QUERY)
    assert page.locator("h1").inner_text() == words["title"]
    assert words["zone"] in page.locator("p.scope").inner_text()
    session.shot("figures")

    sections = page.locator("section.figure").all()
    assert len(sections) == 10
    for section in sections:
        image = section.locator("img.chart")
        # Drawn, not only sent: a blocked or broken SVG has no natural width.
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        chart, table = chart_numbers(image.get_attribute("src")), table_numbers(section)
        assert chart == table, section.get_attribute("data-figure")

    detentions = page.locator("#figure-detentions")
    assert detentions.locator("h2").inner_text() == words["detentions"]
    # Hand-counted: January A and B (R is restricted, not the coordinator's), March C.
    numbers = table_numbers(detentions)
    assert numbers[(words["january"], None)] == 2
    assert sum(numbers.values()) == 3
    assert chart_numbers(detentions.locator("img.chart").get_attribute("src")) == numbers
