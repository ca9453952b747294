"""Bookings, tickets, the waitlist and idempotency keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expo.events.models import Session


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(max_length=12, unique=True, verbose_name=_("reference"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("visitor"),
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("session")
    )
    party_size = models.PositiveSmallIntegerField(verbose_name=_("party size"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CONFIRMED, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))
    cancelled_by_staff = models.BooleanField(default=False, verbose_name=_("cancelled by staff"))
    # Issued at the gate for someone without an account (`services.walk_in_issue`): owned
    # by the staff account that issued it, its one ticket names the attendee.
    walk_in = models.BooleanField(default=False, verbose_name=_("walk-in"))

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1), name="booking_party_positive"),
            models.CheckConstraint(
                condition=Q(walk_in=False) | Q(party_size=1), name="booking_walk_in_one_seat"
            ),
            # One live booking per visitor and session, whatever races in the API; gate
            # staff issue any number of walk-ins.
            models.UniqueConstraint(
                fields=["visitor", "session"],
                condition=Q(status="confirmed", walk_in=False),
                name="booking_one_confirmed_per_visitor_session",
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False),
                name="booking_cancelled_at_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["visitor", "status"], name="booking_visitor_status_idx"),
            models.Index(fields=["session", "status"], name="booking_session_status_idx"),
        ]

    def __str__(self):
        return self.reference


class Ticket(models.Model):
    """One seat for one attendee; `session` is copied from the booking for the scan path."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")
        RELEASED = "released", _("Released (no-show)")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="tickets")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="tickets")
    attendee_name = models.CharField(max_length=150, blank=True)
    attendee_email = models.EmailField(blank=True)
    # Whether `attendee_email` gets this ticket's own messages; decided when booked
    # (expo/bookings/recipients.py), so the booker's unverified address or daily cap
    # keeps strangers' inboxes out of reach.
    mail_attendee = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    checked_in = models.BooleanField(default=False, help_text=_("Inside the venue now."))
    first_checked_in_at = models.DateTimeField(null=True, blank=True)
    first_entrance = models.ForeignKey(
        "events.Entrance", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_scan_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="valid", revoked_at__isnull=True)
                | (~Q(status="valid") & Q(revoked_at__isnull=False)),
                name="ticket_revoked_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.booking_id}/{self.pk}"


class WaitlistEntry(models.Model):
    """A party waiting for seats. An open offer holds its seats in `Session.seats_taken`."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Offer expired")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the waitlist")
        CLOSED = "closed", _("Session cancelled")

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="waitlist", verbose_name=_("session")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="waitlist_entries",
        verbose_name=_("visitor"),
    )
    party_size = models.PositiveSmallIntegerField(verbose_name=_("party size"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("offer expires at")
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1), name="waitlist_party_positive"),
            models.UniqueConstraint(
                fields=["visitor", "session"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_open_entry_per_visitor_session",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "created_at"], name="waitlist_queue_idx"),
            models.Index(fields=["status", "offer_expires_at"], name="waitlist_offer_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.visitor} waiting for {self.session_id} ({self.status})"


class IdempotencyKey(models.Model):
    """The first response to a request carrying `Idempotency-Key`, replayed on retries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(max_length=100, verbose_name=_("key"))
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, verbose_name=_("response status"))
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
