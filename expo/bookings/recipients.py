"""Whom the expo mails on a visitor's behalf: nobody else until their address is verified.

A booking may name attendees with their own e-mail address; each would get their own
ticket mail, branded by the expo and quoting the booker's name. Without a rule that is a
relay for anyone with a fresh account. So an attendee's address is mailed only when the
booker has verified their own address, and one account has at most
MAX_ATTENDEE_RECIPIENTS_PER_DAY other addresses mailed in any 24 hours. Past that, the
booking still succeeds and the booker's own mail carries every ticket (docs/api.md).
The counts are the tickets marked `mail_attendee`, so they hold across processes.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models.functions import Lower

from expo.accounts.models import User
from expo.bookings.models import Ticket

WINDOW = timedelta(days=1)


def attendee_addresses_to_mail(*, visitor: User, emails: Sequence[str], now: datetime) -> set[str]:
    """Which of a new booking's attendee addresses (lower-case) get their own tickets.

    Precondition: the caller holds the visitor's row lock, so two bookings of one
    visitor cannot both take the last places under the cap.
    """
    assert connection.in_atomic_block
    own_email = visitor.email.lower()
    wanted = list(dict.fromkeys(e.lower() for e in emails if e and e.lower() != own_email))
    if not wanted:
        return set()
    # Read under the lock, not from the request's copy: verified now, not at log-in.
    verified_at = User.objects.values_list("email_verified_at", flat=True).get(pk=visitor.pk)
    if verified_at is None:
        return set()
    already = set(
        Ticket.objects.filter(
            booking__visitor=visitor, mail_attendee=True, booking__created_at__gt=now - WINDOW
        )
        .annotate(address=Lower("attendee_email"))
        .values_list("address", flat=True)
        .distinct()
    )
    room = max(0, settings.MAX_ATTENDEE_RECIPIENTS_PER_DAY - len(already))
    allowed = set()
    for email in wanted:
        if email in already:
            allowed.add(email)
        elif room:
            allowed.add(email)
            room -= 1
    return allowed
