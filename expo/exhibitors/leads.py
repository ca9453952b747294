"""Leads: visitors met at the stand who agreed to be contacted, and their say over it.

Consent is per account (`LeadConsent`): one opt-in covers every stand that scans the
visitor's ticket and the hosts of the sessions they book. Three writes touch a
visitor's leads: `lead_capture`, `lead_consent_set` and `contact_withdraw`; each locks
the visitor's consent row first, so a withdrawal and a scan at the same moment are
ordered, and a withdrawal never leaves a contact behind.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from expo.accounts.models import User
from expo.bookings.models import Ticket
from expo.bookings.ticket_codes import InvalidTicketCode as _BadCode
from expo.bookings.ticket_codes import ticket_code_verify
from expo.core.exceptions import NotFound
from expo.exhibitors.errors import InvalidTicketCode, NoConsent, UnknownTicket
from expo.exhibitors.models import ContactWithdrawal, Exhibitor, Lead, LeadConsent
from expo.exhibitors.selectors import ticket_names_someone_else

NOTE_SEPARATOR = "\n"


@dataclass(frozen=True)
class LeadCaptured:
    lead: Lead
    created: bool


def _note_join(old: str, new: str) -> str:
    new = new.strip()
    if not new or new in old:
        return old
    return f"{old}{NOTE_SEPARATOR}{new}" if old else new


@transaction.atomic
def lead_capture(
    *,
    exhibitor: Exhibitor,
    code: str,
    note: str = "",
    scanned_by: User,
    now: datetime | None = None,
) -> LeadCaptured:
    """A member scans a visitor's ticket at the stand.

    The ticket code is verified like at the gates; the lead is kept only if the ticket's
    account holder has opted in and has not withdrawn from this exhibitor. Scanning the
    same visitor again returns their lead, with the new note added.

    The visitor's consent row is locked first, as `lead_consent_set` and
    `contact_withdraw` do, so a withdrawal in flight either comes first (no lead) or
    waits and then wipes the lead made here.
    """
    now = now or timezone.now()
    try:
        claim = ticket_code_verify(code)
    except _BadCode as exc:
        raise InvalidTicketCode() from exc
    ticket = (
        Ticket.objects.select_related("booking__visitor")
        .filter(
            pk=claim.ticket_id,
            session_id=claim.session_id,
            session__expo_id=exhibitor.expo_id,
        )
        .first()
    )
    if ticket is None:
        raise UnknownTicket()
    visitor = ticket.booking.visitor
    consent = LeadConsent.objects.select_for_update().filter(user=visitor).first()
    if (
        consent is None
        or not visitor.is_active
        or visitor.erased_at is not None
        or ContactWithdrawal.objects.filter(user=visitor, exhibitor=exhibitor).exists()
        or ticket_names_someone_else(ticket, visitor)
    ):
        raise NoConsent()

    existing = _open_lead_locked(exhibitor, visitor)
    if existing is None:
        try:
            with transaction.atomic():
                lead = Lead.objects.create(
                    exhibitor=exhibitor,
                    visitor=visitor,
                    ticket=ticket,
                    name=visitor.name,
                    email=visitor.email,
                    note=note.strip(),
                    scanned_by=scanned_by,
                    consented_at=consent.consented_at,
                )
            return LeadCaptured(lead=lead, created=True)
        except IntegrityError:
            # A colleague scanned the same visitor at the same instant: one lead.
            existing = _open_lead_locked(exhibitor, visitor)
    existing.note = _note_join(existing.note, note)
    existing.save(update_fields=["note", "updated_at"])
    return LeadCaptured(lead=existing, created=False)


def _open_lead_locked(exhibitor: Exhibitor, visitor: User) -> Lead | None:
    return (
        Lead.objects.select_for_update(of=("self",))
        .select_related("scanned_by")
        .filter(exhibitor=exhibitor, visitor=visitor, withdrawn_at__isnull=True)
        .first()
    )


@transaction.atomic
def lead_note_update(*, lead: Lead, note: str) -> Lead:
    if lead.withdrawn_at is not None:
        raise NotFound()  # nothing about the person may be added back
    lead.note = note.strip()
    lead.save(update_fields=["note", "updated_at"])
    return lead


@transaction.atomic
def lead_delete(*, lead: Lead) -> None:
    lead.delete()


def leads_wipe(leads, now: datetime) -> int:
    """Withdrawn leads keep their row (the exhibitor's count stays honest) and nothing
    that points at the person."""
    return leads.filter(withdrawn_at__isnull=True).update(
        visitor=None, ticket=None, name="", email="", note="", withdrawn_at=now
    )


@transaction.atomic
def lead_consent_set(*, user: User, given: bool, now: datetime | None = None) -> LeadConsent | None:
    """Opt in to sharing name and e-mail with exhibitors, or opt out.

    Opting out is a withdrawal of consent: every lead the visitor gave loses their
    contact, and session hosts no longer see their e-mail. Opting in again keeps the
    per-exhibitor withdrawals.
    """
    now = now or timezone.now()
    consent = LeadConsent.objects.select_for_update().filter(user=user).first()
    if given:
        if consent is not None:
            return consent
        try:
            with transaction.atomic():
                return LeadConsent.objects.create(user=user, consented_at=now)
        except IntegrityError:  # the same opt-in from a second tab at the same moment
            return LeadConsent.objects.get(user=user)
    if consent is not None:
        consent.delete()
    leads_wipe(Lead.objects.filter(visitor=user), now)
    return None


@transaction.atomic
def contact_withdraw(*, user: User, exhibitor: Exhibitor, now: datetime | None = None) -> None:
    """The visitor tells one exhibitor to forget them: its leads lose their contact, it
    cannot scan them as a lead again and sees no e-mail of theirs on attendee lists."""
    now = now or timezone.now()
    LeadConsent.objects.select_for_update().filter(user=user).first()  # see lead_capture
    ContactWithdrawal.objects.get_or_create(
        user=user, exhibitor=exhibitor, defaults={"withdrawn_at": now}
    )
    leads_wipe(Lead.objects.filter(visitor=user, exhibitor=exhibitor), now)


def contact_erase(*, user: User, now: datetime | None = None) -> None:
    """For `user_erase`: no consent left, no lead that names the person.

    Precondition: inside the erasure's transaction.
    """
    assert connection.in_atomic_block
    lead_consent_set(user=user, given=False, now=now)
