import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import backup_create


def read_passphrase(options) -> str:
    """From a file or HAVEN_BACKUP_PASSPHRASE: never from the command line, where `ps` shows it."""
    if options.get("passphrase_file"):
        return Path(options["passphrase_file"]).read_text().strip()
    value = os.environ.get("HAVEN_BACKUP_PASSPHRASE", "")
    if not value:
        raise CommandError(
            "No passphrase: set HAVEN_BACKUP_PASSPHRASE or pass --passphrase-file FILE."
        )
    return value


class Command(BaseCommand):
    help = "Export the whole database and generated files to one encrypted archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help="Where to write the archive, e.g. haven-2026-11-23.havenbak"
        )
        parser.add_argument("--passphrase-file")

    def handle(self, *args, **options):
        try:
            manifest = backup_create(
                target=Path(options["archive"]),
                passphrase=read_passphrase(options),
                stdout=self.stdout,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(manifest["rows"].values())
        self.stdout.write(
            f"\nWrote {options['archive']}: {total} rows in {len(manifest['rows'])} tables, "
            f"{manifest['media_files']} files."
        )
        sys.stdout.flush()
