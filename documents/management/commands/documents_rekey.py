"""Rotate the documents key: re-wrap every stored file key under HAVEN_DOCUMENTS_KEY.

    HAVEN_DOCUMENTS_KEY=<new> HAVEN_DOCUMENTS_OLD_KEYS=<old> manage.py documents_rekey

The files on disk do not change (each has its own key; only that key's wrapping does), so it
takes seconds for thousands of documents and can run while Haven serves: with the old key in
HAVEN_DOCUMENTS_OLD_KEYS, files not yet re-wrapped still open. Run it again until it reports
nothing left under an old key, then drop HAVEN_DOCUMENTS_OLD_KEYS. Backups taken before the
rotation still need the old key to be read after a restore: keep it with them.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from documents import crypto
from documents.services import documents_rekey


class Command(BaseCommand):
    help = "Re-wrap every document's and evidence pack's file key under HAVEN_DOCUMENTS_KEY."

    def handle(self, *args, **options):
        current = crypto.key_id()
        results = {"documents": documents_rekey()}
        if apps.is_installed("evidence"):
            from evidence.services import evidence_packs_rekey

            results["evidence packs"] = evidence_packs_rekey()
        for label, result in results.items():
            self.stdout.write(
                f"{label}: {result.rewrapped} re-wrapped under key {current}, "
                f"{result.current} already under it, {len(result.unopened)} under a key "
                "Haven does not hold"
            )
        unopened = [pk for result in results.values() for pk in result.unopened]
        if unopened:
            raise CommandError(
                f"{len(unopened)} stored files are under a documents key that is neither "
                "HAVEN_DOCUMENTS_KEY nor in HAVEN_DOCUMENTS_OLD_KEYS; they were left as they "
                "were. Add their key to HAVEN_DOCUMENTS_OLD_KEYS and run this again. Ids: "
                + ", ".join(unopened[:20])
            )
