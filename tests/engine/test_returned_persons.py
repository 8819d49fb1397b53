"""A returned person's practice reminders (welfare check, interim-measure follow-up, urgent
action send-before) stop; the deadlines of the law stay. Years overdue, the reminders had
filled "my deadlines" and the home page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from engine import services
from engine.models import Deadline
from engine.selectors import deadlines_for
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2011, 7, 1)


def _live(person):
    return Deadline.objects.filter(person=person).exclude(status="superseded")


@pytest.fixture
def detained_with_a_cat_complaint(lawyer):
    person = f.PersonFactory(name="Odil Returnedov", assigned_lawyer=lawyer)
    f.DetentionFactory(person=person, started_on=date(2010, 6, 15))
    f.InterimMeasureFactory(
        person=person,
        status="granted",
        granted_on=date(2011, 5, 20),
        complaint_transmitted_on=date(2010, 12, 10),
    )
    services.person_recompute(person_id=person.pk, today=TODAY)
    return person


def test_before_the_return_the_practice_reminders_are_there(detained_with_a_cat_complaint):
    practice = {d.rule_code for d in _live(detained_with_a_cat_complaint) if d.practice}
    assert {"practice.welfare_check", "practice.interim_followup"} <= practice


def test_a_return_supersedes_the_practice_reminders_and_keeps_the_law(
    detained_with_a_cat_complaint, lawyer
):
    person = detained_with_a_cat_complaint
    f.ReturnFactory(person=person, returned_on=date(2011, 6, 9))
    services.person_recompute(person_id=person.pk, today=TODAY)
    live = list(_live(person))
    assert [d.rule_code for d in live if d.practice] == []
    assert "cat.state_obs" in {d.rule_code for d in live}
    assert Deadline.objects.filter(
        person=person, rule_code="practice.welfare_check", status="superseded"
    ).exists()
    mine = {d.rule_code for d in deadlines_for(lawyer, today=TODAY)}
    assert "cat.state_obs" in mine and not {c for c in mine if c.startswith("practice.")}


@pytest.mark.parametrize("page", ["engine:deadlines", "casework:home"])
def test_my_deadlines_and_the_home_page_show_no_practice_reminder_of_a_returned_person(
    detained_with_a_cat_complaint, lawyer, client_for, page
):
    person = detained_with_a_cat_complaint
    client = client_for(lawyer)
    before = client.get(reverse(page)).content.decode()
    assert "practice.welfare_check" in before  # the test can fail
    f.ReturnFactory(person=person, returned_on=date(2011, 6, 9))
    services.person_recompute(person_id=person.pk, today=TODAY)
    after = client.get(reverse(page)).content.decode()
    assert "practice.welfare_check" not in after and "practice.interim_followup" not in after
    assert "cat.state_obs" in after
