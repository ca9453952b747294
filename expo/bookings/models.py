"""Bookings, tickets, the waitlist and the e-mail outbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expo.events.models import Session


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(max_length=12, unique=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    party_size = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_staff = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1), name="booking_party_positive"),
            # One live booking per visitor and session, whatever races in the API.
            models.UniqueConstraint(
                fields=["visitor", "session"],
                condition=Q(status="confirmed"),
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

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="waitlist")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    party_size = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class Notification(models.Model):
    """Outbox row: written in the transaction that causes it, delivered later by Celery.

    `key` makes each message unique (e.g. ``booking:42:confirmation``), so a retry, a
    sweep or a duplicate task can never create or send a second copy.
    """

    class Kind(models.TextChoices):
        BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmation")
        BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
        REMINDER = "reminder", _("Reminder")
        WAITLIST_OFFER = "waitlist_offer", _("Waitlist offer")
        OFFER_EXPIRED = "offer_expired", _("Waitlist offer expired")
        SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
        SESSION_CHANGED = "session_changed", _("Session changed")
        TICKET_RELEASED = "ticket_released", _("Ticket released (no-show)")
        EXHIBITOR_INVITATION = "exhibitor_invitation", _("Exhibitor invitation")
        SESSION_APPROVED = "session_approved", _("Proposed session approved")
        SESSION_REJECTED = "session_rejected", _("Proposed session rejected")
        EMAIL_VERIFICATION = "email_verification", _("E-mail address verification")
        PASSWORD_RESET = "password_reset", _("Password reset")
        REGISTRATION_ATTEMPT = "registration_attempt", _("Sign-up with a taken address")
        LOGIN_LINK = "login_link", _("Sign-in link")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Became wrong to send before it went out (cancelled booking, lapsed offer).
        SKIPPED = "skipped", _("Skipped")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    waitlist_entry = models.ForeignKey(
        WaitlistEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # Messages about no booking (invitations, proposal decisions) go to a user or address.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Times a worker died while the row was `sending`; the first is sent once more, the
    # second is failed (expo/bookings/notifications.py).
    interruptions = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking__isnull=False)
                | Q(waitlist_entry__isnull=False)
                | Q(user__isnull=False)
                | ~Q(email=""),
                name="notification_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_idx"),
        ]

    def __str__(self):
        return self.key


class Scan(models.Model):
    """One scan at a gate, accepted or rejected, kept for audit and for nonce replays.

    `nonce` is made by the scanning device per scan: a retried request (or an offline
    batch uploaded twice) finds its stored result instead of scanning again.
    """

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    # Unique across accounts: a nonce names one scan, and another account sending it is
    # refused without learning what that scan was (`scanning.ticket_scan`).
    nonce = models.CharField(max_length=64, unique=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="scans"
    )
    entrance = models.ForeignKey("events.Entrance", on_delete=models.PROTECT, related_name="scans")
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scans"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    scanned_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    offline = models.BooleanField(default=False)
    result = models.CharField(max_length=8, choices=Result.choices)
    reason = models.CharField(max_length=24, blank=True)
    response = models.JSONField()
    device = models.CharField(max_length=64, blank=True, help_text=_("Sent by offline devices."))
    # An offline admission the server would not have made (outside the session's time,
    # over the venue limit): stored, not counted, and left for staff to look at.
    flagged = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-scanned_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(flagged=True) | Q(reviewed_at__isnull=True),
                name="scan_reviewed_only_if_flagged",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "scanned_at"], name="scan_ticket_time_idx"),
            models.Index(fields=["entrance", "scanned_at"], name="scan_entrance_time_idx"),
            models.Index(
                fields=["scanned_at"],
                condition=Q(flagged=True, reviewed_at__isnull=True),
                name="scan_flagged_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.nonce} {self.result} {self.reason}"


class ScanDevice(models.Model):
    """When a gate device last uploaded offline scans; bounds how old its next ones may be.

    `device` is the random id the gate page keeps in the browser; scans uploaded without
    one count against the account (`device=""`).
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scan_devices"
    )
    device = models.CharField(max_length=64, blank=True)
    last_sync_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "device"], name="scan_device_unique_per_staff"
            ),
        ]

    def __str__(self):
        return f"{self.staff_id}:{self.device or '-'}"
