"""The scan log in the admin: read-only; flagged offline admissions get reviewed."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.events.admin import ExpoLocalTimeMixin
from expo.scanning.models import Scan
from expo.scanning.services import scans_mark_reviewed


class ScanReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("open", _("Flagged, to review")), ("reviewed", _("Flagged, reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(flagged=True, reviewed_at__isnull=True)
        if self.value() == "reviewed":
            return queryset.filter(flagged=True, reviewed_at__isnull=False)
        return queryset


@admin.register(Scan)
class ScanAdmin(ExpoLocalTimeMixin, admin.ModelAdmin):
    """The scan log; flagged offline admissions are the ones staff must look at."""

    list_display = (
        "scanned_at",
        "entrance",
        "direction",
        "result",
        "reason",
        "offline",
        "flagged",
        "reviewed_at",
        "scanned_by",
        "ticket",
    )
    list_filter = (ScanReviewFilter, "flagged", "offline", "result", "direction")
    list_select_related = ("entrance__venue", "scanned_by", "ticket")
    search_fields = ("nonce", "ticket__booking__reference", "scanned_by__email")
    date_hierarchy = "scanned_at"
    exclude = ("response",)  # the stored answer quotes the attendee's name
    actions = ["mark_reviewed"]

    @admin.action(description=_("Mark selected flagged scans as reviewed"), permissions=["review"])
    def mark_reviewed(self, request, queryset):
        reviewed = scans_mark_reviewed(
            scan_ids=list(queryset.values_list("pk", flat=True)), by=request.user
        )
        self.message_user(
            request,
            ngettext("%d scan marked reviewed.", "%d scans marked reviewed.", reviewed) % reviewed,
            messages.SUCCESS,
        )

    def has_review_permission(self, request):
        return request.user.has_perm("scanning.change_scan")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
