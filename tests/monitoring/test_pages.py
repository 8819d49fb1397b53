"""The monitoring page and the public exports: who may open them, what they say, the
suppression in the exports, the cache and its invalidation."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from casework import models as m
from engine.models import RiskAssessment
from monitoring.models import StatisticsSettings
from tests import factories as f
from tests.monitoring import scenario

pytestmark = pytest.mark.django_db

PAGE = reverse("monitoring:page")
QUERY = {"start": "2011-01-01", "end": "2011-06-30"}


@pytest.fixture
def persons(caseworker):
    return scenario.build(caseworker)


def export_rows(client, **query) -> list[list[str]]:
    response = client.get(reverse("monitoring:export-csv"), {**QUERY, **query})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def cell(rows, figure, row, column) -> str:
    return next(r[3] for r in rows if r[:3] == [figure, row, column])


def test_every_staff_role_opens_the_page_and_an_outsider_does_not(
    client_for, caseworker, lawyer, coordinator, admin_user, outsider
):
    for user in (caseworker, lawyer, coordinator, admin_user):
        assert client_for(user).get(PAGE, QUERY).status_code == 200
    assert client_for(outsider).get(PAGE).status_code == 403


def test_the_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_page_says_what_it_counts_and_in_which_time_zone(persons, client_for, coordinator):
    page = client_for(coordinator).get(PAGE, QUERY).content.decode()
    assert "Counted by calendar date in the time zone UTC." in page
    assert "A restricted person is counted only for their assigned caseworker" in page
    assert page.count('class="chart"') == 10 and page.count("<table") == 10


def test_the_admin_is_told_everyone_is_counted(persons, client_for, admin_user):
    page = client_for(admin_user).get(PAGE, QUERY).content.decode()
    assert "every person is counted, restricted persons included" in page


def test_the_page_is_in_russian_with_russian_months(persons, client_for, coordinator):
    client = client_for(coordinator)
    page = client.get(PAGE, QUERY, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Январь 2011" in page
    assert "1 января 2011" in page and "30 июня 2011" in page  # "from ... to ...": genitive
    assert "UTC" in page


def test_a_wrong_period_is_a_form_error(client_for, coordinator):
    response = client_for(coordinator).get(PAGE, {"start": "2011-06-01", "end": "2011-01-01"})
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    response = client_for(coordinator).get(PAGE, {**QUERY, "states": "KZ, Kazakhstan"})
    assert response.status_code == 400
    assert "Not a two-letter state code: KAZAKHSTAN." in response.content.decode()


def test_the_csv_export_suppresses_small_counts_and_names_nobody(persons, client_for, admin_user):
    rows = export_rows(client_for(admin_user))
    assert ["Time zone", "UTC"] in rows
    # Admin counts: detentions January 3, March 1: both under 5, hidden, and with them the
    # total (the other months are zeros, so the total would give them back).
    assert cell(rows, "Detentions started", "January 2011", "Detentions started") == "suppressed"
    assert cell(rows, "Detentions started", "March 2011", "Detentions started") == "suppressed"
    assert cell(rows, "Detentions started", "February 2011", "Detentions started") == "0"
    assert cell(rows, "Detentions started", "Total", "Total") == "suppressed"
    text = "\n".join(",".join(r) for r in rows)
    for person in persons.values():
        assert person.case_number not in text and person.primary_name not in text
    # Every published count is 0 or at least the threshold.
    for row in rows[7:]:
        assert row[3] == "suppressed" or int(row[3]) == 0 or int(row[3]) >= 5, row


def test_the_admin_sets_the_threshold(persons, client_for, admin_user):
    StatisticsSettings.objects.create(suppression_threshold=2)
    rows = export_rows(client_for(admin_user))
    # Admin's decisions: extradition approved 2, asylum refused 1, appeal rejected 1.
    assert cell(rows, "Decisions", "Extradition: Approved", "Decisions") == "2"
    assert cell(rows, "Decisions", "Asylum: Refused", "Decisions") == "suppressed"
    assert cell(rows, "Decisions", "Appeal: Rejected", "Decisions") == "suppressed"
    assert cell(rows, "Decisions", "Total", "Total") == "4"


def test_the_pdf_export_is_the_page_suppressed(persons, client_for, coordinator):
    from pypdf import PdfReader

    response = client_for(coordinator).get(reverse("monitoring:export-pdf"), QUERY)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "UTC" in text and "suppressed" in text


def test_a_new_fact_shows_at_once_through_the_cache(persons, client_for, coordinator):
    client = client_for(coordinator)
    first = client.get(PAGE, QUERY).context["charted"]
    again = client.get(PAGE, QUERY).context["charted"]
    assert [f.cells for f, _c in again] == [f.cells for f, _c in first]
    f.DetentionFactory(person=persons["c"], started_on=date(2011, 2, 2))
    figures = {f.key: f for f, _c in client.get(PAGE, QUERY).context["charted"]}
    assert figures["detentions"].total == 4


def test_a_recompute_that_changes_a_level_shows_at_once(persons, client_for, coordinator):
    client = client_for(coordinator)
    client.get(PAGE, QUERY)
    current = RiskAssessment.objects.get(person=persons["c"], is_current=True)
    current.is_current = False
    current.save()
    scenario._risk(persons["c"], "imminent")
    figures = {f.key: f for f, _c in client.get(PAGE, QUERY).context["charted"]}
    assert dict(zip(figures["risk"].rows, figures["risk"].cells, strict=True))["Imminent"] == [2]


def test_a_waived_deadline_shows_at_once_through_the_cache(
    persons, client_for, coordinator, lawyer
):
    from engine.models import Deadline
    from engine.services import deadline_waive

    client = client_for(coordinator)
    figures = {f.key: f for f, _c in client.get(PAGE, QUERY).context["charted"]}
    assert figures["deadlines"].cells == [[1], [1], [1]]  # met, missed, waived
    missed = Deadline.objects.get(person=persons["b"], status="missed")
    deadline_waive(deadline_id=missed.pk, reason="Client instructs not to appeal", by=lawyer)
    figures = {f.key: f for f, _c in client.get(PAGE, QUERY).context["charted"]}
    assert figures["deadlines"].cells == [[1], [0], [2]]


def test_restricting_a_person_takes_them_out_of_a_coordinators_figures_at_once(
    persons, client_for, coordinator
):
    client = client_for(coordinator)
    client.get(PAGE, QUERY)
    persons["c"].confidentiality = m.Confidentiality.RESTRICTED
    persons["c"].save()
    figures = {f.key: f for f, _c in client.get(PAGE, QUERY).context["charted"]}
    assert figures["detentions"].total == 2


def test_the_page_is_cached_after_its_first_view(
    persons, client_for, coordinator, django_assert_max_num_queries
):
    client = client_for(coordinator)
    client.get(PAGE, QUERY)
    # Session, user, the data version, whether the user sees a restricted person, the nav's
    # unread count: the figures come from the cache.
    with django_assert_max_num_queries(6):
        client.get(PAGE, QUERY)


def test_the_two_tables_of_returns_are_suppressed_together(persons, client_for, admin_user):
    StatisticsSettings.objects.create(suppression_threshold=2)
    rows = export_rows(client_for(admin_user))
    # Admin counts: June, to UZ, 2 extradited and 1 deported. The deported 1 is hidden and
    # the extradited 2 with it; the destination's total, 3, is published by both tables.
    by_kind = "Returns by destination and kind"
    assert cell(rows, by_kind, "UZ", "Deported") == "suppressed"
    assert cell(rows, by_kind, "UZ", "Extradited") == "suppressed"
    assert cell(rows, by_kind, "UZ", "Total") == "3"
    assert cell(rows, "Returns per month by destination", "Total", "UZ") == "3"


def test_the_engines_recompute_refreshes_the_figures_and_a_second_one_keeps_the_cache(
    persons, client_for, coordinator, django_assert_max_num_queries
):
    from engine.services import person_recompute
    from monitoring.selectors import monitoring_figures

    client = client_for(coordinator)
    before = {f.key: f.cells for f, _c in client.get(PAGE, QUERY).context["charted"]}
    # The real recompute of C replaces the scenario's hand-made "none" with the engine's
    # level and adds C's deadlines: the page shows what a fresh count gives.
    person_recompute(person_id=persons["c"].pk, today=date(2011, 6, 30))
    page = {f.key: f.cells for f, _c in client.get(PAGE, QUERY).context["charted"]}
    fresh = {f.key: f.cells for f in monitoring_figures(coordinator, scenario.PERIOD)}
    assert page == fresh and page["risk"] != before["risk"]
    # Recomputing again changes nothing, so the figures still come from the cache.
    person_recompute(person_id=persons["c"].pk, today=date(2011, 6, 30))
    with django_assert_max_num_queries(6):
        assert {f.key: f.cells for f, _c in client.get(PAGE, QUERY).context["charted"]} == page


def test_a_restricted_person_is_counted_for_the_assigned_lawyer_too(persons, client_for, lawyer):
    persons["r"].assigned_lawyer = lawyer
    persons["r"].save()
    figures = {f.key: f for f, _c in client_for(lawyer).get(PAGE, QUERY).context["charted"]}
    assert figures["detentions"].total == 4  # A, B and R in January, C in March
    assert figures["returns_by_kind"].total == 3


def test_after_a_change_only_the_charts_it_changed_are_drawn_again(
    persons, client_for, coordinator, monkeypatch
):
    from monitoring import views

    drawn = []
    draw = views.chart_svg
    monkeypatch.setattr(views, "chart_svg", lambda figure: drawn.append(figure.key) or draw(figure))
    client = client_for(coordinator)
    client.get(PAGE, QUERY)
    assert len(drawn) == 10
    drawn.clear()
    f.DetentionFactory(person=persons["c"], started_on=date(2011, 2, 2))
    figures = {f.key: f for f, _c in client.get(PAGE, QUERY).context["charted"]}
    assert figures["detentions"].total == 4
    assert drawn == ["detentions"]
