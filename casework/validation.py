"""Checks on a fact before it is written, shared by the pages' forms, the API's serializers
and the services: one place, so that a page and the API refuse the same input with the same
message.

`record_errors(instance, today=...)` answers {field: [message]} for an unsaved (or changed)
row of the case record:
- a country is an ISO 3166 code from the project's list (casework.countries);
- something that has happened (an observation, a decision, a detention) is not dated after
  today: a welfare check dated next week would count as the latest contact and silence the
  no-contact alert until then;
- an assigned caseworker holds the caseworker role, an assigned lawyer the lawyer role;
- a UNHCR number already held by another person is refused with one answer, whoever holds
  it: never "already exists" for a person the user may not see, nor a case number.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_roles

from . import models as m
from .countries import is_country_code

COUNTRY_FIELDS = {
    "citizenship",
    "country_of_origin",
    "country",
    "requesting_state",
    "requested_state",
    "respondent_state",
    "destination_country",
    "from_country",
}

# Dates of things that have already happened, per model.
PAST_FIELDS: dict[type, tuple[str, ...]] = {
    m.Person: ("born_on", "consent_recorded_on"),
    m.GroupEvent: ("occurred_on",),
    m.Detention: ("started_on", "ended_on"),
    m.WelfareCheck: ("observed_at",),
    m.ExtraditionRequest: ("received_on", "arrested_on", "decided_on", "notified_on"),
    m.AsylumClaim: ("lodged_on", "interviewed_on", "decided_on", "notified_on"),
    m.RemovalOrder: ("issued_on", "notified_on"),
    m.Appeal: ("lodged_on", "decided_on", "notified_on"),
    m.Hearing: (),
    m.InterimMeasure: ("requested_on", "granted_on", "lifted_on", "decision_transmitted_on"),
    m.Reaffirmation: ("reaffirmed_on",),
    m.Return: ("returned_on",),
    m.PostReturnReport: ("reported_on",),
}

# field -> the role its user must hold.
ASSIGNEE_ROLES = {
    "assigned_caseworker": Role.CASEWORKER,
    "assigned_lawyer": Role.LAWYER,
    "lawyer": Role.LAWYER,
}

FUTURE = _("This date is in the future: record what has happened, on the day it happened.")
NOT_A_CODE = _("Give the two-letter ISO code of the country (e.g. KZ, KG, UZ, RU), not its name.")
WRONG_ROLE = {
    Role.CASEWORKER: _("Only a user with the caseworker role can be the assigned caseworker."),
    Role.LAWYER: _("Only a user with the lawyer role can be the lawyer."),
}
UNHCR_TAKEN = _("This UNHCR number cannot be recorded here. Ask an admin.")


def _is_future(value, today: date) -> bool:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date() > today
            if timezone.is_aware(value)
            else (value.date() > today)
        )
    return isinstance(value, date) and value > today


def record_errors(instance, *, fields=None, today: date | None = None) -> dict[str, list]:
    """What is wrong with `instance` as it would be saved, by field (empty when nothing).
    `fields`: only these (the ones a change sets), so that editing a note is not refused for
    an old value nobody touched; None checks every field (a new row)."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    concrete = {f.name for f in instance._meta.concrete_fields}
    if fields is not None:
        concrete &= set(fields)
    for name in COUNTRY_FIELDS & concrete:
        value = getattr(instance, name) or ""
        if value and not is_country_code(value):
            errors.setdefault(name, []).append(NOT_A_CODE)
    for name in concrete.intersection(PAST_FIELDS.get(type(instance), ())):
        if _is_future(getattr(instance, name), today):
            errors.setdefault(name, []).append(FUTURE)
    for name, role in ASSIGNEE_ROLES.items():
        if name in concrete and getattr(instance, f"{name}_id") is not None:
            user = getattr(instance, name)
            if role not in user_roles(user):
                errors.setdefault(name, []).append(WRONG_ROLE[role])
    if isinstance(instance, m.Person) and "unhcr_number" in concrete and instance.unhcr_number:
        taken = m.Person.objects.filter(unhcr_number=instance.unhcr_number)
        if instance.pk:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors.setdefault("unhcr_number", []).append(UNHCR_TAKEN)
    return errors


def normalise_countries(instance) -> None:
    """Country codes as stored: upper case ("kz" is KZ)."""
    for name in COUNTRY_FIELDS & {f.name for f in instance._meta.concrete_fields}:
        value = getattr(instance, name)
        if value:
            setattr(instance, name, value.strip().upper())
