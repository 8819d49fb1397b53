"""The single gate for reading the case record.

`person_visibility_q(user)` says which persons a user may see; `visible(queryset, user)`
applies it to any casework model through that model's path to its person. Every list,
detail, search, count, export, feed and admin page reads through one of these two.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.roles import STAFF_ROLES, Role, user_roles

NOTHING = Q(pk__in=[])

# How each model reaches its person. Models not listed have a `person` field.
PERSON_PATH = {
    "Person": "",
    "Hearing": "appeal__person",
    "Reaffirmation": "measure__person",
    "PostReturnReport": "return_record__person",
}


def person_visibility_q(user, prefix: str = "") -> Q:
    roles = user_roles(user)
    if not roles & STAFF_ROLES:
        return NOTHING
    if Role.ADMIN in roles:
        return Q()
    p = f"{prefix}__" if prefix else ""
    return (
        Q(**{f"{p}confidentiality": "normal"})
        | Q(**{f"{p}assigned_caseworker": user})
        | Q(**{f"{p}assigned_lawyer": user})
    )


def visible(queryset: QuerySet, user) -> QuerySet:
    """`queryset` narrowed to rows whose person the user may see."""
    path = PERSON_PATH.get(queryset.model.__name__, "person")
    return queryset.filter(person_visibility_q(user, path))


def can_see_person(user, person) -> bool:
    roles = user_roles(user)
    if not roles & STAFF_ROLES:
        return False
    if Role.ADMIN in roles:
        return True
    return person.confidentiality == "normal" or user.pk in (
        person.assigned_caseworker_id,
        person.assigned_lawyer_id,
    )
