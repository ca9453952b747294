"""Message kinds: each app registers the messages it sends and how to write them.

The outbox and its delivery (`services.py`) know nothing of bookings, exhibitors or
accounts; a row's `kind` names a `MessageKind` that its owning app registered in its
`AppConfig.ready()`. The kind says whom the message is for, when it became pointless
to send, and what its templates (``templates/email/<name>.txt`` and ``.html``) see.
"""

from datetime import datetime
from email.mime.image import MIMEImage
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext

from expo.core.secret_links import secret_link_url

# Messages to a person rather than about a booking (invitations, proposal decisions)
# whose reader has no account to take a language from: the expo's own.
PERSON_DEFAULT_LANGUAGE = "sv"


class MessageKind:
    """How one kind of message is written; subclassed by the app that sends it.

    Every method runs on a row claimed for sending (`services.notification_deliver`).
    """

    def __init__(self, name: str, label: str, subject: str):
        #: What `Notification.kind` holds, and the templates' name.
        self.name = name
        self.label = label
        #: %-formatted with the context, in the reader's language (a lazy translation).
        self.subject = subject

    def load(self, notifications: list) -> None:
        """Fetch what the rows' messages show in as few queries as possible, for all of
        them together (under the claim of a batch)."""

    def prepare(self, notifications: list) -> None:
        """Once the claim has committed, before any message is written: fetch for all the
        claimed rows together what costs a round trip or more each (the tickets' QR
        images, one cache round trip for a batch)."""

    def reader(self, notification):
        """The account the message is for, if any: a closed account gets nothing."""
        return notification.user

    def skip_reason(self, notification, now: datetime) -> str:
        """Why this message would now be wrong or pointless; empty when it should go."""
        return ""

    def fan_out(self, notification) -> list:
        """Further rows the first claim of this row writes (unsaved `Notification`s)."""
        return []

    def language(self, notification) -> str:
        if notification.user_id:
            return notification.user.language
        return notification.context.get("language") or PERSON_DEFAULT_LANGUAGE

    def context(self, notification) -> dict:
        """What the templates see; ``recipient`` is the address it goes to.

        By default a message about no booking: the facts its writer stored in the row.
        """
        data, user = notification.context, notification.user
        starts_at, ends_at = (
            parse_datetime(data.get(name) or "") for name in ("starts_at", "ends_at")
        )
        expires_at = parse_datetime(data.get("expires_at") or "")
        return {
            **data,
            "kind": notification.kind,
            "recipient": notification.email or user.email,
            "name": user.name if user else "",
            "title": data.get(f"title_{translation.get_language()}") or data.get("title_sv", ""),
            "when": when(starts_at, ends_at) if starts_at and ends_at else "",
            "venue": {"name": data.get("venue_name", "")},
            "expires": moment(expires_at) if expires_at else "",
            "inviter": data.get("invited_by_name") or data.get("invited_by_email", ""),
            "accept_url": secret_link_url(data["accept_link"]) if data.get("accept_link") else "",
            "site_url": settings.SITE_URL.rstrip("/"),
            "tickets": [],
            "qr_tickets": [],
        }

    def inline_images(self, context: dict) -> list[MIMEImage]:
        return []

    def attachments(self, notification) -> list[tuple[str, str, str]]:
        """(filename, content, mimetype) of files attached to the message."""
        return []

    @property
    def template(self) -> str:
        return f"email/{self.name}"


_registry: dict[str, MessageKind] = {}


def message_kind_register(kind: MessageKind) -> None:
    """Make a kind known; registering a name again replaces it (`ready()` may run twice)."""
    _registry[kind.name] = kind


def message_kind(name: str) -> MessageKind | None:
    return _registry.get(name)


def message_kind_choices() -> list[tuple[str, str]]:
    return sorted((kind.name, kind.label) for kind in _registry.values())


def when(starts_at: datetime, ends_at: datetime) -> str:
    """E.g. «onsdag 1 juni 2022 kl. 14:00–15:00», «Wednesday 1 June 2022 at 14:00–15:00»."""
    end = timezone.localtime(ends_at, ZoneInfo(settings.EXPO_TIME_ZONE))
    return moment(starts_at, until=date_format(end, "H:i"))


def moment(value: datetime, *, until: str = "") -> str:
    """A time as the expo's visitors read it: their language, Helsingborg's clock."""
    local = timezone.localtime(value, ZoneInfo(settings.EXPO_TIME_ZONE))
    time = date_format(local, "H:i") + (f"–{until}" if until else "")
    return gettext("%(date)s at %(time)s") % {"date": date_format(local, "l j F Y"), "time": time}
