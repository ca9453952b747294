from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from expo.bookings.models import Booking, Ticket
from expo.bookings.selectors import session_attendance
from expo.events.models import Venue
from expo.events.serializers import (
    ExhibitorRefSerializer,
    SessionFieldsSerializer,
    StaffSessionSerializer,
    VenueRefSerializer,
)
from expo.exhibitors.models import Exhibitor, Invitation, Lead, LeadConsent, Membership, Stand
from expo.exhibitors.selectors import attendee_name_shared

# --- Public catalogue -------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
        "example": "09:30:00",
        "description": "Wall-clock time at the venue (Europe/Stockholm), without an offset.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day at the venue. Not OpenAPI's `time` format: that is RFC 3339's
    `full-time`, which requires a UTC offset that opening hours do not have."""


class StandSerializer(serializers.ModelSerializer):
    venue = VenueRefSerializer(read_only=True)
    opens_at = LocalTimeField(allow_null=True, read_only=True)
    closes_at = LocalTimeField(allow_null=True, read_only=True)

    class Meta:
        model = Stand
        fields = ["id", "code", "venue", "opens_at", "closes_at"]


class ExhibitorSerializer(serializers.ModelSerializer):
    stands = StandSerializer(many=True, read_only=True)

    class Meta:
        model = Exhibitor
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "description_sv",
            "description_en",
            "website",
            "logo",
            "contact_email",
            "stands",
        ]


# --- Portal: organisation ------------------------------------------------------------------


# A plain string, not an enum: `status` names other choice sets in the schema already.
EXHIBITOR_STATUS_HELP = "`active` (in the public catalogue) or `hidden`."
MY_ROLE_HELP = "My role in the organisation: `owner` (manages members) or `member`."


class MyExhibitorSerializer(serializers.ModelSerializer):
    """One of my organisations; expects `member_exhibitors()`'s `my_role`."""

    status = serializers.CharField(read_only=True, help_text=EXHIBITOR_STATUS_HELP)
    role = serializers.ChoiceField(
        source="my_role", choices=Membership.Role.choices, read_only=True, help_text=MY_ROLE_HELP
    )

    class Meta:
        model = Exhibitor
        fields = ["id", "slug", "name", "status", "role"]


class ExhibitorProfileSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=EXHIBITOR_STATUS_HELP)
    role = serializers.ChoiceField(
        source="my_role", choices=Membership.Role.choices, read_only=True, help_text=MY_ROLE_HELP
    )
    stands = serializers.SerializerMethodField()

    class Meta:
        model = Exhibitor
        fields = [
            "id",
            "slug",
            "name",
            "status",
            "description_sv",
            "description_en",
            "website",
            "logo",
            "contact_email",
            "contact_phone",
            "stands",
            "role",
        ]

    def get_stands(self, exhibitor) -> list[dict]:
        stands = exhibitor.stands.select_related("venue")
        return StandSerializer(stands, many=True, context=self.context).data


class ExhibitorProfileInputSerializer(serializers.Serializer):
    """`logo`: a file in a multipart request replaces the logo; null (or an empty
    multipart field) removes it."""

    name = serializers.CharField(max_length=200, required=False)
    description_sv = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description_en = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    website = serializers.URLField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    logo = serializers.FileField(required=False, allow_null=True, allow_empty_file=False)


class StandInputSerializer(serializers.Serializer):
    venue = serializers.SlugRelatedField(slug_field="slug", queryset=Venue.objects.all())
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$", max_length=20)
    opens_at = LocalTimeField(required=False, allow_null=True)
    closes_at = LocalTimeField(required=False, allow_null=True)


# --- Portal: members and invitations ----------------------------------------------------------


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class MemberSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)


class MemberRoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "created_at", "expires_at"]

    def get_invited_by(self, invitation) -> str:
        inviter = invitation.invited_by
        return (inviter.name or inviter.email) if inviter else ""


class InvitationPreviewSerializer(serializers.ModelSerializer):
    """What the accept page shows to whoever holds the link."""

    exhibitor = ExhibitorRefSerializer(read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["exhibitor", "email", "role", "expires_at", "state"]

    def get_state(self, invitation) -> str:
        if invitation.accepted_at is not None:
            return "accepted"
        return "expired" if invitation.expires_at <= timezone.now() else "open"


# --- Portal: sessions ----------------------------------------------------------------------


class ProposalInputSerializer(SessionFieldsSerializer):
    """A session an exhibitor proposes (all required fields) or edits (`partial=True`).
    Host, status and the no-show rule are not theirs to set."""

    capacity = serializers.IntegerField(min_value=1, max_value=100_000)


class HostedSessionSerializer(StaffSessionSerializer):
    """An own session as the exhibitor sees it: status and the staff's reason too."""


class AttendanceSerializer(serializers.Serializer):
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    booked = serializers.IntegerField()
    checked_in = serializers.IntegerField()
    inside = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    released = serializers.IntegerField()
    waitlist = serializers.IntegerField()
    waitlist_parties = serializers.IntegerField()


class HostedSessionDetailSerializer(HostedSessionSerializer):
    attendance = serializers.SerializerMethodField()

    class Meta(HostedSessionSerializer.Meta):
        fields = [*HostedSessionSerializer.Meta.fields, "attendance"]

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, session) -> dict:
        return session_attendance(session=session)


class AttendeeTicketSerializer(serializers.ModelSerializer):
    """A ticket of an own session; `attendee_name` is null unless its holder shares it
    (`attendee_name_shared`, with the booking in the context)."""

    attendee_name = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "attendee_name", "status", "checked_in", "first_checked_in_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attendee_name(self, ticket) -> str | None:
        return attendee_name_shared(self.context["booking"], ticket)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


def booking_shares_contact(booking) -> bool:
    """Expects `hosted_session_booking_list()`'s annotations."""
    return bool(booking.contact_consent and not booking.contact_withdrawn)


class HostedBookingSerializer(serializers.ModelSerializer):
    """A booking of an own session: attendee names always, the booker's contact only
    when they share it with this exhibitor."""

    contact = serializers.SerializerMethodField()
    tickets = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "reference",
            "status",
            "party_size",
            "created_at",
            "cancelled_at",
            "contact",
            "tickets",
        ]

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, booking) -> dict | None:
        if not booking_shares_contact(booking):
            return None
        return {"name": booking.visitor.name, "email": booking.visitor.email}

    @extend_schema_field(AttendeeTicketSerializer(many=True))
    def get_tickets(self, booking) -> list[dict]:
        tickets = AttendeeTicketSerializer(
            booking.tickets.all(), many=True, context={"booking": booking}
        )
        return tickets.data


# --- Portal: leads ---------------------------------------------------------------------------


class LeadCaptureInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=500, trim_whitespace=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class LeadNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, allow_blank=True)


class LeadSerializer(serializers.ModelSerializer):
    scanned_by = serializers.SerializerMethodField()
    withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "name",
            "email",
            "note",
            "scanned_by",
            "created_at",
            "updated_at",
            "withdrawn",
            "withdrawn_at",
        ]

    def get_scanned_by(self, lead) -> str:
        member = lead.scanned_by
        return (member.name or member.email) if member else ""

    def get_withdrawn(self, lead) -> bool:
        return lead.withdrawn_at is not None


# --- The visitor's side --------------------------------------------------------------------


class LeadConsentSerializer(serializers.Serializer):
    given = serializers.BooleanField()
    consented_at = serializers.DateTimeField(allow_null=True, read_only=True)

    @staticmethod
    def of(consent: LeadConsent | None) -> dict:
        return {
            "given": consent is not None,
            "consented_at": consent.consented_at if consent else None,
        }


class LeadConsentInputSerializer(serializers.Serializer):
    given = serializers.BooleanField()


class ContactHolderSerializer(serializers.ModelSerializer):
    """An organisation holding the visitor's contact; expects `contact_holder_list()`."""

    via = serializers.SerializerMethodField()
    lead_created_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Exhibitor
        fields = ["slug", "name", "via", "lead_created_at"]

    def get_via(self, exhibitor) -> list[str]:
        via = []
        if exhibitor.has_lead:
            via.append("stand_scan")
        if exhibitor.hosts_booking:
            via.append("session_booking")
        return via
