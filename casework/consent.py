"""Consent to be named, applied in one place.

Every output meant for the public (an urgent action, a letter, an e-mail, an export) refers
to persons through `public_reference` / `describe_persons` and passes its final text through
`public_text`, which refuses text that names anyone whose consent to be named is not "yes".

Naming is detected on folded name tokens (`casework.names.name_tokens`), so Абдуллаев,
Abdullaev and Abdullayev are the same name to the scanner, and a Russian case ending
(Абдуллаеву, Abdullaevа) does not hide it. A person counts as named when

- two of their name tokens stand within two words of each other, in any order
  ("Rustam Abdullaev", "Абдуллаев Рустам", "Abdullaev R. Rustam"), or
- a surname-like token of theirs appears alone ("Mr Abdullayev"), or
- their only name token appears (a person known by one name).

A given name alone ("Rustam") is not flagged: it is shared by thousands and would block
ordinary words (Islam, Said). That is the one trade-off here; everything else errs on the
side of refusing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from identity.folding import name_tokens

# Endings of folded surnames in the region (-ov/-ev/-ova, Kazakh -uly/-kyzy, Tajik -zoda,
# Russian -sky/-y). Folding turns y into i, so "Daulbayev" ends in "baev".
_SURNAME_ENDINGS = ("ov", "ev", "ova", "eva", "uli", "ulu", "kizi", "zoda", "zade", "ski", "ii")
# A case ending added to a name in Russian or Kazakh text: Абдуллаеву, Абдуллаевым.
_MAX_INFLECTION = 2
_PAIR_WINDOW = 2

_NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
)  # fmt: skip
_PLURALS = {"man": "men", "woman": "women", "child": "children", "person": "people"}


class ConsentError(ValueError):
    """Text meant for the public names a person who has not consented to be named."""

    def __init__(self, message: str, case_numbers: list[str]):
        super().__init__(message)
        self.case_numbers = case_numbers


def may_be_named(person) -> bool:
    return person.consent_to_be_named == "yes"


def public_reference(person) -> str:
    """The person's name if they consented to be named, else their public description."""
    if may_be_named(person) and person.primary_name:
        return person.primary_name
    return person.description or _("a person at risk")


def number_word(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def pluralise(description: str) -> str:
    """'an ethnic Uzbek man' -> 'ethnic Uzbek men'."""
    words = description.split()
    if words and words[0].lower() in ("a", "an", "one"):
        words = words[1:]
    if not words:
        return _("people")
    last = words[-1]
    words[-1] = _PLURALS.get(last.lower(), last if last.endswith("s") else last + "s")
    return " ".join(words)


def describe_persons(persons: Iterable, *, total: int | None = None, more: bool = False) -> str:
    """A public phrase for several persons: consenting ones by name, the rest counted and
    described: "Rustam Abdullaev and four more ethnic Uzbek men". `total` (a group's
    estimated size) may exceed the persons known."""
    persons = list(persons)
    named = [p.primary_name for p in persons if may_be_named(p) and p.primary_name]
    unnamed = [p for p in persons if not (may_be_named(p) and p.primary_name)]
    count = max(len(unnamed), (total or 0) - len(named))
    parts = list(named)
    if count:
        descriptions = {p.description for p in unnamed if p.description}
        single = descriptions.pop() if len(descriptions) == 1 else _("a person at risk")
        if count == 1:
            phrase = single
            if more or named:
                phrase = _("one more %(what)s") % {"what": _strip_article(single)}
        else:
            what = pluralise(single)
            phrase = f"{number_word(count)} {'more ' if (more or named) else ''}{what}"
        parts.append(phrase)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + _(" and ") + parts[-1]


def _strip_article(description: str) -> str:
    words = description.split()
    if words and words[0].lower() in ("a", "an"):
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class _Entry:
    case_number: str
    name_index: int
    token: str
    position: int
    tokens_in_name: int


def _is_surname_like(token: str) -> bool:
    return len(token) >= 5 and token.endswith(_SURNAME_ENDINGS)


def _candidates(text_token: str) -> list[str]:
    """The text token and its stems without a case ending of up to two letters."""
    out = [text_token]
    for cut in range(1, _MAX_INFLECTION + 1):
        if len(text_token) - cut >= 4:
            out.append(text_token[:-cut])
    return out


class NameScanner:
    """Finds the names of non-consenting persons in text. Built once per output batch (500
    letters scan against one index)."""

    def __init__(self, persons: Iterable):
        self._index: dict[str, list[_Entry]] = defaultdict(list)
        allowed: set[tuple[str, ...]] = set()
        for person in persons:
            names = [n.full_name for n in person.names.all()] or (
                [person.primary_name] if person.primary_name else []
            )
            if may_be_named(person):
                for name in names:
                    allowed.add(tuple(sorted(set(name_tokens(name)))))
                continue
            for i, name in enumerate(names):
                tokens = name_tokens(name)
                for pos, token in enumerate(tokens):
                    if len(token) >= 2:
                        self._index[token].append(
                            _Entry(person.case_number, i, token, pos, len(tokens))
                        )
        self._allowed_tokens = allowed

    def _consented(self, tokens: set[str]) -> bool:
        return any(tokens <= set(name) for name in self._allowed_tokens)

    def find(self, text: str) -> list[str]:
        """Case numbers of the persons named in `text` (sorted, no duplicates)."""
        if not self._index or not text:
            return []
        words = name_tokens(text)
        hits: list[tuple[int, _Entry]] = []
        for i, word in enumerate(words):
            for candidate in _candidates(word):
                for entry in self._index.get(candidate, ()):
                    hits.append((i, entry))
        found: set[str] = set()
        by_name: dict[tuple[str, int], list[tuple[int, _Entry]]] = defaultdict(list)
        for i, entry in hits:
            by_name[(entry.case_number, entry.name_index)].append((i, entry))
            if entry.tokens_in_name == 1 or _is_surname_like(entry.token):
                if not self._consented({entry.token}):
                    found.add(entry.case_number)
        for (case_number, _i), positions in by_name.items():
            if case_number in found:
                continue
            for a, ea in positions:
                for b, eb in positions:
                    if 0 < b - a <= _PAIR_WINDOW and ea.position != eb.position:
                        if not self._consented({ea.token, eb.token}):
                            found.add(case_number)
        return sorted(found)


def find_unconsented_names(text: str, persons: Iterable) -> list[str]:
    return NameScanner(persons).find(text)


def assert_no_unconsented_names(
    text: str, persons: Iterable, *, where: str = "", scanner: NameScanner | None = None
) -> None:
    """Raise ConsentError, with a message a coordinator can act on, if `text` names anyone
    among `persons` whose consent to be named is not "yes"."""
    found = (scanner or NameScanner(persons)).find(text)
    if found:
        raise ConsentError(
            _(
                "%(where)snames %(who)s, who has not consented to be named publicly (consent "
                "is 'no' or 'unknown', or was withdrawn). Replace the name with the person's "
                "description before this goes out."
            )
            % {"where": f"{where}: " if where else "", "who": ", ".join(found)},
            found,
        )


def public_text(
    text: str, persons: Iterable, *, where: str = "", scanner: NameScanner | None = None
) -> str:
    """The gate every public output passes: returns `text` unchanged, or raises ConsentError."""
    assert_no_unconsented_names(text, persons, where=where, scanner=scanner)
    return text
