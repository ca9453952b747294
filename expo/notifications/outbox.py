"""The e-mail outbox: rows written in the transaction that causes them, sent after commit.

A row is the promise that a message will go out once; the Celery task and the periodic
sweep both only ever send rows that are still `pending` (see `notification_deliver`).
"""

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction

from expo.accounts.signals import (
    EMAIL_VERIFICATION,
    LOGIN_LINK,
    PASSWORD_RESET,
    REGISTRATION_ATTEMPT,
)
from expo.core.queries import rows_insert
from expo.notifications.models import Notification
from expo.notifications.publisher import Publisher

logger = logging.getLogger(__name__)

# The tasks that send rows (tasks.py) call the services that call this module, so they
# are found by their registered names (apps.py imports tasks.py), not imported here.
DELIVER_TASK = "expo.notifications.tasks.deliver_notification"
DELIVER_BATCH_TASK = "expo.notifications.tasks.deliver_notifications"
MARK_SENT_TASK = "expo.notifications.tasks.mark_notification_sent"


def notification_key(kind: str, *, booking=None, waitlist_entry=None, suffix: str = "") -> str:
    target = f"booking:{booking.pk}" if booking is not None else f"waitlist:{waitlist_entry.pk}"
    return f"{target}:{kind}{':' + suffix if suffix else ''}"


def notification_to_person_add(
    kind: str, *, key: str, user=None, email: str = "", context: dict | None = None
) -> None:
    """Record a message about no booking (an invitation, a proposal decision).

    `key` names the event that causes it (e.g. ``invitation:12``) so it is sent once.
    Precondition: inside the transaction that makes the change.
    """
    assert connection.in_atomic_block, "outbox rows must be written in the change's transaction"
    Notification.objects.bulk_create(
        [Notification(key=key, kind=kind, user=user, email=email, context=context or {})],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: publisher.publish([key]))


# A person's own account mails: at most one of a kind in this time, so a script cannot
# use sign-up, "resend" or "forgot password" to flood someone's inbox.
ACCOUNT_MAIL_INTERVAL = {
    EMAIL_VERIFICATION: timedelta(minutes=5),
    PASSWORD_RESET: timedelta(minutes=5),
    REGISTRATION_ATTEMPT: timedelta(hours=1),
}


def account_mail_add(*, user, kind: str, now: datetime) -> bool:
    """Queue a mail to the person's own address; False when one of the kind just went.

    Precondition: inside the transaction that makes the change.
    """
    recent = Notification.objects.filter(
        user=user, kind=kind, created_at__gt=now - ACCOUNT_MAIL_INTERVAL[kind]
    )
    if recent.exists():
        return False
    notification_to_person_add(kind, key=f"user:{user.pk}:{kind}:{secrets.token_hex(8)}", user=user)
    return True


def login_link_mail_add(*, user, email: str, context: dict) -> bool:
    """Queue a sign-in link to `email`, whether or not an account uses it yet.

    `context` holds the link's seed and expiry, never its token (expo/core/secret_links.py).
    How many links an address may get is the caller's rule (`login_link_request`).
    Precondition: inside the transaction that stores the link.
    """
    kind = LOGIN_LINK
    key = f"login-link:{secrets.token_hex(12)}"
    notification_to_person_add(kind, key=key, user=user, email=email, context=context)
    return True


def notifications_add(
    kind: str,
    *,
    bookings: Iterable = (),
    waitlist_entries: Iterable = (),
    suffix: str = "",
) -> None:
    """Record messages to send once the caller's transaction commits.

    Precondition: the caller is inside the transaction that makes the change, so the
    rows commit (or vanish) with it. A message recorded twice stays one row. The
    bookings and waitlist entries are the bookings app's; `kind` is one it registered.
    """
    rows = notification_rows(
        kind, bookings=bookings, waitlist_entries=waitlist_entries, suffix=suffix
    )
    if rows:
        rows_insert(rows, ignore_conflicts=True)
        notifications_written(rows)


def notification_rows(
    kind: str,
    *,
    bookings: Iterable = (),
    waitlist_entries: Iterable = (),
    suffix: str = "",
) -> list[Notification]:
    """The rows `notifications_add` writes, for a caller that writes them with its own
    rows in one statement (conflicts ignored), then calls `notifications_written`."""
    assert connection.in_atomic_block, "outbox rows must be written in the change's transaction"
    return [
        Notification(
            key=notification_key(kind, booking=booking, suffix=suffix), kind=kind, booking=booking
        )
        for booking in bookings
    ] + [
        Notification(
            key=notification_key(kind, waitlist_entry=entry, suffix=suffix),
            kind=kind,
            waitlist_entry=entry,
        )
        for entry in waitlist_entries
    ]


def notifications_written(rows: list[Notification]) -> None:
    """Publish the rows once the transaction that wrote them commits."""
    keys = [row.key for row in rows]
    transaction.on_commit(lambda: publisher.publish(keys))


def notifications_queue(keys: list[str]) -> None:
    """Hand rows to Celery; with the broker down they stay pending for the sweep.

    A lone row is a task of its own; more go in tasks of NOTIFICATION_BATCH_SIZE rows,
    each sent over one SMTP connection.
    """
    from kombu.exceptions import OperationalError

    if len(keys) == 1:
        task, batches = current_app.tasks[DELIVER_TASK], [keys[0]]
    else:
        size = settings.NOTIFICATION_BATCH_SIZE
        task = current_app.tasks[DELIVER_BATCH_TASK]
        batches = [keys[start : start + size] for start in range(0, len(keys), size)]
    for batch in batches:
        try:
            task.delay(batch)
        except OperationalError:  # broker down: the rest stay pending for the sweep too
            logger.warning("could not queue notification %s; the sweep will send it", batch)
            return
        except Exception:
            logger.exception("delivering notification %s failed; the sweep will retry it", batch)


# Commit hooks hand keys to it, not to `notifications_queue` directly (publisher.py).
publisher = Publisher(hand_on=notifications_queue)


def notification_mark_sent_later(key: str, sent_at: datetime) -> None:
    """Leave a `sent` mark the database refused to a task that retries until it sticks.

    With the broker down too, the row stays `sending` and the sweep sends it once more.
    """
    try:
        current_app.tasks[MARK_SENT_TASK].delay(key, sent_at.isoformat())
    except Exception:
        logger.exception("could not queue the sent mark of notification %s", key)
