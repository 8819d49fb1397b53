"""generate_letters 129/10 [--update 3]: generate the letters of a UA here, with a counter."""

from django.core.management.base import BaseCommand, CommandError

from advocacy.models import UrgentAction
from advocacy.services import letters_generate


def find_urgent_action(reference: str, update: int | None) -> UrgentAction:
    try:
        number, year = (int(part) for part in reference.split("/"))
    except ValueError as exc:
        raise CommandError("Give the UA number as NUMBER/YY, e.g. 129/10.") from exc
    year += 2000 if year < 100 else 0
    qs = UrgentAction.objects.filter(number=number, year__in=[year, year - 100])
    qs = qs.filter(update_number=update) if update is not None else qs.order_by("-update_number")
    ua = qs.first()
    if ua is None:
        raise CommandError(
            f"No urgent action {reference}" + (f" update {update}" if update else "")
        )
    return ua


class Command(BaseCommand):
    help = "Generate (or bring up to date) the letters of an urgent action."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="e.g. 129/10")
        parser.add_argument(
            "--update", type=int, default=None, help="update number (default: latest)"
        )

    def handle(self, reference, update, **options):
        ua = find_urgent_action(reference, update)

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r{done}/{total} letters", ending="")
            self.stdout.flush()

        batch = letters_generate(ua=ua, progress=progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"UA {ua.reference} update {ua.update_number}: {batch.generated} generated, "
                f"{batch.skipped} already current."
            )
        )
