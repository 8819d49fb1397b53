"""Record reads of restricted records. Call it from every view, endpoint, export and feed
that shows casework records (accounts.mixins does it for DRF views, admin pages and
template views): it writes one row per restricted person behind each record read.

A record is "of" a person through casework.access.PERSON_PATH (a detention is its person's;
a hearing is its appeal's person's). A relationship is of both people in it: reading
"A is the brother of B" reads B too.
"""

from __future__ import annotations

from collections.abc import Iterable

from casework.access import PERSON_PATH

# Further people a record reveals, beyond its own person.
OTHER_PERSON_FIELDS = {"Relationship": ("relative",)}


def person_id_of(obj):
    """The id of the person `obj` belongs to, or None for records of no one (a facility)."""
    if type(obj).__name__ == "Person":
        return obj.pk
    path = PERSON_PATH.get(type(obj).__name__, "person")
    *hops, last = path.split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def person_of(obj):
    """The Person `obj` belongs to, or None."""
    if type(obj).__name__ == "Person":
        return obj
    target = obj
    for hop in PERSON_PATH.get(type(obj).__name__, "person").split("__"):
        target = getattr(target, hop, None)
        if target is None:
            return None
    return target


def _loaded_person(obj, path: str):
    """The Person at the end of `path` from `obj` if every hop is already loaded (a
    select_related, or the object itself), else None: never a query."""
    target = obj
    for hop in path.split("__") if path else ():
        target = target._state.fields_cache.get(hop)
        if target is None:
            return None
    if type(target).__name__ != "Person" or "confidentiality" in target.get_deferred_fields():
        return None
    return target


def _known_confidentiality(obj, pk) -> str | None:
    """The confidentiality of person `pk` as `obj` already holds it, or None."""
    paths = [PERSON_PATH.get(type(obj).__name__, "person")]
    paths += OTHER_PERSON_FIELDS.get(type(obj).__name__, ())
    for path in paths:
        person = _loaded_person(obj, path)
        if person is not None and person.pk == pk:
            return person.confidentiality
    return None


def _people_of(obj) -> list:
    ids = [person_id_of(obj)]
    for field in OTHER_PERSON_FIELDS.get(type(obj).__name__, ()):
        ids.append(getattr(obj, f"{field}_id", None))
    return [pk for pk in ids if pk is not None]


def record_read(*, user, objects: Iterable, channel: str, path: str = "") -> int:
    """Log each (record, restricted person) pair among `objects`. Returns how many rows were
    written. At most one query finds which of the persons are restricted, one writes the rows.
    `path` is the request path only, never its query string (a search may hold a name)."""
    from casework.models import Person

    from .api_tokens import current_token
    from .models import ReadAudit

    pairs = [(obj, pk) for obj in objects for pk in _people_of(obj)]
    if not pairs:
        return 0
    # Pages mostly hold their persons already (the person page, rows with select_related):
    # their confidentiality is read off them; the database is asked only about the others.
    restricted, unknown = set(), set()
    for obj, pk in pairs:
        known = _known_confidentiality(obj, pk)
        if known is None:
            unknown.add(pk)
        elif known == "restricted":
            restricted.add(pk)
    if unknown:
        restricted |= set(
            Person.objects.filter(pk__in=unknown, confidentiality="restricted").values_list(
                "pk", flat=True
            )
        )
    token = current_token.get()
    token_prefix = token.prefix if token is not None else ""
    rows = [
        ReadAudit(
            user=user,
            person_id=pk,
            record_type=type(obj).__name__,
            record_id=obj.pk,
            channel=channel,
            path=path.split("?", 1)[0][:300],
            token_prefix=token_prefix,
        )
        for obj, pk in pairs
        if pk in restricted
    ]
    if rows:
        ReadAudit.objects.bulk_create(rows)
    return len(rows)
