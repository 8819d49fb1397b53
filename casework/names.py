"""Names across scripts: Абдуллаев, Abdullaev and Abdullayev are one person.

`search_key(name)` folds a name in any script to one comparable Latin form: Cyrillic is
transliterated with a table that covers Russian, Uzbek, Kazakh, Kyrgyz and Tajik letters
(unidecode's generic table renders х as "kh", ў as "u" and drops Uzbek apostrophes
inconsistently, so the common letters are ours and unidecode handles the rest), then the
spelling variants that transliteration systems disagree on are folded (-yev/-ev, kh/h/x,
dzh/j/zh, q/k, w/v, doubled letters, Uzbek o‘ and g‘). The tokens are sorted, so a swapped
first and last name gives the same key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz
from unidecode import unidecode

CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Uzbek Cyrillic
    "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h",
    # Kazakh, Kyrgyz, Tajik
    "ә": "a", "ө": "o", "ү": "u", "ұ": "u", "ң": "n", "і": "i", "һ": "h", "ҷ": "j",
    "ӣ": "i", "ӯ": "u", "ї": "i", "є": "e",
}  # fmt: skip

# Apostrophe-like marks: Uzbek Latin o‘ g‘ (U+2018, U+02BB), the soft sign rendered as ', etc.
_APOSTROPHES = "'’‘ʻʼ`´ʹ"

# Order matters: longer patterns first.
_FOLDS = [
    ("shch", "sh"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("tch", "ch"),
    ("kh", "h"),
    ("x", "h"),
    ("q", "k"),
    ("w", "v"),
    ("ou", "u"),
    ("y", "i"),
    ("ie", "e"),
    ("iu", "u"),
    ("ia", "a"),
    ("io", "o"),
]
_DOUBLES = re.compile(r"(.)\1+")
_NON_LETTERS = re.compile(r"[^a-z]+")


def detect_script(text: str) -> str:
    """'cyrillic', 'uzbek_latin' (o‘/g‘ or sh/ch with x or q), 'latin' or 'other'."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "other"
    cyr = sum(1 for c in letters if "CYRILLIC" in unicodedata.name(c, ""))
    if cyr * 2 >= len(letters):
        return "cyrillic"
    if all(c.isascii() or c in _APOSTROPHES for c in text if c.isalpha() or c in _APOSTROPHES):
        lowered = text.lower()
        if any(f"{v}{a}" in lowered for v in "og" for a in "‘ʻ'’`") or re.search(r"[xq]", lowered):
            return "uzbek_latin"
        return "latin"
    return "other"


# One str.translate instead of a loop over characters: our letters, apostrophes dropped.
_TO_LATIN = str.maketrans({**CYRILLIC_TO_LATIN, **dict.fromkeys(_APOSTROPHES)})


def to_latin(text: str) -> str:
    """Transliterate to lower-case ASCII Latin."""
    return unidecode(text.lower().translate(_TO_LATIN)).lower()


@lru_cache(maxsize=100_000)  # a list has thousands of names but few distinct tokens
def fold_token(token: str) -> str:
    for old, new in _FOLDS:
        token = token.replace(old, new)
    # A trailing "-ii"/"-ij" (Russian -ий) and "-i" renderings of the same ending.
    token = _DOUBLES.sub(r"\1", token)
    return token


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(fold_token(t) for t in _NON_LETTERS.split(to_latin(word)) if t)


def name_tokens(name: str) -> list[str]:
    """Folded tokens of a name, in their original order. Word by word, each word once: a
    list of 100,000 names has a few thousand distinct words (transliteration works letter
    by letter, so the result is the same as for the whole name)."""
    return [t for word in name.split() for t in _word_tokens(word)]


def search_key(name: str) -> str:
    """The folded, order-free key stored in PersonName.search_key."""
    return " ".join(sorted(name_tokens(name)))


def similarity(a: str, b: str) -> float:
    """0..1: how alike two names are after folding, ignoring order and extra tokens
    (a patronymic present in one and not the other)."""
    ka, kb = search_key(a), search_key(b)
    if not ka or not kb:
        return 0.0
    return max(fuzz.token_sort_ratio(ka, kb), fuzz.token_set_ratio(ka, kb)) / 100.0


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
