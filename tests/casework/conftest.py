"""Helpers for the case record tests: API addresses and a builder of one row per endpoint."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from casework import models as m
from tests import factories as f

# Every endpoint of casework/api/urls.py, by its router prefix and basename.
ENDPOINTS = {
    "persons": "person",
    "person-names": "personname",
    "relationships": "relationship",
    "groups": "group",
    "group-memberships": "groupmembership",
    "group-events": "groupevent",
    "facilities": "facility",
    "detentions": "detention",
    "welfare-checks": "welfarecheck",
    "extradition-requests": "extraditionrequest",
    "asylum-claims": "asylumclaim",
    "removal-orders": "removalorder",
    "appeals": "appeal",
    "hearings": "hearing",
    "interim-measures": "interimmeasure",
    "reaffirmations": "reaffirmation",
    "returns": "return",
    "post-return-reports": "postreturnreport",
}


def list_url(prefix: str) -> str:
    return reverse(f"casework_api:{ENDPOINTS[prefix]}-list")


def detail_url(prefix: str, pk) -> str:
    return reverse(f"casework_api:{ENDPOINTS[prefix]}-detail", args=[pk])


def _group_with_member():
    group = f.GroupFactory()
    m.GroupMembership.objects.create(group=group, person=f.PersonFactory())
    return group


# One more row of each endpoint, with everything its list shows (a person, a parent row).
ROW_BUILDERS = {
    "persons": lambda: f.PersonNameFactory(person=f.PersonFactory()).person,
    "person-names": lambda: f.PersonNameFactory(),
    "relationships": lambda: m.Relationship.objects.create(
        person=f.PersonFactory(), relative=f.PersonFactory(), kind=m.RelationshipKind.SPOUSE
    ),
    "groups": _group_with_member,
    "group-memberships": lambda: m.GroupMembership.objects.create(
        group=f.GroupFactory(), person=f.PersonFactory()
    ),
    "group-events": lambda: m.GroupEvent.objects.create(
        group=f.GroupFactory(),
        kind=m.GroupEventKind.DETAINED,
        occurred_on=date(2010, 6, 15),
        facility=f.FacilityFactory(),
    ),
    "facilities": lambda: f.FacilityFactory(),
    "detentions": lambda: f.DetentionFactory(),
    "welfare-checks": lambda: f.WelfareCheckFactory(),
    "extradition-requests": lambda: f.ExtraditionRequestFactory(),
    "asylum-claims": lambda: f.AsylumClaimFactory(),
    "removal-orders": lambda: f.RemovalOrderFactory(),
    "appeals": lambda: f.AppealFactory(),
    "hearings": lambda: m.Hearing.objects.create(
        appeal=f.AppealFactory(), held_on=date(2011, 3, 15)
    ),
    "interim-measures": lambda: f.InterimMeasureFactory(),
    "reaffirmations": lambda: m.Reaffirmation.objects.create(
        measure=f.InterimMeasureFactory(), reaffirmed_on=date(2011, 5, 20)
    ),
    "returns": lambda: f.ReturnFactory(),
    "post-return-reports": lambda: m.PostReturnReport.objects.create(
        return_record=f.ReturnFactory(),
        reported_on=date(2011, 9, 1),
        kind=m.PostReturnKind.SENTENCED,
        sentence_years=10,
    ),
}


@pytest.fixture
def api(client_for, admin_user):
    """A client logged in as the admin persona: every write permission, every row."""
    return client_for(admin_user)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")
