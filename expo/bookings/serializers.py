from django.urls import reverse
from rest_framework import serializers

from expo.bookings.models import Booking, Ticket, WaitlistEntry
from expo.bookings.selectors import waitlist_position
from expo.bookings.ticket_codes import ticket_code_sign
from expo.core.queries import ID_MAX
from expo.events.models import Session
from expo.events.serializers import VenueRefSerializer


class AttendeeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class BookingCreateInputSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    party_size = serializers.IntegerField(min_value=1, max_value=100)
    attendees = AttendeeInputSerializer(many=True, required=False, default=list)

    def validate(self, data):
        if len(data["attendees"]) > data["party_size"]:
            raise serializers.ValidationError(
                {"attendees": ["More attendees than the party size."]}
            )
        return data


class SessionBriefSerializer(serializers.ModelSerializer):
    venue = VenueRefSerializer(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "title", "starts_at", "ends_at", "venue", "status"]


class TicketSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()
    qr_png_url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "attendee_name", "code", "qr_png_url", "status", "checked_in"]

    def get_code(self, ticket) -> str:
        return ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id)

    def get_qr_png_url(self, ticket) -> str:
        path = reverse("ticket-qr", kwargs={"ticket_id": ticket.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class BookingSerializer(serializers.ModelSerializer):
    """Documents `booking_representation`, which builds the body (tests hold them equal)."""

    session = SessionBriefSerializer(read_only=True)
    tickets = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "reference",
            "status",
            "session",
            "party_size",
            "tickets",
            "created_at",
            "cancelled_at",
        ]

    def get_tickets(self, booking) -> list[dict]:
        tickets = getattr(booking, "tickets_created", None) or booking.tickets.all()
        return TicketSerializer(tickets, many=True, context=self.context).data


# DRF's own formatting of times (ISO 8601, UTC written as Z), as the serializers use.
_time = serializers.DateTimeField().to_representation


def booking_representation(booking: Booking, *, request) -> dict:
    """What the API says about a booking, as `BookingSerializer` documents it.

    Built by hand: it answers every booking in a rush, and a ModelSerializer spends
    longer working out its fields from the models than the database spends on the
    booking (bench/profile_hot_paths.py).
    """
    session = booking.session
    venue = session.venue
    tickets = getattr(booking, "tickets_created", None) or booking.tickets.all()
    return {
        "reference": booking.reference,
        "status": booking.status,
        "session": {
            "id": session.pk,
            "title": session.title,
            "starts_at": _time(session.starts_at),
            "ends_at": _time(session.ends_at),
            "venue": {
                "id": venue.pk,
                "slug": venue.slug,
                "name": venue.name,
                "address": venue.address,
            },
            "status": session.status,
        },
        "party_size": booking.party_size,
        "tickets": [
            {
                "id": ticket.pk,
                "attendee_name": ticket.attendee_name,
                "code": ticket_code_sign(ticket_id=ticket.pk, session_id=ticket.session_id),
                "qr_png_url": request.build_absolute_uri(
                    reverse("ticket-qr", kwargs={"ticket_id": ticket.pk})
                ),
                "status": ticket.status,
                "checked_in": ticket.checked_in,
            }
            for ticket in tickets
        ],
        "created_at": _time(booking.created_at),
        "cancelled_at": booking.cancelled_at and _time(booking.cancelled_at),
    }


class WaitlistJoinInputSerializer(serializers.Serializer):
    party_size = serializers.IntegerField(min_value=1, max_value=100)


class WaitlistEntrySerializer(serializers.ModelSerializer):
    position = serializers.SerializerMethodField()
    session = SessionBriefSerializer(read_only=True)
    booking = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "session",
            "party_size",
            "status",
            "position",
            "offer_expires_at",
            "booking",
            "created_at",
        ]

    def get_position(self, entry) -> int | None:
        return waitlist_position(entry)
