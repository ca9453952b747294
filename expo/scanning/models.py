"""The scan log and the devices that upload offline scans (tables kept from bookings)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expo.bookings.models import Ticket


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
    # refused without learning what that scan was (`services.ticket_scan`).
    nonce = models.CharField(max_length=64, unique=True)
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("ticket"),
    )
    entrance = models.ForeignKey(
        "events.Entrance",
        on_delete=models.PROTECT,
        related_name="scans",
        verbose_name=_("entrance"),
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="scans",
        verbose_name=_("scanned by"),
    )
    direction = models.CharField(
        max_length=3, choices=Direction.choices, verbose_name=_("direction")
    )
    scanned_at = models.DateTimeField(verbose_name=_("scanned at"))
    received_at = models.DateTimeField(auto_now_add=True)
    offline = models.BooleanField(default=False, verbose_name=_("offline"))
    result = models.CharField(max_length=8, choices=Result.choices, verbose_name=_("result"))
    reason = models.CharField(max_length=24, blank=True, verbose_name=_("reason"))
    response = models.JSONField()
    device = models.CharField(max_length=64, blank=True, help_text=_("Sent by offline devices."))
    # An offline admission the server would not have made (outside the session's time,
    # over the venue limit): stored, not counted, and left for staff to look at.
    flagged = models.BooleanField(default=False, verbose_name=_("flagged"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        db_table = "bookings_scan"
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
        verbose_name = _("scanner")
        verbose_name_plural = _("scanners")
        db_table = "bookings_scandevice"
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "device"], name="scan_device_unique_per_staff"
            ),
        ]

    def __str__(self):
        return f"{self.staff_id}:{self.device or '-'}"
