"""Import a partner list from the command line, with a counter.

    python manage.py import_names FILE --mapping NAME [--group NAME] [--user USERNAME]
                                  [--encoding cp1251] [--commit]

Without --commit it previews: prints each row's outcome and writes only the batch (which
can then be reviewed and committed on the imports page). With --commit it commits at once,
refusing (and writing nothing) if any row has an error or an undecided possible duplicate.
"""

from __future__ import annotations

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.import_models import ImportBatch, ImportMapping
from casework.importing import (
    ImportFileError,
    ImportRefused,
    import_commit,
    import_preview,
)


class Command(BaseCommand):
    help = "Preview (and with --commit, import) a CSV or XLSX list of persons."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--mapping", required=True, help="name of a saved ImportMapping")
        parser.add_argument("--group", default="", help="add everyone to this group")
        parser.add_argument("--user", default="", help="who imports (default: first admin)")
        parser.add_argument("--encoding", default="auto")
        parser.add_argument("--commit", action="store_true")

    def handle(self, *args, file, mapping, group, user, encoding, commit, **options):
        mapping_obj = ImportMapping.objects.filter(name=mapping).first()
        if mapping_obj is None:
            names = ", ".join(ImportMapping.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"no mapping called {mapping!r} (saved mappings: {names})")
        by = self._user(user)
        try:
            with open(file, "rb") as fh:
                content = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        started = time.monotonic()
        try:
            batch = import_preview(
                content=content,
                file_name=file.rsplit("/", 1)[-1],
                mapping=mapping_obj,
                by=by,
                group_name=group,
                encoding=encoding,
                run_async=False,
                on_progress=self._progress("matched"),
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self._counter(batch, "matched")
        counts = {k: v for k, v in batch.counts.items()}
        self.stdout.write(
            f"{batch.row_count} rows in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        )
        for row in batch.rows.exclude(outcome__in=["new", "match"]).order_by("line_number"):
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in row.errors) or ", ".join(
                row.reasons
            )
            self.stdout.write(f"  line {row.line_number}: {row.outcome} {detail}")
        if not commit:
            self.stdout.write(f"preview stored as batch {batch.pk}; nothing imported")
            return
        try:
            batch = import_commit(batch=batch, by=by, on_progress=self._progress("imported"))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self._counter(batch, "imported")
        self.stdout.write(
            self.style.SUCCESS(f"imported {batch.row_count} rows as batch {batch.pk}")
        )

    def _progress(self, verb: str):
        def show(done: int, total: int) -> None:
            end = "" if sys.stdout.isatty() else "\n"
            self.stdout.write(f"\r{verb} {done}/{total}", ending=end)
            self.stdout.flush()

        return show

    def _counter(self, batch: ImportBatch, verb: str) -> None:
        if sys.stdout.isatty():
            self.stdout.write(f"\r{verb} {batch.progress_done}/{batch.row_count}", ending="\n")
        else:
            self.stdout.write(f"{verb} {batch.progress_done}/{batch.row_count}")

    def _user(self, username: str):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user {username!r}")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("no admin user: pass --user")
        return user
