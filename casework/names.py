"""Search of persons by name, reading names the way identity does (identity.folding,
identity.matching): the search, the import preview and the duplicate list must agree on
whether two names are one person's."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from identity.folding import name_tokens

FUZZY_THRESHOLD = 0.85

# No name in any of our scripts has a letter three times running: "zzzzz" or "ааааа" typed
# into a search box is not a spelling of anyone, and folding doubles would make it "z".
_NONSENSE = re.compile(r"([^\W\d_])\1\1")


def search_persons(queryset, text: str):
    """Persons in `queryset` any of whose names matches `text`.

    First every folded token of the query must occur in one name's key (a database query);
    when that finds nothing, near misses are scored with rapidfuzz among names that share a
    three-letter prefix with a query token (blocking, so we never score the whole table).
    """
    from django.db.models import Q

    from .models import PersonName

    if _NONSENSE.search(text.lower()):
        return queryset.none()
    # A single letter (an initial, or "zzzzz" folded to "z") occurs in most names' keys.
    tokens = [t for t in name_tokens(text) if len(t) > 1]
    if not tokens:
        return queryset.none()
    exact = Q()
    for token in tokens:
        exact &= Q(search_key__contains=token)
    ids = set(PersonName.objects.filter(exact).values_list("person_id", flat=True)[:1000])
    if not ids:
        block = Q()
        for token in tokens:
            block |= Q(search_key__contains=token[:3])
        query_key = " ".join(sorted(tokens))
        for person_id, key in PersonName.objects.filter(block).values_list(
            "person_id", "search_key"
        )[:5000]:
            score = max(fuzz.token_set_ratio(query_key, key), fuzz.partial_ratio(query_key, key))
            if score / 100.0 >= FUZZY_THRESHOLD:
                ids.add(person_id)
    return queryset.filter(pk__in=ids)
