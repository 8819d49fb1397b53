"""Write docs/rules.md from the rule data (run it on a freshly migrated database)."""

from django.core.management.base import BaseCommand, CommandError

from engine import rulesdoc


class Command(BaseCommand):
    help = (
        "Generate docs/rules.md from the rules table. Run on a freshly migrated database, so "
        "that the document says what Haven ships; --check fails when the file differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only compare; exit 1 if stale.")

    def handle(self, *args, check, **options):
        text = rulesdoc.current()
        path = rulesdoc.DOC_PATH
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run manage.py rules_doc")
            self.stdout.write(f"{path} is up to date")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
