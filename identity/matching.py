"""Is this the same person? Scored candidates, with the reasons, across scripts.

Names are compared token by token after the folding in identity.folding (Cyrillic, Latin and Uzbek
Latin spellings of one name fold to one form), in any order (swapped first and last names),
with patronymics set aside (present in one list and not the other is normal). A second,
"vowel-blind" comparison catches what transliteration systems render with different vowels:
Uzbek Latin writes Qodir and Yo‘ldosh where Russian passports write Кадыр and Юлдаш.

The name score is then moved by the other evidence, each step giving a reason:

- UNHCR registration number: equal is a strong match, different a strong non-match (one
  person has one number).
- Date of birth compared at the coarser of the two precisions (often only a year is known):
  same day or same year pulls up; a year apart pulls down a little (typos, "1978?"); two or
  more years apart pulls down hard (father and son share names).
- Citizenship: different is a mild non-match (people change citizenship; lists are wrong).

`SAME_PERSON` and `POSSIBLE` are the thresholds the import preview and the duplicate list
use; they are calibrated on tests/data/name_pairs.csv (see benchmarks/matching.py).

Vetoes, as a human would apply them, each shown as a reason and capping the score below
`POSSIBLE` whatever the names say (a merge of two humans is worse than a missed match):

- two full dates of birth that differ. A day/month swap or one mistyped digit is a reason
  to ask: capped between `POSSIBLE` and `SAME_PERSON`;
- a gendered surname or patronymic form saying the two are of different sex (Karimov /
  Karimova, -ovich / -ovna, o‘g‘li / qizi, uly / qyzy, uulu / kyzy);
- the same surname (and patronymic) with a different given name: siblings, twins, father
  and son.

Blocking: records are only compared when they share a key — a pair of (vowel-blind) token
prefixes, one token prefix with the birth year, or the UNHCR number — so a list is never
compared everyone with everyone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import combinations

from rapidfuzz.distance import Indel

from .folding import consonants, loose_token, name_key, name_tokens, soft_key

SAME_PERSON = 0.85
POSSIBLE = 0.65
# A veto caps the score here, below POSSIBLE: the pair is not even offered as a duplicate.
VETO = 0.4
# "Ask": a near-identical date of birth (a swap, one digit) keeps the pair for a human.
ASK = (POSSIBLE + SAME_PERSON) / 2

SIBLINGS = "veto: same surname, different given name (siblings, twins, father and son)"
DIFFERENT_SEX = "veto: the surname or patronymic forms say different sex"
DIFFERENT_BIRTH = "veto: different full dates of birth"
NAMES_DIFFER = "a name differs (not a spelling of the other)"
# The least likeness of two name parts that may still be one name misspelt (Tadzhibaev /
# Tadhzibaev 0.78); a root and a compound of it (Askar / Askarov, 0.7) is less.
MISSPELT = 0.76
# Two patronymics are one father's name only as spelling variants: Askar / Akbar (0.8)
# and Akhmad / Makhmud (0.86) are two fathers.
SAME_FATHER = 0.88

# Patronymic endings after folding: -ovich/-evich/-ich, -ovna/-evna/-ichna, and the Uzbek
# and Kazakh markers o‘g‘li / ugli / uli (son of) and qizi / kizi (daughter of), which stand
# after the father's name as a token of their own.
# Kazakh -uly/-qyzy and Kyrgyz -uulu/-kyzy also stand joined to the father's name
# (Нұрланұлы), folded to -uli, -ulu, -kizi.
_PATRONYMIC_END = re.compile(r"(vich|vna|ichna|ich|uli|ulu|kizi)$")
# Karimovich, Karimovna and "Karim o‘g‘li" all name the father Karim: compare the stems.
_PATRONYMIC_SUFFIX = re.compile(r"(ovich|evich|ovna|evna|ichna|vich|vna|ich|uli|ulu|kizi)$")
_PATRONYMIC_MARKERS = {"ogli", "ugli", "ugi", "uli", "ulu", "ogi", "kizi", "gizi", "kiz"}
_SON_MARKERS = {"ogli", "ugli", "ugi", "uli", "ulu", "ogi"}
# Sex from the form of a folded surname or patronymic (Russian -ov/-ova, -in/-ina, -sky/
# -skaya; patronymic -ovich/-ovna; Uzbek o‘g‘li/qizi, Kazakh uly/qyzy, Kyrgyz uulu/kyzy).
_FEMININE_FORM = re.compile(r"(?:[oe]va|[^a]ina|skaia|aia|vna|ichna|kizi)$")
_MASCULINE_FORM = re.compile(r"(?:[oe]v|[^a]in|ski|vich|ich|ogli|ugli|uli|ulu)$")
# Feminine forms of a surname: the same stem plus -a (Abdullaev / Abdullaeva).
_FEMININE_PAIRS = ("ov", "ev", "in")

BLOCK_LIMIT = 3000  # a key shared by more records than this says nothing (e.g. "muhamad")


@lru_cache(maxsize=100_000)
def _looks_patronymic(token: str) -> bool:
    return len(token) > 5 and _PATRONYMIC_END.search(token) is not None


@lru_cache(maxsize=100_000)
def _patronymic_stem(token: str) -> str:
    return _PATRONYMIC_SUFFIX.sub("", token)


def split_patronymic(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(core tokens, patronymic tokens). The token before an Uzbek marker is the father's
    name and belongs to the patronymic."""
    core: list[str] = []
    patronymic: list[str] = []
    for i, token in enumerate(tokens):
        if token in _PATRONYMIC_MARKERS:
            if core and i > 0 and tokens[i - 1] == core[-1]:
                patronymic.append(core.pop())
            patronymic.append(token)
        elif _looks_patronymic(token):
            patronymic.append(token)
        else:
            core.append(token)
    if not core:  # a name that is all patronymic-looking: keep it rather than lose it
        return tokens, []
    return core, patronymic


def is_initial(token: str) -> bool:
    """A given name or patronymic reduced to its first letter: "R.", "Р.", "Sh.", "Ch."."""
    return len(token) == 1 or token in ("sh", "ch")


@lru_cache(maxsize=100_000)
def token_sex(token: str) -> str:
    """ "f", "m" or "" from the gendered form of one folded token (too short to tell: "")."""
    if token in _SON_MARKERS:
        return "m"
    if token in ("kizi", "gizi", "kiz"):
        return "f"
    if len(token) < 5:
        return ""
    if _FEMININE_FORM.search(token):
        return "f"
    if _MASCULINE_FORM.search(token):
        return "m"
    return ""


@dataclass(frozen=True)
class NameForm:
    core: tuple[str, ...]
    patronymic: tuple[str, ...]
    sex: str = ""  # what the gendered forms say: "m", "f", or "" (nothing, or both)

    @classmethod
    def of(cls, name: str) -> NameForm:
        tokens = name_tokens(name)
        core, patronymic = split_patronymic(tokens)
        stems = [_patronymic_stem(t) for t in patronymic if t not in _PATRONYMIC_MARKERS]
        initials = [t for t in core if is_initial(t)]
        if len(initials) >= 2 and not stems and len(core) > len(initials):
            # "Abdullaev R. R.": the second initial is the patronymic's.
            core.remove(initials[-1])
            stems.append(initials[-1])
        # The patronymic says it first (a surname's -a is the likelier typo), then the rest.
        sex = ""
        for part in (patronymic, tokens):
            sexes = {token_sex(t) for t in part} - {""}
            if len(sexes) == 1:
                sex = sexes.pop()
                break
        return cls(tuple(core), tuple(s for s in stems if s), sex)


@dataclass
class Birth:
    on: date | None = None
    precision: str = "day"  # day / month / year

    @property
    def year(self) -> int | None:
        return self.on.year if self.on else None


@dataclass
class MatchRecord:
    """What the matcher knows of one person (or one import row)."""

    key: object  # a person id, or ("row", n) for a row of an import
    names: list[NameForm]
    birth: Birth = field(default_factory=Birth)
    unhcr_number: str = ""
    citizenship: str = ""
    sex: str = ""  # "m", "f" or "": recorded, else what the names' gendered forms say
    has_initial: bool = False  # a given name or patronymic written as an initial
    sketches: tuple[str, ...] = ()  # per name, its vowel-blind core tokens sorted (`sketch`)

    @classmethod
    def build(
        cls,
        key,
        names: Iterable[str],
        *,
        born_on: date | None = None,
        born_on_precision: str = "day",
        unhcr_number: str | None = "",
        citizenship: str | None = "",
        sex: str | None = "",
    ) -> MatchRecord:
        forms = []
        for name in names:
            form = NameForm.of(name)
            if form.core and form not in forms:
                forms.append(form)
        recorded = {"male": "m", "female": "f", "m": "m", "f": "f"}.get((sex or "").lower(), "")
        said = {form.sex for form in forms} - {""}
        return cls(
            key=key,
            names=forms,
            birth=Birth(born_on, born_on_precision or "day"),
            unhcr_number=normalise_unhcr(unhcr_number),
            citizenship=(citizenship or "").strip().upper(),
            sex=recorded or (said.pop() if len(said) == 1 else ""),
            has_initial=any(is_initial(t) for f in forms for t in (*f.core, *f.patronymic)),
            sketches=tuple({_sketch(form.core) for form in forms}),
        )


@dataclass
class Match:
    score: float
    reasons: list[str]

    @property
    def same_person(self) -> bool:
        return self.score >= SAME_PERSON


def normalise_unhcr(number: str | None) -> str:
    return re.sub(r"[^0-9A-Z]", "", (number or "").upper())


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


INITIAL = 0.85  # an initial that fits the name: as good as a spelling variant, no better
SURNAME_APART = 0.84
_SURNAME_FORM = re.compile(r"(?:[oe]va?|[^a]ina?|ski|skaia|zoda|zade|uli|ulu|kizi|bai|bek)$")
LOOSE = 0.88  # the least vowel-blind likeness that counts: one consonant apart is another name

# The initial a folded name may be written with: Жасур is "Zh." or "Z." (ICAO), "J."
# (Uzbek Latin), "D." (Dzhasur); Хуршид "Kh.", "K.", "X.", "H."; a vowel-initial name
# (Юсуф, Ёқуб) "Yu.", "Y.", "I." or "J." (German).
_INITIALS_OF = {"j": "jzdy", "h": "hkxc", "sh": "s", "ch": "ct", "k": "kq", "v": "vw", "s": "sz"}


def _german_blind(token: str) -> str:
    return token.replace("j", "sh").replace("z", "s")


@lru_cache(maxsize=100_000)
def initials_of(token: str) -> str:
    if token.startswith(("sh", "ch")):
        return token[:2] + _INITIALS_OF[token[:2]]
    first = token[0]
    if first in "aeiou":
        return "aeiouyj"
    return first + _INITIALS_OF.get(first, "")


# Central Asian names are built of a root and affixes (Askar, Askarov, Askarbek; Abdusalom,
# Abdusalomov, Abdusalomullo; Durdona, Durdonaxon): a root and a compound of it, or two
# compounds of one root, are two names (a given name and a surname, father and son), not
# spellings of one. Folded and compared vowel-blind (-boy and -bay are one suffix).
_NAME_SUFFIXES = tuple(
    sorted(
        "ov ev ova eva in ina zoda zade bek jon hon ali ulo ula murod kul boi bai nisa niso "
        "bonu gul oi din idin dinov idinov".split(),
        key=len,
        reverse=True,
    )
)
_NAME_PREFIXES = ("abdu", "nur", "mir", "said", "muhamad", "shah", "hudoi", "islom", "gul", "dil")
COMPOUND = 0.7
_SURNAME_END = re.compile(r"(?:[oe]va?|zoda|zade)$")
_ADDED_PARTS = frozenset(
    {loose_token(s) for s in _NAME_SUFFIXES if len(s) > 2 and not _SURNAME_END.fullmatch(s)}
    | {"al", "ba"}
)  # a root and a compound of it: partly alike, never a spelling variant


@lru_cache(maxsize=200_000)
def _root_and_affixes(token: str) -> tuple[str, tuple[str, ...]]:
    """The root of a folded name and its suffixes, outermost first, vowel-blind:
    Abdullaboyev -> ("abdula", ("av", "ba")), Sanjaraliev -> ("sanjar", ("av", "ala"))."""
    affixes: list[str] = []
    while True:
        for suffix in _NAME_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                token = token[: -len(suffix)]
                affixes.append(loose_token(suffix))
                break
        else:
            return loose_token(token), tuple(affixes)


@lru_cache(maxsize=200_000)
def _loose_stem(token: str) -> str:
    return loose_token(_SURNAME_END.sub("", token))


def _compound_of_one_root(a: str, b: str) -> bool:
    """Askar / Askarov, Gayrat / Gayratkul, Abdusalomov / Abdusalomullo, Nurali / Ali."""
    root_a, affixes_a = _root_and_affixes(a)
    root_b, affixes_b = _root_and_affixes(b)
    if affixes_a != affixes_b and root_a == root_b:
        return True
    # One is the other with a part added before a surname's ending (Pulatov / Pulataliev,
    # Akmalov / Akmalboyev: folding merges -ali-ev and -boy-ev, so the suffixes above do not
    # find them). Only a name part counts: Usmaov / Usmonov is a letter dropped.
    stem_a, stem_b = _loose_stem(a), _loose_stem(b)
    short_stem, long_stem = sorted((stem_a, stem_b), key=len)
    if len(short_stem) >= 3 and long_stem.startswith(short_stem):
        if long_stem[len(short_stem) :] in _ADDED_PARTS:
            return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(short) >= 3 and long.endswith(short):
        return long[: -len(short)] in _NAME_PREFIXES
    return False


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if is_initial(a) or is_initial(b):  # "R. Abdullaev", "Р. Р. Абдуллаев"
        if is_initial(a) and is_initial(b):
            return 0.0
        short, full = (a, b) if is_initial(a) else (b, a)
        return INITIAL if short in initials_of(full) else 0.0
    for short, long in ((a, b), (b, a)):
        # Abdullaev and Abdullaeva are husband and wife, not a spelling variant.
        if long == short + "a" and short.endswith(_FEMININE_PAIRS):
            return 0.5
    strict = Indel.normalized_similarity(a, b)
    if strict >= 0.94:
        return COMPOUND if _compound_of_one_root(a, b) else strict
    loose = Indel.normalized_similarity(loose_token(a), loose_token(b), score_cutoff=LOOSE) * 0.94
    best = max(strict, loose)
    if best > SURNAME_APART and _SURNAME_FORM.search(a) and _SURNAME_FORM.search(b):
        if consonants(a) != consonants(b):
            # Surnames a consonant apart are other names (Zakirov / Zaripov) unless a
            # transliteration explains the letter (below): a typo is for a human to judge.
            best = SURNAME_APART
    if best < 0.9 and soft_key(a) == soft_key(b):
        best = 0.9  # Abdurehim / Abdureim: one name in two systems
    if best < 0.88 and ("j" in a or "z" in a or "j" in b or "z" in b):
        # German writes ж and ш alike (sch), and з and с alike (s): Schassur / Жасур,
        # Asis / Азиз
        if Indel.normalized_similarity(_german_blind(a), _german_blind(b)) >= 0.9:
            best = 0.88
    if best < 0.88 and max(len(a), len(b)) >= 6:
        # Pinyin adds vowels Cyrillic does not write (Tuerxun / Турсун): same consonants
        ca, cb = consonants(a), consonants(b)
        if len(ca) >= 3 and ca == cb:
            best = 0.88
    if best > COMPOUND and _compound_of_one_root(a, b):
        best = COMPOUND
    return best


def _align(a: tuple[str, ...], b: tuple[str, ...]) -> list[float]:
    """Greedy best one-to-one pairing of the tokens of the shorter name with the longer."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 2 and len(b) == 2:  # most names: the same greedy choice, without sorting
        s00, s01 = token_similarity(a[0], b[0]), token_similarity(a[0], b[1])
        s10, s11 = token_similarity(a[1], b[0]), token_similarity(a[1], b[1])
        best = max((s00, 0, 0), (s01, 0, 1), (s10, 1, 0), (s11, 1, 1))
        other = {(0, 0): s11, (1, 1): s00, (0, 1): s10, (1, 0): s01}[best[1], best[2]]
        return [best[0], other]
    pairs = sorted(
        ((token_similarity(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    sims: list[float] = []
    for sim, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        sims.append(sim)
        if len(sims) == len(a):
            break
    return sims


def _differ_in_surname(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Do the two cores differ in tokens that both have surname forms (Tadzhibaev /
    Tadhzibaev: a misspelt surname, not a sibling's given name)?"""
    odd_a = [t for t in a if t not in b]
    odd_b = [t for t in b if t not in a]
    return (
        bool(odd_a and odd_b)
        and all(_SURNAME_FORM.search(t) for t in odd_a)
        and all(_SURNAME_FORM.search(t) for t in odd_b)
    )


@lru_cache(maxsize=500_000)
def core_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, tuple[str, ...]]:
    """0..1 for the cores of two names (no patronymics), with the reasons. Cached: common
    names meet each other many times in a big record."""
    reasons: list[str] = []
    sims = _align(a, b)
    score = (sum(sims) / len(sims) + min(sims)) / 2
    if min(len(a), len(b)) == 1:
        # One word in common is not a person: many men are called Rustam.
        score = min(score, 0.6)
        reasons.append("only one name in common")
    extra = abs(len(a) - len(b))
    if extra and min(len(a), len(b)) > 1:
        score *= 0.97**extra
    if len(sims) >= 2 and max(sims) >= 0.9 and min(sims) < 0.8 and not _differ_in_surname(a, b):
        # One name the same and the other not even a variant of it: two people of one
        # family, whatever the rest says.
        return min(score, VETO), (*reasons, SIBLINGS)
    if len(sims) >= 2 and min(sims) < MISSPELT:
        # A name part that is not even a misspelling of the other's (Alisher Kakhramonov /
        # Alisher Abdurakhmanov; Askar Bakhromov / Bakhrom Askarov): two people, however
        # alike the rest. Capped so that no date of birth lifts it to a possible duplicate.
        return min(score, VETO), (*reasons, NAMES_DIFFER)
    if a == b or sorted(a) == sorted(b):
        reasons.append("same name after transliteration")
    elif min(sims) >= 0.8:
        reasons.append("names alike (spelling variant)")
    elif score >= 0.5:
        reasons.append("names partly alike")
    return score, tuple(reasons)


def _has_initial(*parts: tuple[str, ...]) -> bool:
    return any(is_initial(t) for part in parts for t in part)


def name_similarity(a: NameForm, b: NameForm) -> tuple[float, list[str]]:
    """0..1 for two names, with the reasons."""
    if not a.core or not b.core:
        return 0.0, []
    core_a, core_b = a.core, b.core
    if len(core_a) == 1 and len(core_b) == 1 and a.patronymic and b.patronymic:
        # No surname (Kyrgyz "Azamat Bakyt uulu", Uyghur "Tursun Memet"): the father's
        # name stands where a surname would.
        core_a, core_b = (*core_a, a.patronymic[0]), (*core_b, b.patronymic[0])
    score, core_reasons = core_similarity(core_a, core_b)
    reasons = list(core_reasons)
    if a.patronymic and b.patronymic:
        psim = max(token_similarity(x, y) for x in a.patronymic for y in b.patronymic)
        if psim < SAME_FATHER and not (
            psim == INITIAL and _has_initial(a.patronymic, b.patronymic)
        ):
            score *= 0.6
            reasons.append("patronymics differ")
        else:
            reasons.append("same patronymic")
    return score, reasons


def best_name_similarity(a: MatchRecord, b: MatchRecord) -> tuple[float, list[str]]:
    best: tuple[float, list[str]] = (0.0, [])
    for x in a.names:
        for y in b.names:
            result = name_similarity(x, y)
            if result[0] > best[0]:
                best = result
                if best[0] >= 0.999:
                    return best
    return best


# --------------------------------------------------------------------------------------------
# Dates of birth, numbers, citizenship, and the whole
# --------------------------------------------------------------------------------------------

_PRECISION_RANK = {"year": 0, "month": 1, "day": 2}


def _one_typo(a: date, b: date) -> str:
    """Why two different full dates may be one: day and month swapped, or one digit."""
    if (a.day, a.month, a.year) == (b.month, b.day, b.year):
        return "day and month swapped"
    digits_a, digits_b = a.strftime("%d%m%Y"), b.strftime("%d%m%Y")
    if sum(x != y for x, y in zip(digits_a, digits_b, strict=True)) == 1:
        return "one digit differs"
    return ""


def birth_veto(a: Birth, b: Birth) -> tuple[float, str]:
    """(cap, reason) when two full dates of birth differ; (1, "") otherwise."""
    if not (a.on and b.on and a.precision == "day" and b.precision == "day") or a.on == b.on:
        return 1.0, ""
    typo = _one_typo(a.on, b.on)
    if typo:
        return ASK, f"dates of birth differ ({typo}): ask"
    return VETO, DIFFERENT_BIRTH


def compare_births(a: Birth, b: Birth) -> tuple[float, float, str]:
    """(pull up towards 1, multiply by, reason) for two dates of birth at their precision."""
    if not a.on or not b.on:
        return 0.0, 1.0, ""
    if birth_veto(a, b)[1]:
        return 0.0, 1.0, ""  # two full dates that differ: the veto speaks, not this
    years_apart = abs(a.on.year - b.on.year)
    if years_apart >= 2:
        return 0.0, 0.5, f"born {years_apart} years apart"
    if years_apart == 1:
        return 0.0, 0.8, "born a year apart"
    coarse = min(_PRECISION_RANK.get(a.precision, 2), _PRECISION_RANK.get(b.precision, 2))
    if coarse == 0:
        return 0.3, 1.0, "same year of birth"
    if a.on.month != b.on.month:
        if coarse == 2 and (a.on.day, a.on.month) == (b.on.month, b.on.day):
            return 0.3, 1.0, "same date of birth with day and month swapped"
        return 0.0, 0.85, "same year of birth, different month"
    if coarse == 1:
        return 0.4, 1.0, "same month of birth"
    if a.on.day != b.on.day:
        return 0.1, 0.95, "same month of birth, different day"
    return 0.6, 1.0, "same date of birth"


def score_records(a: MatchRecord, b: MatchRecord) -> Match:
    """The whole comparison of two records."""
    name_score, reasons = best_name_similarity(a, b)
    reasons = list(reasons)
    score = name_score
    pull, factor, why = compare_births(a.birth, b.birth)
    if why:
        score = (score + (1 - score) * pull * score) * factor
        reasons.append(why)
    if a.citizenship and b.citizenship and a.citizenship != b.citizenship:
        score *= 0.85
        reasons.append("different citizenship")
    # Then what outweighs the names: one person has one UNHCR registration number.
    same_number = bool(a.unhcr_number) and a.unhcr_number == b.unhcr_number
    if a.unhcr_number and b.unhcr_number:
        if a.unhcr_number != b.unhcr_number:
            score *= 0.4
            reasons.append("different UNHCR numbers")
        elif name_score >= 0.7:
            score = max(score, 0.97)
            reasons.append("same UNHCR number")
        else:
            # Someone must look: a typo in the number, or a name we cannot read.
            score = max(score, ASK)
            reasons.append("same UNHCR number, but the names differ")
    # Last, the vetoes: against a same number they leave the pair for a human to decide.
    cap, why = birth_veto(a.birth, b.birth)
    if a.sex and b.sex and a.sex != b.sex:
        cap, why = VETO, DIFFERENT_SEX
    if why:
        reasons.append(why)
    if SIBLINGS in reasons:
        cap = min(cap, VETO)
    score = min(score, max(cap, ASK) if same_number else cap)
    return Match(round(min(max(score, 0.0), 1.0), 3), reasons)


# --------------------------------------------------------------------------------------------
# Blocking
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _core_keys(core: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the keys of a name's core, the ends of its year keys): computed once per core."""
    full = [t for t in core if not is_initial(t)]
    initials = [t for t in core if is_initial(t)]
    loose = sorted({name_key(t) for t in full})
    keys = []
    # "Karimov R." meets "Karimov Rustam" in an initials block: the surname's key with the
    # initial's letter (every letter a full name's first sound may be written with).
    if initials:
        keys.extend(f"i:{x[:5]}|{c}" for x in loose for t in initials for c in _fitting(t))
    else:
        keys.extend(f"i:{name_key(x)[:5]}|{_first_sound(y)}" for x in full for y in full if y != x)
    if len(loose) == 1:
        keys.append("s:" + loose[0][:5])
    for x, y in combinations(loose, 2):
        keys.append(f"p:{x[:5]}|{y[:5]}")
    # The year with the start of one token and the end of another catches a misspelt
    # beginning of that other token (Jo‘rayev / Dzhuraev).
    ends = []
    for x in loose:
        for y in [y for y in loose if y != x] or [""]:
            ends.append(f":{x[:4]}:{y[-3:]}")
    return tuple(keys), tuple(ends)


def _first_sound(token: str) -> str:
    if token.startswith(("sh", "ch")):
        return token[:2]
    return "a" if token[0] in "aeiou" else token[0]


@lru_cache(maxsize=1000)
def _fitting(initial: str) -> tuple[str, ...]:
    """The first sounds (`_first_sound`) of the full names an initial may stand for."""
    sounds = {"a", "sh", "ch", *"bcdfghjklmnpqrstvwxyz"}
    return tuple(sorted(f for f in sounds if initial in initials_of(f if len(f) == 2 else f + "a")))


@lru_cache(maxsize=200_000)
def _sketch(core: tuple[str, ...]) -> str:
    return " ".join(sorted(loose_token(t) for t in core))


# The "y:" blocks (a year with the start of one token and the end of another) are there for
# a misspelt beginning; they hold many pairs whose names have nothing else in common (one
# given name, one year, two surnames ending -ova). Their pairs are scored only when the
# sketches of the two names are this alike: C-level Indel on one string per name, a
# hundredth of the cost of scoring. Measured on the import benchmark's 100,000 persons: of
# the pairs scoring POSSIBLE, those below 0.6 are 2 of 13,000 and none planted.
SKETCH_CUTOFF = 0.6


def sketches_alike(a: MatchRecord, b: MatchRecord) -> bool:
    return any(
        Indel.normalized_similarity(x, y, score_cutoff=SKETCH_CUTOFF)
        for x in a.sketches
        for y in b.sketches
    )


def blocking_keys(record: MatchRecord) -> set[str]:
    keys: set[str] = set()
    year = record.birth.year
    for form in record.names:
        names, ends = _core_keys(form.core)
        keys.update(names)
        if year:
            keys.update(f"y:{year}{end}" for end in ends)
    if record.unhcr_number:
        keys.add("u:" + record.unhcr_number)
    return keys


def score_ceiling(a: MatchRecord, b: MatchRecord) -> float:
    """The most `score_records` can give these two, from the evidence beyond names: two
    UNHCR numbers that differ (x0.4), births two or more years apart (x0.5) or one year
    apart (x0.8), different citizenship (x0.85) and the vetoes of sex and full dates of
    birth each cap a score of 1. Exact, so a pair
    below the threshold here is skipped without scoring its names."""
    if a.unhcr_number and b.unhcr_number:
        if a.unhcr_number == b.unhcr_number:
            return 1.0
        ceiling = 0.4
    else:
        ceiling = 1.0
    if a.birth.on and b.birth.on:
        apart = abs(a.birth.on.year - b.birth.on.year)
        ceiling *= 0.5 if apart >= 2 else 0.8 if apart == 1 else 1.0
    if a.citizenship and b.citizenship and a.citizenship != b.citizenship:
        ceiling *= 0.85
    if a.sex and b.sex and a.sex != b.sex:
        return min(ceiling, VETO)
    return min(ceiling, birth_veto(a.birth, b.birth)[0])


def years_apart_allowed(threshold: float) -> int | None:
    """How many years apart two births may be for a pair to still reach `threshold`
    (compare_births: two or more years apart caps the score at 0.5, one year at 0.8);
    None: any. A same UNHCR number outweighs the births, and such pairs meet in their
    own "u:" block, which is never narrowed by year."""
    if threshold > 0.8:
        return 0
    if threshold > 0.5:
        return 1
    return None


class MatchIndex:
    """Records by blocking key; finds the candidates for a record without scoring all.

    Within a block, records are also kept by year of birth, so that a pair whose births
    already rule it out (see `years_apart_allowed`) is never visited, and `score_ceiling`
    drops the pairs that numbers or citizenship rule out; only what is left is scored."""

    def __init__(self, records: Iterable[MatchRecord] = ()):
        self.records: dict[object, MatchRecord] = {}
        self.blocks: dict[str, list[object]] = defaultdict(list)
        # (block key, year of birth or None) -> keys of the records in that block
        self._by_year: dict[tuple[str, int | None], list[object]] = defaultdict(list)
        for record in records:
            self.add(record)

    def add(self, record: MatchRecord) -> None:
        self.records[record.key] = record
        year = record.birth.year
        for key in blocking_keys(record):
            self.blocks[key].append(record.key)
            self._by_year[key, year].append(record.key)

    def _members(self, key: str, year: int | None, apart: int | None) -> Iterator[object]:
        if year is None or apart is None or key.startswith("u:"):
            yield from self.blocks.get(key, ())
            return
        for y in (None, *range(year - apart, year + apart + 1)):
            yield from self._by_year.get((key, y), ())

    def candidates(
        self, record: MatchRecord, *, threshold: float = POSSIBLE, limit: int = 5
    ) -> list[tuple[MatchRecord, Match]]:
        """The best-scoring records sharing a block with `record`, best first."""
        seen: set = {record.key}
        found: list[tuple[MatchRecord, Match]] = []
        apart = years_apart_allowed(threshold)
        for key in blocking_keys(record):
            if len(self.blocks.get(key, ())) > BLOCK_LIMIT:
                continue
            initials_block = key.startswith("i:")
            year_block = key.startswith("y:")
            for other_key in self._members(key, record.birth.year, apart):
                if other_key in seen:
                    continue
                if initials_block and not (
                    record.has_initial or self.records[other_key].has_initial
                ):
                    continue
                other = self.records[other_key]
                if year_block and not sketches_alike(record, other):
                    continue  # not seen: another block may still hold the pair
                seen.add(other_key)
                if score_ceiling(record, other) < threshold:
                    continue
                match = score_records(record, other)
                if match.score >= threshold:
                    found.append((other, match))
        found.sort(key=lambda pair: -pair[1].score)
        return found[:limit]

    def pairs(
        self, *, threshold: float = POSSIBLE, on_progress=None, progress_every: int = 5000
    ) -> Iterator[tuple[MatchRecord, MatchRecord, Match]]:
        """Every pair of records in the index scoring at least `threshold`, each once.
        `on_progress(blocks done, blocks in all)` is called every `progress_every` blocks."""
        records = list(self.records.values())
        number = {record.key: i for i, record in enumerate(records)}
        n = len(records)
        apart = years_apart_allowed(threshold)
        seen: set[int] = set()  # a pair as one int: cheaper to hash than a tuple of ids
        total = len(self.blocks)
        for done, (block, members) in enumerate(self.blocks.items(), start=1):
            if on_progress is not None and done % progress_every == 0:
                on_progress(done, total)
            if len(members) < 2 or len(members) > BLOCK_LIMIT:
                continue
            initials_block = block.startswith("i:")
            year_block = block.startswith("y:")
            if initials_block and not any(self.records[m].has_initial for m in members):
                continue  # only full names here: their other blocks compare them
            for x in sorted(number[m] for m in members):
                a = records[x]
                for other_key in self._members(block, a.birth.year, apart):
                    if initials_block and not (
                        a.has_initial or records[number[other_key]].has_initial
                    ):
                        continue
                    y = number[other_key]
                    if y <= x:
                        continue  # each pair once, from its lower number
                    pair = x * n + y
                    if pair in seen:
                        continue
                    b = records[y]
                    if year_block and not sketches_alike(a, b):
                        continue  # not seen: another block may still hold the pair
                    seen.add(pair)
                    if score_ceiling(a, b) < threshold:
                        continue
                    match = score_records(a, b)
                    if match.score >= threshold:
                        yield a, b, match


# --------------------------------------------------------------------------------------------
# Reading dates of birth as people write them
# --------------------------------------------------------------------------------------------

_UNKNOWN = {"", "-", "?", "??", "unknown", "n/a", "na", "нет", "неизвестно", "не известно"}
_APPROX = re.compile(r"^(?:ca\.?|c\.|circa|approx\.?|около|~)\s*|\s*(?:\?+|г\.?|года?)$", re.I)


class BirthError(ValueError):
    pass


def parse_birth(value, *, date_order: str = "dmy") -> tuple[Birth, str]:
    """(Birth, warning) from a cell: empty, a year, a month (03.1978, 1978-03), a date in
    day-month-year order (or `date_order`), or an Excel date. "1978?" and "ca. 1978" are read
    as the year with a warning. Raises BirthError for anything else."""
    from datetime import datetime

    if value is None:
        return Birth(), ""
    if isinstance(value, datetime):
        return Birth(value.date(), "day"), ""
    if isinstance(value, date):
        return Birth(value, "day"), ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= date.today().year:
            return Birth(date(int(value), 1, 1), "year"), ""
        raise BirthError(f"{value!r} is not a year or a date")
    text = str(value).strip()
    if text.lower() in _UNKNOWN:
        return Birth(), ""
    stripped = _APPROX.sub("", text).strip()
    warning = f"approximate date {text!r} read as {stripped}" if stripped != text else ""
    parts = [p for p in re.split(r"[./\-\s]+", stripped) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise BirthError(f"{text!r} is not a year or a date")
    numbers = [int(p) for p in parts]
    try:
        if len(numbers) == 1 and len(parts[0]) == 4:
            birth = Birth(date(numbers[0], 1, 1), "year")
        elif len(numbers) == 2:
            month, year = (numbers[1], numbers[0]) if len(parts[0]) == 4 else numbers
            birth = Birth(date(year, month, 1), "month")
        elif len(numbers) == 3:
            if len(parts[0]) == 4:
                year, month, day = numbers
            elif date_order == "mdy":
                month, day, year = numbers
            else:
                day, month, year = numbers
            if year < 100:
                raise BirthError(f"{text!r}: write the year with four digits")
            birth = Birth(date(year, month, day), "day")
        else:
            raise BirthError(f"{text!r} is not a year or a date")
    except ValueError as exc:
        if isinstance(exc, BirthError):
            raise
        raise BirthError(f"{text!r} is not a valid date") from exc
    if not 1900 <= birth.on.year <= date.today().year:
        raise BirthError(f"{text!r}: the year is out of range")
    return birth, warning


def names_match(name_a: str, name_b: str) -> bool:
    """Could these two names be one person's, on the names alone? The one rule for the
    search, the import preview and the duplicate list: a score of at least POSSIBLE (a
    pair offered to a human), vetoes of sex and family included."""
    return score_names(name_a, name_b).score >= POSSIBLE


def score_names(name_a: str, name_b: str, birth_a="", birth_b="") -> Match:
    """Two names and their (optional) dates of birth: the matcher on its own, for the
    score_names command and the labelled test set."""
    a = MatchRecord.build("a", [name_a])
    b = MatchRecord.build("b", [name_b])
    a.birth = parse_birth(birth_a)[0]
    b.birth = parse_birth(birth_b)[0]
    return score_records(a, b)
