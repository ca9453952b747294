"""Reads about people."""

from django.db.models import Prefetch
from django.utils import timezone

from expo.accounts.models import User
from expo.bookings.models import Booking, Notification, Ticket, WaitlistEntry
from expo.core.permissions import user_roles
from expo.exhibitors.models import ContactWithdrawal, Lead, LeadConsent, Membership


def user_profile_get(*, user_id: int) -> User:
    """One person as ``/me/`` shows them, with the groups their roles come from loaded."""
    return User.objects.prefetch_related("groups").get(pk=user_id)


def user_get_by_calendar_token(*, token: str) -> User | None:
    """Whose secret calendar link this is; nobody's once rotated, deactivated or erased."""
    if not token:
        return None
    return User.objects.filter(calendar_token=token, is_active=True, erased_at__isnull=True).first()


def user_data_export(*, user: User) -> dict:
    """Everything held about a person, for the GDPR export (``GET /me/export/``).

    Scoped by `visitor=user` rather than the role-aware booking selectors: staff export
    their own data, not everyone's. A fixed number of queries whatever the history.
    """
    notifications = Prefetch("notifications", queryset=Notification.objects.order_by("created_at"))
    tickets = Prefetch("tickets", queryset=Ticket.objects.order_by("id"))
    profile = user_profile_get(user_id=user.pk)
    bookings = (
        Booking.objects.filter(visitor=user)
        .select_related("session__venue")
        .prefetch_related(tickets, notifications)
        .order_by("created_at", "pk")
    )
    entries = (
        WaitlistEntry.objects.filter(visitor=user)
        .select_related("session__venue", "booking")
        .prefetch_related(notifications)
        .order_by("created_at", "pk")
    )
    memberships = (
        Membership.objects.filter(user=user).select_related("exhibitor").order_by("created_at")
    )
    consent = LeadConsent.objects.filter(user=user).first()
    leads = Lead.objects.filter(visitor=user).select_related("exhibitor").order_by("created_at")
    withdrawals = (
        ContactWithdrawal.objects.filter(user=user)
        .select_related("exhibitor")
        .order_by("withdrawn_at")
    )
    return {
        "exported_at": timezone.now(),
        "profile": {
            "id": profile.pk,
            "email": profile.email,
            "name": profile.name,
            "language": profile.language,
            "date_joined": profile.date_joined,
            "last_login": profile.last_login,
            "roles": user_roles(profile),
        },
        "bookings": [
            {
                "reference": booking.reference,
                "status": booking.status,
                "party_size": booking.party_size,
                "created_at": booking.created_at,
                "cancelled_at": booking.cancelled_at,
                "session": _session_export(booking.session),
                "tickets": [
                    {
                        "id": ticket.pk,
                        "attendee_name": ticket.attendee_name,
                        "attendee_email": ticket.attendee_email,
                        "status": ticket.status,
                        "checked_in": ticket.checked_in,
                        "first_checked_in_at": ticket.first_checked_in_at,
                        "last_scan_at": ticket.last_scan_at,
                    }
                    for ticket in booking.tickets.all()
                ],
                "notifications": _notifications_export(booking),
            }
            for booking in bookings
        ],
        "waitlist_entries": [
            {
                "id": entry.pk,
                "status": entry.status,
                "party_size": entry.party_size,
                "created_at": entry.created_at,
                "offered_at": entry.offered_at,
                "offer_expires_at": entry.offer_expires_at,
                "booking": entry.booking.reference if entry.booking else None,
                "session": _session_export(entry.session),
                "notifications": _notifications_export(entry),
            }
            for entry in entries
        ],
        "exhibitor_memberships": [
            {
                "exhibitor": {"slug": membership.exhibitor.slug, "name": membership.exhibitor.name},
                "role": membership.role,
                "created_at": membership.created_at,
            }
            for membership in memberships
        ],
        "lead_sharing": {
            "consented_at": consent.consented_at if consent else None,
            "leads": [
                {
                    "exhibitor": {"slug": lead.exhibitor.slug, "name": lead.exhibitor.name},
                    "name": lead.name,
                    "email": lead.email,
                    "note": lead.note,
                    "created_at": lead.created_at,
                }
                for lead in leads
            ],
            "withdrawn_from": [
                {
                    "exhibitor": {"slug": w.exhibitor.slug, "name": w.exhibitor.name},
                    "withdrawn_at": w.withdrawn_at,
                }
                for w in withdrawals
            ],
        },
    }


def _session_export(session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue.name,
    }


def _notifications_export(target) -> list[dict]:
    """The e-mails about a booking or waitlist entry: what, whether and when sent."""
    return [
        {
            "kind": notification.kind,
            "status": notification.status,
            "created_at": notification.created_at,
            "sent_at": notification.sent_at,
        }
        for notification in target.notifications.all()
    ]
