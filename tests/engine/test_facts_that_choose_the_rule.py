"""Facts that choose the rule or the day a period counts from (issue 16).

- A Turkish refusal of international protection: 15 days to sue when it was decided in the
  accelerated procedure or found inadmissible, 30 in the regular procedure (LFIP art. 80(1)).
  The claim records the procedure; when it does not, the 15 days are shown, saying on what
  condition, with the 30 days' date beside them (a lawyer meets the earlier date until the
  decision says which procedure applied).
- CAT follow-up (rule 118(5)) and HRC follow-up of Views: counted from the transmittal of the
  decision when recorded, else from its adoption, saying so.

The rules are the shipped ones (synced into the table after migrate); the counts are by hand.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework import models as m
from engine import services
from engine.deadlines import compute_deadlines
from engine.facts import AsylumFact, InterimFact, PersonFacts
from engine.models import Deadline, Rule
from tests import factories as f

from ..casework.conftest import list_url

pytestmark = pytest.mark.django_db

ACCELERATED, REGULAR = "tr.ip.appeal.accelerated", "tr.ip.appeal"


def _rules():
    return [r.to_spec() for r in Rule.objects.all()]


def _asylum_deadlines(procedure: str, country: str = "TR", on: date = date(2026, 3, 5)):
    claim = AsylumFact("c", country, "refused", "state", on, on, procedure=procedure)
    found = compute_deadlines(PersonFacts("p", asylum_claims=(claim,)), _rules(), on)
    return [d for d in found if d.kind == "appeal_asylum"]


def test_an_accelerated_refusal_gets_fifteen_days_and_no_condition():
    # Notified Thursday 5 March 2026: 15 days from the next day end Friday 20 March, first
    # day of Ramazan Bayramı (20-22 March, the weekend); the period runs to Monday 23 March.
    (deadline,) = _asylum_deadlines("accelerated")
    assert (deadline.rule_code, deadline.due_on) == (ACCELERATED, date(2026, 3, 23))
    assert "record does not say" not in deadline.why


def test_an_inadmissibility_decision_gets_the_fifteen_days_too():
    (deadline,) = _asylum_deadlines("inadmissible")
    assert (deadline.rule_code, deadline.due_on) == (ACCELERATED, date(2026, 3, 23))


def test_a_regular_refusal_gets_thirty_days_not_the_accelerated_fifteen():
    # Thirty days from Friday 6 March end Saturday 4 April: the next working day is Monday
    # 6 April (İYUK art. 8(2)). Before issue 16's fix every refusal showed the 15 days.
    (deadline,) = _asylum_deadlines("regular")
    assert (deadline.rule_code, deadline.due_on) == (REGULAR, date(2026, 4, 6))
    assert "record does not say" not in deadline.why


def test_a_refusal_whose_procedure_is_not_recorded_shows_the_safe_date_with_its_condition():
    (deadline,) = _asylum_deadlines("")
    assert (deadline.rule_code, deadline.due_on) == (ACCELERATED, date(2026, 3, 23))
    assert (
        "if the refusal was decided in the accelerated procedure or found inadmissible: the "
        "record does not say which procedure applied (record it on the claim); if it was "
        "decided in the regular procedure: due 6 April 2026 (tr.ip.appeal)"
    ) in deadline.why


def test_a_refusal_elsewhere_is_not_told_about_procedures():
    # Russia has one period whatever the procedure: one month from the written notice.
    (deadline,) = _asylum_deadlines("", country="RU", on=date(2026, 4, 9))
    assert deadline.rule_code == "ru.refugee.appeal"
    assert "procedure" not in deadline.why


def _followup(body: str, adopted: date, transmitted: date | None):
    measure = InterimFact(
        "m", body, decision_on=adopted, decision_transmitted_on=transmitted, respondent_state="KZ"
    )
    found = compute_deadlines(PersonFacts("p", interim_measures=(measure,)), _rules(), adopted)
    kind = {"cat": "cat_followup", "hrc": "views_followup"}[body]
    (deadline,) = [d for d in found if d.kind == kind]
    return deadline


def test_cat_follow_up_counts_from_the_transmittal_when_recorded():
    # Adopted Friday 2 May 2025, transmitted Wednesday 14 May: 90 days from 15 May
    # (17 in May, 30 in June, 31 in July = 78; 12 more) end Tuesday 12 August 2025.
    deadline = _followup("cat", date(2025, 5, 2), date(2025, 5, 14))
    assert deadline.due_on == date(2025, 8, 12)
    assert deadline.counted_from == date(2025, 5, 14)
    assert "adopted on 2 May 2025, transmitted to the state on 14 May 2025" in deadline.why
    assert "not recorded" not in deadline.why


def test_cat_follow_up_counts_from_adoption_and_says_so_without_a_transmittal():
    # 90 days from 3 May (29 + 30 + 31) end Thursday 31 July 2025.
    deadline = _followup("cat", date(2025, 5, 2), None)
    assert deadline.due_on == date(2025, 7, 31)
    assert "counted from adoption: transmittal date not recorded" in deadline.why


def test_hrc_follow_up_of_views_has_the_same_shape():
    # Adopted Friday 18 July 2025, transmitted Monday 4 August: 180 days from 5 August
    # (27 + 30 + 31 + 30 + 31 = 149 by 31 December; 31 more) end Saturday 31 January 2026.
    assert _followup("hrc", date(2025, 7, 18), date(2025, 8, 4)).due_on == date(2026, 1, 31)
    untransmitted = _followup("hrc", date(2025, 7, 18), None)
    assert untransmitted.due_on == date(2026, 1, 14)
    assert "counted from adoption: transmittal date not recorded" in untransmitted.why


# ---------------------------------------------------------------------------------------------
# The record: the fields reach the engine from the API, and keep their history
# ---------------------------------------------------------------------------------------------


def _post(client, prefix, data):
    return client.post(list_url(prefix), data, content_type="application/json")


def test_the_procedure_recorded_through_the_api_chooses_the_rule(lawyer, client_for):
    person = f.PersonFactory()
    response = _post(
        client_for(lawyer),
        "asylum-claims",
        {
            "person": str(person.pk),
            "authority_kind": "state",
            "country": "TR",
            "lodged_on": "2026-01-05",
            "decision": "refused",
            "decided_on": "2026-03-04",
            "notified_on": "2026-03-05",
            "procedure": "regular",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["procedure"] == "regular"
    services.person_recompute(person_id=person.pk, today=date(2026, 3, 6))
    deadline = Deadline.objects.get(person=person, kind="appeal_asylum", status="open")
    assert (deadline.rule_code, deadline.due_on) == (REGULAR, date(2026, 4, 6))

    claim = m.AsylumClaim.objects.get(person=person)
    claim.procedure = m.AsylumProcedure.ACCELERATED
    claim.save()
    services.person_recompute(person_id=person.pk, today=date(2026, 3, 6))
    deadline = Deadline.objects.get(person=person, kind="appeal_asylum", status="open")
    assert (deadline.rule_code, deadline.due_on) == (ACCELERATED, date(2026, 3, 23))
    assert [h.procedure for h in claim.history.order_by("history_date")] == [
        "regular",
        "accelerated",
    ]


def test_the_transmittal_recorded_through_the_api_moves_the_follow_up(lawyer, client_for):
    person = f.PersonFactory()
    response = _post(
        client_for(lawyer),
        "interim-measures",
        {
            "person": str(person.pk),
            "body": "cat",
            "respondent_state": "KZ",
            "case_number": "999/2024",
            "decision_on": "2025-05-02",
            "decision_transmitted_on": "2025-05-14",
        },
    )
    assert response.status_code == 201, response.json()
    services.person_recompute(person_id=person.pk, today=date(2025, 5, 15))
    deadline = Deadline.objects.get(person=person, kind="cat_followup", status="open")
    assert deadline.due_on == date(2025, 8, 12)


def test_a_transmittal_before_the_adoption_is_refused():
    measure = f.InterimMeasureFactory.build(
        person=f.PersonFactory(),
        decision_on=date(2025, 5, 2),
        decision_transmitted_on=date(2025, 4, 30),
    )
    with pytest.raises(ValidationError):
        measure.full_clean()


def test_the_person_page_says_the_procedure_and_the_transmittal(lawyer, client_for):
    person = f.PersonFactory(assigned_lawyer=lawyer)
    f.AsylumClaimFactory(
        person=person,
        country="TR",
        decision="refused",
        decided_on=date(2026, 3, 4),
        notified_on=date(2026, 3, 5),
        procedure=m.AsylumProcedure.ACCELERATED,
    )
    f.InterimMeasureFactory(
        person=person, decision_on=date(2025, 5, 2), decision_transmitted_on=date(2025, 5, 14)
    )
    page = client_for(lawyer).get(reverse("casework:person", args=[person.pk])).content.decode()
    assert "Accelerated procedure" in page
    assert "decision adopted on" in page and "decision transmitted on" in page
