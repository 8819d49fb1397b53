"""Consent to be named, applied in one place.

Every output meant for the public (an urgent action, a letter, an e-mail, an export) refers
to persons through `public_reference` / `describe_persons` and passes its final text through
`public_text`, which refuses text that names anyone whose consent to be named is not "yes".

Naming is detected on the equality keys of folded name tokens (identity.folding.name_key),
so Абдуллаев, Abdullaev, Abdullayev and Abdullajew are the same name to the scanner, an
Uzbek surname written the Russian way (-boyev typed -baev) too, and a Russian case ending
(Абдуллаеву) does not hide it. Every non-consenting person in the database is checked, not
only those the output is about (see NameScanner for when a person counts as named).

A given name alone ("Rustam") is not flagged: it is shared by thousands and would block
ordinary words (Islam, Said). That is the one trade-off here; everything else errs on the
side of refusing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from identity.folding import name_key, name_tokens, word_tokens
from identity.matching import initials_of, is_initial

# Endings of folded surnames in the region (-ov/-ev/-ova, Kazakh -uly/-kyzy, Tajik -zoda,
# Russian -sky/-y). Folding turns y into i, so "Daulbayev" ends in "baev".
_SURNAME_ENDINGS = ("ov", "ev", "ova", "eva", "uli", "ulu", "kizi", "zoda", "zade", "ski", "ii")
# A case ending added to a name in Russian or Kazakh text: Абдуллаеву, Абдуллаевым.
_MAX_INFLECTION = 2
_PAIR_WINDOW = 2
_LEADING = "\"'«„“(["
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Patronymic markers (o‘g‘li, qizi, uly, qyzy, uulu, kyzy) say "son of", "daughter of":
# not a name, and English words fold to them (Kazakh -> kazah, key of qizi).
_MARKERS = frozenset({"ogli", "ugli", "ugi", "ogi", "uli", "ulu", "kizi", "gizi", "kiz"})
# A lookup by a token's folded spelling, not its key: a word not capitalised, read against
# everyone (names are keys; no key starts with this).
_EXACT = "="
_INITIALS_WORD = re.compile(r"^(?:[^\W\d_]{1,2}\.)+\W*$")

_NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
)  # fmt: skip
_PLURALS = {"man": "men", "woman": "women", "child": "children", "person": "people"}


class ConsentError(ValueError):
    """Text meant for the public names a person who has not consented to be named."""

    def __init__(self, message: str, case_numbers: list[str], hits: list | None = None):
        super().__init__(message)
        self.case_numbers = case_numbers
        self.hits = hits or []  # Hit: the phrase and the case number, for the coordinator


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
class Hit:
    """A stretch of text that names a person who has not consented: what the coordinator is
    shown (the phrase, the case number) and what a confirmation refers to."""

    person_id: str
    case_number: str
    phrase: str

    @property
    def phrase_key(self) -> str:
        return phrase_key(self.phrase)


def phrase_key(phrase: str) -> str:
    """A phrase as written, folded (case, script and spacing aside: "ABDURAKHMONBAEV Jasur"
    and "Abdurakhmonbaev  Jasur" are one): another spelling or order is another phrase, and
    the coordinator must look at it again."""
    return " ".join(name_tokens(phrase))


@dataclass(frozen=True)
class _Entry:
    person_id: str
    case_number: str
    name: object  # the PersonName's id (in the database) or (person, index) in scope
    token: str
    key: str
    position: int
    tokens_in_name: int


def _is_surname_like(token: str) -> bool:
    return len(token) >= 5 and token.endswith(_SURNAME_ENDINGS)


@dataclass
class _Text:
    """The folded tokens of a text with the words they came from and their lookup keys."""

    words: list[str]
    tokens: list[tuple[str, int]]  # (folded token, index of its word)
    keys: list[set[str]]  # per token: its key, and its keys without a case ending

    @classmethod
    def of(cls, text: str, *, names_only: bool = False) -> _Text:
        """`names_only`: read as the gate reads text against everyone in the database (see
        NameScanner): no patronymic markers, case endings cut from Cyrillic words only, and a
        word not capitalised read by its key only when it is surname-like, else by its folded
        spelling exactly (`_EXACT` + token): the vowel-blind key makes ordinary words names
        ("their" has Tohir's key, "access" Aziz's)."""
        words = text.split()
        tokens, keys = [], []
        for w, word in enumerate(words):
            initials = _INITIALS_WORD.match(word) is not None  # "R.", "Р.А.", "Sh." (not "a")
            letters = word.lstrip(_LEADING)
            capitalised = bool(letters) and letters[0].isupper()
            cyrillic = _CYRILLIC.search(word) is not None
            for token in word_tokens(word):
                tokens.append((token, w))
                if is_initial(token):
                    keys.append(set())
                    if not initials:
                        tokens[-1] = ("", w)  # a one-letter word: an article, not an initial
                    continue
                if names_only and token in _MARKERS:
                    keys.append(set())
                    continue
                if names_only and not capitalised:
                    # Surname-like words (-ov, -ev, -uly...) by key, as capitalised ones: no
                    # ordinary word ends so; others by their spelling.
                    cuts = [token] + [
                        token[:-cut]
                        for cut in range(1, _MAX_INFLECTION + 1)
                        if cyrillic and len(token) - cut >= 4
                    ]
                    keys.append({name_key(t) if _is_surname_like(t) else _EXACT + t for t in cuts})
                    continue
                found = {name_key(token)}
                for cut in range(1, _MAX_INFLECTION + 1):
                    if len(token) - cut >= 4 and (cyrillic or not names_only):
                        found.add(name_key(token[:-cut]))
                keys.append(found)
        return cls(words, tokens, keys)

    def all_keys(self) -> set[str]:
        return set().union(*self.keys) if self.keys else set()

    def near_initials(self) -> set[str]:
        """The keys of tokens that stand within the window of an initial ("R. Abdullaev")."""
        out: set[str] = set()
        for j, (token, _w) in enumerate(self.tokens):
            if token and is_initial(token):
                for i in range(max(0, j - _PAIR_WINDOW), min(len(self.keys), j + _PAIR_WINDOW + 1)):
                    out |= self.keys[i]
        return out

    def phrase(self, first: int, last: int) -> str:
        a, b = sorted((self.tokens[first][1], self.tokens[last][1]))
        return " ".join(self.words[a : b + 1]).strip(".,;:!?()[]«»\"'")


class NameScanner:
    """Finds the names of non-consenting persons in text, read the way identity reads names
    (identity.folding: every transliteration, Latin look-alikes, Russian case endings).

    `persons` are those the output is about: their names are held here, and the names of
    those of them who consented may be written. Every other person in the database whose
    consent is not "yes" is looked up too (`everyone`), through the indexed name tokens
    (casework.NameToken): a cousin typed by hand is as dangerous as the person covered. A
    person counts as named when

    - two of their name tokens stand within two words of each other, in any order
      ("Rustam Abdullaev", "Абдуллаев Рустам"), or one of them with a fitting initial
      ("R. Abdullaev", "Абдуллаев Р."), or
    - (persons in scope) a surname-like token of theirs appears alone ("Mr Abdullayev"), or
      their only name token appears.

    `confirmed`: (person id, phrase key) pairs a coordinator confirmed are someone else for
    this output. Built once per output batch (500 letters scan against one index)."""

    def __init__(
        self, persons: Iterable, *, everyone: bool = True, confirmed: Iterable = ()
    ) -> None:
        self._index: dict[str, list[_Entry]] = defaultdict(list)
        self._names: dict[object, list[_Entry]] = {}
        allowed: list[set[str]] = []
        self._scope: set[str] = set()
        for person in persons:
            self._scope.add(str(person.pk))
            names = [n.full_name for n in person.names.all()] or (
                [person.primary_name] if person.primary_name else []
            )
            if may_be_named(person):
                allowed.extend({name_key(t) for t in name_tokens(name)} for name in names)
                continue
            for i, name in enumerate(names):
                tokens = name_tokens(name)
                entries = [
                    _Entry(str(person.pk), person.case_number, (person.pk, i), t, name_key(t),
                           pos, len(tokens))
                    for pos, t in enumerate(tokens)
                    if len(t) >= 2
                ]  # fmt: skip
                self._names[(person.pk, i)] = entries
                for entry in entries:
                    self._index[entry.key].append(entry)
        self._allowed = allowed
        self._everyone = everyone
        self._confirmed = {(str(p), k) for p, k in confirmed}
        # What `prefetch` read from the database: the keys it covers and their entries.
        self._fetched: tuple[set[str], set[str], dict, dict] | None = None

    def prefetch(self, texts: Iterable[str]) -> None:
        """Read, in one query, the database entries every one of `texts` could need, so that
        checking each of them (500 letters) asks the database nothing more."""
        reads = [_Text.of(text, names_only=True) for text in texts if text]
        keys = set().union(*(r.all_keys() for r in reads)) if reads else set()
        near = set().union(*(r.near_initials() for r in reads)) if reads else set()
        index, names = self._query(keys, near)
        self._fetched = (keys, near, index, names)

    def _consented(self, keys: set[str]) -> bool:
        return any(keys <= name for name in self._allowed)

    def find(self, text: str) -> list[str]:
        """Case numbers of the persons named in `text` (sorted, no duplicates)."""
        return sorted({hit.case_number for hit in self.hits(text)})

    def hits(self, text: str) -> list[Hit]:
        """Every person named in `text`, once, with the phrase that names them."""
        if not text:
            return []
        read = _Text.of(text)
        found: dict[str, Hit] = {}
        self._scan(read, self._index, self._names, found, alone=True)
        if self._everyone:
            read = _Text.of(text, names_only=True)
            index, names = self._database_entries(read)
            self._scan(read, index, names, found, alone=False)
        return list(found.values())

    def _scan(self, read: _Text, index, names, found: dict, *, alone: bool) -> None:
        hits_by_name: dict[object, list[tuple[int, _Entry]]] = defaultdict(list)
        for i, keys in enumerate(read.keys):
            for key in keys:
                for entry in index.get(key, ()):
                    if alone or entry.token not in _MARKERS:  # qizi names no one
                        hits_by_name[entry.name].append((i, entry))
        for name, positions in hits_by_name.items():
            entries = names.get(name, ())
            for i, entry in positions:
                if entry.person_id in found:
                    break
                named = None
                if alone and (entry.tokens_in_name == 1 or _is_surname_like(entry.token)):
                    named = (i, i, {entry.key})
                for j, other in positions:
                    if 0 < j - i <= _PAIR_WINDOW and other.position != entry.position:
                        named = named or (i, j, {entry.key, other.key})
                for j in range(
                    max(0, i - _PAIR_WINDOW), min(len(read.tokens), i + _PAIR_WINDOW + 1)
                ):
                    initial = read.tokens[j][0]
                    if j != i and initial and is_initial(initial):
                        if any(o.position != entry.position and initial in initials_of(o.token)
                               for o in entries):  # fmt: skip
                            named = named or (min(i, j), max(i, j), {entry.key})
                if named is None or self._consented(named[2]):
                    continue
                hit = Hit(entry.person_id, entry.case_number, read.phrase(named[0], named[1]))
                if (hit.person_id, hit.phrase_key) not in self._confirmed:
                    found[entry.person_id] = hit

    def _database_entries(self, read: _Text) -> tuple[dict, dict]:
        """Entries of the names of non-consenting persons outside the scope that could be
        named in `read`: two of their tokens' keys in the text, or one next to an initial.
        From what `prefetch` read when it covers the text, else one indexed query."""
        keys, near = read.all_keys(), read.near_initials()
        if self._fetched is not None and keys <= self._fetched[0] and near <= self._fetched[1]:
            return self._fetched[2], self._fetched[3]
        return self._query(keys, near)

    def _query(self, keys: set[str], near_initials: set[str]) -> tuple[dict, dict]:
        """One query (with subqueries): every token of every name of a non-consenting person
        outside the scope that has two of its tokens' keys among `keys`, or one among
        `near_initials`. A superset of what any text with those keys names: a name whose
        two tokens come from different texts is read, and the texts decide."""
        from django.db.models import Count

        from .models import NameToken

        if not keys:
            return {}, {}
        # Two round trips, each on an index: first the names with two keys in the text (or
        # one next to an initial), from the key index alone (key, name): a few hundred
        # of 300,000 tokens; then the tokens of just those names, joined to their persons
        # for consent. As one query the planner guessed thousands of names and read every
        # PersonName to hash-join them (a third of the time). Each token row is one
        # (name, position), so counting rows counts distinct positions.
        name_ids = set(
            NameToken.objects.filter(_lookup(keys))
            .values("name_id")
            .annotate(n=Count("name_id"))
            .filter(n__gte=2)
            .values_list("name_id", flat=True)
        )
        if near_initials:
            name_ids.update(
                NameToken.objects.filter(_lookup(near_initials))
                .values_list("name_id", flat=True)
                .distinct()
            )
        if not name_ids:
            return {}, {}
        names = Q(name_id__in=name_ids) & ~Q(name__person__consent_to_be_named="yes")
        if self._scope:
            names &= ~Q(name__person_id__in=self._scope)
        index: dict[str, list[_Entry]] = defaultdict(list)
        by_name: dict[object, list[_Entry]] = defaultdict(list)
        for name_id, person_id, case_number, token, key, position, count in (
            NameToken.objects.filter(names)
            .values_list(
                "name_id", "name__person_id", "name__person__case_number", "token", "key",
                "position", "tokens_in_name",
            )
        ):  # fmt: skip
            entry = _Entry(str(person_id), case_number, name_id, token, key, position, count)
            index[key].append(entry)
            index[_EXACT + token].append(entry)  # for the words not capitalised
            by_name[name_id].append(entry)
        return index, by_name


def _lookup(keys: set[str]) -> Q:
    """Name tokens with one of these keys, or (`_EXACT` + token) this folded spelling: found
    by the key index all the same, a spelling's key being its token's."""
    plain = {k for k in keys if not k.startswith(_EXACT)}
    exact = {k[len(_EXACT) :] for k in keys if k.startswith(_EXACT)}
    q = Q(key__in=plain) if plain else Q(pk__in=[])
    if exact:
        q |= Q(key__in={name_key(t) for t in exact}, token__in=exact)
    return q


def find_unconsented_names(text: str, persons: Iterable) -> list[str]:
    return NameScanner(persons).find(text)


def assert_no_unconsented_names(
    text: str, persons: Iterable, *, where: str = "", scanner: NameScanner | None = None
) -> None:
    """Raise ConsentError, with a message a coordinator can act on, if `text` names anyone
    whose consent to be named is not "yes" (among `persons`, and anyone in the database)."""
    hits = (scanner or NameScanner(persons)).hits(text)
    if hits:
        found = sorted({hit.case_number for hit in hits})
        raise ConsentError(
            _(
                "%(where)snames %(who)s, who has not consented to be named publicly (consent "
                "is 'no' or 'unknown', or was withdrawn). Replace the name with the person's "
                "description before this goes out."
            )
            % {"where": f"{where}: " if where else "", "who": ", ".join(found)},
            found,
            hits=hits,
        )


def public_text(
    text: str, persons: Iterable, *, where: str = "", scanner: NameScanner | None = None
) -> str:
    """The gate every public output passes: returns `text` unchanged, or raises ConsentError."""
    assert_no_unconsented_names(text, persons, where=where, scanner=scanner)
    return text
