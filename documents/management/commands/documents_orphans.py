"""Set aside the stored files no row refers to, and remove those set aside long ago.

    manage.py documents_orphans [--dry-run]

Beat runs the same sweep every night (documents.tasks.orphans_sweep_task); this command is
for looking (--dry-run) or for running it at once. See documents/storage.py.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.storage import GRACE, KEEP, ORPHANS, documents_orphans_sweep


class Command(BaseCommand):
    help = "Set aside files in HAVEN_DOCUMENTS_ROOT that no document or pack refers to."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        result = documents_orphans_sweep(now=timezone.now(), dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for name in result.set_aside:
            self.stdout.write(f"orphan: {name}")
        self.stdout.write(
            f"{len(result.set_aside)} files no row refers to {verb} set aside in {ORPHANS}/ "
            f"(older than {GRACE}); {len(result.removed)} set aside more than {KEEP.days} days "
            f"ago {verb} removed; {result.too_recent} unreferenced files are too recent to judge."
        )
