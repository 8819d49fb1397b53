"""Write tests/data/name_pairs.csv: labelled pairs of INVENTED persons' names.

Every person here is made up: a surname and a given name drawn at random from the parts
below (common name parts, no real person's combination is intended), with an invented
date of birth. Each part is written as Russian-style Cyrillic, Uzbek Latin, and the Latin
spellings Russian transliteration produces, so a pair can mix scripts the way partner lists
do. Positives are one invented person written two ways; negatives are the hard cases that
a matcher gets wrong: brothers (same surname), namesakes with different birth years,
father and son, husband and wife, near-identical surnames.

Run: .venv/bin/python tests/data/make_name_pairs.py  (deterministic: seeded)
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).with_name("name_pairs.csv")

# (Cyrillic, Uzbek Latin, Latin variants from Russian transliteration)
SURNAMES = [
    ("Абдуллаев", "Abdullayev", ["Abdullaev", "Abdulaev"]),
    ("Юлдашев", "Yo‘ldoshev", ["Yuldashev", "Iuldashev"]),
    ("Кадыров", "Qodirov", ["Kadyrov", "Kadirov"]),
    ("Хакимов", "Hakimov", ["Khakimov", "Hakimow"]),
    ("Турсунов", "Tursunov", ["Tursunow", "Toursounov"]),
    ("Джураев", "Jo‘rayev", ["Dzhuraev", "Djuraev", "Juraev"]),
    ("Шарипов", "Sharipov", ["Sharipow"]),
    ("Гафуров", "G‘afurov", ["Gafurov", "Ghafurov"]),
    ("Усманов", "Usmonov", ["Usmanov", "Ousmanov"]),
    ("Назаров", "Nazarov", ["Nazarow"]),
    ("Рахимов", "Rahimov", ["Rakhimov"]),
    ("Ташматов", "Toshmatov", ["Tashmatov"]),
    ("Холматов", "Xolmatov", ["Kholmatov", "Holmatov"]),
    ("Эргашев", "Ergashev", ["Ergashyev"]),
    ("Мирзаев", "Mirzayev", ["Mirzaev"]),
    ("Сабиров", "Sobirov", ["Sabirov"]),
    ("Исмаилов", "Ismoilov", ["Ismailov", "Ismayilov"]),
    ("Каримов", "Karimov", ["Karimow"]),
    ("Юсупов", "Yusupov", ["Iusupov", "Jusupov"]),
    ("Бабаев", "Boboyev", ["Babaev", "Babayev"]),
    ("Хасанов", "Hasanov", ["Khasanov"]),
    ("Нуритдинов", "Nuriddinov", ["Nuritdinov"]),
    ("Шукуров", "Shukurov", ["Shukurow"]),
    ("Умаров", "Umarov", ["Oumarov"]),
    ("Закиров", "Zokirov", ["Zakirov"]),
    ("Алимов", "Olimov", ["Alimov"]),
    ("Махмудов", "Mahmudov", ["Makhmudov"]),
    ("Таджибаев", "Tojiboyev", ["Tadzhibaev", "Tadjibaev"]),
    ("Ишанов", "Eshonov", ["Ishanov"]),
    ("Валиев", "Valiyev", ["Valiev", "Waliev"]),
]
GIVEN = [
    ("Рустам", "Rustam", ["Roustam"]),
    ("Фаррух", "Farrux", ["Farrukh", "Farruh"]),
    ("Хуршид", "Xurshid", ["Khurshid", "Hurshid"]),
    ("Уткир", "O‘tkir", ["Utkir"]),
    ("Джамшид", "Jamshid", ["Dzhamshid", "Djamshid"]),
    ("Шерзод", "Sherzod", ["Sherzod"]),
    ("Улугбек", "Ulug‘bek", ["Ulugbek", "Ulughbek"]),
    ("Бахтиёр", "Baxtiyor", ["Bakhtiyor", "Bakhtiyar"]),
    ("Айбек", "Oybek", ["Aibek", "Aybek"]),
    ("Дильшод", "Dilshod", ["Dilshod"]),
    ("Надир", "Nodir", ["Nadir"]),
    ("Шухрат", "Shuhrat", ["Shukhrat"]),
    ("Акмал", "Akmal", ["Akmal"]),
    ("Тахир", "Tohir", ["Takhir", "Tahir"]),
    ("Гулям", "G‘ulom", ["Gulyam", "Guliam"]),
    ("Исмаил", "Ismoil", ["Ismail"]),
    ("Сабир", "Sobir", ["Sabir"]),
    ("Мухаммад", "Muhammad", ["Mukhammad", "Muhammad"]),
    ("Азиз", "Aziz", ["Aziz"]),
    ("Зафар", "Zafar", ["Zafar"]),
    ("Икрам", "Ikrom", ["Ikram"]),
    ("Анвар", "Anvar", ["Anwar"]),
    ("Равшан", "Ravshan", ["Rawshan"]),
    ("Шавкат", "Shavkat", ["Shawkat"]),
    ("Бекзод", "Bekzod", ["Bekzod"]),
    ("Лазиз", "Laziz", ["Laziz"]),
    ("Якуб", "Yoqub", ["Yakub", "Iakub"]),
    ("Юсуф", "Yusuf", ["Iusuf"]),
    ("Адил", "Odil", ["Adil"]),
    ("Камил", "Komil", ["Kamil"]),
]
FEMALE = [
    ("Дилноза", "Dilnoza", ["Dilnoza"]),
    ("Гульнора", "Gulnora", ["Gulnora"]),
    ("Малика", "Malika", ["Malika"]),
    ("Зарина", "Zarina", ["Zarina"]),
    ("Нодира", "Nodira", ["Nadira"]),
]


def feminine(surname):
    cyr, uz, lat = surname
    return (cyr + "а", uz + "a", [v + "a" for v in lat])


def typo(rng, word: str) -> str:
    """A slip of the pen: one inner letter dropped, doubled, or swapped with the next."""
    i = rng.randint(1, len(word) - 3)
    kind = rng.choice(["drop", "double", "swap"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class Person:
    def __init__(self, rng, surname=None, given=None, father=None, year=None):
        self.surname = surname or rng.choice(SURNAMES)
        self.given = given or rng.choice(GIVEN)
        self.father = father or rng.choice(GIVEN)
        self.year = year or rng.randint(1955, 2000)
        self.month = rng.randint(1, 12)
        self.day = rng.randint(1, 28)

    def write(self, rng, style: str, patronymic: bool, swapped: bool) -> str:
        if style == "cyr":
            s, g, f = self.surname[0], self.given[0], self.father[0]
            p = f + ("ович" if f[-1] not in "аяй" else "евич")
        elif style == "uz":
            s, g, f = self.surname[1], self.given[1], self.father[1]
            p = f + " o‘g‘li"
        else:
            s, g, f = rng.choice(self.surname[2]), rng.choice(self.given[2]), self.father[2][0]
            p = f + "ovich"
        if style == "lat" and rng.random() < 0.2:
            s = typo(rng, s)
        if style == "uz":  # Uzbek order: given name first
            swapped = not swapped
        parts = [g, s] if swapped else [s, g]
        if patronymic:
            parts.append(p)
        return " ".join(parts)

    def birth(self, rng, how: str) -> str:
        if how == "none":
            return ""
        if how == "year":
            return str(self.year)
        if how == "iso":
            return f"{self.year}-{self.month:02d}-{self.day:02d}"
        return f"{self.day:02d}.{self.month:02d}.{self.year}"


STYLES = ["cyr", "uz", "lat"]
BIRTHS = ["none", "year", "year", "dmy", "iso"]


def two_styles(rng):
    a = rng.choice(STYLES)
    b = rng.choice([s for s in STYLES if s != a] + [a])
    return a, b


def write_pair(rng, pa, pb, *, same_births=True):
    sa, sb = two_styles(rng)
    name_a = pa.write(rng, sa, rng.random() < 0.3, rng.random() < 0.3)
    name_b = pb.write(rng, sb, rng.random() < 0.3, rng.random() < 0.3)
    ba = pa.birth(rng, rng.choice(BIRTHS))
    bb = pb.birth(rng, rng.choice(BIRTHS))
    return name_a, name_b, ba, bb


def main() -> None:
    rng = random.Random(20260109)
    rows = []
    # Positives: one invented person written two ways.
    for _ in range(160):
        p = Person(rng)
        rows.append((*write_pair(rng, p, p), 1, "variant"))
    # Negatives.
    for _ in range(30):  # brothers: same surname, different given name
        a = Person(rng)
        b = Person(rng, surname=a.surname, given=rng.choice([g for g in GIVEN if g != a.given]))
        rows.append((*write_pair(rng, a, b), 0, "same surname, different given name"))
    for _ in range(25):  # namesakes: same given name, different surname
        a = Person(rng)
        b = Person(rng, given=a.given, surname=rng.choice([s for s in SURNAMES if s != a.surname]))
        rows.append((*write_pair(rng, a, b), 0, "same given name, different surname"))
    for _ in range(25):  # father and son share the full name, a generation apart
        son = Person(rng)
        father = Person(
            rng, surname=son.surname, given=son.given, year=son.year - rng.randint(18, 35)
        )
        name_a = son.write(rng, rng.choice(STYLES), False, rng.random() < 0.3)
        name_b = father.write(rng, rng.choice(STYLES), False, rng.random() < 0.3)
        rows.append((name_a, name_b, son.birth(rng, "year"), father.birth(rng, "dmy"), 0,
                     "father and son"))  # fmt: skip
    for _ in range(20):  # common name, different persons: birth years apart
        a = Person(rng)
        b = Person(rng, surname=a.surname, given=a.given, year=a.year + rng.choice([-9, -4, 3, 7]))
        name_a = a.write(rng, rng.choice(STYLES), False, False)
        name_b = b.write(rng, rng.choice(STYLES), False, False)
        rows.append((name_a, name_b, a.birth(rng, "dmy"), b.birth(rng, "year"), 0,
                     "namesakes born years apart"))  # fmt: skip
    for _ in range(15):  # husband and wife
        a = Person(rng)
        wife = Person(rng, surname=feminine(a.surname), given=rng.choice(FEMALE))
        rows.append((*write_pair(rng, a, wife), 0, "husband and wife"))
    for _ in range(15):  # near-identical surname, same given name, same birth year
        a = Person(rng)
        others = [s for s in SURNAMES if s != a.surname and s[1][:2] == a.surname[1][:2]]
        if not others:
            others = [s for s in SURNAMES if s != a.surname]
        b = Person(rng, surname=rng.choice(others), given=a.given, year=a.year)
        rows.append((*write_pair(rng, a, b), 0, "similar surname"))
    rng.shuffle(rows)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name_a", "name_b", "birth_a", "birth_b", "same_person", "kind"])
        writer.writerows(rows)
    print(f"{len(rows)} pairs -> {OUT}")


if __name__ == "__main__":
    main()
