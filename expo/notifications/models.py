"""The e-mail outbox: one row per message, written in the transaction that causes it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Outbox row: written in the transaction that causes it, delivered later by Celery.

    `key` makes each message unique (e.g. ``booking:42:confirmation``), so a retry, a
    sweep or a duplicate task can never create or send a second copy. `kind` names a
    message kind that the app owning it registered (`expo.notifications.kinds`). The
    booking and waitlist entry live in an app above this one, so they are named, never
    imported. The table keeps the name it had in the bookings app.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Became wrong to send before it went out (cancelled booking, lapsed offer).
        SKIPPED = "skipped", _("Skipped")

    key = models.CharField(max_length=120, unique=True, verbose_name=_("key"))
    kind = models.CharField(max_length=20)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    waitlist_entry = models.ForeignKey(
        "bookings.WaitlistEntry",
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
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    # Times a worker died while the row was `sending`; the first is sent once more, the
    # second is failed (expo/notifications/services.py).
    interruptions = models.PositiveSmallIntegerField(default=0, verbose_name=_("interruptions"))
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        db_table = "bookings_notification"
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
