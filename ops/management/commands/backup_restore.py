from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import RestoreRefused, backup_restore
from ops.crypto import BackupDecryptionError

from .backup_export import read_passphrase


class Command(BaseCommand):
    help = "Restore an encrypted archive into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--passphrase-file")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"No such archive: {path}")
        try:
            manifest = backup_restore(
                source=path, passphrase=read_passphrase(options), stdout=self.stdout
            )
        except (RestoreRefused, BackupDecryptionError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {sum(manifest['rows'].values())} rows from a backup made at {manifest['created_at']}."
        )
