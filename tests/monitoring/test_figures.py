"""Each monitoring figure against the hand-counted scenario (tests/monitoring/scenario.py):
the restricted person R is counted for its assigned caseworker and for admins, never for a
coordinator or a lawyer who is not assigned."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.roles import user_roles
from monitoring.selectors import Period, monitoring_figures
from tests.monitoring import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(caseworker):
    return scenario.build(caseworker)


def figures(user, period=scenario.PERIOD) -> dict:
    with translation.override("en"):
        return {f.key: f for f in monitoring_figures(user, period)}


def counts(figure) -> dict:
    """{row label: value} for one-column figures, {(row, column): value} otherwise, zeros
    left out."""
    if len(figure.columns) == 1:
        return {row: cells[0] for row, cells, _t in figure.table if cells[0]}
    return {
        (row, column): v
        for row, cells, _t in figure.table
        for column, v in zip(figure.columns, cells, strict=True)
        if v
    }


def test_detentions_started_per_month(persons, coordinator, caseworker, admin_user):
    assert counts(figures(coordinator)["detentions"]) == {"January 2011": 2, "March 2011": 1}
    assert counts(figures(caseworker)["detentions"]) == {"January 2011": 3, "March 2011": 1}
    assert counts(figures(admin_user)["detentions"]) == {"January 2011": 3, "March 2011": 1}
    assert figures(coordinator)["detentions"].total == 3


def test_extradition_requests_by_requesting_state(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["extradition_requests"]) == {"UZ": 2, "TJ": 1}
    assert counts(figures(caseworker)["extradition_requests"]) == {"UZ": 3, "TJ": 1}


def test_decisions(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["decisions"]) == {
        "Extradition: Approved": 1,
        "Asylum: Refused": 1,
        "Appeal: Rejected": 1,
    }
    assert counts(figures(caseworker)["decisions"])["Extradition: Approved"] == 2


def test_returns_per_month_by_destination(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["returns"]) == {"June 2011": 2}
    assert figures(coordinator)["returns"].columns == ["UZ"]
    assert counts(figures(caseworker)["returns"]) == {"June 2011": 3}


def test_returns_by_destination_and_kind(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["returns_by_kind"]) == {
        ("UZ", "Extradited"): 1,
        ("UZ", "Deported"): 1,
    }
    by_kind = figures(caseworker)["returns_by_kind"]
    assert counts(by_kind) == {("UZ", "Extradited"): 2, ("UZ", "Deported"): 1}
    # The per-destination totals are the month table's: the same returns, counted twice.
    assert by_kind.row_totals == figures(caseworker)["returns"].column_totals == [3]


def test_returns_despite_interim_measures(persons, coordinator, caseworker):
    # B's measure was lifted before B's return: not counted.
    assert counts(figures(coordinator)["returns_despite_interim"]) == {"KZ": 1}
    assert counts(figures(caseworker)["returns_despite_interim"]) == {"KZ": 2}


def test_post_return_reports_by_kind(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["post_return_reports"]) == {
        "Held incommunicado": 1,
        "Charged": 1,
    }
    assert counts(figures(caseworker)["post_return_reports"]) == {
        "Held incommunicado": 1,
        "Charged": 1,
        "Sentenced": 1,
    }


def test_persons_by_current_risk_level(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["risk"]) == {"Imminent": 1, "High": 1, "None": 1}
    assert counts(figures(caseworker)["risk"]) == {"Imminent": 2, "High": 1, "None": 1}


def test_deadlines_met_missed_and_waived(persons, coordinator, caseworker):
    assert counts(figures(coordinator)["deadlines"]) == {"Met": 1, "Missed": 1, "Waived": 1}
    assert counts(figures(caseworker)["deadlines"]) == {"Met": 1, "Missed": 2, "Waived": 1}


def test_urgent_actions_issued_and_letters_sent(persons, coordinator, caseworker, lawyer):
    expected = {("June 2011", "Urgent actions issued"): 1, ("June 2011", "Letters sent"): 1}
    assert counts(figures(coordinator)["advocacy"]) == expected
    assert counts(figures(lawyer)["advocacy"]) == expected  # not R's lawyer
    assert counts(figures(caseworker)["advocacy"]) == {
        ("June 2011", "Urgent actions issued"): 2,
        ("June 2011", "Letters sent"): 2,
    }


def test_states_narrow_every_figure(persons, coordinator):
    period = Period(start=scenario.PERIOD.start, end=scenario.PERIOD.end, states=("RU",))
    by_key = figures(coordinator, period)
    assert counts(by_key["detentions"]) == {"March 2011": 1}
    assert counts(by_key["extradition_requests"]) == {"TJ": 1}
    assert counts(by_key["decisions"]) == {"Appeal: Rejected": 1}
    assert by_key["returns"].table == [] and by_key["returns_by_kind"].table == []
    assert counts(by_key["risk"]) == {"None": 1}  # C, detained and asked for in Russia
    assert counts(by_key["deadlines"]) == {}  # the scenario's deadlines are Kazakh
    assert counts(by_key["advocacy"]) == {}  # the one recipient is in Kazakhstan


def test_months_are_named_in_the_users_language(persons, coordinator):
    with translation.override("ru"):
        rows = monitoring_figures(coordinator, scenario.PERIOD)[0].rows
    assert rows[0] == "Январь 2011 г." and len(rows) == 6


def test_an_outsider_counts_nothing(persons, outsider):
    assert all(f.total == 0 for f in monitoring_figures(outsider, scenario.PERIOD))


def test_the_figures_take_a_fixed_number_of_queries(
    persons, coordinator, django_assert_num_queries
):
    # One grouped COUNT per figure; decisions count three kinds; advocacy two (actions, letters).
    user_roles(coordinator)  # the page has them from the staff-access middleware
    with django_assert_num_queries(12):
        monitoring_figures(coordinator, scenario.PERIOD)
