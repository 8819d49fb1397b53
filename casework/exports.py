"""CSV exports of person lists, through the visibility gate, with the consent rule.

An internal export lists what the role may see. A public export (`public=True`) refers to
every person through `casework.consent.public_reference`: a person whose consent to be named
is not "yes" appears only as their public description, never by name, number or date.
Every value that a spreadsheet would run as a formula (= + - @, tab, carriage return at the
start) is prefixed with an apostrophe, the OWASP-recommended neutralisation.
Reads of restricted persons are logged (channel "export").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch

from accounts.audit import record_read

from .consent import public_reference  # the one consent rule for every public output
from .models import Group, Person, PersonName

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

INTERNAL_COLUMNS = [
    "case_number",
    "name",
    "other_names",
    "born_on",
    "born_on_precision",
    "sex",
    "citizenship",
    "status",
    "unhcr_number",
    "confidentiality",
    "groups",
]
PUBLIC_COLUMNS = ["reference", "status", "citizenship", "groups"]


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_queryset(*, user, group: Group | None = None):
    if not user.has_perm("casework.view_person"):
        raise PermissionDenied
    qs = Person.objects.visible_to(user)
    if group is not None:
        qs = qs.filter(memberships__group=group)
    return qs.prefetch_related(
        Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "full_name")),
        "groups",
    ).order_by("primary_name", "case_number")


def person_rows(*, persons: Iterable[Person], public: bool) -> Iterator[list[str]]:
    yield PUBLIC_COLUMNS if public else INTERNAL_COLUMNS
    for person in persons:
        groups = "; ".join(g.public_description or g.name for g in person.groups.all())
        if public:
            row = [
                public_reference(person),
                person.get_status_display(),
                person.citizenship,
                groups,
            ]
        else:
            names = [n.full_name for n in person.names.all()]
            row = [
                person.case_number,
                person.primary_name,
                "; ".join(n for n in names if n != person.primary_name),
                person.born_on.isoformat() if person.born_on else "",
                person.born_on_precision if person.born_on else "",
                person.sex,
                person.citizenship,
                person.status,
                person.unhcr_number or "",
                person.confidentiality,
                "; ".join(g.name for g in person.groups.all()),
            ]
        yield [neutralise(v) for v in row]


def export_persons_csv(*, user, group: Group | None = None, public: bool = False) -> str:
    """The CSV text of the persons `user` may see (of `group`, if given)."""
    persons = list(export_queryset(user=user, group=group))
    record_read(user=user, objects=persons, channel="export")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(person_rows(persons=persons, public=public))
    return out.getvalue()
