"""Import and duplicate-finding at scale, on PostgreSQL.

1. 100,000 invented persons are loaded (not timed), 2% of them a second record of another
   person in the other script; finding the duplicate candidates among them is timed
   (target < 60 s).
2. A 10,000-row CSV (10% of its rows are persons already in the record, written in another
   script or spelling) is previewed against those 100,000 and committed (target < 30 s).

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench_import \\
      .venv/bin/python benchmarks/import_bench.py [--persons 100000] [--rows 10000]

The database is dropped and created anew each run (never point it at real data). Names are invented from
syllables (see SYLLABLES), so blocks have the long tail of real surnames.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/haven_bench_import"

# (Latin, Cyrillic) syllables: invented names, never a real person's.
SYLLABLES = [
    ("ra", "ра"), ("ku", "ку"), ("tin", "тин"), ("bo", "бо"), ("shar", "шар"), ("mu", "му"),
    ("dil", "диль"), ("zo", "зо"), ("ka", "ка"), ("lom", "лом"), ("nur", "нур"), ("sa", "са"),
    ("fa", "фа"), ("rid", "рид"), ("ja", "джа"), ("hon", "хон"), ("ul", "ул"), ("gi", "ги"),
    ("te", "те"), ("mir", "мир"), ("az", "аз"), ("bek", "бек"), ("to", "то"), ("qo", "ко"),
    ("yu", "ю"), ("xa", "ха"), ("pa", "па"), ("vi", "ви"), ("ler", "лер"), ("don", "дон"),
]  # fmt: skip


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("haven_bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must start haven_bench")
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


def invented(rng: random.Random) -> tuple[tuple[str, str], tuple[str, str], int]:
    def word(n):
        parts = [rng.choice(SYLLABLES) for _ in range(n)]
        return "".join(p[0] for p in parts), "".join(p[1] for p in parts)

    s_lat, s_cyr = word(rng.choice([2, 3]))
    suffix = rng.choice([("ov", "ов"), ("ev", "ев"), ("iy", "ий")])
    g_lat, g_cyr = word(2)
    surname = ((s_lat + suffix[0]).capitalize(), (s_cyr + suffix[1]).capitalize())
    given = (g_lat.capitalize(), g_cyr.capitalize())
    return surname, given, rng.randint(1950, 2005)


def load_persons(n: int, rng: random.Random) -> list:
    from casework.models import Person, PersonName
    from casework.names import detect_script, search_key

    people = []
    persons, names = [], []
    for i in range(n):
        if people and rng.random() < 0.02:
            surname, given, year = rng.choice(people)  # a second record of someone
            full = f"{given[1]} {surname[1]}"  # ... in Cyrillic, given name first
        else:
            surname, given, year = invented(rng)
            people.append((surname, given, year))
            full = f"{surname[0]} {given[0]}"
        from datetime import date

        person = Person(
            case_number=f"HV-B-{i:07d}", born_on=date(year, 1, 1), born_on_precision="year",
            citizenship="UZ", primary_name=full,
        )  # fmt: skip
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
    return people


def list_csv(rows: int, people: list, rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ФИО", "Год рождения", "Гражданство"])
    for _ in range(rows):
        if rng.random() < 0.10:
            surname, given, year = rng.choice(people)
            writer.writerow([f"{surname[1]} {given[1]}", year, "UZ"])  # known, in Cyrillic
        else:
            surname, given, year = invented(rng)
            writer.writerow([f"{given[0]} {surname[0]}", year, "UZ"])
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
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
    from casework.import_models import ImportMapping
    from casework.importing import import_commit, import_preview
    from casework.merge import duplicate_candidates
    from tests.factories import UserFactory

    rng = random.Random(9)
    admin = UserFactory(username="bench-admin", roles=[Role.ADMIN], is_superuser=True)

    started = time.perf_counter()
    people = load_persons(args.persons, rng)
    print(f"loaded {args.persons:,} persons in {time.perf_counter() - started:.1f} s (setup)")

    started = time.perf_counter()
    pairs = duplicate_candidates(user=admin, limit=100_000)
    elapsed = time.perf_counter() - started
    planted = args.persons - len(people)
    print(
        f"duplicate candidates among {args.persons:,} persons: {len(pairs):,} pairs "
        f"(planted {planted:,}) in {elapsed:.1f} s (target < 60 s)"
    )

    mapping, _ = ImportMapping.objects.update_or_create(
        name="bench",
        defaults={
            "columns": {"full_name": "ФИО", "born": "Год рождения", "citizenship": "Гражданство"}
        },  # fmt: skip
    )
    content = list_csv(args.rows, people, rng)
    started = time.perf_counter()
    batch = import_preview(
        content=content, file_name="bench.csv", mapping=mapping, by=admin, group_name="bench",
        run_async=False,
    )  # fmt: skip
    preview_s = time.perf_counter() - started
    print(f"preview of {args.rows:,} rows: {batch.counts} in {preview_s:.1f} s")
    for row in batch.rows.filter(outcome="duplicate"):
        row.decision = "new"
        row.save(update_fields=["decision"])
    started = time.perf_counter()
    import_commit(batch=batch, by=admin)
    commit_s = time.perf_counter() - started
    print(
        f"commit of {args.rows:,} rows in {commit_s:.1f} s; preview + commit "
        f"{preview_s + commit_s:.1f} s (target < 30 s)"
    )


if __name__ == "__main__":
    main()
