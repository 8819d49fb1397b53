"""Post-return reports without the admin: a report dated in the future is a field error that
writes nothing (page and API, as every other fact), and a report is corrected on its own page
with who corrected it in the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned():
    return f.ReturnFactory(
        person=f.PersonFactory(name="Nodir Returned"), returned_on=date(2010, 9, 1)
    )


def test_a_report_dated_in_the_future_is_a_field_error_and_writes_nothing(
    returned, caseworker, client_for
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(caseworker).post(
        reverse("evidence:post-return-add", args=[returned.person_id]),
        {"reported_on": tomorrow, "kind": "charged"},
    )
    assert response.status_code == 400
    assert "in the future" in response.context["form"].errors["reported_on"][0]
    assert not m.PostReturnReport.objects.exists()


def test_the_api_refuses_a_report_dated_in_the_future(returned, caseworker, client_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(caseworker).post(
        reverse("casework_api:postreturnreport-list"),
        {"return_record": str(returned.pk), "reported_on": tomorrow, "kind": "charged"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "reported_on" in response.json()
    assert not m.PostReturnReport.objects.exists()


def test_a_caseworker_corrects_a_report_on_its_page(returned, caseworker, client_for):
    report = m.PostReturnReport.objects.create(
        return_record=returned, reported_on=date(2011, 1, 15), kind="charged"
    )
    client = client_for(caseworker)
    add = client.get(reverse("evidence:post-return-add", args=[returned.person_id]))
    url = reverse("evidence:post-return-edit", args=[returned.person_id, report.pk])
    assert url in add.content.decode()
    form = client.get(url)
    assert form.status_code == 200 and 'value="2011-01-15"' in form.content.decode()
    response = client.post(
        url,
        {"reported_on": "2011-01-15", "kind": "sentenced", "sentence_years": "10",
         "details": "Ten years, closed trial.", "source": "UA 129/10"},
    )  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.kind, report.sentence_years) == ("sentenced", 10)
    assert report.history.first().history_user == caseworker
    assert m.PostReturnReport.objects.count() == 1


def test_a_correction_to_a_future_day_changes_nothing(returned, caseworker, client_for):
    report = m.PostReturnReport.objects.create(
        return_record=returned, reported_on=date(2011, 1, 15), kind="charged"
    )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(caseworker).post(
        reverse("evidence:post-return-edit", args=[returned.person_id, report.pk]),
        {"reported_on": tomorrow, "kind": "charged"},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.reported_on == date(2011, 1, 15)


def test_a_report_of_another_persons_return_is_a_404(returned, caseworker, client_for):
    other = f.ReturnFactory(person=f.PersonFactory())
    report = m.PostReturnReport.objects.create(
        return_record=other, reported_on=date(2011, 1, 15), kind="charged"
    )
    url = reverse("evidence:post-return-edit", args=[returned.person_id, report.pk])
    assert client_for(caseworker).get(url).status_code == 404


def test_a_lawyer_may_not_correct_a_report(returned, lawyer, client_for):
    report = m.PostReturnReport.objects.create(
        return_record=returned, reported_on=date(2011, 1, 15), kind="charged"
    )
    url = reverse("evidence:post-return-edit", args=[returned.person_id, report.pk])
    assert client_for(lawyer).get(url).status_code == 403
