"""Roles are Django groups created by a migration. A user may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    LAWYER = "lawyer", _("Lawyer")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Admin")


STAFF_ROLES = {Role.CASEWORKER, Role.LAWYER, Role.COORDINATOR, Role.ADMIN}


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_haven_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=list(STAFF_ROLES)).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(names)
        user._haven_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_admin(user) -> bool:
    return Role.ADMIN in user_roles(user)


# What each role may do, as Django model permissions: (app_label, action, model or "*").
# Reads of persons are further narrowed by casework.access (restricted persons).
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, str]]] = {
    Role.CASEWORKER: [
        ("casework", "view", "*"),
        *[
            ("casework", action, model)
            for action in ("add", "change")
            for model in (
                "person", "personname", "relationship", "group", "groupmembership",
                "groupevent", "facility", "detention", "welfarecheck", "return",
                "postreturnreport",
            )
        ],
        ("engine", "view", "*"),
        *[("documents", action, "document") for action in ("view", "add", "delete")],
    ],
    Role.LAWYER: [
        ("casework", "view", "*"),
        *[
            ("casework", action, model)
            for action in ("add", "change")
            for model in (
                "extraditionrequest", "asylumclaim", "removalorder", "appeal", "hearing",
                "interimmeasure", "reaffirmation",
            )
        ],
        ("engine", "view", "*"),
        ("engine", "change", "deadline"),
        ("engine", "add", "manualdeadline"),
        ("engine", "change", "manualdeadline"),
        *[("documents", action, "document") for action in ("view", "add", "delete")],
        *[("evidence", action, "evidencepack") for action in ("view", "add")],
    ],
    Role.COORDINATOR: [
        ("casework", "view", "*"),
        ("engine", "view", "*"),
        ("documents", "view", "document"),
        ("advocacy", "view", "*"),
        ("advocacy", "add", "*"),
        ("advocacy", "change", "*"),
        ("advocacy", "delete", "*"),
    ],
    Role.ADMIN: [
        ("casework", "*", "*"),
        ("engine", "*", "*"),
        ("advocacy", "*", "*"),
        ("documents", "*", "*"),
        ("evidence", "*", "*"),
        ("accounts", "view", "*"),
        ("accounts", "change", "apitoken"),  # to revoke anyone's token
        ("monitoring", "*", "*"),  # the statistics' suppression threshold
        ("auth", "*", "*"),
    ],
}  # fmt: skip


def sync_role_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions of ROLE_PERMISSIONS. Runs after every
    migrate, so a model added later gets its role permissions without a hand-written step."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for role, grants in ROLE_PERMISSIONS.items():
        query = Q(pk__in=[])
        for app_label, action, model in grants:
            part = Q(content_type__app_label=app_label)
            if action != "*":
                part &= Q(codename__startswith=f"{action}_")
            if model != "*":
                part &= Q(content_type__model=model)
            query |= part
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(query))
