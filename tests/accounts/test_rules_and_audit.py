"""Object rules, the role groups' permissions, the read audit and its admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from accounts.audit import record_read
from accounts.mixins import AuditedReadMixin
from accounts.models import ReadAudit
from accounts.roles import ROLE_PERMISSIONS
from accounts.rules import can_view_person, is_assigned_staff
from casework import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(caseworker, lawyer):
    return f.PersonFactory(
        confidentiality=m.Confidentiality.RESTRICTED, assigned_caseworker=caseworker
    )


def test_every_role_is_a_group_with_permissions():
    for role in ROLE_PERMISSIONS:
        assert Group.objects.get(name=role).permissions.exists(), role


def test_a_user_may_hold_several_roles(db):
    both = f.UserFactory(username="both", roles=["caseworker", "lawyer"])
    assert both.has_perm("casework.add_detention")
    assert both.has_perm("casework.add_appeal")
    assert not both.has_perm("advocacy.add_urgentaction")


def test_object_rules_follow_the_visibility_gate(restricted, caseworker, lawyer, admin_user):
    detention = f.DetentionFactory(person=restricted)
    hearing = m.Hearing.objects.create(
        appeal=f.AppealFactory(person=restricted), held_on="2010-10-01"
    )
    for record in (restricted, detention, hearing):
        assert caseworker.has_perm("casework.view_" + type(record).__name__.lower(), record)
        assert not lawyer.has_perm("casework.view_" + type(record).__name__.lower(), record)
        assert admin_user.has_perm("casework.view_" + type(record).__name__.lower(), record)
    assert caseworker.has_perm("casework.change_detention", detention)
    assert not lawyer.has_perm("casework.change_detention", detention)
    assert is_assigned_staff(caseworker, detention) and not is_assigned_staff(lawyer, detention)
    assert can_view_person(caseworker, hearing) and not can_view_person(lawyer, hearing)


def test_object_rules_keep_the_role_limits(caseworker):
    normal = f.PersonFactory()
    appeal = f.AppealFactory(person=normal)
    assert caseworker.has_perm("casework.view_appeal", appeal)
    assert not caseworker.has_perm("casework.change_appeal", appeal)  # lawyers' record
    assert not caseworker.has_perm("casework.delete_person", normal)


def test_record_read_logs_restricted_records_only(restricted, lawyer):
    normal = f.PersonFactory()
    records = [
        restricted,
        normal,
        f.DetentionFactory(person=restricted),
        f.DetentionFactory(person=normal),
        m.Relationship.objects.create(person=normal, relative=restricted, kind="sibling"),
        f.FacilityFactory(),
    ]
    assert record_read(user=lawyer, objects=records, channel="api", path="/x/?q=Name") == 3
    rows = ReadAudit.objects.all()
    assert {r.person_id for r in rows} == {restricted.pk}
    assert {r.record_type for r in rows} == {"Person", "Detention", "Relationship"}
    assert {r.path for r in rows} == {"/x/"}  # never the query string


def test_record_read_takes_confidentiality_from_loaded_persons_and_asks_about_the_rest(
    restricted, lawyer, django_assert_num_queries
):
    normal = f.PersonFactory()
    f.DetentionFactory(person=restricted)
    f.DetentionFactory(person=normal)
    loaded = list(m.Detention.objects.select_related("person"))
    # 1 the insert of the audit row: both persons came with their detentions.
    with django_assert_num_queries(1):
        assert record_read(user=lawyer, objects=loaded, channel="page") == 1
    not_loaded = list(m.Detention.objects.all())
    # 1 which of the persons are restricted, 2 the insert.
    with django_assert_num_queries(2):
        assert record_read(user=lawyer, objects=not_loaded, channel="page") == 1
    # A person loaded without its confidentiality is asked about, not loaded field by field.
    deferred = list(m.Detention.objects.select_related("person").defer("person__confidentiality"))
    with django_assert_num_queries(2):
        assert record_read(user=lawyer, objects=deferred, channel="page") == 1
    assert set(ReadAudit.objects.values_list("person_id", flat=True)) == {restricted.pk}


def test_the_read_audit_cannot_be_edited_or_deleted(restricted, lawyer):
    record_read(user=lawyer, objects=[restricted], channel="page")
    row = ReadAudit.objects.get()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_admins_read_the_audit_in_the_admin_and_nobody_changes_it(
    restricted, lawyer, admin_user, coordinator, client_for
):
    record_read(user=lawyer, objects=[restricted], channel="page")
    row = ReadAudit.objects.get()
    client = client_for(admin_user)
    assert client.get("/admin/accounts/readaudit/").status_code == 200
    assert client.get(f"/admin/accounts/readaudit/{row.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/readaudit/add/").status_code == 403
    assert (
        client.post(f"/admin/accounts/readaudit/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert ReadAudit.objects.count() == 1
    assert client_for(coordinator).get("/admin/accounts/readaudit/").status_code in (302, 403)


def test_the_drf_mixin_audits_what_it_serialises(restricted, lawyer):
    class Base:
        def get_serializer(self, *args, **kwargs):
            return args

    class View(AuditedReadMixin, Base):
        request = RequestFactory().get("/api/thing/")

    View.request.user = lawyer
    View().get_serializer([restricted, f.PersonFactory()], many=True)
    View().get_serializer(data={})
    assert ReadAudit.objects.filter(channel="api", record_id=restricted.pk).count() == 1
