"""Score pairs of names: `python manage.py score_names PAIRS.csv`.

Reads rows `name_a,name_b,birth_a,birth_b` (a header line naming those columns is optional;
births may be empty, a year, a month or a date) and writes the same rows to standard output
with `score` (0-1) and `same_person` (1/0) added. A bad row (a missing name, an unreadable
birth date) is reported on standard error with its line number, and the command exits with
status 1 after writing nothing: a partial result is easy to mistake for a whole one.
"""

from __future__ import annotations

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from identity.matching import BirthError, parse_birth, score_names

COLUMNS = ["name_a", "name_b", "birth_a", "birth_b"]


class Command(BaseCommand):
    help = "Score pairs of names (name_a,name_b,birth_a,birth_b) for being the same person."

    def add_arguments(self, parser):
        parser.add_argument("pairs", help="CSV file, or - for standard input")

    def handle(self, *args, pairs, **options):
        try:
            fh = sys.stdin if pairs == "-" else open(pairs, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"cannot open {pairs}: {exc.strerror}") from exc
        with fh:
            try:
                rows = list(csv.reader(fh))
            except (UnicodeDecodeError, csv.Error) as exc:
                raise CommandError(f"{pairs} is not a UTF-8 CSV file ({exc})") from exc
        header = None
        if rows and [c.strip().lower() for c in rows[0][:4]] == COLUMNS[: len(rows[0][:4])]:
            header, rows = rows[0], rows[1:]
            first_line = 2
        else:
            first_line = 1
        results, problems = [], []
        for line, row in enumerate(rows, start=first_line):
            if not any(c.strip() for c in row):
                continue
            cells = (row + ["", "", "", ""])[:4]
            name_a, name_b, birth_a, birth_b = (c.strip() for c in cells)
            if not name_a or not name_b:
                problems.append(f"line {line}: two names are needed (name_a, name_b)")
                continue
            try:
                parse_birth(birth_a)
                parse_birth(birth_b)
            except BirthError as exc:
                problems.append(f"line {line}: birth date {exc}")
                continue
            match = score_names(name_a, name_b, birth_a, birth_b)
            results.append([*row, f"{match.score:.3f}", "1" if match.same_person else "0"])
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} bad row(s); nothing was scored")
        writer = csv.writer(self.stdout)
        if header is not None:
            writer.writerow([*header, "score", "same_person"])
        writer.writerows(results)
