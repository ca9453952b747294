"""The expo the benchmarks rush: sessions to book, tickets to scan, accounts with tokens.

Rows are written in bulk, as a migration would, because tens of thousands of visitors
booked one by one would take longer than the measurements themselves. Each visitor is
used for one booking only, so every request is a fresh visitor (no "already booked").
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from knox.models import AuthToken, get_digest_token
from knox.settings import CONSTANTS

from expo.accounts.models import User
from expo.bookings.models import Booking, Ticket
from expo.bookings.ticket_codes import ticket_code_sign
from expo.core.permissions import GATE_STAFF, VISITOR
from expo.events.models import Entrance, Expo, Session, Venue

BATCH = 5000


@dataclass
class Rush:
    hot_session: int
    spread_sessions: list[int]
    crowd_session: int
    venue: int
    entrances: list[int]
    gate_ids: list[int]
    visitor_tokens: list[str]
    gate_tokens: list[str]
    ticket_codes: list[str]
    ticket_ids: list[int]
    sql_users: tuple[int, int]


def _accounts_with_tokens(prefix: str, count: int, role: str, progress) -> list[str]:
    group, _ = Group.objects.get_or_create(name=role)
    tokens = []
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        users = User.objects.bulk_create(
            [
                User(email=f"{prefix}{start + i}@bench.example", name=f"{prefix} {start + i}")
                for i in range(size)
            ]
        )
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users]
        )
        rows = []
        for user in users:
            # Only the digest is stored (django-rest-knox); the client keeps the token.
            digest, token = get_digest_token()
            tokens.append(token)
            rows.append(
                AuthToken(
                    digest=digest,
                    token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                    user=user,
                    expiry=timezone.now() + timedelta(days=2),
                )
            )
        AuthToken.objects.bulk_create(rows)
        progress(size)
    return tokens


def _sessions(expo, venue, *, count: int, starts, capacity: int, title: str) -> list[Session]:
    return Session.objects.bulk_create(
        [
            Session(
                expo=expo,
                venue=venue,
                title_sv=f"{title} {i}",
                starts_at=starts + timedelta(minutes=5 * i),
                ends_at=starts + timedelta(minutes=5 * i + 45),
                capacity=capacity,
                status=Session.Status.PUBLISHED,
            )
            for i in range(count)
        ]
    )


def _tickets_to_scan(session: Session, visitor_ids: list[int], progress) -> list[Ticket]:
    """One booked, unused ticket per visitor, on a session whose doors are open now."""
    tickets = []
    for start in range(0, len(visitor_ids), BATCH):
        chunk = visitor_ids[start : start + BATCH]
        bookings = Booking.objects.bulk_create(
            [
                Booking(
                    reference=f"B-{start + index:09d}",
                    visitor_id=visitor_id,
                    session=session,
                    party_size=1,
                )
                for index, visitor_id in enumerate(chunk)
            ]
        )
        tickets += Ticket.objects.bulk_create(
            [Ticket(booking=booking, session=session) for booking in bookings]
        )
        progress(len(chunk))
    Session.objects.filter(pk=session.pk).update(seats_taken=len(visitor_ids))
    return tickets


def rush_prepare(*, visitors: int, tickets: int, gates: int, spread: int, progress) -> Rush:
    """Write the rush's expo; `progress(n)` is told of every n rows of accounts and tickets."""
    today = timezone.localdate()
    expo = Expo.objects.create(name="Bench", slug="bench", starts_on=today, ends_on=today)
    venue = Venue.objects.create(expo=expo, name="Arena", slug="arena")
    entrances = Entrance.objects.bulk_create(
        [Entrance(venue=venue, name=f"Gate {i + 1}") for i in range(gates)]
    )
    tomorrow = timezone.now() + timedelta(days=1)
    hot = _sessions(expo, venue, count=1, starts=tomorrow, capacity=10_000_000, title="Hot")[0]
    crowd = _sessions(expo, venue, count=1, starts=tomorrow, capacity=100, title="Crowd")[0]
    spread_sessions = _sessions(
        expo,
        venue,
        count=spread,
        starts=tomorrow + timedelta(days=1),
        capacity=100_000,
        title="Spread",
    )
    doors_open = _sessions(
        expo,
        venue,
        count=1,
        starts=timezone.now() - timedelta(minutes=10),
        capacity=tickets,
        title="Now",
    )[0]
    Session.objects.filter(pk=doors_open.pk).update(ends_at=timezone.now() + timedelta(hours=8))

    visitor_tokens = _accounts_with_tokens("visitor", visitors, VISITOR, progress)
    gate_tokens = _accounts_with_tokens("gate", gates, GATE_STAFF, progress)
    gate_ids = list(
        User.objects.filter(email__startswith="gate").order_by("pk").values_list("pk", flat=True)
    )
    holders = User.objects.bulk_create(
        [User(email=f"holder{i}@bench.example") for i in range(tickets)], batch_size=BATCH
    )
    scanned = _tickets_to_scan(doors_open, [user.pk for user in holders], progress)
    codes = [ticket_code_sign(ticket_id=t.pk, session_id=t.session_id) for t in scanned]
    return Rush(
        hot_session=hot.pk,
        spread_sessions=[session.pk for session in spread_sessions],
        crowd_session=crowd.pk,
        venue=venue.pk,
        entrances=[entrance.pk for entrance in entrances],
        gate_ids=gate_ids,
        visitor_tokens=visitor_tokens,
        gate_tokens=gate_tokens,
        ticket_codes=codes,
        ticket_ids=[ticket.pk for ticket in scanned],
        sql_users=(holders[0].pk, holders[-1].pk),
    )
