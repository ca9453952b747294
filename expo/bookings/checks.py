"""Start-up checks: `manage.py check` (and migrate, runserver) refuse a site that could
not sign tickets, instead of failing at the first booking's e-mail."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from expo.bookings.ticket_codes import public_keys


@register()
def ticket_signing_key_check(app_configs, **kwargs):
    try:
        public_keys()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="Set TICKET_SIGNING_KEY=<output of python manage.py generate_ticket_key> "
                "or TICKET_SIGNING_KEY_FILE=<path of a key file>.",
                id="bookings.E001",
            )
        ]
    return []
