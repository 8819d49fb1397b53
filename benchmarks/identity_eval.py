"""Labelled name pairs written from the published spelling standards, not from the matcher.

Nothing here imports `identity`: each spelling is produced from its standard's own table.

- Russian Cyrillic to Latin: ICAO Doc 9303 part 3 (2015 table, used in Russian passports
  since 2013: х kh, ц ts, й i, ъ ie, ю iu, я ia), BGN/PCGN 1947 (е ye after vowels and at
  the start, й y, ю yu, я ya, ь ’), German Duden (ж sch, ш sch, ч tsch, х ch, в w, з s,
  ц z, й j, ю ju, я ja, дж dsch), French (ш ch, ч tch, ж j, у ou, ю iou, я ia, дж dj).
- Uzbek: the Latin alphabet of 1995 (ў o‘, қ q, ғ g‘, ҳ h, х x, ж j, ч ch, ш sh) with its
  apostrophe written as U+2018, U+02BB, an ASCII ' or U+2019; and the Russian-document
  form of an Uzbek name (ў у, қ к, ғ г, ҳ х, and the Uzbek о written а: Тошматов /
  Ташматов, -бой / -бай, Қодир / Кадыр).
- Kazakh: the Latin alphabet of 2021 (ә ä, ғ ğ, қ q, ң ñ, ө ö, ұ ū, ү ü, і ı, ш ş, ч ç),
  passport Latin (ICAO-based) and the Russian-document Cyrillic; patronymics -ұлы / -қызы.
- Kyrgyz: BGN/PCGN (ө ö, ү ü, ң ng) and Russian-document Cyrillic; uulu / kyzy.
- Tajik: the Latin of the 1990s Tajik usage (ҳ h, ҷ j, қ q, ғ gh, ӣ i, ӯ u) and the
  Russian-document Cyrillic (ҷ дж, ҳ х, қ к, ғ г); the surname ending -зода.
- Uyghur: Latin (ULY, 2006), Cyrillic, the Russian-document Cyrillic (ә а, җ ж, қ к, ғ г,
  ң н, һ х, ө о, ү у), and Chinese pinyin as Chinese documents transcribe Uyghur names
  syllable by syllable: a consonant without a vowel gets one (t ti, m mu, k ke, s si,
  r er, l li, b bu, d du, z zi, sh xi), e is ai, u after s is xu, -jan is -jiang.

Every category is its own row in the report. The name parts of each nationality are split
in two disjoint halves: pairs built from the first half are for tuning, pairs from the
second are held out (nobody looked at them while tuning the matcher).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SEED = 15

# Uzbek, in Uzbek Cyrillic
UZ_MEN = (
    "Жасур Шерзод Ботир Нодир Ўткир Баҳодир Отабек Фаррух Жамшид Санжар Ҳусан Ғайрат Қодир "
    "Ёқуб Шуҳрат Азиз Бекзод Дилшод Равшан Улуғбек Шавкат Тоҳир Зафар Мансур Нурилло "
    "Абдулла Хуршид Олим Содиқ Ислом Мирзоҳид Акмал Собир Ғолиб Элёр Жаҳонгир Комил Анвар "
    "Одил Рустам"
).split()
UZ_WOMEN = (
    "Дилноза Гулноза Нодира Малика Зарина Шаҳноза Мавлуда Феруза Муниса Нилуфар Сарвиноз "
    "Ҳилола Ойгул Зулфия Барно Гулчеҳра Мохира Севара Умида Лобар"
).split()
UZ_SURNAMES = (
    "Тошмат Бобо Қодир Юлдош Ҳасан Холмат Раҳим Жўра Тожибой Абдураҳмонбой Эргаш Назар "
    "Содиқ Мирзо Ғафур Шукур Зокир Нуриддин Усмон Солиҳ Ҳайдар Турсун Олим Мўмин Исмоил "
    "Қурбон Умар Ражаб Сайфулла Хўжа Ортиқ Ёқуб Ашур Бозор Норбой Эшмат Рўзи Мамат Тўхта "
    "Ҳожибой"
).split()

KZ_MEN = "Нұрлан Ерлан Асқар Әділет Бауыржан Дәурен Ғалым Серік Жанболат Айбек Мұрат Қайрат Ерболат Бақыт Талғат Ержан".split()
KZ_WOMEN = "Айгерім Гүлнар Әсел Жанар Ләззат Динара Ақмарал Құралай".split()
KZ_SURNAMES = "Жақсылық Сейіт Тоқтар Омар Бекмұрат Әбдірахман Қасым Сәрсен Жұмабай Төлеген Әлібек Нұрғали Ермек Байжан".split()

KG_MEN = "Азамат Нурбек Бакыт Талант Эрмек Улан Мирлан Чыңгыз Өмүр Жеңиш Адилет Мелис".split()
KG_WOMEN = "Айзада Нургүл Гүлзат Бермет Айпери Жылдыз".split()
KG_SURNAMES = "Өмүрбек Токтогул Жумабек Асан Сыдык Мамыт Төрөбек Кадыр Осмон Жолдош".split()

TJ_MEN = "Ҷамшед Фаридун Шаҳриёр Бахтиёр Сомон Ҳусейн Абдуллоҳ Фирдавс Исмоил Раҳмат Манучеҳр Далер".split()
TJ_WOMEN = "Мадина Нигина Шабнам Фарзона Меҳрангез Тахмина".split()
TJ_SURNAMES = "Раҳмон Сафар Шарипов Ҷӯра Қаҳҳор Нозим Ғаффор Маҳмуд Давлат Саид".split()

# Uyghur, in Latin (ULY); Uyghurs from Xinjiang carry a given name and the father's name.
UG_NAMES = (
    "Memet Tursun Abdurehim Ehmet Abdushukur Ablimit Qurban Ömer Hesen Yüsüp Mijit "
    "Nurmemet Ekber Alim Abliz Ghulam Ehmetjan Tursunjan Memetjan Erkin Dilshat Ilham "
    "Perhat Adil Rozi Obul Qeyyum Osman Sadiq Tahir"
).split()

# Different names that look alike: a different person, not a spelling (Russian Cyrillic).
# Each pair differs in at least two letters that no transliteration standard exchanges; a
# single letter apart (Закиров / Заиров) is as likely a typo, which the regression set
# counts as the same person, so such pairs are not labelled either way here.
LOOKALIKE_SURNAMES = [
    ("Каримов", "Камилов"), ("Рахматов", "Рашидов"), ("Набиев", "Наимов"),
    ("Юсупов", "Юнусов"), ("Шодиев", "Шоназаров"), ("Алиев", "Азимов"),
    ("Салимов", "Сабиров"), ("Хамраев", "Хайитов"), ("Мухиддинов", "Мухаммадиев"),
    ("Абдуллаев", "Абдулхаков"), ("Сайдалиев", "Саттаров"), ("Тухтасинов", "Тулаганов"),
    ("Иброхимов", "Икрамов"), ("Ахмедов", "Ахроров"), ("Зуфаров", "Зиядов"),
    ("Мусаев", "Мухторов"), ("Рустамов", "Рузметов"), ("Ташпулатов", "Ташмухамедов"),
]  # fmt: skip

VOWELS = set("аеёиоуыэюяўәөүұіӣӯ")


def _table(pairs: str) -> dict[str, str]:
    out = {}
    for item in pairs.split():
        k, v = item.split("=")
        out[k] = v
    return out


ICAO = _table(
    "а=a б=b в=v г=g д=d е=e ё=e ж=zh з=z и=i й=i к=k л=l м=m н=n о=o п=p р=r с=s т=t "
    "у=u ф=f х=kh ц=ts ч=ch ш=sh щ=shch ъ=ie ы=y ь= э=e ю=iu я=ia"
)
BGN = _table(
    "а=a б=b в=v г=g д=d е=e ё=ë ж=zh з=z и=i й=y к=k л=l м=m н=n о=o п=p р=r с=s т=t "
    "у=u ф=f х=kh ц=ts ч=ch ш=sh щ=shch ъ=” ы=y ь=’ э=e ю=yu я=ya"
)
GERMAN = _table(
    "а=a б=b в=w г=g д=d е=e ё=jo ж=sch з=s и=i й=j к=k л=l м=m н=n о=o п=p р=r с=s т=t "
    "у=u ф=f х=ch ц=z ч=tsch ш=sch щ=schtsch ъ= ы=y ь= э=e ю=ju я=ja"
)
FRENCH = _table(
    "а=a б=b в=v г=g д=d е=e ё=io ж=j з=z и=i й=ï к=k л=l м=m н=n о=o п=p р=r с=s т=t "
    "у=ou ф=f х=kh ц=ts ч=tch ш=ch щ=chtch ъ= ы=y ь= э=e ю=iou я=ia"
)
UZ_LATIN = _table(
    "а=a б=b в=v г=g д=d е=e ё=yo ж=j з=z и=i й=y к=k л=l м=m н=n о=o п=p р=r с=s т=t "
    "у=u ф=f х=x ц=s ч=ch ш=sh ъ=’ ь= э=e ю=yu я=ya ў=o‘ қ=q ғ=g‘ ҳ=h"
)
UZ_TO_RUSSIAN = _table("ў=у қ=к ғ=г ҳ=х о=а")
KZ_LATIN = _table(
    "а=a ә=ä б=b в=v г=g ғ=ğ д=d е=e ё=io ж=j з=z и=i й=i к=k қ=q л=l м=m н=n ң=ñ о=o "
    "ө=ö п=p р=r с=s т=t у=u ұ=ū ү=ü ф=f х=h һ=h ц=ts ч=ç ш=ş щ=şş ъ= ы=y і=ı ь= э=e ю=iu "
    "я=ia"
)
KZ_PASSPORT = _table(
    "а=a ә=a б=b в=v г=g ғ=g д=d е=e ё=e ж=zh з=z и=i й=i к=k қ=k л=l м=m н=n ң=n о=o "
    "ө=o п=p р=r с=s т=t у=u ұ=u ү=u ф=f х=kh һ=h ц=ts ч=ch ш=sh щ=shch ъ= ы=y і=i ь= э=e "
    "ю=iu я=ia"
)
KZ_TO_RUSSIAN = _table("ә=а ғ=г қ=к ң=н ө=о ұ=у ү=у һ=х і=и")
KG_BGN = _table(
    "а=a б=b в=v г=g д=d е=e ё=yo ж=j з=z и=i й=y к=k л=l м=m н=n ң=ng о=o ө=ö п=p р=r "
    "с=s т=t у=u ү=ü ф=f х=kh ц=ts ч=ch ш=sh щ=shch ъ= ы=y ь= э=e ю=yu я=ya"
)
KG_TO_RUSSIAN = _table("ө=о ү=у ң=н")
TJ_LATIN = _table(
    "а=a б=b в=v г=g ғ=gh д=d е=e ё=yo ж=zh з=z и=i ӣ=i й=y к=k қ=q л=l м=m н=n о=o п=p "
    "р=r с=s т=t у=u ӯ=u ф=f х=kh ҳ=h ч=ch ҷ=j ш=sh ъ=’ э=e ю=yu я=ya"
)
TJ_TO_RUSSIAN = _table("ҷ=дж ҳ=х қ=к ғ=г ӣ=ий ӯ=у")
LOOKALIKE_LATIN = _table("а=a е=e о=o р=p с=c х=x у=y к=k")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def translit(
    word: str, table: dict[str, str], *, bgn_ye: bool = False, german_je: bool = False
) -> str:
    """Letter by letter, as the standard's table says, keeping the capital."""
    out = []
    low = word.lower()
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else ""
        if ch == "е" and (bgn_ye or german_je) and (i == 0 or prev in VOWELS or prev in "ъь"):
            out.append("ye" if bgn_ye else "je")
        elif ch == "д" and i + 1 < len(low) and low[i + 1] == "ж" and table is GERMAN:
            out.append("dsch")
            out.append("\x00")
        elif ch == "ж" and out and out[-1] == "\x00":
            out.pop()
        elif ch == "д" and i + 1 < len(low) and low[i + 1] == "ж" and table is FRENCH:
            out.append("d")  # дж is dj in French: д + ж (j)
        elif (
            ch == "с"
            and table in (GERMAN, FRENCH)
            and prev in VOWELS
            and low[i + 1 : i + 2] in VOWELS
        ):
            out.append("ss")  # one s between vowels is read z in both
        else:
            out.append(table.get(ch, ch))
    return _cap("".join(x for x in out if x != "\x00"))


def convert(word: str, table: dict[str, str]) -> str:
    """Cyrillic to Cyrillic: a national letter as Russian documents write it."""
    return _cap("".join(table.get(ch, ch) for ch in word.lower()))


def masculine_surname(stem: str) -> str:
    if stem.endswith("ов") or stem.endswith("ев"):
        return stem
    if stem.endswith("й"):
        return stem[:-1] + "ев"
    if stem[-1].lower() in VOWELS:
        return stem + "ев"
    if stem[-1] in "шчжщ":
        return stem + "ев"
    return stem + "ов"


def feminine_surname(surname: str) -> str:
    return surname + "а"


def patronymic_ru(father: str, *, female: bool) -> str:
    base = father[:-1] if father[-1] in "йь" else father
    soft = father[-1] in "йьшчжщ" or father[-1].lower() in VOWELS
    if female:
        return base + ("евна" if soft else "овна")
    return base + ("евич" if soft else "ович")


# Uyghur Latin (ULY) to Cyrillic and pinyin ---------------------------------------------------

UG_DIGRAPHS = ("ch", "gh", "ng", "sh", "zh")
UG_CYRILLIC = _table(
    "a=а e=ә ë=е i=и o=о u=у ö=ө ü=ү b=б p=п t=т j=җ ch=ч x=х d=д r=р z=з zh=ж s=с sh=ш "
    "gh=ғ f=ф q=қ k=к g=г ng=ң l=л m=м n=н h=һ w=в y=й"
)
UG_TO_RUSSIAN = _table("ә=а җ=ж қ=к ғ=г ң=н һ=х ө=о ү=у")
UG_VOWELS = set("aeëiouöü")
# A consonant with no vowel of its own, as Chinese transcription writes it.
PINYIN_BARE = _table(
    "b=bu p=pu t=ti d=de k=ke g=ge q=ke x=he h=he gh=ge s=si z=zi sh=xi ch=qi j=ji zh=ri "
    "r=er l=li m=mu f=fu y=yi w=wu"
)
PINYIN_VOWEL = _table("a=a e=ai ë=ai i=i o=ao u=u ö=u ü=yu")
PINYIN_ONSET = _table(
    "b=b p=p t=t d=d k=k g=g q=k x=h h=h gh=g s=s z=z sh=x ch=q j=j zh=r r=r l=l m=m n=n "
    "f=f y=y w=w"
)


def ug_letters(word: str) -> list[str]:
    word = word.lower()
    out, i = [], 0
    while i < len(word):
        if word[i : i + 2] in UG_DIGRAPHS:
            out.append(word[i : i + 2])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def ug_cyrillic(word: str, *, russian: bool) -> str:
    text = "".join(UG_CYRILLIC.get(ch, ch) for ch in ug_letters(word))
    return convert(text, UG_TO_RUSSIAN) if russian else _cap(text)


def ug_pinyin(word: str) -> str:
    """The pinyin of a Uyghur name, syllable by syllable."""
    letters = ug_letters(word)
    if word.lower().endswith("jan"):
        return _cap(ug_pinyin(word[:-3]).lower() + "jiang")
    out = []
    i = 0
    while i < len(letters):
        ch = letters[i]
        if ch in UG_VOWELS:  # a vowel starting a syllable
            syllable = {"i": "yi", "o": "wo", "u": "wu", "ö": "wu", "ü": "yu"}.get(
                ch, PINYIN_VOWEL[ch]
            )
            i += 1
        elif i + 1 < len(letters) and letters[i + 1] in UG_VOWELS:
            vowel = letters[i + 1]
            onset = PINYIN_ONSET.get(ch, ch)
            final = PINYIN_VOWEL[vowel]
            if ch == "s" and vowel == "u":
                onset, final = "x", "u"
            if onset in ("j", "q", "x") and final[0] not in "iu":
                final = "i" + final
            syllable = onset + final
            i += 2
        else:
            syllable = PINYIN_BARE.get(ch, ch) if ch not in ("n", "ng") else ch
            i += 1
        if syllable in ("n", "ng") and out:
            out[-1] += syllable
        else:
            out.append(syllable)
    return _cap("".join(out))


# The pairs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    name_a: str
    name_b: str
    birth_a: str
    birth_b: str
    same_person: bool
    category: str
    hard: bool
    split: str  # "tune" or "held-out"


def _halves(items: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    items = list(items)
    rng.shuffle(items)
    return items[::2], items[1::2]


class _Births:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def full(self) -> tuple[int, int, int]:
        return self.rng.randint(1, 28), self.rng.randint(1, 12), self.rng.randint(1955, 2004)

    def same_person(self) -> tuple[str, str]:
        """Two ways of writing one person's birth: a year against a date, both dates, none."""
        d, m, y = self.full()
        kind = self.rng.randrange(5)
        if kind == 0:
            return "", ""
        if kind == 1:
            return str(y), f"{d:02d}.{m:02d}.{y}"
        if kind == 2:
            return f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}"
        if kind == 3:
            return str(y), ""
        return str(y), str(y)

    def namesakes(self) -> tuple[str, str]:
        """Two full dates in one year that differ by more than a swap or a digit."""
        d, m, y = self.full()
        while True:
            d2, m2 = self.rng.randint(1, 28), self.rng.randint(1, 12)
            a, b = f"{d:02d}{m:02d}", f"{d2:02d}{m2:02d}"
            if sum(x != z for x, z in zip(a, b, strict=True)) >= 2 and (d2, m2) != (m, d):
                return f"{d:02d}.{m:02d}.{y}", f"{d2:02d}.{m2:02d}.{y}"


def generate(seed: int = SEED) -> list[Pair]:
    rng = random.Random(seed)
    births = _Births(rng)
    pools = {}
    for key, items in {
        "uz_men": UZ_MEN, "uz_women": UZ_WOMEN, "uz_surnames": UZ_SURNAMES,
        "kz_men": KZ_MEN, "kz_women": KZ_WOMEN, "kz_surnames": KZ_SURNAMES,
        "kg_men": KG_MEN, "kg_women": KG_WOMEN, "kg_surnames": KG_SURNAMES,
        "tj_men": TJ_MEN, "tj_women": TJ_WOMEN, "tj_surnames": TJ_SURNAMES,
        "ug": UG_NAMES,
    }.items():  # fmt: skip
        pools[key] = _halves(items, rng)
    lookalikes = _halves(LOOKALIKE_SURNAMES, rng)
    pairs: list[Pair] = []

    for split_index, split in enumerate(("tune", "held-out")):
        _generate_split(pairs, rng, births, pools, lookalikes, split_index, split)
    return pairs


def _generate_split(pairs, rng, births, pools, lookalikes, split_index: int, split: str) -> None:
    """The pairs of one split, from its half of every list of name parts."""

    def pick(key, n=1):
        return rng.sample(pools[key][split_index], n)

    def add(a, b, same, category, hard, birth=None):
        ba, bb = birth if birth else (births.same_person() if same else ("", ""))
        if rng.random() < 0.5:
            a, b, ba, bb = b, a, bb, ba
        pairs.append(Pair(a, b, ba, bb, same, category, hard, split))

    def uz_person():
        given = pick("uz_men")[0]
        stem = pick("uz_surnames")[0]
        father = rng.choice([m for m in pools["uz_men"][split_index] if m != given])
        return given, stem, father

    for _ in range(45):
        g, stem, f = uz_person()
        s = masculine_surname(stem)
        # Russian documents: the stem's Uzbek letters as Russian, then the Russian ending
        ru_f = convert(f, UZ_TO_RUSSIAN)
        ru = [masculine_surname(convert(stem, UZ_TO_RUSSIAN)), convert(g, UZ_TO_RUSSIAN),
              patronymic_ru(ru_f, female=False)]  # fmt: skip
        uz = [translit(w, UZ_LATIN, bgn_ye=True) for w in (s, g)]
        add(" ".join(uz), " ".join(ru[:2]), True, "Uzbek Latin vs Russian documents", True)
        add(" ".join(ru), " ".join(translit(w, ICAO).upper() for w in ru[:2]), True,
            "ICAO 9303 passport Latin", False)  # fmt: skip
        add(" ".join(ru[:2]), " ".join(translit(w, BGN, bgn_ye=True) for w in ru[:2]), True,
            "BGN/PCGN", False)  # fmt: skip
        add(" ".join(ru[:2]), " ".join(translit(w, GERMAN, german_je=True) for w in ru[:2]),
            True, "German transliteration", True)  # fmt: skip
        add(" ".join(ru[:2]), " ".join(translit(w, FRENCH) for w in ru[:2]), True,
            "French transliteration", True)  # fmt: skip
        apostrophe = rng.choice(["ʻ", "'", "’", ""])
        add(" ".join(uz), " ".join(uz).replace("‘", apostrophe), True,
            "Uzbek Latin apostrophe variants", False)  # fmt: skip
        # The record's Uzbek Latin against the Russian-document spelling in Latin
        add(" ".join(uz), " ".join(translit(w, ICAO) for w in ru[:2]), True,
            "Uzbek o written a (Russian documents)", True)  # fmt: skip
        # initials
        uz_full = [*uz, translit(f, UZ_LATIN, bgn_ye=True), "o‘g‘li"]
        initials = f"{ru[0]} {ru[1][0]}. {ru[2][0]}."
        add(" ".join(ru), initials, True, "initials", True)
        add(" ".join(uz_full), f"{translit(ru[0], ICAO)} {translit(ru[1], ICAO)[0]}.", True,
            "initials", True)  # fmt: skip
        # patronymic present / Uzbek form / dropped
        form = rng.choice(["uzbek", "dropped", "abbreviated"])
        other = {
            "uzbek": " ".join(uz_full),
            "dropped": " ".join(uz),
            "abbreviated": f"{' '.join(uz)} {translit(f, UZ_LATIN)[0]}.",
        }[form]
        add(" ".join(ru), other, True, "patronymic forms", form != "dropped")
        # look-alike Latin letters typed into Cyrillic
        typed = "".join(LOOKALIKE_LATIN.get(c, c) if rng.random() < 0.3 else c for c in ru[0])
        add(f"{typed} {ru[1]}", " ".join(translit(w, BGN, bgn_ye=True) for w in ru[:2]), True,
            "Latin look-alikes in Cyrillic", True)  # fmt: skip
        add(f"{ru[1]} {ru[0]}", " ".join(uz), True, "order swapped", False)

        # --- hard negatives ---
        add(" ".join(ru[:2]), " ".join(uz), False, "veto: namesakes, full dates differ", True,
            births.namesakes())  # fmt: skip
        sister = rng.choice([w for w in pools["uz_women"][split_index]])
        add(" ".join(ru), f"{feminine_surname(ru[0])} {convert(sister, UZ_TO_RUSSIAN)} "
            f"{patronymic_ru(ru_f, female=True)}", False,
            "veto: brother and sister (-ov/-ova)", True)  # fmt: skip
        twin = rng.choice([w for w in pools["uz_men"][split_index] if w != g])
        twin_ru = convert(twin, UZ_TO_RUSSIAN)
        d, m, y = births.full()
        same_day = f"{d:02d}.{m:02d}.{y}"
        add(" ".join(ru), f"{ru[0]} {twin_ru} {ru[2]}", False,
            "veto: twins (same surname and patronymic)", True, (same_day, same_day))  # fmt: skip
        add(f"{ru[0]} {ru_f}", " ".join(ru[:2]), False,
            "veto: father and son", True, (str(y - 28), str(y)))  # fmt: skip
        a_surname, b_surname = rng.choice(lookalikes[split_index])
        add(f"{a_surname} {ru[1]}", f"{b_surname} {ru[1]}", False,
            "different people, similar surnames", True)  # fmt: skip
        g2, stem2, _f2 = uz_person()
        if stem2 != stem and g2 != g:
            other = (masculine_surname(stem2), g2)
            add(" ".join(uz), " ".join(translit(w, UZ_LATIN, bgn_ye=True) for w in other), False,
                "different people", False)  # fmt: skip

    for _ in range(30):  # Kazakh
        female = rng.random() < 0.3
        g = pick("kz_women" if female else "kz_men")[0]
        s = masculine_surname(pick("kz_surnames")[0])
        s = feminine_surname(s) if female else s
        f = pick("kz_men")[0]
        joined = f + ("қызы" if female else "ұлы")
        ru = [convert(w, KZ_TO_RUSSIAN) for w in (s, g)]
        ru_patronymic = patronymic_ru(convert(f, KZ_TO_RUSSIAN), female=female)
        add(f"{s} {g} {joined}", " ".join(translit(w, KZ_PASSPORT).upper() for w in (s, g)),
            True, "Kazakh: passport Latin", False)  # fmt: skip
        add(f"{s} {g}", " ".join(translit(w, KZ_LATIN) for w in (s, g)), True,
            "Kazakh: Latin alphabet 2021", True)  # fmt: skip
        add(f"{' '.join(ru)} {ru_patronymic}", f"{s} {g} {joined}", True,
            "patronymic forms", True)  # fmt: skip
        other = pick("kz_women" if female else "kz_men")[0]
        if other != g:
            add(f"{s} {g} {joined}", f"{s} {other} {joined}", False,
                "veto: twins (same surname and patronymic)", True)  # fmt: skip

    for _ in range(30):  # Kyrgyz
        female = rng.random() < 0.3
        g = pick("kg_women" if female else "kg_men")[0]
        s = masculine_surname(pick("kg_surnames")[0])
        f = pick("kg_men")[0]
        marker = "кызы" if female else "уулу"
        ru_g, ru_f = convert(g, KG_TO_RUSSIAN), convert(f, KG_TO_RUSSIAN)
        add(f"{g} {f} {marker}", f"{ru_g} {patronymic_ru(ru_f, female=female)}", True,
            "patronymic forms", True)  # fmt: skip
        s_f = feminine_surname(s) if female else s
        add(f"{s_f} {g}", " ".join(translit(w, KG_BGN) for w in (s_f, g)), True,
            "Kyrgyz: BGN/PCGN", False)  # fmt: skip
        add(f"{convert(s_f, KG_TO_RUSSIAN)} {ru_g}",
            " ".join(translit(w, KG_BGN).replace("ö", "o").replace("ü", "u") for w in (s_f, g)),
            True, "Kyrgyz: BGN/PCGN", True)  # fmt: skip
        if not female:
            sister = pick("kg_women")[0]
            add(f"{s} {g}", f"{feminine_surname(s)} {sister}", False,
                "veto: brother and sister (-ov/-ova)", True)  # fmt: skip

    for _ in range(30):  # Tajik
        g = pick("tj_men")[0]
        stem = pick("tj_surnames")[0]
        s = masculine_surname(stem) if rng.random() < 0.6 else stem + "зода"
        ru = [convert(w, TJ_TO_RUSSIAN) for w in (s, g)]
        add(f"{s} {g}", " ".join(translit(w, TJ_LATIN) for w in (s, g)), True,
            "Tajik: Latin", False)  # fmt: skip
        add(" ".join(ru), " ".join(translit(w, TJ_LATIN) for w in (s, g)), True,
            "Tajik: Russian documents vs Latin", True)  # fmt: skip
        add(" ".join(ru), " ".join(ru), False, "veto: namesakes, full dates differ", True,
            births.namesakes())  # fmt: skip

    for _ in range(60):  # Uyghur: given name and father's name
        g, f = pick("ug", 2)
        pinyin = f"{ug_pinyin(g)} {ug_pinyin(f)}"
        add(f"{ug_cyrillic(g, russian=True)} {ug_cyrillic(f, russian=True)}", pinyin, True,
            "Uyghur: pinyin vs Russian Cyrillic", True)  # fmt: skip
        add(f"{g} {f}", pinyin, True, "Uyghur: pinyin vs Latin", True)
        add(f"{ug_cyrillic(g, russian=False)} {ug_cyrillic(f, russian=False)}", f"{g} {f}",
            True, "Uyghur: Cyrillic vs Latin", False)  # fmt: skip
        g2 = pick("ug")[0]
        if g2 not in (g, f):
            add(pinyin, f"{ug_cyrillic(g2, russian=True)} {ug_cyrillic(f, russian=True)}",
                False, "veto: brothers (same father's name)", True)  # fmt: skip


def score(pairs: list[Pair], matcher) -> dict:
    """Per split and category: tp, fp, fn, tn, precision, recall; `matcher(a, b, ba, bb)` ->
    True when it says the same person."""
    table: dict = {}
    errors = []
    for pair in pairs:
        said = matcher(pair.name_a, pair.name_b, pair.birth_a, pair.birth_b)
        for key in ((pair.split, pair.category), (pair.split, "overall")):
            row = table.setdefault(key, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
            if said and pair.same_person:
                row["tp"] += 1
            elif said:
                row["fp"] += 1
            elif pair.same_person:
                row["fn"] += 1
            else:
                row["tn"] += 1
        if said != pair.same_person:
            errors.append(pair)
    for row in table.values():
        row["precision"] = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else 1.0
        row["recall"] = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else 1.0
    return {"table": table, "errors": errors}
