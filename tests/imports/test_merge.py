"""person_merge: everything moves to the kept person, generically; conflicts are handled."""

import pytest
from django.core.exceptions import PermissionDenied

from casework.import_models import PersonMerge
from casework.merge import MergeRefused, person_merge
from casework.models import GroupMembership, Person, PersonName, Relationship
from tests.factories import (
    AppealFactory,
    DetentionFactory,
    GroupFactory,
    PersonFactory,
    ReturnFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_merge_moves_every_fact_and_keeps_all_names(caseworker):
    keep = PersonFactory(name="Абдуллаев Рустам")
    merge = PersonFactory(name="Rustam Abdullayev", unhcr_number="A-1", born_on=None)
    keep.unhcr_number = None
    keep.save()
    DetentionFactory(person=merge)
    appeal = AppealFactory(person=merge)
    sibling = PersonFactory(name="Abdullaev Farrukh")
    Relationship.objects.create(person=merge, relative=sibling, kind="sibling")
    record = person_merge(keep=keep, merge=merge, by=caseworker)

    assert not Person.objects.filter(pk=merge.pk).exists()
    assert keep.detentions.count() == 1 and keep.appeals.get() == appeal
    assert keep.extradition_requests.count() == 1
    assert Relationship.objects.get().person == keep
    names = dict(keep.names.values_list("full_name", "is_primary"))
    assert names == {"Абдуллаев Рустам": True, "Rustam Abdullayev": False}
    keep.refresh_from_db()
    assert keep.unhcr_number == "A-1" and "unhcr_number" in record.filled
    assert record.merged_case_number == merge.case_number and record.by == caseworker
    assert PersonMerge.objects.get().kept == keep
    assert keep.history.first().history_user == caseworker
    assert "merged" in keep.history.first().history_change_reason


def test_a_shared_group_membership_is_kept_once(caseworker):
    group = GroupFactory()
    keep, merge = PersonFactory(name="A B"), PersonFactory(name="A C")
    GroupMembership.objects.create(group=group, person=keep)
    GroupMembership.objects.create(group=group, person=merge)
    record = person_merge(keep=keep, merge=merge, by=caseworker)
    assert GroupMembership.objects.filter(group=group).count() == 1
    assert record.dropped[0]["model"] == "casework.GroupMembership"


def test_a_relationship_between_the_two_is_dropped(caseworker):
    keep, merge = PersonFactory(name="A B"), PersonFactory(name="A C")
    Relationship.objects.create(person=merge, relative=keep, kind="sibling")
    person_merge(keep=keep, merge=merge, by=caseworker)
    assert not Relationship.objects.exists()


def test_two_returns_refuse_the_merge_and_change_nothing(caseworker):
    keep, merge = PersonFactory(name="A B"), PersonFactory(name="A C")
    ReturnFactory(person=keep)
    ReturnFactory(person=merge)
    with pytest.raises(MergeRefused, match="return"):
        person_merge(keep=keep, merge=merge, by=caseworker)
    assert Person.objects.count() == 2 and PersonName.objects.count() == 2


def test_one_return_moves(caseworker):
    keep, merge = PersonFactory(name="A B"), PersonFactory(name="A C")
    ReturnFactory(person=merge)
    person_merge(keep=keep, merge=merge, by=caseworker)
    assert Person.objects.get().return_record is not None


def test_different_unhcr_numbers_refuse_the_merge(caseworker):
    keep = PersonFactory(name="A B", unhcr_number="1")
    merge = PersonFactory(name="A C", unhcr_number="2")
    with pytest.raises(MergeRefused, match="UNHCR"):
        person_merge(keep=keep, merge=merge, by=caseworker)


def test_links_from_other_apps_move_too(caseworker):
    advocacy = pytest.importorskip("advocacy.models")
    keep, merge = PersonFactory(name="A B"), PersonFactory(name="A C")
    ua = advocacy.UrgentAction.objects.create(title="UA")
    ua.persons.add(merge)
    both = advocacy.UrgentAction.objects.create(title="UA 2")
    both.persons.add(merge, keep)
    person_merge(keep=keep, merge=merge, by=caseworker)
    assert list(ua.persons.all()) == [keep] and list(both.persons.all()) == [keep]


def test_nobody_merges_a_person_they_cannot_see(caseworker):
    other = UserFactory(username="cw2", roles=["caseworker"])
    keep = PersonFactory(name="A B")
    merge = PersonFactory(name="A C", confidentiality="restricted", assigned_caseworker=other)
    with pytest.raises(PermissionDenied):
        person_merge(keep=keep, merge=merge, by=caseworker)


def test_a_lawyer_may_not_merge(lawyer):
    keep, merge = PersonFactory(name="A B"), PersonFactory(name="A C")
    with pytest.raises(PermissionDenied):
        person_merge(keep=keep, merge=merge, by=lawyer)
