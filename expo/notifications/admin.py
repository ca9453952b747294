"""The e-mail outbox in the admin, for expo staff: read-only, one action to retry."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.events.admin import ExpoLocalTimeMixin
from expo.notifications.kinds import message_kind, message_kind_choices
from expo.notifications.models import Notification
from expo.notifications.services import notifications_retry


class KindFilter(admin.SimpleListFilter):
    """The kinds the apps registered (the field itself is open)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return message_kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(ExpoLocalTimeMixin, admin.ModelAdmin):
    list_display = (
        "key",
        "kind_label",
        "status",
        "attempts",
        "interruptions",
        "error",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", KindFilter)
    search_fields = ("key", "booking__reference", "last_error")
    date_hierarchy = "created_at"
    actions = ["retry_delivery"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, notification):
        kind = message_kind(notification.kind)
        return kind.label if kind else notification.kind

    @admin.display(description=_("last error"))
    def error(self, notification):
        text = notification.last_error
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.action(description=_("Retry delivery of failed messages"), permissions=["retry"])
    def retry_delivery(self, request, queryset):
        retried = notifications_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%d message queued again.", "%d messages queued again.", retried) % retried,
            messages.SUCCESS,
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_notification")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
