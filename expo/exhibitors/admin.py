"""Partner organisations in the admin: profile, the people acting for them, their stands."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from expo.exhibitors.models import Exhibitor, Invitation, Membership, Stand


class StandInline(admin.TabularInline):
    model = Stand
    fields = ("venue", "code", "opens_at", "closes_at")
    autocomplete_fields = ("venue",)
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


class InvitationInline(admin.TabularInline):
    """Who has been invited and what became of it; owners invite in the portal (the
    token only exists in the e-mail, so an invitation cannot be made here)."""

    model = Invitation
    fields = (
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invited_by")


@admin.register(Exhibitor)
class ExhibitorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "contact_email", "stand_count", "member_count")
    list_filter = ("status", "expo")
    search_fields = ("name", "slug", "contact_email")
    autocomplete_fields = ("expo",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("expo", "name", "slug", "status", "logo", "website")}),
        (_("Contact"), {"fields": ("contact_email", "contact_phone")}),
        (_("Description"), {"fields": ("description_sv", "description_en")}),
        (_("Record"), {"fields": ("created_at",)}),
    )
    inlines = [StandInline, MembershipInline, InvitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                stand_count=Count("stands", distinct=True),
                member_count=Count("memberships", distinct=True),
            )
        )

    @admin.display(description=_("stands"), ordering="stand_count")
    def stand_count(self, exhibitor):
        return exhibitor.stand_count

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, exhibitor):
        return exhibitor.member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "exhibitor", "role", "created_at")
    list_filter = ("role", "exhibitor__expo")
    list_select_related = ("user", "exhibitor")
    search_fields = ("user__email", "user__name", "exhibitor__name")
    autocomplete_fields = ("user", "exhibitor")
    readonly_fields = ("created_at",)


@admin.register(Stand)
class StandAdmin(admin.ModelAdmin):
    list_display = ("code", "venue", "exhibitor", "opens_at", "closes_at")
    list_filter = ("venue__expo", "venue")
    list_select_related = ("venue", "exhibitor")
    search_fields = ("code", "exhibitor__name", "venue__name")
    autocomplete_fields = ("exhibitor", "venue")
