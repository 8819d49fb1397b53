"""Search of persons by name, reading names the way identity does (identity.folding,
identity.matching): the search, the import preview and the duplicate list must agree on
whether two names are one person's."""

from __future__ import annotations

import re

from django.db.models import Count, Q

from identity.folding import name_key, name_tokens
from identity.matching import is_initial, names_match, score_names

INITIALS = [*"abcdefghijklmnopqrstuvwxyz", "sh", "ch"]  # folded initials (is_initial)
CANDIDATES = 5000  # names scored for one query at most: shared keys narrow them first

# No name in any of our scripts has a letter three times running: "zzzzz" or "ааааа" typed
# into a search box is not a spelling of anyone, and folding doubles would make it "z".
_NONSENSE = re.compile(r"([^\W\d_])\1\1")


def search_persons(queryset, text: str):
    """Persons in `queryset` any of whose names matches `text`.

    A query of two or more words is a name: identity decides (`names_match`, the rule the
    import preview and the duplicate list apply), among the names that share two of its
    tokens' equality keys (or one, beside an initial), found by an indexed lookup of the
    name tokens. A single word, or words that are no one's name token (typed in part,
    "Abdull"), are looked for as parts of the names' folded keys.
    """
    from .models import NameToken, PersonName

    if _NONSENSE.search(text.lower()):
        return queryset.none()
    # A single letter (an initial, or "zzzzz" folded to "z") occurs in most names' keys.
    tokens = [t for t in name_tokens(text) if len(t) > 1]
    if not tokens:
        return queryset.none()
    words = [t for t in tokens if not is_initial(t)]
    keys = {name_key(t) for t in words}
    if len(tokens) >= 2 and keys:
        need = 1 if len(keys) == 1 or len(words) < len(tokens) else 2
        # A stored name with an initial ("Eshmatov E.") shares one key with a full query.
        with_initial = NameToken.objects.filter(token__in=INITIALS).values("name_id")
        names = (
            NameToken.objects.filter(key__in=keys)
            .values("name_id")
            .annotate(n=Count("key", distinct=True))
            .filter(Q(n__gte=need) | Q(n__gte=1, name_id__in=with_initial))
            .values("name_id")
        )
        ids = {
            person_id
            for person_id, full_name in PersonName.objects.filter(pk__in=names).values_list(
                "person_id", "full_name"
            )[:CANDIDATES]
            if names_match(text, full_name)
        }
        if ids or NameToken.objects.filter(token__in=words).values(
            "token"
        ).distinct().count() == len(set(words)):
            return queryset.filter(pk__in=ids)
    contains = Q()
    for token in tokens:
        contains &= Q(search_key__contains=token)
    found = PersonName.objects.filter(contains).values_list("person_id", "full_name")[:1000]
    # Parts of words find what they are part of, except what identity rules out (Abdullaev
    # is part of Abdullaeva, but a man's name is not a woman's).
    ids = {
        person_id
        for person_id, full_name in found
        if len(tokens) < 2 or not any(r.startswith("veto") for r in score_names(text, full_name).reasons)
    }  # fmt: skip
    return queryset.filter(pk__in=ids)
