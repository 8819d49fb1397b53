"""The home page's figures and what it costs: the unread count is the navigation badge's (one
query, through the visibility gate) and the coordinator's part does not grow with persons."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engine.models import RiskAssessment
from tests import factories as f

pytestmark = pytest.mark.django_db


def _at_risk(name: str, level: str = "imminent"):
    person = f.PersonFactory(name=name)
    RiskAssessment.objects.create(
        person=person,
        level=level,
        score=10,
        reasons=[],
        assessed_on=timezone.localdate(),
        assessed_at=timezone.now(),
    )
    return person


def test_home_unread_count_is_the_badge_and_leaves_out_persons_no_longer_visible(
    coordinator, client_for
):
    f.AlertFactory(recipient=coordinator, person=f.PersonFactory())
    f.AlertFactory(recipient=coordinator)
    f.AlertFactory(recipient=coordinator, person=f.PersonFactory(confidentiality="restricted"))
    page = client_for(coordinator).get("/").content.decode()
    assert "2 unread alerts" in page
    assert '<span class="badge unread">2</span>' in page


def test_coordinator_home_shows_the_translated_level(coordinator, client_for):
    _at_risk("Davron Imminent")
    page = client_for(coordinator).get("/").content.decode()
    section = page.split('id="h-risk"')[1].split("</section>")[0]
    assert '<span class="risk risk-imminent">Imminent</span>' in section
    assert "Davron Imminent" in section


def test_coordinator_home_query_count_does_not_grow_with_persons_at_risk(
    coordinator, client_for, django_assert_num_queries
):
    _at_risk("First At Risk")
    client = client_for(coordinator)
    client.get("/")
    # session, user, unread alerts (also the badge), the newest imminent and the newest high
    # (a level at a time, off an index), those risk rows with their persons, the urgent
    # actions covering them, urgent actions due, drafts.
    with django_assert_num_queries(9):
        client.get("/")
    for i in range(10):
        _at_risk(f"Also At Risk {i}", level="high")
    with django_assert_num_queries(9):
        client.get("/")


def test_caseworker_home_query_count_does_not_grow_with_detained_persons(
    caseworker, client_for, django_assert_num_queries
):
    def detained(name):
        f.DetentionFactory(person=f.PersonFactory(name=name), started_on=timezone.localdate())

    detained("First Detained")
    client = client_for(caseworker)
    client.get("/")
    # session, user, unread alerts (also the badge), the detained without contact (ids), those
    # persons (only what the page and the read audit use), transfers reported (persons'
    # welfare checks, transfers recorded as detentions, groups' events).
    with django_assert_num_queries(8):
        assert "First Detained" in client.get("/").content.decode()
    for i in range(10):
        detained(f"Also Detained {i}")
    with django_assert_num_queries(8):
        assert "Also Detained 9" in client.get("/").content.decode()


def test_an_older_imminent_assessment_is_not_crowded_out_by_newer_high_ones(
    coordinator, client_for
):
    from datetime import timedelta

    from casework.selectors import HOME_LIMIT, persons_at_risk

    old = _at_risk("Olim Oldimminent")
    RiskAssessment.objects.filter(person=old).update(
        assessed_at=timezone.now() - timedelta(days=30)
    )
    for i in range(HOME_LIMIT * 2 + 5):
        _at_risk(f"Newer High {i}", level="high")
    shown = persons_at_risk(coordinator)
    assert len(shown) == HOME_LIMIT
    assert shown[0].pk == old.pk and shown[0].risk.level == "imminent"
