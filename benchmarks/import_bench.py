"""Import and duplicate-finding at scale, on PostgreSQL.

1. 100,000 invented persons are loaded (not timed); finding the duplicate candidates among
   them is timed (target < 60 s).
2. A 10,000-row CSV is previewed against those 100,000 persons and committed
   (target < 30 s).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench_import \\
      .venv/bin/python benchmarks/import_bench.py [--persons 100000] [--rows 10000]

The database is dropped and created anew each run (never point it at real data; only a
database named haven_bench* or haven_<someone>_bench* is accepted).

The invented data
-----------------
Every person is invented: parts of names common in Central Asia are combined at random, so
no real person's combination is intended. The distribution is meant to look like a partner
NGO's list, not to flatter the matcher:

- Given names: 138 male and 50 female roots (Cyrillic), drawn with a long-tailed weight
  1 / (rank + 10), so the commonest root is ~2.5% of men, as Rustam or Muhammad are; 40% of
  names are compounds of the root with one of 6-8 prefixes (Абду-, Нур-) or suffixes
  (-бек, -жон, -хон, -гул), as Central Asian names are.
- Surnames: a root (given-name roots and 50 other stems) compounded the same way, plus
  -ов/-ев (-ова/-ева for women), ~6% Tajik -зода; the same long-tailed weights. Common
  surnames have hundreds of bearers, and there are namesakes (distinct humans with exactly
  the same name, that the matcher must tell apart by patronymic and date of birth, or
  propose as possible duplicates).
- Patronymic on half of the records: Russian -ович/-овна, or Uzbek "<father> o‘g‘li/qizi".
- Written as the partner's list writes it: 50% Russian Cyrillic, 35% Latin from a Russian
  passport (kh, zh, dzh, -ev), 15% Uzbek Latin (x, j, q, o‘, g‘, -yev, and the Uzbek vowels:
  Кадыров -> Qodirov, fixed per word). 30% given name first.
- Born: 55% year only, 40% a full date, 5% unknown; 1950-2006. Citizenship UZ 70%, TJ, KG,
  KZ, RU. A UNHCR number on 20%.
- Variants (a second record of someone already there): 7% of the 100,000 persons, and 8%
  of the import's rows are persons of the record, 2% repeat an earlier line of the same
  file. A variant is written in another script or system than the original, in another
  order half the time, with the patronymic dropped or added 30% of the time, a typo (one
  letter changed, doubled or dropped) 15%, the birth as a year when the original has a date
  (or the reverse), a year off 5%, missing 15%; the UNHCR number kept when both have one.

The benchmark prints how many planted variants the duplicate list and the preview found
and missed, so a faster matcher that finds less shows up here, not only in the labelled
set; and how many distinct humans they matched (false matches: a merge of two people) or
offered as possible duplicates, of those how many namesakes (the same name after
transliteration). The pools are small, as the region's are: 37% of the 100,000 persons share
a folded given name and surname with someone, and a namesake without a full date of birth
is rightly a question for a person, never a match.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/haven_bench_import"


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"haven_(\w+_)?bench\w*", name):
        sys.exit(
            f"refusing to drop {name!r}: the benchmark database's name must be haven_[x_]bench*"
        )
    conn = psycopg2.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres",
        password=parsed.password, dbname="postgres",
    )  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cur:
        # A fresh database each run: deleting 100,000 persons row by row (with the history
        # and engine signals) would take longer than the benchmark.
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


# Cyrillic parts of names; invented combinations, never a real person's.
MALE = """Абдулла Абдурахман Абдусалом Адхам Азиз Азамат Акбар Акмал Алишер Анвар Аскар Ахмад
Ахрор Бахтиёр Бахром Бекзод Ботир Бобур Валижон Гайрат Давлат Даврон Джамшид Джахонгир Дилшод
Ёркин Жасур Журабек Зафар Зокир Иброхим Икром Илхом Исмоил Камол Карим Комил Лазиз Мансур
Мирзо Мухаммад Мухаммадали Мурод Музаффар Нодир Носир Нурали Одил Отабек Равшан Рахим Рашид
Ризо Рустам Саидакбар Салим Санжар Сардор Собир Сухроб Тимур Тохир Улугбек Умид Уткир Фаррух
Фарход Фахриддин Хасан Хусан Хуршид Шавкат Шерзод Шухрат Эркин Юсуф Якуб Ялкин Шамсиддин
Нуриддин Баходир Аброр Алибек Асрор Бахтияр Голиб Дониёр Зиёд Иззат Ислом Камрон Кахрамон
Мирзохид Мухриддин Наврўз Облокул Озод Пўлат Рузимурод Рахмат Саидмурод Сирож Тулкин
Файзулло Хайрулло Хамид Хабиб Чори Шахзод Шохрух Элёр Юлдаш Абдувохид Абдурашид Абдукарим
Абдумалик Баходир Гафур Джура Исмаил Кудрат Латиф Махмуд Неъмат Ойбек Рахмон Хаким Хол
Шариф Эргаш Ахмед Бобомурод""".split()
FEMALE = """Азиза Барно Гулноза Гульнара Дилноза Дилфуза Зарина Зилола Камола Лайло Лола Малика
Мадина Мохира Нигора Нилуфар Нодира Озода Рано Сайёра Севара Шахноза Шахло Феруза Хилола
Юлдуз Умида Дурдона Гулчехра Мунира Насиба Мафтуна Зулфия Мавлюда Нафиса Одина Робия Сабина
Саида Тамара Фарида Хадича Хуршида Фотима Мухаббат Назокат Ойша Шоира Гулбахор Дилором""".split()
STEMS = """Юсуп Тошмат Холмат Норбой Турсун Йўлдош Кадыр Назар Умар Вали Сафар Мамат Аман
Бердимурад Содик Ташкенбай Худойберди Ибрагим Султан Усман Хайдар Шукур Яхья Муса Абдурахим
Муминджан Нурмат Жуманияз Курбан Палван Рузи Хамракул Ашур Базар Ортик Парда Самад Тоир
Файзи Бабаджан Мадамин Таджибай Маматкул Эшмат Абдулхай Нишан Алим Закир Шарип""".split()


# Central Asian names are often compounds of a root and a prefix or suffix (Абду-рахман,
# Нур-али, Бек-зод, Шах-зода, Гул-ноза): they give the long tail of real name lists.
PREFIXES = {"male": "Абду Нур Мир Саид Мухаммад Шах Худой Ислом".split(),
            "female": "Гул Дил Нур Шах Мох Зар".split()}  # fmt: skip
SUFFIXES = {"male": "бек жон али улло мурод кул бой хон".split(),
            "female": "хон ой гул нисо бону ниса".split()}  # fmt: skip


def _weights(n: int) -> list[float]:
    return [1 / (rank + 10) for rank in range(n)]


SURNAME_STEMS = MALE + STEMS
WEIGHTS = {"male": _weights(len(MALE)), "female": _weights(len(FEMALE))}
STEM_WEIGHTS = _weights(len(SURNAME_STEMS))


def compound(root: str, sex: str, rng: random.Random) -> str:
    """A root alone (60%), with a suffix (25%) or a prefix (15%)."""
    r = rng.random()
    if r < 0.6:
        return root
    if r < 0.85:
        return root + rng.choice(SUFFIXES[sex])
    return rng.choice(PREFIXES[sex]) + root.lower()


# Transliteration systems, Cyrillic letter -> Latin, as partner lists use them.
_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
RUSSIAN_PASSPORT = {**_COMMON, "х": "kh", "ж": "zh", "ў": "u", "ғ": "g", "қ": "k", "ҳ": "kh"}
UZBEK_LATIN = {
    **_COMMON, "х": "x", "ж": "j", "ў": "o‘", "ғ": "g‘", "қ": "q", "ҳ": "h", "ы": "i",
    "ц": "s", "ъ": "’",
}  # fmt: skip
_VOWELS = "аеёиоуыэюяў"


def transliterate(word: str, system: str) -> str:
    table = RUSSIAN_PASSPORT if system == "ru" else UZBEK_LATIN
    lower = word.lower()
    if system == "uz":
        lower = _uzbek_vowels(lower)
    out = []
    for i, ch in enumerate(lower):
        nxt = lower[i + 1] if i + 1 < len(lower) else ""
        prev = lower[i - 1] if i else ""
        if ch == "д" and nxt == "ж":
            out.append("dzh" if system == "ru" else "")
        elif ch == "е" and (not prev or prev in _VOWELS):
            out.append("ye" if system == "uz" or not prev else "e")
        elif ch == "к" and system == "uz" and nxt in ("а", "о", "у", "ы", ""):
            out.append("q")
        elif ch == "г" and system == "uz" and nxt in ("а", "о", "у") and prev and prev in _VOWELS:
            out.append("g‘")
        else:
            out.append(table.get(ch, ch))
    return "".join(out).capitalize()


def _uzbek_vowels(word: str) -> str:
    """Uzbek spelling of a Russian-written word, the same every time for one word: some
    а become о (Кадыров / Qodirov), some у become ў (Юлдашев / Yo‘ldoshev)."""
    rng = random.Random(word)
    out = []
    for i, ch in enumerate(word):
        if ch == "а" and 0 < i < len(word) - 2 and rng.random() < 0.4:
            ch = "о"
        elif ch == "у" and i < len(word) - 2 and rng.random() < 0.3:
            ch = "ў"
        out.append(ch)
    return "".join(out)


def surname_of(stem: str, female: bool, tajik: bool) -> str:
    if tajik:
        return stem + "зода"
    base = stem + ("ев" if stem[-1] in _VOWELS or stem[-1] == "й" else "ов")
    return base + ("а" if female else "")


@dataclass
class Human:
    surname: str
    given: str
    patronymic: tuple[str, str] | None  # (father's name, "ru" or "uz" style)
    female: bool
    born: date | None
    born_precision: str
    citizenship: str
    unhcr: str


def invent(rng: random.Random, serial: int) -> Human:
    female = rng.random() < 0.35
    names = FEMALE if female else MALE
    sex = "female" if female else "male"
    given = compound(rng.choices(names, WEIGHTS[sex])[0], sex, rng)
    stem = compound(rng.choices(SURNAME_STEMS, STEM_WEIGHTS)[0], "male", rng)
    surname = surname_of(stem, female, rng.random() < 0.06)
    father = compound(rng.choices(MALE, WEIGHTS["male"])[0], "male", rng)
    patronymic = (father, rng.choice(["ru", "ru", "uz"])) if rng.random() < 0.5 else None
    r = rng.random()
    year = rng.randint(1950, 2006)
    if r < 0.55:
        born, precision = date(year, 1, 1), "year"
    elif r < 0.95:
        born, precision = date(year, rng.randint(1, 12), rng.randint(1, 28)), "day"
    else:
        born, precision = None, "year"
    citizenship = rng.choices(["UZ", "TJ", "KG", "KZ", "RU"], [70, 10, 10, 5, 5])[0]
    unhcr = f"{rng.randint(100, 999)}-{serial:08d}" if rng.random() < 0.2 else ""
    return Human(surname, given, patronymic, female, born, precision, citizenship, unhcr)


def patronymic_words(human: Human, script: str) -> list[str]:
    father, style = human.patronymic
    if style == "uz":
        return [father, "қизи" if human.female else "ўғли"]
    end = "овна" if human.female else "ович"
    if father[-1] in _VOWELS or father[-1] == "й":
        end = "евна" if human.female else "евич"
    return [father + end]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word)) if len(word) > 2 else 0
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]  # dropped
    if kind < 0.7:
        return word[:i] + word[i] + word[i:]  # doubled
    vowels = "аоуие"
    return word[:i] + rng.choice(vowels) + word[i + 1 :]  # a vowel misheard


def write(human: Human, script: str, rng: random.Random, *, given_first: bool,
          patronymic: bool, typo: bool = False) -> str:  # fmt: skip
    """One written form of a human: script is "cyr", "ru" (passport Latin) or "uz"."""
    words = [human.given, human.surname] if given_first else [human.surname, human.given]
    if patronymic and human.patronymic:
        words += patronymic_words(human, script)
    if typo:
        i = rng.randrange(2)
        words[i] = _typo(words[i], rng)
    if script == "cyr":
        return " ".join(words)
    return " ".join(transliterate(w, script) if w[0].isupper() else
                    transliterate(w, script).lower() for w in words)  # fmt: skip


SCRIPTS = (["cyr", "ru", "uz"], [50, 35, 15])


def first_record(human: Human, rng: random.Random) -> tuple[str, str]:
    script = rng.choices(*SCRIPTS)[0]
    name = write(human, script, rng, given_first=rng.random() < 0.3, patronymic=True)
    return name, script


def variant(human: Human, original_script: str, rng: random.Random) -> tuple[str, Human]:
    """Another record of `human`: another script or system, maybe reordered, without (or
    with) the patronymic, maybe a typo, the birth as someone else wrote it down."""
    script = rng.choice([s for s in SCRIPTS[0] if s != original_script])
    name = write(
        human, script, rng, given_first=rng.random() < 0.5,
        patronymic=rng.random() < 0.7, typo=rng.random() < 0.15,
    )  # fmt: skip
    born, precision = human.born, human.born_precision
    r = rng.random()
    if born is None or r < 0.15:
        born, precision = None, "year"
    elif r < 0.20:
        born, precision = date(born.year + rng.choice([-1, 1]), 1, 1), "year"
    elif precision == "day" and r < 0.6:
        born, precision = date(born.year, 1, 1), "year"
    seen = replace(human, born=born, born_precision=precision)
    if rng.random() < 0.5:
        seen = replace(seen, unhcr="")
    return name, seen


def load_persons(n: int, rng: random.Random) -> tuple[list, set]:
    """(the humans with their first record's script and person id, the planted pairs of
    person ids that are one human)."""
    from casework.models import NameToken, Person, PersonName
    from identity.folding import detect_script, search_key

    humans: list[tuple[Human, str, object]] = []
    planted: set[frozenset] = set()
    persons, names = [], []
    for i in range(n):
        if humans and rng.random() < 0.07:
            human, script, first_id = rng.choice(humans)
            full, seen = variant(human, script, rng)
            seen = replace(seen, unhcr="")  # one person has one number: the record has it
        else:
            human = seen = invent(rng, i)
            full, script = first_record(human, rng)
            first_id = None
        person = Person(
            case_number=f"HV-B-{i:07d}", born_on=seen.born,
            born_on_precision=seen.born_precision, citizenship=seen.citizenship,
            unhcr_number=seen.unhcr or None, primary_name=full,
            sex="female" if human.female else "male",
        )  # fmt: skip
        if first_id is None:
            humans.append((human, script, person.pk))
        else:
            planted.add(frozenset((first_id, person.pk)))
        persons.append(person)
        names.append(
            PersonName(
                person=person,
                full_name=full,
                is_primary=True,
                search_key=search_key(full),
                script=detect_script(full),
            )  # fmt: skip
        )
    Person.objects.bulk_create(persons, batch_size=5000)
    PersonName.objects.bulk_create(names, batch_size=5000)
    NameToken.objects.bulk_create([t for n in names for t in NameToken.of(n)], batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would soon after a bulk load
        # (it vacuums after inserts too: the visibility map lets the consent gate's key
        # lookup read the index alone)
        cursor.execute("VACUUM ANALYZE casework_person, casework_personname, casework_nametoken")
    return humans, planted


def list_csv(rows: int, humans: list, rng: random.Random) -> tuple[bytes, dict]:
    """The partner's list, and for each line that is a known human the person id (or
    ("line", n) for an earlier line of the file) it should be found as."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ФИО", "Дата рождения", "Гражданство", "УВКБ"])
    expected: dict[int, object] = {}
    earlier: list[tuple[Human, str, int]] = []
    for n in range(rows):
        line = n + 2
        r = rng.random()
        if r < 0.08:
            human, script, person_id = rng.choice(humans)
            full, seen = variant(human, script, rng)
            expected[line] = person_id
        elif r < 0.10 and earlier:
            human, script, first_line = rng.choice(earlier)
            full, seen = variant(human, script, rng)
            expected[line] = ("line", first_line)
        else:
            human = seen = invent(rng, 10_000_000 + n)
            full, script = first_record(human, rng)
            earlier.append((human, script, line))
        born = ""
        if seen.born:
            born = str(seen.born.year) if seen.born_precision == "year" else f"{seen.born:%d.%m.%Y}"
        writer.writerow([full, born, seen.citizenship, seen.unhcr])
    return out.getvalue().encode("utf-8"), expected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--profile", metavar="DIR", help="write cProfile stats of the preview and the commit here"
    )
    parser.add_argument("--skip-duplicates", action="store_true", help="time the import only")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    if url.startswith("postgres"):
        ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from accounts.roles import Role
    from casework.import_models import ImportMapping, ImportRow
    from casework.importing import import_commit, import_preview
    from tests.factories import UserFactory

    rng = random.Random(9)
    admin = UserFactory(username="bench-admin", roles=[Role.ADMIN], is_superuser=True)

    started = time.perf_counter()
    humans, planted = load_persons(args.persons, rng)
    print(f"loaded {args.persons:,} persons in {time.perf_counter() - started:.1f} s (setup)")

    def profiled(name, call):
        """call(), under cProfile when --profile is given (the figures are then slower)."""
        if not args.profile:
            return call()
        import cProfile

        Path(args.profile).mkdir(parents=True, exist_ok=True)
        profile = cProfile.Profile()
        try:
            return profile.runcall(call)
        finally:
            profile.dump_stats(str(Path(args.profile) / f"{name}.prof"))

    report_consent_check(humans, args.persons)
    if not args.skip_duplicates:
        report_duplicates(admin, planted, args.persons, profiled)
    mapping, _ = ImportMapping.objects.update_or_create(
        name="bench",
        defaults={
            "columns": {
                "full_name": "ФИО", "born": "Дата рождения", "citizenship": "Гражданство",
                "unhcr_number": "УВКБ",
            }
        },
    )  # fmt: skip
    content, expected = list_csv(args.rows, humans, rng)
    started, cpu = time.perf_counter(), time.process_time()
    batch = profiled("preview", lambda: import_preview(
        content=content, file_name="bench.csv", mapping=mapping, by=admin, group_name="bench",
        run_async=False,
    ))  # fmt: skip
    preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"preview of {args.rows:,} rows: {dict(batch.counts)} in {preview_s:.1f} s "
        f"({preview_cpu:.1f} s of this process's CPU)"
    )
    report_preview(batch, expected)

    # A caseworker's decisions, from the truth: a planted variant proposed with its person
    # is matched, anyone else proposed as a possible duplicate is a new person; a planted
    # variant the preview missed but whose UNHCR number is taken is skipped (to be looked at).
    rows = list(batch.rows.exclude(outcome="error"))
    for row in rows:
        truth = expected.get(row.line_number)
        right = truth is not None and truth in (row.candidate_id, ("line", row.candidate_line))
        if row.outcome == "duplicate":
            row.decision = "match" if right else "new"
        if truth is not None and not right and row.data.get("unhcr_number"):
            row.decision = "skip"
    ImportRow.objects.bulk_update(rows, ["decision"], batch_size=2000)
    print(f"  skipped {sum(r.decision == 'skip' for r in rows)} missed variants with a number")
    started, cpu = time.perf_counter(), time.process_time()
    profiled("commit", lambda: import_commit(batch=batch, by=admin))
    commit_s, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"commit of {args.rows:,} rows in {commit_s:.1f} s ({commit_cpu:.1f} s CPU); preview + "
        f"commit {preview_s + commit_s:.1f} s (target < 30 s), {preview_cpu + commit_cpu:.1f} s "
        "of this process's CPU (the wall clock less what a busy machine adds, less the database's)"
    )


def report_duplicates(admin, planted: set, persons: int, profiled) -> None:
    """Time the scan the duplicates task runs (compare the whole record, store the pairs),
    and how many planted pairs the stored list includes."""
    from casework.import_models import DuplicatePair, DuplicateScan
    from casework.merge import duplicates_compute
    from identity.matching import SAME_PERSON

    started, cpu = time.perf_counter(), time.process_time()
    profiled("duplicates", duplicates_compute)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = {
        frozenset((a, b)): score
        for a, b, score in DuplicatePair.objects.values_list("person_a", "person_b", "score")
    }
    hits = [found[pair] for pair in planted if pair in found]
    others = [score for pair, score in found.items() if pair not in planted]
    print(
        f"duplicate candidates among {persons:,} persons: {DuplicateScan.objects.get().pair_count:,} "
        f"pairs ({len(found):,} stored) in {elapsed:.1f} s ({cpu:.1f} s CPU; target <= 30 s)\n"
        f"  planted {len(planted):,}: found {len(hits):,} ({sum(s >= SAME_PERSON for s in hits):,} "
        f"as the same person), missed {len(planted) - len(hits):,}; pairs of distinct humans "
        f"{len(others):,}, of which offered as the same person (false matches) "
        f"{sum(s >= SAME_PERSON for s in others):,}"
    )


UA_TEXT = """Urgent action: {n} men at risk of extradition to torture. On 9 June the
Prosecutor General's Office approved the extradition of the men detained in Almaty since
March. They are accused of membership of a banned religious organisation and of attempting
to overthrow the constitutional order; the charges rest on confessions their relatives say
were obtained under torture. Their lawyers were not informed of the decision for two weeks.
The UN Committee against Torture requested interim measures on 14 June; the state contests
admissibility. Post-return reports describe incommunicado detention and sentences of ten
years. A relative of one of them, {variant}, was detained with them and has not been seen
by a lawyer since. {given} {surname} and others were moved to the pre-trial prison in the
night; their families were refused visits. Please write to the authorities urging them not
to return anyone, to allow independent monitors access, and to investigate the allegations
of torture. Send appeals before 22 July to the Prosecutor General and copies to diplomatic
representatives of your country. """


def report_consent_check(humans: list, persons: int) -> None:
    """The consent gate over an urgent action's whole text against every person (all of them
    without consent here: the worst case), five times; min and median, wall and CPU."""
    from casework.consent import NameScanner

    rng = random.Random(15)
    human, _script, _pk = rng.choice(humans)
    other, _s, _p = rng.choice(humans)
    variant_name, _seen = variant(human, "cyrillic", rng)
    text = (
        UA_TEXT.format(n=29, variant=variant_name, given=other.given, surname=other.surname) * 2
    )  # about 600 words
    walls, cpus, found = [], [], []
    for _ in range(5):
        started, cpu = time.perf_counter(), time.process_time()
        found = NameScanner([]).hits(text)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    walls.sort()
    cpus.sort()
    print(
        f"consent check of a {len(text.split())}-word urgent action against {persons:,} "
        f"persons: min {walls[0] * 1000:.0f} ms, median {walls[2] * 1000:.0f} ms wall "
        f"(median {cpus[2] * 1000:.0f} ms of this process's CPU; target <= 200 ms); "
        f"{len(found)} persons named"
    )


def report_preview(batch, expected: dict) -> None:
    """Planted against found: how many known humans (planted variants of a person or of an
    earlier line) the preview proposed rightly (as a match or a possible duplicate of the
    right person or line), wrongly (another person) or missed; and for the new humans, how
    many it matched to someone (a merge of two humans, the error that matters) or offered as
    a possible duplicate, and of those how many are namesakes (the same name after
    transliteration: the generator draws from real name pools, so such distinct people are
    common, and only a person with the files can tell them apart)."""
    found = same = wrong = false_match = offered = namesakes = 0
    new = 0
    for row in batch.rows.all():
        truth = expected.get(row.line_number)
        proposed = row.candidate_id or (
            ("line", row.candidate_line) if row.candidate_line else None
        )
        if truth is None:
            new += 1
            false_match += row.outcome == "match"
            if row.outcome == "duplicate":
                offered += 1
                namesakes += "same name after transliteration" in row.reasons
        elif proposed == truth:
            found += 1
            same += row.outcome == "match"
        elif proposed is not None:
            wrong += 1
    missed = len(expected) - found - wrong
    print(
        f"  planted (known humans in the list) {len(expected):,}: found {found:,} ({same:,} "
        f"matched without a decision), another person proposed {wrong:,}, missed {missed:,}\n"
        f"  new humans {new:,}: false matches (merged with someone) {false_match:,}; offered as "
        f"a possible duplicate {offered:,}, of which namesakes {namesakes:,}"
    )


if __name__ == "__main__":
    main()
