"""Write the lawbook (engine.lawbook.RULES) into the Rule table; `migrate` does it too."""

from django.core.management.base import BaseCommand

from engine import lawbook


class Command(BaseCommand):
    help = (
        "Sync engine.lawbook.RULES into the rules table. Rows an admin has edited are kept "
        "and listed; --force CODE overwrites one of them with the lawbook's values."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="append", default=[], metavar="CODE")

    def handle(self, *args, force, **options):
        report = lawbook.sync(force=frozenset(force))
        for line in report.lines():
            self.stdout.write(line)
