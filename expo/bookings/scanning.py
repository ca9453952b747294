"""Entrance scanning: the gate decision, occupancy counters and offline sync.

Invariant 2: a ticket is admitted at most once per entry. The admission is one
conditional UPDATE (`checked_in = false` → `true`), so two gates scanning the same
ticket at the same instant admit it once; the venue's head count moves in the same
transaction with its own conditional UPDATE, so a full venue admits exactly up to
its limit. Signatures are checked before anything touches the database.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from expo.bookings.models import Scan, Ticket
from expo.bookings.ticket_codes import InvalidTicketCode, ticket_code_verify
from expo.core.exceptions import InvalidInput
from expo.events.models import Entrance, Venue

ACCEPTED = Scan.Result.ACCEPTED
REJECTED = Scan.Result.REJECTED


@dataclass(frozen=True)
class ScanInput:
    code: str
    entrance_id: int
    direction: str
    nonce: str
    scanned_at: datetime | None = None


def _result(status, reason=None, ticket=None, **extra) -> dict:
    body = {"status": status, "reason": reason, "ticket": _ticket_view(ticket) if ticket else None}
    body.update(extra)
    return body


def _ticket_view(ticket: Ticket) -> dict:
    session = ticket.session
    return {
        "id": ticket.pk,
        "attendee_name": ticket.attendee_name,
        "booking_reference": ticket.booking.reference,
        "session": {
            "id": session.pk,
            "title": session.title,
            "starts_at": session.starts_at.isoformat(),
        },
    }


def ticket_scan(
    *, staff, scan: ScanInput, offline: bool = False, now: datetime | None = None
) -> dict:
    """Decide one scan, apply it and store it; the same nonce replays the stored result.

    Online scans are judged at the server's clock; offline scans at their `scanned_at`,
    since that is when the gate let the person in or not.
    """
    now = now or timezone.now()
    when = scan.scanned_at if offline and scan.scanned_at else now
    try:
        claim = ticket_code_verify(scan.code)
    except InvalidTicketCode:
        # Forged or damaged codes never reach the database (nor fill it up).
        return _result(REJECTED, "invalid_signature")

    entrance = Entrance.objects.select_related("venue").filter(pk=scan.entrance_id).first()
    if entrance is None:
        raise InvalidInput(fields={"entrance": ["Unknown entrance."]})
    try:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_related("booking", "session")
                .filter(pk=claim.ticket_id, session_id=claim.session_id)
                .first()
            )
            response = _decide(ticket, entrance, scan.direction, when, offline, now)
            Scan.objects.create(
                nonce=scan.nonce,
                ticket=ticket,
                entrance=entrance,
                scanned_by=staff,
                direction=scan.direction,
                scanned_at=when,
                offline=offline,
                result=response["status"],
                reason=response["reason"] or "",
                response=response,
            )
    except IntegrityError:
        # This nonce was scanned before (a retry, a re-sent batch): everything above was
        # rolled back and the first result is the answer. Replays are rare, so the hot
        # path does not look the nonce up first.
        return Scan.objects.get(nonce=scan.nonce).response
    return response


def _decide(ticket, entrance, direction, when, offline, now) -> dict:
    if ticket is None:
        return _result(REJECTED, "unknown_ticket")
    if ticket.status != Ticket.Status.VALID:
        return _result(REJECTED, "cancelled", ticket)
    if ticket.session.venue_id != entrance.venue_id:
        return _result(REJECTED, "wrong_venue", ticket)
    if direction == Scan.Direction.OUT:
        return _exit(ticket, entrance, when, now)
    return _enter(ticket, entrance, when, offline, now)


def _enter(ticket, entrance, when, offline, now) -> dict:
    session = ticket.session
    opens = session.starts_at - timedelta(minutes=settings.SCAN_OPENS_MINUTES_BEFORE_START)
    if when < opens:
        return _result(REJECTED, "too_early", ticket)
    if when > session.ends_at:
        return _result(REJECTED, "too_late", ticket)
    admitted = Ticket.objects.filter(
        pk=ticket.pk, status=Ticket.Status.VALID, checked_in=False
    ).update(
        checked_in=True,
        first_checked_in_at=Coalesce(F("first_checked_in_at"), Value(when)),
        first_entrance_id=Coalesce(F("first_entrance_id"), Value(entrance.pk)),
        last_scan_at=when,
    )
    if admitted and not _count_in(entrance.venue, enforce_limit=not offline, now=now):
        # Undo the admission; `ticket` still holds the values read before it.
        Ticket.objects.filter(pk=ticket.pk).update(
            checked_in=False,
            first_checked_in_at=ticket.first_checked_in_at,
            first_entrance_id=ticket.first_entrance_id,
            last_scan_at=ticket.last_scan_at,
        )
        return _result(REJECTED, "venue_full", ticket)
    if not admitted:
        return _already_inside(ticket, when, offline)
    return _result(ACCEPTED, None, ticket)


def _already_inside(ticket, when, offline) -> dict:
    """The ticket is inside. An offline admission earlier than the recorded one wins."""
    first = Ticket.objects.values("first_checked_in_at", "first_entrance_id").get(pk=ticket.pk)
    extra = {}
    if offline and first["first_checked_in_at"] and when < first["first_checked_in_at"]:
        extra["conflict"] = "earlier_offline_admission"
    return _result(
        REJECTED,
        "already_checked_in",
        ticket,
        first_checked_in_at=first["first_checked_in_at"].isoformat()
        if first["first_checked_in_at"]
        else None,
        first_entrance=first["first_entrance_id"],
        **extra,
    )


def _exit(ticket, entrance, when, now) -> dict:
    if entrance.mode != Entrance.Mode.ENTRY_EXIT:
        return _result(REJECTED, "exit_not_allowed", ticket)
    left = Ticket.objects.filter(pk=ticket.pk, checked_in=True).update(
        checked_in=False, last_scan_at=when
    )
    if not left:
        return _result(REJECTED, "not_checked_in", ticket)
    Venue.objects.filter(pk=entrance.venue_id, inside__gt=0).update(
        inside=F("inside") - 1, inside_updated_at=now
    )
    return _result(ACCEPTED, None, ticket)


def _count_in(venue: Venue, *, enforce_limit: bool, now: datetime) -> bool:
    """One more person inside; False when the venue is full (online scans only)."""
    venues = Venue.objects.filter(pk=venue.pk)
    if enforce_limit and venue.max_occupancy is not None:
        venues = venues.filter(inside__lt=F("max_occupancy"))
    return bool(venues.update(inside=F("inside") + 1, inside_updated_at=now))


def ticket_scan_batch(*, staff, scans: list[ScanInput], now: datetime | None = None) -> list[dict]:
    """Upload of scans made offline: judged in `scanned_at` order, answered in input order.

    Ordering by the time each scan happened makes conflicts deterministic: when two
    gates admitted the same ticket offline, the earliest admission wins and the later
    one is reported as `already_checked_in`.
    """
    now = now or timezone.now()
    order = sorted(range(len(scans)), key=lambda i: (scans[i].scanned_at or now, i))
    results: list[dict | None] = [None] * len(scans)
    for index in order:
        results[index] = ticket_scan(staff=staff, scan=scans[index], offline=True, now=now)
    return results
