"""Reads of exhibitor organisations.

docs/architecture.md, invariant 6, for exhibitors lives here: `member_exhibitors` is
the one query that decides
which organisations a person may act for. Every portal view starts from the exhibitor
that `exhibitor_for_member` hands back, and every read below it is scoped to that
exhibitor object, so no view filters by membership on its own.
"""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from expo.bookings.models import Booking, Ticket
from expo.core.exceptions import NotFound
from expo.core.permissions import EXHIBITOR, user_roles
from expo.events.models import Session
from expo.events.selectors import session_list
from expo.exhibitors.errors import OwnerRequired
from expo.exhibitors.models import (
    ContactWithdrawal,
    Exhibitor,
    Invitation,
    Lead,
    LeadConsent,
    Membership,
    Stand,
)


def exhibitor_public_list() -> QuerySet[Exhibitor]:
    return Exhibitor.objects.filter(status=Exhibitor.Status.ACTIVE).prefetch_related(
        "stands__venue"
    )


def exhibitor_guide_list(
    *, text: str = "", theme: str = "", venue: str = "", area: str = ""
) -> QuerySet[Exhibitor]:
    """The public guide: active exhibitors matching every filter given.

    Exhibitors carry no themes of their own; an exhibitor is "about" a theme when it
    hosts a published session with that theme. Venue and area are where its stands are.
    """
    exhibitors = Exhibitor.objects.filter(status=Exhibitor.Status.ACTIVE).prefetch_related(
        Prefetch("stands", queryset=Stand.objects.select_related("venue"))
    )
    for word in text.split():
        exhibitors = exhibitors.filter(name__icontains=word)
    if theme:
        exhibitors = exhibitors.filter(
            Exists(
                Session.objects.filter(
                    host=OuterRef("pk"), status=Session.Status.PUBLISHED, themes__slug=theme
                )
            )
        )
    if venue:
        exhibitors = exhibitors.filter(
            Exists(Stand.objects.filter(exhibitor=OuterRef("pk"), venue__slug=venue))
        )
    if area:
        exhibitors = exhibitors.filter(
            Exists(Stand.objects.filter(exhibitor=OuterRef("pk"), venue__area=area))
        )
    return exhibitors.order_by("name")


def exhibitor_public_get(*, slug: str) -> Exhibitor:
    exhibitor = exhibitor_guide_list().filter(slug=slug).first()
    if exhibitor is None:
        raise NotFound()
    return exhibitor


def exhibitor_upcoming_sessions(*, exhibitor: Exhibitor, now=None) -> QuerySet[Session]:
    """Published sessions the exhibitor hosts that have not ended, soonest first."""
    now = now or timezone.now()
    return (
        session_list(now=now)
        .filter(host=exhibitor, status=Session.Status.PUBLISHED, ends_at__gt=now)
        .order_by("starts_at", "pk")
    )


# --- The scope of a member ------------------------------------------------------------


def member_exhibitors(*, user) -> QuerySet[Exhibitor]:
    """The organisations `user` acts for, each annotated with `my_role`.

    A membership alone is not enough: the person must also hold the exhibitor role
    (`membership_add` grants it), so taking the role away shuts the portal at once.
    Expo staff are not members of anything by being staff; they manage exhibitors in
    the admin, and leads or attendee contacts shared with an exhibitor stay with it.
    """
    if not user.is_authenticated or EXHIBITOR not in user_roles(user):
        return Exhibitor.objects.none()
    mine = Membership.objects.filter(user=user, exhibitor=OuterRef("pk"))
    return (
        Exhibitor.objects.filter(Exists(mine))
        .annotate(my_role=Subquery(mine.values("role")[:1]))
        .order_by("name")
    )


def exhibitor_for_member(*, user, slug: str, owner: bool = False) -> Exhibitor:
    """The organisation `slug` if `user` acts for it; otherwise `NotFound`, whether or not
    it exists, so nobody learns which organisations there are. With `owner`, a plain
    member gets `OwnerRequired` (they know the organisation already)."""
    exhibitor = member_exhibitors(user=user).filter(slug=slug).first()
    if exhibitor is None:
        raise NotFound()
    if owner and exhibitor.my_role != Membership.Role.OWNER:
        raise OwnerRequired()
    return exhibitor


# --- Reads inside one organisation (the caller got it from `exhibitor_for_member`) -----


def stand_list(*, exhibitor: Exhibitor) -> QuerySet[Stand]:
    return Stand.objects.filter(exhibitor=exhibitor).select_related("venue")


def stand_get(*, exhibitor: Exhibitor, stand_id: int) -> Stand:
    stand = stand_list(exhibitor=exhibitor).filter(pk=stand_id).first()
    if stand is None:
        raise NotFound()
    return stand


def membership_list(*, exhibitor: Exhibitor) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(exhibitor=exhibitor)
        .select_related("user")
        .order_by("-role", "user__name", "user__email")  # owners first
    )


def invitation_open_list(*, exhibitor: Exhibitor) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        exhibitor=exhibitor, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def hosted_session_list(*, exhibitor: Exhibitor) -> QuerySet[Session]:
    """Every session the organisation hosts, in any status, with the programme's
    booking annotations."""
    return session_list(include_unpublished=True).filter(host=exhibitor)


def _ticket_count(**conditions) -> Coalesce:
    tickets = (
        Ticket.objects.filter(session=OuterRef("pk"), **conditions)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(tickets, output_field=IntegerField()), 0)


def hosted_session_attendance_list(*, exhibitor: Exhibitor) -> QuerySet[Session]:
    """Own sessions, soonest first, each with `n_booked`, `n_checked_in` and
    `n_unscanned` (valid tickets nobody has scanned: no-shows once the session began),
    counted in the one query, as `bookings.selectors.session_attendance` counts them."""
    return (
        hosted_session_list(exhibitor=exhibitor)
        .annotate(
            n_booked=_ticket_count(status=Ticket.Status.VALID),
            n_checked_in=_ticket_count(first_checked_in_at__isnull=False),
            n_unscanned=_ticket_count(status=Ticket.Status.VALID, first_checked_in_at__isnull=True),
        )
        .order_by("starts_at", "pk")
    )


def hosted_session_get(*, exhibitor: Exhibitor, session_id: int) -> Session:
    session = hosted_session_list(exhibitor=exhibitor).filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


def _contact_shared_annotations(exhibitor: Exhibitor, visitor_ref: str) -> dict:
    """`contact_consent` and `contact_withdrawn` for the person at `visitor_ref`."""
    return {
        "contact_consent": Exists(
            LeadConsent.objects.filter(
                user=OuterRef(visitor_ref), user__is_active=True, user__erased_at__isnull=True
            )
        ),
        "contact_withdrawn": Exists(
            ContactWithdrawal.objects.filter(user=OuterRef(visitor_ref), exhibitor=exhibitor)
        ),
    }


def hosted_session_booking_list(
    *, exhibitor: Exhibitor, session: Session, status: str | None = None
) -> QuerySet[Booking]:
    """Bookings of a hosted session with their tickets. Each booking says whether its
    visitor shares their contact with this exhibitor (`contact_consent` and not
    `contact_withdrawn`); serializers show the contact only then."""
    assert session.host_id == exhibitor.pk
    bookings = (
        Booking.objects.filter(session=session)
        .select_related("visitor")
        .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.order_by("id")))
        .annotate(**_contact_shared_annotations(exhibitor, "visitor"))
        .order_by("created_at", "id")
    )
    if status:
        bookings = bookings.filter(status=status)
    return bookings


def ticket_names_someone_else(ticket: Ticket, visitor) -> bool:
    """Consent is the account holder's. A ticket a party member carries under their own
    name or address is theirs, and they have not agreed to anything."""
    email = ticket.attendee_email.strip().lower()
    if email and email != visitor.email.lower():
        return True
    name = " ".join(ticket.attendee_name.split()).casefold()
    return bool(name) and name != " ".join(visitor.name.split()).casefold()


def attendee_name_shared(booking: Booking, ticket: Ticket) -> str | None:
    """The name on a ticket of a hosted session, as the host may see it: only the booker's
    own ticket, while they share their contact with this exhibitor (consent given, not
    withdrawn; `hosted_session_booking_list()`'s annotations). Their guests never agreed
    to anything, so theirs is never shown; the host sees the ticket, not the person."""
    shared = booking.contact_consent and not booking.contact_withdrawn
    if not shared or ticket_names_someone_else(ticket, booking.visitor):
        return None
    return ticket.attendee_name or None


def lead_list(*, exhibitor: Exhibitor) -> QuerySet[Lead]:
    return Lead.objects.filter(exhibitor=exhibitor).select_related("scanned_by")


def lead_get(*, exhibitor: Exhibitor, lead_id: int) -> Lead:
    lead = lead_list(exhibitor=exhibitor).filter(pk=lead_id).first()
    if lead is None:
        raise NotFound()
    return lead


# --- The visitor's side -----------------------------------------------------------------


def lead_consent_get(*, user) -> LeadConsent | None:
    return LeadConsent.objects.filter(user=user).first()


def contact_holder_list(*, user) -> QuerySet[Exhibitor]:
    """Organisations that hold the visitor's contact or can see it, and how:

    - `has_lead`: a stand scanned the visitor's ticket and kept a lead;
    - `hosts_booking`: with consent given, the hosts of sessions the visitor has a
      confirmed booking for see their name and e-mail on the attendee list.

    Organisations the visitor withdrew from are left out: they hold nothing any more.
    """
    active_leads = Lead.objects.filter(
        exhibitor=OuterRef("pk"), visitor=user, withdrawn_at__isnull=True
    )
    consented = LeadConsent.objects.filter(user=user).exists()
    hosted_bookings = Booking.objects.filter(
        session__host=OuterRef("pk"), visitor=user, status=Booking.Status.CONFIRMED
    )
    holds = Q(Exists(active_leads))
    hosts_booking = Value(False, output_field=BooleanField())
    if consented:
        holds |= Q(Exists(hosted_bookings))
        hosts_booking = Exists(hosted_bookings)
    return (
        Exhibitor.objects.filter(holds)
        .exclude(Exists(ContactWithdrawal.objects.filter(exhibitor=OuterRef("pk"), user=user)))
        .annotate(
            has_lead=Exists(active_leads),
            hosts_booking=hosts_booking,
            lead_created_at=Subquery(active_leads.values("created_at")[:1]),
        )
        .order_by("name")
    )
