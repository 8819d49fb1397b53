"""Names across scripts and transliteration systems, folded to one comparable form.

Абдуллаев, Abdullaev, Abdullayev and Abdullajew are one name. `name_tokens(name)` gives the
folded tokens of a name in any script:

1. Latin look-alike letters typed inside a Cyrillic word (a Latin "a", "o", "c", "H" in
   "Абдуллaев") are read as the Cyrillic letters they look like.
2. Cyrillic is transliterated with one table covering the Russian, Uzbek, Kazakh, Kyrgyz,
   Tajik and Uyghur alphabets; Latin letters with diacritics (ISO 9 š, č, ž; Turkish and
   Turkmen ş, ç; Kazakh Latin á, ǵ, ń) get their digraphs before unidecode handles the rest.
3. Each token is folded by the spelling system it is written in:
   - Chinese pinyin of an Uyghur name (Maimaiti, Tuerxun, Abudureyimu, Aihemaitijiang) is
     read syllable by syllable back into a Turkic spelling (Memet, Tursun, Abdureim,
     Ehmetjan): pinyin writes every consonant with a vowel after it (GB/T 17693 practice,
     the Xinhua transcription of Uyghur names);
   - German (Duden) transliteration: sch = ш, tsch = ч, dsch = дж, ch = х, j = й, w = в;
   - French (a token with ou or tch): ch = ш, tch = ч, dj = дж, ou = у;
   - then the variants on which English (BGN/PCGN), ICAO 9303, Russian-document and Uzbek
     Latin spellings disagree: kh/h/x, zh/j/dzh, q/k, y/i, ye/e, yu/u, ya/a, doubled letters.
4. `loose_token` then makes a token vowel-blind (every vowel run is "a"), for what the
   systems render with different vowels: the Uzbek o that Russian documents write as a
   (Toshmatov / Ташматов, -boyev / -баев), Uyghur e / а, Kazakh ә / а.

`name_key(token)` is the loose form with the letters dropped that transliterations add or
lose (a medial h, the z/s of German, the French ch for ш): the key that blocking and the consent gate look up by
equality, stored once per name (casework.NameToken).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    # Uyghur Cyrillic
    "җ": "j",
}  # fmt: skip

# Latin letters with diacritics whose digraph unidecode would lose (š -> s).
_LATIN_DIACRITICS = {
    "š": "sh", "č": "ch", "ž": "zh", "ş": "sh", "ç": "ch", "ğ": "g", "ı": "i", "ǵ": "g",
    "ń": "n", "ñ": "n", "ŝ": "sh", "ĉ": "ch", "ĵ": "j", "ẍ": "kh", "ḩ": "h", "ḥ": "h",
}  # fmt: skip

# Latin letters that look like Cyrillic ones, typed inside a Cyrillic word.
_LOOKALIKES = str.maketrans(
    {
        "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р",
        "C": "С", "T": "Т", "X": "Х", "Y": "У", "a": "а", "e": "е", "o": "о", "p": "р",
        "c": "с", "x": "х", "y": "у", "k": "к", "i": "і", "I": "І",
    }
)  # fmt: skip

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
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]")


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
_TO_LATIN = str.maketrans({**CYRILLIC_TO_LATIN, **_LATIN_DIACRITICS, **dict.fromkeys(_APOSTROPHES)})


def to_latin(text: str) -> str:
    """Transliterate to lower-case ASCII Latin. A word with Cyrillic letters in it has its
    Latin look-alikes read as Cyrillic first (a hand-typed "Абдуллaев")."""
    if _CYRILLIC_WORD.search(text):
        text = " ".join(
            w.translate(_LOOKALIKES) if _CYRILLIC_WORD.search(w) else w for w in text.split()
        )
    return unidecode(text.lower().translate(_TO_LATIN)).lower()


# --------------------------------------------------------------------------------------------
# Pinyin of Uyghur names
# --------------------------------------------------------------------------------------------

_PINYIN_INITIALS = (
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
    "r", "z", "c", "s", "y", "w", "",
)  # fmt: skip
_PINYIN_FINALS = (
    "iang", "iong", "uang", "ang", "eng", "ing", "ong", "ian", "iao", "uai", "uan", "ai",
    "ei", "ao", "ou", "an", "en", "er", "in", "un", "ia", "ie", "iu", "ua", "uo", "ui", "ue",
    "a", "o", "e", "i", "u",
)  # fmt: skip
_PINYIN_SYLLABLES = frozenset(
    i + f
    for i in _PINYIN_INITIALS
    for f in _PINYIN_FINALS
    # j, q, x only before i/u (ü); a zero initial takes no i-/u- final (written y-/w-)
    if not (i in ("j", "q", "x") and f[0] not in "iu")
    and not (i == "" and f[0] in "iu" and f not in ("er",))
    and not (i in ("y", "w") and f[0] in "iu" and f not in ("i", "u", "in", "ing", "un", "ue"))
)
# Something no Turkic Latin spelling has: a pinyin final or initial of its own.
_PINYIN_MARK = re.compile(r"ai|ei|ao|uo|iang|[xq][iu]|zh|yi|wu|[aeiou]er")
# Pinyin syllables as Turkic sounds: x, q and zh of pinyin are s/sh, ch and j.
_PINYIN_INITIAL_SOUNDS = {"x": "s", "q": "ch", "zh": "j", "c": "ts", "w": "", "y": ""}
_PINYIN_FINAL_SOUNDS = {
    "ai": "e", "ei": "e", "ao": "a", "ou": "u", "uo": "o", "iang": "an", "ang": "an",
    "eng": "en", "ong": "un", "iong": "un", "ing": "in", "ia": "a", "ie": "e", "iu": "u",
    "ue": "u", "uai": "ue", "uan": "an", "uang": "an", "ian": "en", "iao": "a", "er": "r",
}  # fmt: skip
# A syllable that is a consonant with a vowel pinyin adds (Abudu- for Abdu-, -ti for -t).
_EPENTHETIC = re.compile(r"^(b|d|t|k|h|s|m|f|l|r)(e|i|u)$")


@lru_cache(maxsize=50_000)
def pinyin_syllables(token: str) -> tuple[str, ...] | None:
    """The token cut into pinyin syllables (longest first, with backtracking), or None."""
    if not token:
        return ()
    for size in range(min(6, len(token)), 0, -1):
        head = token[:size]
        if head in _PINYIN_SYLLABLES:
            rest = pinyin_syllables(token[size:])
            if rest is not None:
                return (head, *rest)
    return None


@lru_cache(maxsize=50_000)
def is_pinyin(token: str) -> bool:
    """Does a (Latin, lower-case) token read as the pinyin of an Uyghur name? It must be all
    pinyin syllables, at least two in six letters or more (qizi is Uzbek), and have a mark
    no Turkic spelling has."""
    if len(token) < 6 or not _PINYIN_MARK.search(token):
        return False
    syllables = pinyin_syllables(token)
    return syllables is not None and len(syllables) >= 2


def _split_pinyin_syllable(syllable: str) -> tuple[str, str]:
    for initial in ("zh", "ch", "sh"):
        if syllable.startswith(initial):
            return initial, syllable[2:]
    if syllable[0] not in "aeiou":
        return syllable[0], syllable[1:]
    return "", syllable


def pinyin_to_turkic(token: str) -> str:
    """Maimaiti -> memet, Tuerxun -> tursun, Abudureyimu -> abdureim, -jiang -> -jan."""
    syllables = list(pinyin_syllables(token) or (token,))
    out = []
    last = len(syllables) - 1
    for n, syllable in enumerate(syllables):
        initial, final = _split_pinyin_syllable(syllable)
        initial = _PINYIN_INITIAL_SOUNDS.get(initial, initial)
        final = _PINYIN_FINAL_SOUNDS.get(final, final)
        bare = _EPENTHETIC.match(syllable)
        following = syllables[n + 1] if n < last else ""
        if bare and n > 0 and (n == last or following[0] not in "aeiouy"):
            final = ""  # -ti, -mu, -ke at the end; -bu-, -du-, -he- before a consonant
        elif n == 1 and syllable in ("bu", "du") and syllables[0] == "a":
            final = ""  # Abudu-, Abu- for Abdu-, Ab-
        out.append(initial + final)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------------------------

_GERMAN = re.compile(r"sch|[oe]wa?$|jew")
_FRENCH = re.compile(r"ou|tch")


_GERMAN_Z = re.compile(r"(?<=[aeiouy])s(?=[aeiouy])")


def _fold_german(token: str) -> str:
    # One s between vowels is з (Duden writes с there as ss): Basarow / Базаров.
    token = _GERMAN_Z.sub("z", token)
    token = token.replace("dsch", "\x02").replace("tsch", "\x01").replace("sch", "sh")
    token = token.replace("ch", "kh").replace("j", "y")
    return token.replace("\x01", "ch").replace("\x02", "j")


def _fold_french(token: str) -> str:
    token = token.replace("dj", "\x02").replace("tch", "\x01").replace("ch", "sh")
    return token.replace("\x01", "ch").replace("\x02", "j")


@lru_cache(maxsize=100_000)  # a list has thousands of names but few distinct tokens
def _system(token: str) -> str:
    if _GERMAN.search(token) and "sh" not in token:
        return "german"
    if _FRENCH.search(token) and "sh" not in token:
        return "french"
    return ""


def fold_token(token: str, system: str | None = None) -> str:
    """`system`: "german" or "french" when the name the token is part of is written so
    (Asis in "Sajfullajew Asis"); None: as the token itself says."""
    return _fold_token(token, _system(token) if system is None else system)


@lru_cache(maxsize=100_000)
def _fold_token(token: str, system: str) -> str:
    if is_pinyin(token):
        token = pinyin_to_turkic(token)
    elif system == "german":
        token = _fold_german(token)
    elif system == "french":
        token = _fold_french(token)
    for old, new in _FOLDS:
        token = token.replace(old, new)
    return _DOUBLES.sub(r"\1", token)


@lru_cache(maxsize=200_000)
def _latin_tokens(word: str) -> tuple[str, ...]:
    return tuple(t for t in _NON_LETTERS.split(to_latin(word)) if t)


@lru_cache(maxsize=200_000)
def word_tokens(word: str) -> tuple[str, ...]:
    return tuple(fold_token(t) for t in _latin_tokens(word))


NAME_WORDS = 6  # more words than this are a text, not a name


def name_tokens(name: str) -> list[str]:
    """Folded tokens of a name, in their original order. Word by word, each word once: a
    list of 100,000 names has a few thousand distinct words (transliteration works letter
    by letter, so the result is the same as for the whole name). A name one of whose words
    is German or French spelling is read so throughout; a text is read word by word."""
    words = name.split()
    if len(words) > NAME_WORDS:
        return [t for word in words for t in word_tokens(word)]
    raw = [t for word in words for t in _latin_tokens(word)]
    systems = {_system(t) for t in raw} - {""}
    system = systems.pop() if len(systems) == 1 else None
    return [fold_token(t, system) for t in raw]


def search_key(name: str) -> str:
    """The folded, order-free key stored in PersonName.search_key."""
    return " ".join(sorted(name_tokens(name)))


_VOWELS = re.compile(r"[aeiou]+")


@lru_cache(maxsize=200_000)
def loose_token(token: str) -> str:
    """Vowel-blind form of a folded token: every vowel run becomes "a", a final "h" goes
    (Abdulloh / Абдулла). Only for comparison and blocking, never stored."""
    token = _VOWELS.sub("a", token)
    if len(token) > 3 and token.endswith("h"):
        token = token[:-1]
    return token


@lru_cache(maxsize=200_000)
def soft_key(token: str) -> str:
    """Vowel-blind and without a medial h: Abdurehim / Abudureyimu, Rahim / Raim."""
    key = loose_token(token)
    return _VOWELS.sub("a", key[0] + key[1:].replace("h", "")) if key else key


@lru_cache(maxsize=200_000)
def name_key(token: str) -> str:
    """The equality key of a folded token: vowel-blind, without the h that one system writes
    and another drops (Abdurehim / Abudureyimu), with z and s as one (German s for з)."""
    key = loose_token(token)
    key = key[0] + key[1:].replace("h", "") if key else key
    key = key.replace("ts", "s").replace("z", "s").replace("c", "s")
    return _DOUBLES.sub(r"\1", _VOWELS.sub("a", key))


@lru_cache(maxsize=200_000)
def consonants(token: str) -> str:
    """The consonants of a folded token (no vowels, glides or h), for names one system
    writes with vowels the other lacks (pinyin Tuerxun, Cyrillic Турсун)."""
    return _DOUBLES.sub(r"\1", re.sub(r"[aeiouh]", "", token.replace("sh", "s")))
