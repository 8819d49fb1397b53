"""Object rules (django-rules): who may do what to which casework record.

Model permissions (accounts.roles.ROLE_PERMISSIONS, held by the role groups) say what a role
may do to a kind of record; these rules add the object: the record's person must be visible
to the user (casework.access, the single gate). `user.has_perm("casework.view_detention",
detention)` is therefore False for a caseworker when the detention's person is restricted
and assigned to someone else. Without an object, these rules answer False and Django's
ModelBackend answers from the groups, so model-level checks are unchanged.
"""

from __future__ import annotations

import rules
from django.apps import apps
from django.contrib.auth.backends import ModelBackend

from casework.access import can_see_person

from .audit import person_of
from .roles import STAFF_ROLES, Role, has_role, user_roles

_model_backend = ModelBackend()


@rules.predicate
def is_staff_member(user) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


@rules.predicate
def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


@rules.predicate
def is_caseworker(user) -> bool:
    return has_role(user, Role.CASEWORKER)


@rules.predicate
def is_lawyer(user) -> bool:
    return has_role(user, Role.LAWYER)


@rules.predicate
def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


@rules.predicate
def is_assigned_staff(user, obj) -> bool:
    """The user is the assigned caseworker or lawyer of the record's person."""
    person = person_of(obj) if obj is not None else None
    return person is not None and user.pk in (
        person.assigned_caseworker_id,
        person.assigned_lawyer_id,
    )


@rules.predicate
def can_view_person(user, obj) -> bool:
    """The record's person is visible to the user (restricted: assigned staff and admins).
    A record of no one (a facility, a group) is visible to every staff member."""
    if obj is None:
        return False
    person = person_of(obj)
    if person is None:
        return is_staff_member(user)
    return can_see_person(user, person)


# Changing a record needs the same visibility as reading it; the model permission (checked
# beside it) says whether the role may change that kind of record at all.
can_change_person = can_view_person


def _model_permission(perm: str):
    @rules.predicate(name=f"model permission {perm}")
    def check(user) -> bool:
        # Ask ModelBackend alone: asking user.has_perm would come back to these rules.
        return _model_backend.has_perm(user, perm)

    return check


def register_person_record_perms(app_label: str) -> list[str]:
    """Register view/add/change/delete object rules for every model of `app_label` (history
    tables excepted): the model permission and the person's visibility. Engine and advocacy
    may call this from their own rules.py for their person-bound models. Returns the names."""
    names = []
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__.startswith("Historical"):
            continue  # simple-history tables: read through their record's own admin
        for action in ("view", "add", "change", "delete"):
            perm = f"{app_label}.{action}_{model._meta.model_name}"
            if rules.perm_exists(perm):
                continue
            visible = can_change_person if action != "view" else can_view_person
            rules.add_perm(perm, visible & _model_permission(perm))
            names.append(perm)
    return names


register_person_record_perms("casework")
