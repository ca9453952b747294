"""``python manage.py generate_ticket_key [--key-id ID] [--file PATH]``."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from expo.bookings.ticket_codes import (
    ticket_signing_key_file_prepend,
    ticket_signing_key_generate,
)


class Command(BaseCommand):
    help = (
        "Create an Ed25519 ticket signing key. Prints KEY_ID:base64 for TICKET_SIGNING_KEY, "
        "or with --file makes it the current key of a TICKET_SIGNING_KEY_FILE, keeping "
        "older keys below so tickets already sent still verify."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--key-id", help="1-8 letters/digits; default: a key fingerprint")
        parser.add_argument("--file", help="key file to prepend the new key to")

    def handle(self, *args, key_id=None, file=None, **options):
        try:
            line = ticket_signing_key_generate(key_id=key_id)
            if not file:
                self.stdout.write(line)
                return
            new_id = ticket_signing_key_file_prepend(path=file, key_line=line)
        except (ImproperlyConfigured, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Key {new_id} is now the current ticket signing key in {file}; older keys "
            "stay below it and still verify. Restart web processes and workers to use it."
        )
