"""The pages people work in: what each role sees, the fast logging forms, the person page,
proceedings, and constant query counts on every list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReadAudit
from casework import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def _detained(**kwargs):
    person = f.PersonFactory(**kwargs)
    f.DetentionFactory(person=person, started_on=date(2024, 1, 1))
    return person


# --- home ------------------------------------------------------------------------------------


def test_caseworker_home_lists_the_detained_person_nobody_has_seen(caseworker, client_for):
    _detained(name="Rustam Unseen")
    seen = _detained(name="Bahodir Seen")
    f.WelfareCheckFactory(person=seen, observed_at=timezone.now())
    f.WelfareCheckFactory(
        person=_detained(name="Timur Moved"), observed_at=timezone.now(), transfer_reported=True
    )
    page = client_for(caseworker).get("/").content.decode()
    section = page.split('id="h-no-contact"')[1].split("</section>")[0]
    assert "Rustam Unseen" in section
    assert "Bahodir Seen" not in section
    transfers = page.split('id="h-transfers"')[1].split("</section>")[0]
    assert "Timur Moved" in transfers


def test_caseworker_home_hides_restricted_persons_of_others(caseworker, client_for):
    _detained(name="Secret Person", confidentiality="restricted")
    assert "Secret Person" not in client_for(caseworker).get("/").content.decode()


def test_lawyer_home_shows_an_overdue_deadline_and_one_due_this_week(lawyer, client_for):
    _person_with_deadlines(lawyer, "Ilkhom Client")
    page = client_for(lawyer).get("/").content.decode()
    section = page.split('id="h-deadlines"')[1].split("</section>")[0]
    assert "Ilkhom Client" in section
    assert "CPC RF Art. 389.4" in section


def _person_with_deadlines(lawyer, name: str):
    from engine.services import person_recompute

    person = f.PersonFactory(assigned_lawyer=lawyer, name=name)
    extradition = f.ExtraditionRequestFactory(
        person=person, requesting_state="UZ", requested_state="RU"
    )
    today = timezone.localdate()
    f.AppealFactory(
        person=person,
        extradition_request=extradition,
        country="RU",
        court="Moscow City Court",
        outcome="rejected",
        decided_on=today - timedelta(days=14),
        notified_on=today - timedelta(days=13),
    )
    person_recompute(person_id=person.pk, today=today)
    return person


def test_my_deadlines_page_query_count_does_not_grow_with_deadlines(
    lawyer, client_for, django_assert_max_num_queries
):
    _person_with_deadlines(lawyer, "Ilkhom First")
    client = client_for(lawyer)
    client.get("/engine/deadlines/")
    # session, user, the count of matching deadlines (the pager's total), one page of the
    # deadlines with their persons (only the columns shown: a column read from a row that was
    # not loaded would be a query a row), the unread-alerts count, the calendar feed tokens,
    # the facts with no rule with their persons (issue 16: 6 + 1).
    with django_assert_max_num_queries(7) as few:
        assert "Ilkhom First" in client.get("/engine/deadlines/").content.decode()
    for i in range(5):
        _person_with_deadlines(lawyer, f"Ilkhom {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Ilkhom 4" in client.get("/engine/deadlines/").content.decode()


def test_coordinator_home_renders_without_risk_or_inbox(coordinator, client_for):
    response = client_for(coordinator).get("/")
    assert response.status_code == 200
    assert 'id="h-uas"' in response.content.decode()


def test_a_user_without_a_role_is_refused(outsider, client_for):
    assert client_for(outsider).get("/").status_code == 403


# --- persons ---------------------------------------------------------------------------------


def test_person_list_query_count_is_constant(caseworker, client_for, django_assert_max_num_queries):
    client = client_for(caseworker)
    for _ in range(2):
        f.PersonFactory()
    client.get(reverse("casework:persons"))  # warm the session and permission caches
    # session, user, roles, permissions, count, page rows (staff joined), audit lookup,
    # the unread-alert count in the navigation
    with django_assert_max_num_queries(10) as two:
        client.get(reverse("casework:persons"))
    for _ in range(18):
        f.PersonFactory(assigned_caseworker=caseworker)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(reverse("casework:persons") + "?sort=-updated&mine=0")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 20


def test_person_list_filters_and_sorts(caseworker, client_for):
    _detained(name="Aziz Detained")
    f.PersonFactory(name="Zafar Free", status="refugee_mandate")
    client = client_for(caseworker)
    detained = client.get(reverse("casework:persons") + "?detained=1").content.decode()
    assert "Aziz Detained" in detained and "Zafar Free" not in detained
    by_status = client.get(reverse("casework:persons") + "?status=refugee_mandate").content.decode()
    assert "Zafar Free" in by_status and "Aziz Detained" not in by_status
    desc = client.get(reverse("casework:persons") + "?sort=-name").content.decode()
    assert desc.index("Zafar Free") < desc.index("Aziz Detained")


def test_group_list_query_count_is_constant(caseworker, client_for, django_assert_max_num_queries):
    client = client_for(caseworker)
    for _ in range(2):
        f.GroupFactory()
    client.get(reverse("casework:groups"))
    # ... and the unread-alert count in the navigation
    with django_assert_max_num_queries(9) as two:
        client.get(reverse("casework:groups"))
    for _ in range(18):
        f.GroupFactory()
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(reverse("casework:groups"))


def test_search_finds_a_person_by_a_cyrillic_spelling_and_keeps_the_name_out_of_the_url(
    caseworker, client_for
):
    person = f.PersonFactory(name="Rustam Abdullaev")
    client = client_for(caseworker)
    assert client.get(reverse("casework:person-search")).status_code == 405
    response = client.post(
        reverse("casework:person-search"), {"q": "Абдуллаев"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert reverse("casework:person", args=[person.pk]) in response.content.decode()
    assert "Абдуллаев" not in response.request["PATH_INFO"]


def test_search_never_shows_a_restricted_person_to_the_unassigned(caseworker, client_for):
    f.PersonFactory(name="Rustam Hidden", confidentiality="restricted")
    response = client_for(caseworker).post(
        reverse("casework:person-search"), {"q": "Rustam Hidden"}, HTTP_HX_REQUEST="true"
    )
    assert "Rustam Hidden" not in response.content.decode()


def test_person_page_shows_names_deadlines_and_the_timeline(lawyer, client_for):
    from engine.services import person_recompute

    person = f.PersonFactory(name="Rustam Abdullaev", assigned_lawyer=lawyer)
    m.PersonName.objects.create(person=person, full_name="Абдуллаев Рустам")
    extradition = f.ExtraditionRequestFactory(
        person=person, status="approved", decided_on=date(2010, 9, 1), notified_on=date(2010, 9, 5)
    )
    person_recompute(person_id=person.pk, today=timezone.localdate())
    page = client_for(lawyer).get(reverse("casework:person", args=[person.pk])).content.decode()
    assert "Абдуллаев Рустам" in page and "Rustam Abdullaev" in page
    assert "CPC RK 1997" in page  # the deadline's citation (a 2010 decision: the 1997 code)
    assert f'id="extradition-{extradition.pk}"' in page
    timeline = page.split('id="h-timeline"')[1]
    assert "extradition request added" in timeline
    assert "notified on" in timeline


def test_person_page_timeline_shows_who_changed_what(caseworker, client_for):
    person = f.PersonFactory(name="Dilshod Changed")
    client = client_for(caseworker)
    detention = f.DetentionFactory(person=person)
    detention._history_user = caseworker
    detention.incommunicado = True
    detention.save()
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    timeline = page.split('id="h-timeline"')[1]
    assert "detention changed" in timeline
    assert "cw" in timeline  # who
    assert "held incommunicado" in timeline


def test_unverified_rule_badge_is_shown(lawyer, client_for):
    from engine.services import person_recompute

    person = f.PersonFactory(assigned_lawyer=lawyer)
    f.DetentionFactory(
        person=person,
        started_on=timezone.localdate() - timedelta(days=5),
        facility=f.FacilityFactory(country="KZ"),
    )
    f.ExtraditionRequestFactory(person=person)
    person_recompute(person_id=person.pk, today=timezone.localdate())
    from engine.models import Deadline

    page = client_for(lawyer).get(reverse("casework:person", args=[person.pk])).content.decode()
    if Deadline.objects.filter(person=person, unverified=True, status="open").exists():
        assert 'class="unverified"' in page


def test_restricted_person_is_404_for_the_unassigned_and_audited_for_the_assigned(
    caseworker, lawyer, client_for
):
    person = f.PersonFactory(confidentiality="restricted", assigned_lawyer=lawyer)
    url = reverse("casework:person", args=[person.pk])
    assert client_for(caseworker).get(url).status_code == 404
    assert not ReadAudit.objects.filter(person_id=person.pk).exists()
    assert client_for(lawyer).get(url).status_code == 200
    assert ReadAudit.objects.filter(person_id=person.pk, user=lawyer, channel="page").exists()


def test_person_page_shows_relatives_both_ways_but_not_restricted_ones(caseworker, client_for):
    child = f.PersonFactory(name="Aziz Child")
    parent = f.PersonFactory(name="Karim Parent")
    hidden = f.PersonFactory(name="Secret Sibling", confidentiality="restricted")
    m.Relationship.objects.create(person=child, relative=parent, kind="child")
    m.Relationship.objects.create(person=child, relative=hidden, kind="sibling")
    m.Relationship.objects.create(person=hidden, relative=parent, kind="child")
    client = client_for(caseworker)
    on_child = client.get(reverse("casework:person", args=[child.pk])).content.decode()
    assert "Parent: <a" in on_child and "Karim Parent" in on_child
    assert "Secret Sibling" not in on_child
    on_parent = client.get(reverse("casework:person", args=[parent.pk])).content.decode()
    assert "Child: <a" in on_parent and "Aziz Child" in on_parent
    assert "Secret Sibling" not in on_parent


def test_person_page_query_count_does_not_grow_with_facts(
    lawyer, client_for, django_assert_max_num_queries
):
    person = f.PersonFactory(assigned_lawyer=lawyer)
    client = client_for(lawyer)
    url = reverse("casework:person", args=[person.pk])
    # One of each first: a prefetch of an empty set is skipped, which is not growth.
    f.AppealFactory(person=person)
    f.WelfareCheckFactory(person=person)
    f.RemovalOrderFactory(person=person)
    m.Reaffirmation.objects.create(
        measure=f.InterimMeasureFactory(person=person), reaffirmed_on=date(2011, 5, 20)
    )
    client.get(url)
    # session, user (roles, second factor and permissions are cached: accounts.authz); person,
    # deadlines, manual deadlines, risk, names, relatives (both ways), detentions, checks, the
    # return, groups, proceedings (6: removal orders since issue 18),
    # which fact tables hold history, the history of the 7 that do (a removal order's, since
    # one is created above), the unread-alerts count;
    # the documents and evidence section: documents, scheduled removal orders, the return
    # (the page's own return query and the evidence section's each count: 24 + 2 + 3);
    # the facts with no rule (issue 16: + 1).
    # The read audit asks nothing: it has the person.
    with django_assert_max_num_queries(32) as few:  # 31 (issue 18) + 1 (issue 16)
        client.get(url)
    for _ in range(10):
        f.AppealFactory(person=person)
        f.WelfareCheckFactory(person=person)
        f.InterimMeasureFactory(person=person)
        f.RemovalOrderFactory(person=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- logging fast ----------------------------------------------------------------------------


def test_welfare_check_from_the_person_page_in_one_htmx_post(caseworker, client_for):
    person = _detained(name="Rustam Checked")
    response = client_for(caseworker).post(
        reverse("casework:welfare-add", args=[person.pk]),
        {
            "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "contact_confirmed": "yes",
            "seen_by": "lawyer",
            "condition": "health poor",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "health poor" in response.content.decode()
    check = m.WelfareCheck.objects.get(person=person)
    assert check.recorded_by == caseworker
    assert check.detention is not None  # linked to the open detention by the service
    assert check.history.first().history_user == caseworker


def test_welfare_check_errors_come_back_in_the_fragment(caseworker, client_for):
    person = _detained()
    response = client_for(caseworker).post(
        reverse("casework:welfare-add", args=[person.pk]),
        {"observed_at": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not m.WelfareCheck.objects.exists()


def test_a_lawyer_cannot_record_a_welfare_check(lawyer, client_for):
    person = _detained()
    response = client_for(lawyer).post(reverse("casework:welfare-add", args=[person.pk]), {})
    assert response.status_code == 403


def test_group_event_logged_as_one_action_before_names_are_known(caseworker, client_for):
    facility = f.FacilityFactory(name="Detention centre", city="Osh", country="KG")
    response = client_for(caseworker).post(
        reverse("casework:group-log"),
        {
            "new_group_name": "29 men detained in Osh",
            "estimated_size": "29",
            "kind": "transferred",
            "facility": str(facility.pk),
            "occurred_on": "2005-06-10",
            "source": "UNHCR",
        },
    )
    group = m.Group.objects.get(name="29 men detained in Osh")
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:group", args=[group.pk])
    assert group.estimated_size == 29
    event = group.events.get()
    assert (event.kind, event.facility, event.estimated_count, event.recorded_by) == (
        "transferred",
        facility,
        29,
        caseworker,
    )
    assert group.history.first().history_user == caseworker


def test_group_event_needs_exactly_one_group(caseworker, client_for):
    existing = f.GroupFactory()
    response = client_for(caseworker).post(
        reverse("casework:group-log"),
        {
            "group": str(existing.pk),
            "new_group_name": "Another",
            "kind": "detained",
            "occurred_on": "2005-06-10",
        },
    )
    assert response.status_code == 200
    assert not m.GroupEvent.objects.exists()


def test_members_added_later_from_the_group_page(caseworker, client_for):
    group = f.GroupFactory(estimated_size=29)
    person = f.PersonFactory(name="Known Later")
    client = client_for(caseworker)
    found = client.post(
        reverse("casework:person-search"),
        {"q": "Known Later", "group": str(group.pk)},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert reverse("casework:group-member-add", args=[group.pk]) in found
    client.post(reverse("casework:group-member-add", args=[group.pk]), {"person": str(person.pk)})
    assert list(group.members.all()) == [person]
    page = client.get(reverse("casework:group", args=[group.pk])).content.decode()
    assert "Known Later" in page


# --- proceedings -----------------------------------------------------------------------------


def test_lawyer_records_an_appeal_decision_and_sees_the_deadline_it_produces(
    lawyer, client_for, django_capture_on_commit_callbacks
):
    from engine.services import person_recompute

    person = f.PersonFactory(assigned_lawyer=lawyer)
    extradition = f.ExtraditionRequestFactory(
        person=person, requesting_state="UZ", requested_state="RU"
    )
    appeal = f.AppealFactory(
        person=person, extradition_request=extradition, country="RU", court="Moscow City Court"
    )
    client = client_for(lawyer)
    url = reverse("casework:proceeding-edit", args=[person.pk, "appeal", appeal.pk])
    form = client.get(url).content.decode()
    assert f"extradition_request:{extradition.pk}" in form
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url,
            {
                "target": f"extradition_request:{extradition.pk}",
                "court": "Moscow City Court",
                "court_level": "regional",
                "country": "RU",
                "lodged_on": str(today - timedelta(days=30)),
                "outcome": "rejected",
                "decided_on": str(today - timedelta(days=10)),
                "notified_on": str(today - timedelta(days=9)),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert callbacks  # the engine's recompute is enqueued on commit
    person_recompute(person_id=person.pk, today=today)
    page = client.get(url).content.decode()
    produced = page.split('id="h-produced"')[1]
    assert "CPC RF Art. 389.4" in produced


def test_appeal_chain_district_to_appeal_to_supreme(lawyer, client_for):
    person = f.PersonFactory(assigned_lawyer=lawyer)
    district = f.AppealFactory(person=person, court="District court", court_level="district")
    client = client_for(lawyer)
    response = client.post(
        reverse("casework:proceeding-new", args=[person.pk, "appeal"]),
        {
            "target": f"lower_appeal:{district.pk}",
            "court": "Appeal court",
            "court_level": "appeal",
            "country": "KZ",
            "outcome": "pending",
        },
    )
    assert response.status_code == 302
    higher = m.Appeal.objects.get(court="Appeal court")
    assert higher.lower_appeal == district
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert "against the decision of District court" in page


def test_interim_measure_with_reaffirmations(lawyer, client_for):
    person = f.PersonFactory(assigned_lawyer=lawyer)
    client = client_for(lawyer)
    response = client.post(
        reverse("casework:proceeding-new", args=[person.pk, "interim"]),
        {
            "body": "cat",
            "case_number": "444/2010",
            "respondent_state": "KZ",
            "requested_on": "2010-12-01",
            "granted_on": "2010-12-03",
            "status": "granted",
        },
    )
    assert response.status_code == 302
    measure = m.InterimMeasure.objects.get(person=person)
    for day in ("2011-05-20", "2011-05-20", "2011-06-01"):
        client.post(
            reverse("casework:reaffirmation-add", args=[person.pk, measure.pk]),
            {"reaffirmed_on": day},
        )
    assert measure.reaffirmations.count() == 2


def test_a_caseworker_cannot_add_proceedings(caseworker, client_for):
    person = f.PersonFactory()
    assert (
        client_for(caseworker)
        .get(reverse("casework:proceeding-new", args=[person.pk, "appeal"]))
        .status_code
        == 403
    )


def test_unknown_proceeding_kind_is_404(lawyer, client_for):
    person = f.PersonFactory()
    assert (
        client_for(lawyer)
        .get(reverse("casework:proceeding-new", args=[person.pk, "nothing"]))
        .status_code
        == 404
    )


def test_pages_render_in_russian(caseworker, client_for):
    client = client_for(caseworker)
    client.cookies["django_language"] = "ru"
    page = client.get(reverse("casework:persons")).content.decode()
    assert 'lang="ru"' in page
    assert "Лица" in page or "Персоны" in page or "Люди" in page


def test_the_list_and_the_person_page_name_the_assigned_staff(caseworker, lawyer, client_for):
    person = f.PersonFactory(name="Assigned Both", assigned_caseworker=caseworker)
    person.assigned_lawyer = lawyer
    person.save()
    f.PersonFactory(name="Assigned None")
    client = client_for(caseworker)
    rows = client.get(reverse("casework:persons")).content.decode().split("<tr>")
    (both,) = [r for r in rows if "Assigned Both" in r]
    (none,) = [r for r in rows if "Assigned None" in r]
    assert "<td>cw</td><td>lw</td>" in both
    assert "<td>—</td><td>—</td>" in none
    page = client.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert "Caseworker: cw" in page
    assert "Lawyer: lw" in page
