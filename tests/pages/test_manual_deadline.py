"""A lawyer adds a deadline by hand, with its reason; it shows on the person page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engine.models import ManualDeadline
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(person):
    return reverse("engine:manual-deadline-new", args=[person.pk])


def test_a_lawyer_adds_a_deadline_with_its_reason_and_sees_it_on_the_person_page(
    lawyer, client_for
):
    person = f.PersonFactory()
    client = client_for(lawyer)
    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        _url(person),
        {
            "title": "Reply to the court's request",
            "due_on": due.isoformat(),
            "reason": "Order of the Osh city court of 1 December, by telephone",
        },
    )
    assert response.status_code == 302
    deadline = ManualDeadline.objects.get()
    assert (deadline.added_by, deadline.due_on) == (lawyer, due)
    assert deadline.history.first().history_user == lawyer
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert "Reply to the court&#x27;s request" in page and "Order of the Osh city court" in page


def test_a_deadline_without_a_reason_is_a_field_error_and_writes_nothing(lawyer, client_for):
    person = f.PersonFactory()
    response = client_for(lawyer).post(
        _url(person), {"title": "Something", "due_on": "2027-01-10", "reason": "   "}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not ManualDeadline.objects.exists()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("lawyer", 200),
        ("admin_user", 200),
        ("caseworker", 403),
        ("coordinator", 403),
        ("outsider", 403),
    ],
)
def test_only_lawyers_and_admins_add_deadlines_by_hand(who, code, request, client_for):
    person = f.PersonFactory()
    assert client_for(request.getfixturevalue(who)).get(_url(person)).status_code == code


def test_a_restricted_person_is_not_found_by_an_unassigned_lawyer(lawyer, client_for):
    person = f.PersonFactory(confidentiality="restricted")
    response = client_for(lawyer).post(
        _url(person), {"title": "x", "due_on": "2027-01-10", "reason": "y"}
    )
    assert response.status_code == 404 and not ManualDeadline.objects.exists()
