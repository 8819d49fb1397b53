"""Writes to the case record that touch more than one row, or that must stamp who did them.

Each service is a keyword-only function named `<entity>_<verb>`, runs in one transaction and
records `by` as the history user: outside a request (a task, an import, the shell) there is
no HistoryRequestMiddleware to say who made the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import (
    Detention,
    Group,
    GroupEvent,
    GroupMembership,
    Person,
    PersonName,
    Return,
    WelfareCheck,
)
from .validation import normalise_countries, record_errors

_TRANSFER_CLOSED = _("This detention has already ended: a transfer moves an open detention.")


@dataclass(frozen=True)
class NameInput:
    full_name: str
    script: str = ""
    is_primary: bool = False


def _stamp(obj, by):
    if by is not None:
        obj._history_user = by
    return obj


def _checked(obj, *, fields=None, exclude=()):
    """The model's own validation and casework.validation's, as the API's serializers make
    them: a page, the API and a script refuse the same input with the same messages."""
    normalise_countries(obj)
    errors = {}
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        errors = exc.message_dict
    for field, messages in record_errors(obj, fields=fields).items():
        errors.setdefault(field, []).extend(str(msg) for msg in messages)
    if errors:
        raise ValidationError(errors)
    return obj


# For the other apps' services that write a fact of the case record (evidence's post-return
# reports): the same checks as the pages and the API.
record_check = _checked


def _as_name_input(name) -> NameInput:
    return name if isinstance(name, NameInput) else NameInput(**name)


@transaction.atomic
def person_create(*, names: list[NameInput | dict], by=None, **fields) -> Person:
    """A person and every name they are known by. The first name becomes the primary one
    unless another is marked primary: lists and sorting need one."""
    person = _checked(_stamp(Person(**fields), by), exclude=["case_number"])
    person.save()
    inputs = [_as_name_input(n) for n in names]
    if inputs and not any(n.is_primary for n in inputs):
        inputs[0] = NameInput(inputs[0].full_name, inputs[0].script, True)
    # The primary name first, so that Person.primary_name is set from it.
    for name in sorted(inputs, key=lambda n: not n.is_primary):
        _stamp(
            PersonName(
                person=person,
                full_name=name.full_name,
                script=name.script,
                is_primary=name.is_primary,
            ),
            by,
        ).save()
    return person


def _demote_other_primary(*, name: PersonName, by) -> None:
    # Saved one by one (not update()) so that the demotion is in the history too.
    for other in PersonName.objects.filter(person_id=name.person_id, is_primary=True).exclude(
        pk=name.pk
    ):
        other.is_primary = False
        _stamp(other, by).save(update_fields=["is_primary", "updated_at"])


@transaction.atomic
def person_name_add(
    *, person: Person, full_name: str, script: str = "", is_primary: bool = False, by=None
) -> PersonName:
    """Add a name; a new primary name takes over from the old one. A person's first name is
    always primary."""
    if not person.names.exists():
        is_primary = True
    name = PersonName(person=person, full_name=full_name, script=script, is_primary=is_primary)
    if is_primary:
        _demote_other_primary(name=name, by=by)
    _stamp(name, by).save()
    return name


@transaction.atomic
def person_name_update(*, name: PersonName, by=None, **fields) -> PersonName:
    """Change a name; making it primary demotes the old primary name."""
    for field, value in fields.items():
        setattr(name, field, value)
    if name.is_primary:
        _demote_other_primary(name=name, by=by)
    _stamp(name, by).save()
    # A primary name renamed or demoted changes what lists show for the person.
    _refresh_primary_name(person_id=name.person_id)
    return name


@transaction.atomic
def person_name_delete(*, name: PersonName, by=None) -> None:
    """Delete a name. When it was the primary one, the next name takes its place so that
    lists keep showing the person by a name they are known by."""
    person_id, was_primary = name.person_id, name.is_primary
    _stamp(name, by).delete()
    if was_primary:
        successor = PersonName.objects.filter(person_id=person_id).order_by("created_at").first()
        if successor is not None:
            successor.is_primary = True
            _stamp(successor, by).save()
    _refresh_primary_name(person_id=person_id)


def _refresh_primary_name(*, person_id) -> None:
    primary = (
        PersonName.objects.filter(person_id=person_id)
        .order_by("-is_primary", "created_at")
        .values_list("full_name", flat=True)
        .first()
    )
    Person.objects.filter(pk=person_id).update(primary_name=primary or "")


@transaction.atomic
def group_member_add(
    *, group: Group, person: Person, by=None, added_on: date | None = None
) -> GroupMembership:
    """Add a known member. The estimate is at least the number of known members: a group
    logged as "29 men" that turns out to have 30 known members is at least 30."""
    membership = GroupMembership(group=group, person=person)
    if added_on is not None:
        membership.added_on = added_on
    _stamp(membership, by).save()
    known = GroupMembership.objects.filter(group=group).count()
    if group.estimated_size is not None and known > group.estimated_size:
        group.estimated_size = known
        _stamp(group, by).save(update_fields=["estimated_size", "updated_at"])
    return membership


@transaction.atomic
def group_event_record(*, group: Group, by=None, **fields) -> GroupEvent:
    """Something that happened to the whole group, with who recorded it."""
    event = _checked(_stamp(GroupEvent(group=group, recorded_by=by, **fields), by))
    event.save()
    return event


@transaction.atomic
def welfare_check_record(*, person: Person, by=None, **fields) -> WelfareCheck:
    """A dated observation, with who recorded it. Without a detention given, it is linked to
    the person's open detention (the latest one started): the observation was made there, and
    the 'no contact for N days' alert reads checks per detention."""
    if fields.get("detention") is None:
        fields["detention"] = (
            person.detentions.filter(ended_on__isnull=True).order_by("-started_on").first()
        )
    check = _checked(_stamp(WelfareCheck(person=person, recorded_by=by, **fields), by))
    check.save()
    return check


def _changed(obj, *, by, fields: dict, exclude=()):
    """`obj` with `fields` set, checked on those fields, saved with who changed it."""
    for field, value in fields.items():
        setattr(obj, field, value)
    _checked(_stamp(obj, by), fields=fields.keys(), exclude=exclude)
    obj.save()
    return obj


@transaction.atomic
def person_update(*, person: Person, by=None, **fields) -> Person:
    """Change a person's own fields (names have their services above)."""
    return _changed(person, by=by, fields=fields, exclude=["case_number"])


@transaction.atomic
def detention_record(*, person: Person, by=None, **fields) -> Detention:
    """A stay in one place, with who recorded it."""
    detention = _checked(_stamp(Detention(person=person, **fields), by), exclude=["person"])
    detention.save()
    return detention


@transaction.atomic
def detention_update(*, detention: Detention, by=None, **fields) -> Detention:
    return _changed(detention, by=by, fields=fields, exclude=["person"])


@transaction.atomic
def detention_transfer(
    *, detention: Detention, to_facility, moved_on: date, by=None, **fields
) -> Detention:
    """A transfer records both ends: the old detention ends on the day of the move and a
    new one starts there, linked to it (`transferred_from`), at the new facility. Both rows
    are written or neither."""
    if detention.ended_on is not None:
        raise ValidationError({"moved_on": [_TRANSFER_CLOSED]})
    detention.ended_on = moved_on
    _checked(_stamp(detention, by), fields=["ended_on"], exclude=["person"])
    detention.save(update_fields=["ended_on", "updated_at"])
    carried = {
        "legal_basis": detention.legal_basis,
        "ordering_authority": detention.ordering_authority,
        "authorised_until": detention.authorised_until,
    }
    return detention_record(
        person=detention.person,
        by=by,
        facility=to_facility,
        started_on=moved_on,
        transferred_from=detention,
        **{**carried, **fields},
    )


@transaction.atomic
def return_record(*, person: Person, by=None, **fields) -> Return:
    """A person returned (extradited, deported, left); one per person."""
    record = _checked(_stamp(Return(person=person, **fields), by), exclude=["person"])
    record.save()
    return record


@transaction.atomic
def return_update(*, record: Return, by=None, **fields) -> Return:
    return _changed(record, by=by, fields=fields, exclude=["person"])
