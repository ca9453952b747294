"""Bookings, the waitlist and the e-mail outbox in the admin, for expo staff.

Read-only by design: seats, tickets and messages change only through the services
(`services.py`, `expo/notifications/services.py`), which keep the counters and the outbox honest. An
edit form here would let a status change skip the seat count or resend nothing.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.bookings.models import (
    Booking,
    IdempotencyKey,
    Ticket,
    WaitlistEntry,
)
from expo.bookings.services import booking_cancel
from expo.events.admin import ExpoLocalTimeMixin
from expo.notifications.models import Notification


class ReadOnlyAdmin(ExpoLocalTimeMixin, admin.ModelAdmin):
    """Lists and detail pages to look things up; writes go through actions only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketInline(admin.TabularInline):
    model = Ticket
    fields = (
        "id",
        "attendee_name",
        "attendee_email",
        "status",
        "checked_in",
        "first_checked_in_at",
        "last_scan_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NotificationInline(admin.TabularInline):
    model = Notification
    fk_name = "booking"
    fields = ("kind", "key", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "visitor",
        "session",
        "party_size",
        "status",
        "created_at",
        "cancelled_at",
    )
    list_filter = ("status", "cancelled_by_staff", "session__expo")
    list_select_related = ("visitor", "session")
    search_fields = ("reference", "visitor__email", "visitor__name", "tickets__attendee_email")
    date_hierarchy = "created_at"
    inlines = [TicketInline, NotificationInline]
    actions = ["cancel_bookings"]

    @admin.action(
        description=_("Cancel selected bookings (visitors are told)"), permissions=["cancel"]
    )
    def cancel_bookings(self, request, queryset):
        cancelled = 0
        for booking_id in queryset.filter(status=Booking.Status.CONFIRMED).values_list(
            "pk", flat=True
        ):
            booking_cancel(booking_id=booking_id, by_staff=True)
            cancelled += 1
        self.message_user(
            request,
            ngettext("%d booking cancelled.", "%d bookings cancelled.", cancelled) % cancelled,
            messages.SUCCESS,
        )

    def has_cancel_permission(self, request):
        return request.user.has_perm("bookings.change_booking")


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "visitor",
        "session",
        "party_size",
        "status",
        "created_at",
        "offer_expires_at",
    )
    list_filter = ("status",)
    list_select_related = ("visitor", "session")
    search_fields = ("visitor__email", "visitor__name", "session__title_sv", "session__title_en")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ("user", "key", "response_status", "created_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "key")
    date_hierarchy = "created_at"
