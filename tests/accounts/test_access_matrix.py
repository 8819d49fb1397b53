"""Role x endpoint matrix, over every API list endpoint the schema has when the suite runs.

A restricted person R (assigned to one caseworker and one lawyer) has a record of every
kind, a relative and a group. Nobody else but admins may see R or anything of R's: in any
list, search, filter, count, related record or export. Endpoints added later are picked
up from the schema; nothing here names one.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from accounts.models import ReadAudit
from accounts.testing import login_with_second_factor
from casework import models as m
from tests import factories as f
from tests.accounts.discovery import detail_endpoints, list_endpoints

pytestmark = pytest.mark.django_db

R_NAMES = ["Zafarbek Qodirov", "Зафарбек Кодиров", "Zafarbek Kodirov"]
SEARCH_TERMS = ["Qodirov", "Кодиров", "Zafarbek", "HV-"]
LISTS = list_endpoints()
DETAILS = [e for e in detail_endpoints() if e.model() is not None]


@pytest.fixture
def world(db, caseworker, lawyer, coordinator, admin_user, outsider):
    assigned_cw = f.UserFactory(username="acw", roles=["caseworker"])
    assigned_lw = f.UserFactory(username="alw", roles=["lawyer"])
    restricted = f.PersonFactory(
        name=R_NAMES[0],
        confidentiality=m.Confidentiality.RESTRICTED,
        assigned_caseworker=assigned_cw,
        assigned_lawyer=assigned_lw,
    )
    for other in R_NAMES[1:]:
        f.PersonNameFactory(person=restricted, full_name=other)
    normal = f.PersonFactory(name="Visible Testperson")
    records = [restricted, *restricted.names.all()]
    detention = f.DetentionFactory(person=restricted)
    extradition = f.ExtraditionRequestFactory(person=restricted)
    appeal = f.AppealFactory(person=restricted, extradition_request=extradition)
    measure = f.InterimMeasureFactory(person=restricted)
    returned = f.ReturnFactory(person=restricted)
    group = f.GroupFactory(name="Group of two")
    records += [
        detention,
        extradition,
        appeal,
        measure,
        returned,
        f.WelfareCheckFactory(person=restricted),
        f.AsylumClaimFactory(person=restricted),
        f.RemovalOrderFactory(person=restricted),
        m.Hearing.objects.create(appeal=appeal, held_on=date(2010, 10, 1)),
        m.Reaffirmation.objects.create(measure=measure, reaffirmed_on=date(2011, 1, 5)),
        m.PostReturnReport.objects.create(
            return_record=returned, reported_on=date(2011, 7, 1), kind="charged"
        ),
        m.Relationship.objects.create(person=normal, relative=restricted, kind="sibling"),
        m.Relationship.objects.create(person=restricted, relative=normal, kind="sibling"),
        m.GroupMembership.objects.create(group=group, person=restricted),
    ]
    m.GroupMembership.objects.create(group=group, person=normal)
    f.DetentionFactory(person=normal)
    secrets = {str(restricted.pk), restricted.case_number, "Qodirov", "Кодиров", "Kodirov"}
    secrets |= {str(r.pk) for r in records}
    return {
        "restricted": restricted,
        "records": records,
        "secrets": secrets,
        "unassigned": {"caseworker": caseworker, "lawyer": lawyer, "coordinator": coordinator},
        "allowed": {"assigned caseworker": assigned_cw, "assigned lawyer": assigned_lw,
                    "admin": admin_user},
        "outsider": outsider,
    }  # fmt: skip


def _variants(endpoint, world) -> list[str]:
    r = world["restricted"]
    base = endpoint.path
    queries = [""] + [f"?{key}={t}" for key in ("q", "search") for t in SEARCH_TERMS]
    queries += [f"?person={r.pk}", f"?person__case_number={r.case_number}", "?page_size=1000"]
    queries += ["?format=json", "?format=csv", "?ordering=-created_at"]
    return [base + q for q in queries]


def _leaks(body: str, secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets if s in body)


def _count_matches_rows(response) -> bool:
    """A paginated answer's count must count only rows the caller may see."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return True
    if isinstance(data, dict) and "count" in data and isinstance(data.get("results"), list):
        return data["count"] == len(data["results"]) or data.get("next") is not None
    return True


@pytest.mark.parametrize("endpoint", LISTS, ids=lambda e: e.template)
def test_unassigned_staff_never_see_the_restricted_person(endpoint, world):
    for role, user in world["unassigned"].items():
        client = login_with_second_factor(Client(), user)
        for url in _variants(endpoint, world):
            response = client.get(url)
            assert response.status_code < 500, f"{role} {url}: {response.status_code}"
            body = response.content.decode(errors="replace")
            assert not _leaks(body, world["secrets"]), (
                f"{role} {url} shows {_leaks(body, world['secrets'])}"
            )
            assert _count_matches_rows(response), f"{role} {url}: count counts hidden rows"
    assert not ReadAudit.objects.exists(), "an unassigned user's read was audited: it saw R"


@pytest.mark.parametrize("endpoint", LISTS, ids=lambda e: e.template)
def test_an_account_without_a_role_is_refused(endpoint, world):
    client = login_with_second_factor(Client(), world["outsider"])
    for url in _variants(endpoint, world)[:3]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("endpoint", DETAILS, ids=lambda e: e.template)
def test_details_of_the_restricted_person_are_not_found_by_unassigned_staff(endpoint, world):
    model = endpoint.model()
    mine = [r for r in world["records"] if isinstance(r, model)]
    if not mine:
        pytest.skip(f"R has no {model.__name__}")
    url = endpoint.template.replace(endpoint.template[endpoint.template.index("{"):endpoint.template.index("}") + 1], str(mine[0].pk))  # fmt: skip
    for role, user in world["unassigned"].items():
        response = login_with_second_factor(Client(), user).get(url)
        assert response.status_code in (403, 404), f"{role} {url}: {response.status_code}"
        assert not _leaks(response.content.decode(), world["secrets"])
    assert not ReadAudit.objects.exists()


@pytest.mark.parametrize("endpoint", DETAILS, ids=lambda e: e.template)
def test_details_of_the_restricted_person_are_shown_to_assigned_staff_and_audited(endpoint, world):
    model = endpoint.model()
    mine = [r for r in world["records"] if isinstance(r, model)]
    if not mine:
        pytest.skip(f"R has no {model.__name__}")
    record = mine[0]
    url = endpoint.template.replace(endpoint.template[endpoint.template.index("{"):endpoint.template.index("}") + 1], str(record.pk))  # fmt: skip
    for who, user in world["allowed"].items():
        response = login_with_second_factor(Client(), user).get(url)
        if response.status_code == 403:
            continue  # the role may not read this kind of record at all
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        audited = ReadAudit.objects.filter(user=user, record_id=record.pk, channel="api")
        assert audited.count() >= 1, f"{who}'s read of {url} was not audited"
    rows = ReadAudit.objects.all()
    assert {row.person_id for row in rows} <= {world["restricted"].pk}
    assert {row.user_id for row in rows} <= {u.pk for u in world["allowed"].values()}


def test_assigned_staff_and_admins_see_the_restricted_person_in_lists(world):
    """The matrix is not vacuous: the people allowed to see R do, in some list, and each of
    those reads is in the audit table, and only those."""
    for who, user in world["allowed"].items():
        client = login_with_second_factor(Client(), user)
        seen_in = []
        for endpoint in LISTS:
            before = ReadAudit.objects.filter(user=user).count()
            response = client.get(endpoint.path + "?page_size=1000")
            if response.status_code != 200:
                continue
            if str(world["restricted"].pk) in response.content.decode():
                seen_in.append(endpoint.template)
                assert ReadAudit.objects.filter(user=user).count() > before, (
                    f"{who} saw R in {endpoint.template} and it was not audited"
                )
        assert seen_in, f"{who} never saw the restricted person in any list"
    rows = ReadAudit.objects.all()
    assert rows.exists()
    assert {row.person_id for row in rows} == {world["restricted"].pk}
    assert {row.user_id for row in rows} <= {u.pk for u in world["allowed"].values()}
