import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (from var/demo-logins.txt). Demo only."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith(".production"):
            raise CommandError("demo_code is for the demo, not for production.")
        from casework.management.commands.load_demo import logins_path

        path = logins_path()
        if not path.exists():
            raise CommandError(f"No demo logins at {path}: run `python3 haven.py run` first.")
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if not line.startswith("#") and len(parts) >= 4 and parts[1] == username and parts[3]:
                self.stdout.write(totp_code(parts[3]))
                return
        raise CommandError(f"{username} is not a demo user with a second factor.")
