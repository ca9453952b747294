"""Entrance scanning: the gate decision, occupancy counters and offline sync.

docs/architecture.md, invariant 2: a ticket is admitted at most once per entry. The admission is one
conditional UPDATE (`checked_in = false` → `true`), so two gates scanning the same
ticket at the same instant admit it once; the venue's head count moves in the same
transaction with its own conditional UPDATE, so a full venue admits exactly up to
its limit. Signatures are checked before anything touches the database.

Offline scans are the device's word about the past, so the server bounds it: a batch's
`scanned_at` must lie between the device's previous upload (less the longest allowed
offline span) and the time of receipt (plus a small clock skew), and an offline
admission the server would have refused (outside the session's time, over the venue
limit) is stored flagged for staff review instead of counted (docs/api.md).
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expo.bookings.models import Ticket
from expo.bookings.services import walk_in_issue
from expo.bookings.ticket_codes import InvalidTicketCode, ticket_code_sign, ticket_code_verify
from expo.core import metrics
from expo.core.exceptions import InvalidInput, NotFound
from expo.core.queries import rows_insert
from expo.events.models import Entrance, Session, Venue
from expo.scanning.errors import NONCE_REFUSED, NonceTaken, WalkInNotAdmitted
from expo.scanning.models import Scan, ScanDevice
from expo.scanning.selectors import scan_subjects

ACCEPTED = Scan.Result.ACCEPTED
REJECTED = Scan.Result.REJECTED


@dataclass(frozen=True)
class ScanInput:
    code: str
    entrance_id: int
    direction: str
    nonce: str
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class OfflineWindow:
    """The times an uploading device's offline scans may claim."""

    earliest: datetime
    latest: datetime

    def refusal(self, when: datetime) -> str | None:
        if when < self.earliest:
            return "scanned_at_too_old"
        if when > self.latest:
            return "scanned_at_in_future"
        return None


def _result(status, reason=None, ticket=None, **extra) -> dict:
    body = {"status": status, "reason": reason, "ticket": _ticket_view(ticket) if ticket else None}
    body.update(extra)
    return body


def _counted(response: dict) -> dict:
    """The scan's result, counted for the metrics once it commits; a replay is not counted."""
    result = response["reason"] or response["status"]
    transaction.on_commit(lambda: metrics.SCANS.labels(result).inc())
    return response


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
    *,
    staff,
    scan: ScanInput,
    offline: bool = False,
    window: OfflineWindow | None = None,
    device: str = "",
    now: datetime | None = None,
) -> dict:
    """Decide one scan, apply it and store it; the same nonce replays the stored result.

    Online scans are judged at the server's clock; offline scans at their `scanned_at`,
    since that is when the gate let the person in or not, provided it lies in `window`.
    A nonce already used by another account raises `NonceTaken`.
    """
    now = now or timezone.now()
    when = scan.scanned_at if offline and scan.scanned_at else now
    try:
        claim = ticket_code_verify(scan.code)
    except InvalidTicketCode:
        # Forged or damaged codes never reach the database (nor fill it up).
        return _counted(_result(REJECTED, "invalid_signature"))

    try:
        with transaction.atomic():
            entrance, ticket = scan_subjects(
                entrance_id=scan.entrance_id,
                ticket_id=claim.ticket_id,
                session_id=claim.session_id,
            )
            if entrance is None:
                raise InvalidInput(fields={"entrance": ["Unknown entrance."]})
            refusal = window.refusal(when) if offline and window else None
            if refusal:
                # The claimed time is stored as sent, for whoever looks into it.
                response = _result(REJECTED, refusal, ticket)
            else:
                response = _decide(ticket, entrance, scan.direction, when, offline, now)
            flagged = response.get("flagged", False)
            record = Scan(
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
                device=device,
                flagged=flagged,
            )
            rows_insert([record])
    except IntegrityError:
        # This nonce was scanned before (a retry, a re-sent batch): everything above was
        # rolled back and the first result is the answer, to the account that scanned it
        # only. Replays are rare, so the hot path does not look the nonce up first.
        stored = Scan.objects.filter(nonce=scan.nonce).values("scanned_by_id", "response")
        stored = stored.first()
        if stored is None or stored["scanned_by_id"] != staff.pk:
            raise NonceTaken() from None
        return stored["response"]
    return _counted(response)


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


def _flagged(reason: str, ticket) -> dict:
    """An offline admission the server would have refused: the gate already let the
    person in, so it is kept for staff review, but neither the ticket nor the venue's
    head count treats it as an admission."""
    return _result(REJECTED, reason, ticket, flagged=True)


def _enter(ticket, entrance, when, offline, now) -> dict:
    session = ticket.session
    opens = session.starts_at - timedelta(minutes=settings.SCAN_OPENS_MINUTES_BEFORE_START)
    outside = "too_early" if when < opens else "too_late" if when > session.ends_at else None
    if outside:
        return _flagged(outside, ticket) if offline else _result(REJECTED, outside, ticket)
    at = connection.ops.adapt_datetimefield_value(when)
    admitted = _execute("admit", [at, entrance.pk, at, ticket.pk, Ticket.Status.VALID])
    if admitted and not _count_in(entrance.venue, now=now):
        # Undo the admission; `ticket` still holds the values read before it.
        Ticket.objects.filter(pk=ticket.pk).update(
            checked_in=False,
            first_checked_in_at=ticket.first_checked_in_at,
            first_entrance_id=ticket.first_entrance_id,
            last_scan_at=ticket.last_scan_at,
        )
        return (
            _flagged("venue_full", ticket) if offline else _result(REJECTED, "venue_full", ticket)
        )
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


def _count_in(venue: Venue, *, now: datetime) -> bool:
    """One more person inside; False when the venue is full."""
    name = "count_in" if venue.max_occupancy is None else "count_in_below_limit"
    return bool(_execute(name, [connection.ops.adapt_datetimefield_value(now), venue.pk]))


@functools.cache
def _statements() -> dict[str, str]:
    """The admission's two UPDATEs, by hand: through the ORM each cost several times its
    CPU in the database (bench/profile_hot_paths.py)."""
    tickets = connection.ops.quote_name(Ticket._meta.db_table)
    venues = connection.ops.quote_name(Venue._meta.db_table)
    count_in = f"UPDATE {venues} SET inside = inside + 1, inside_updated_at = %s WHERE id = %s"  # noqa: S608
    return {
        # `checked_in = false` -> `true` admits once (invariant 2); the first admission's
        # time and gate are kept through later exits and re-entries.
        "admit": f"UPDATE {tickets} SET checked_in = TRUE,"  # noqa: S608
        " first_checked_in_at = COALESCE(first_checked_in_at, %s),"
        " first_entrance_id = COALESCE(first_entrance_id, %s), last_scan_at = %s"
        " WHERE id = %s AND status = %s AND NOT checked_in",
        "count_in": count_in,
        "count_in_below_limit": f"{count_in} AND inside < max_occupancy",
    }


def _execute(statement: str, params: list) -> int:
    """Run one of `_statements()`; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(_statements()[statement], params)
        return cursor.rowcount


def ticket_scan_batch(
    *, staff, scans: list[ScanInput], device: str = "", now: datetime | None = None
) -> list[dict]:
    """Upload of scans made offline: judged in `scanned_at` order, answered in input order.

    Ordering by the time each scan happened makes conflicts deterministic: when two
    gates admitted the same ticket offline, the earliest admission wins and the later
    one is reported as `already_checked_in`. Nonces of another account refuse the whole
    batch before anything is scanned (`NonceTaken`, naming the items).
    """
    now = now or timezone.now()
    _refuse_foreign_nonces(staff, scans)
    window = scan_device_sync(staff=staff, device=device, now=now)
    order = sorted(range(len(scans)), key=lambda i: (scans[i].scanned_at or now, i))
    results: list[dict | None] = [None] * len(scans)
    for index in order:
        results[index] = ticket_scan(
            staff=staff, scan=scans[index], offline=True, window=window, device=device, now=now
        )
    return results


def _refuse_foreign_nonces(staff, scans: list[ScanInput]) -> None:
    taken = set(
        Scan.objects.filter(nonce__in={scan.nonce for scan in scans})
        .exclude(scanned_by=staff)
        .values_list("nonce", flat=True)
    )
    if taken:
        # The shape of a serializer's list errors: one entry per item, empty when fine.
        items = [{"nonce": [NONCE_REFUSED]} if scan.nonce in taken else {} for scan in scans]
        raise NonceTaken(fields={"scans": items})


@transaction.atomic
def scan_device_sync(*, staff, device: str, now: datetime) -> OfflineWindow:
    """Record an upload from `device` (or the account, without one) and return the
    window its scans must lie in.

    A device only holds scans made since it last uploaded; the offline span on top
    covers a queue sent in several batches and a clock that drifted. A device never
    seen may hold scans from the span before now.
    """
    record, created = ScanDevice.objects.select_for_update().get_or_create(
        staff=staff, device=device, defaults={"last_sync_at": now}
    )
    previous = now if created else min(record.last_sync_at, now)
    if not created and record.last_sync_at < now:
        record.last_sync_at = now
        record.save(update_fields=["last_sync_at"])
    return OfflineWindow(
        earliest=previous - timedelta(minutes=settings.SCAN_MAX_OFFLINE_MINUTES),
        latest=now + timedelta(seconds=settings.SCAN_CLOCK_SKEW_SECONDS),
    )


@transaction.atomic
def scans_mark_reviewed(*, scan_ids, by, now: datetime | None = None) -> int:
    """Staff have looked at flagged scans; returns how many were still open."""
    return Scan.objects.filter(pk__in=scan_ids, flagged=True, reviewed_at__isnull=True).update(
        reviewed_at=now or timezone.now(), reviewed_by=by
    )


@dataclass(frozen=True)
class WalkIn:
    ticket: Ticket
    code: str
    scan: dict


@transaction.atomic
def walk_in_admit(
    *,
    staff,
    entrance_id: int,
    session_id: int,
    name: str,
    email: str = "",
    now: datetime | None = None,
) -> WalkIn:
    """Issue a walk-in's ticket at an entrance and let them in with it, or neither.

    The admission is an ordinary scan (`ticket_scan`), so the venue's limit applies;
    a refused one rolls the ticket and its seat back.
    """
    now = now or timezone.now()
    entrance = Entrance.objects.filter(pk=entrance_id).first()
    if entrance is None:
        raise NotFound()
    if not Session.objects.filter(pk=session_id, venue_id=entrance.venue_id).exists():
        raise InvalidInput(fields={"session": [_("Not a session at this entrance's venue.")]})
    ticket = walk_in_issue(session_id=session_id, staff=staff, name=name, email=email, now=now)
    code = ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)
    scan = ScanInput(
        code=code,
        entrance_id=entrance.pk,
        direction=Scan.Direction.IN,
        nonce=f"walk-in:{uuid.uuid4().hex}",
    )
    result = ticket_scan(staff=staff, scan=scan, now=now)
    if result["status"] != ACCEPTED:
        raise WalkInNotAdmitted(extra={"reason": result["reason"]})
    ticket.refresh_from_db()
    return WalkIn(ticket=ticket, code=code, scan=result)
