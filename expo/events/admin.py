"""The catalogue in the admin, for expo staff: venues, gates, themes, exhibitions, sessions."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.template import engines
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.core.exceptions import ExpoError
from expo.events.models import Entrance, Exhibition, Expo, Session, Theme, Venue
from expo.events.services import session_approve, session_cancel, session_reject, session_update

# Cancelling tells every booked visitor at once, so it asks first, like deleting does.
_CANCEL_CONFIRMATION = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}{% block content %}
<form method="post">{% csrf_token %}
  <p>Every booking of these sessions is cancelled and its visitors get an e-mail:</p>
  <ul>{% for session in sessions %}
    <li>{{ session }}, {{ session.venue }}: {{ session.seats_taken }} seats taken</li>
  {% endfor %}</ul>
  <p><label>Reason, sent to the visitors:
    <input type="text" name="reason" size="80" maxlength="500"></label></p>
  {% for session in sessions %}
    <input type="hidden" name="_selected_action" value="{{ session.pk }}">{% endfor %}
  <input type="hidden" name="action" value="cancel_sessions">
  <input type="hidden" name="confirm" value="yes">
  <input type="submit" value="Cancel {{ sessions|length }} session{{ sessions|pluralize }}">
  <a href="" class="button cancel-link">Keep them</a>
</form>{% endblock %}"""
)


# A rejection tells the exhibitor why, so the reason is asked for first. The texts come
# from `SessionAdmin.reject`, where makemessages finds them.
_REJECT_REASON = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}{% block content %}
<form method="post">{% csrf_token %}
  <p>{{ texts.intro }}</p>
  <ul>{% for session in sessions %}
    <li>{{ session }}, {{ session.venue }}{% if session.host %} ({{ session.host }}){% endif %}</li>
  {% endfor %}</ul>
  {% if error %}<p class="errornote">{{ error }}</p>{% endif %}
  <p><label>{{ texts.reason }}<br>
    <textarea name="reason" rows="4" cols="80" maxlength="1000" required>{{ reason }}</textarea>
  </label></p>
  {% for session in sessions %}
    <input type="hidden" name="_selected_action" value="{{ session.pk }}">{% endfor %}
  <input type="hidden" name="action" value="reject">
  <input type="hidden" name="confirm" value="yes">
  <input type="submit" value="{{ texts.submit }}">
  <a href="" class="button cancel-link">{{ texts.keep }}</a>
</form>{% endblock %}"""
)


class ExpoLocalTimeMixin:
    """Times are shown and typed in the expo's zone, though stored in UTC.

    Staff type "10:00" meaning 10:00 in Helsingborg. The response is rendered inside the
    override because widgets and lists turn datetimes into local time only when rendered.
    """

    def _in_expo_time(self, view, *args):
        with timezone.override(settings.EXPO_TIME_ZONE):
            response = view(*args)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def changelist_view(self, request, extra_context=None):
        return self._in_expo_time(super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._in_expo_time(
            super().changeform_view, request, object_id, form_url, extra_context
        )


class CounterSafeSaveMixin:
    """On change, writes only the fields the form changed.

    Live counters (`Venue.inside`) move under concurrent scans between the admin
    loading a row and saving it; a full `save()` would write the stale count back.
    """

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        concrete = {field.name for field in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete]
        if changed:
            obj.save(update_fields=changed)


@admin.register(Expo)
class ExpoAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "starts_on", "ends_on", "time_zone")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class EntranceInline(admin.TabularInline):
    model = Entrance
    fields = ("name", "mode")
    extra = 1


@admin.register(Venue)
class VenueAdmin(ExpoLocalTimeMixin, CounterSafeSaveMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "area",
        "expo",
        "entrance_count",
        "max_occupancy",
        "inside",
        "inside_updated_at",
    )
    list_filter = ("expo", "area")
    list_select_related = ("expo",)
    search_fields = ("name", "slug", "area", "address")
    autocomplete_fields = ("expo",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("inside", "inside_updated_at")
    fieldsets = (
        (None, {"fields": ("expo", "name", "slug", "area", "address")}),
        (_("Map"), {"fields": ("latitude", "longitude")}),
        (_("Description"), {"fields": ("description_sv", "description_en")}),
        (_("Occupancy"), {"fields": ("max_occupancy", "inside", "inside_updated_at")}),
    )
    inlines = [EntranceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entrance_count=Count("entrances"))

    @admin.display(description=_("entrances"), ordering="entrance_count")
    def entrance_count(self, venue):
        return venue.entrance_count


@admin.register(Entrance)
class EntranceAdmin(admin.ModelAdmin):
    list_display = ("name", "venue", "mode")
    list_filter = ("mode", "venue__expo")
    list_select_related = ("venue",)
    search_fields = ("name", "venue__name")
    autocomplete_fields = ("venue",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name_sv", "name_en", "slug")
    search_fields = ("name_sv", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Exhibition)
class ExhibitionAdmin(admin.ModelAdmin):
    list_display = ("title_sv", "title_en", "venue", "starts_on", "ends_on")
    list_filter = ("expo", "themes")
    list_select_related = ("venue",)
    search_fields = ("title_sv", "title_en", "slug", "venue__name")
    autocomplete_fields = ("expo", "venue", "themes")
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "starts_on"


class SessionAdminForm(forms.ModelForm):
    """Cancelling is not a status edit: it goes through the cancel flow that tells visitors.

    The admin builds the form's Meta (model and fields) from `SessionAdmin.fieldsets`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != Session.Status.CANCELLED
            ]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            # Read now, not when the page was opened; `session_update` re-checks under lock.
            seats_taken = Session.objects.values_list("seats_taken", flat=True).get(
                pk=self.instance.pk
            )
            if capacity < seats_taken:
                raise forms.ValidationError(
                    _("%(seats)s seats are already taken; the capacity cannot be lower."),
                    params={"seats": seats_taken},
                    code="capacity_below_booked",
                )
        return capacity


@admin.register(Session)
class SessionAdmin(ExpoLocalTimeMixin, admin.ModelAdmin):
    form = SessionAdminForm
    list_display = (
        "title_sv",
        "starts_at",
        "ends_at",
        "venue",
        "kind",
        "status",
        "seats",
        "host",
    )
    list_filter = ("status", "kind", "language", "expo", "themes")
    list_select_related = ("venue", "host")
    search_fields = ("title_sv", "title_en", "venue__name", "host__name")
    autocomplete_fields = ("venue", "exhibition", "host", "themes")
    readonly_fields = ("expo", "seats_taken", "proposed_by", "created_at", "updated_at")
    date_hierarchy = "starts_at"
    actions = ["publish", "reject", "cancel_sessions"]
    fieldsets = (
        (None, {"fields": ("title_sv", "title_en", "kind", "language", "status", "status_reason")}),
        (_("Where and who"), {"fields": ("venue", "exhibition", "host", "themes", "expo")}),
        (_("Time"), {"fields": ("starts_at", "ends_at")}),
        (
            _("Booking"),
            {
                "fields": (
                    "capacity",
                    "seats_taken",
                    "max_party_size",
                    "booking_opens_at",
                    "booking_closes_at",
                    "no_show_release_minutes",
                )
            },
        ),
        (_("Description"), {"fields": ("description_sv", "description_en")}),
        (_("Record"), {"fields": ("proposed_by", "created_at", "updated_at")}),
    )

    @admin.display(description=_("seats taken"), ordering="seats_taken")
    def seats(self, session):
        return f"{session.seats_taken} / {session.capacity}"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Session.Status.CANCELLED:
            return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.expo = obj.venue.expo
            obj.save()
            return
        # The service locks the row, so bookings never lose seats to a stale admin save.
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in ("themes", "expo")
        }
        if "venue" in data:
            data["expo"] = data["venue"].expo
        if data:
            session_update(session_id=obj.pk, data=data)

    @admin.action(description=_("Publish the selected sessions"), permissions=["change"])
    def publish(self, request, queryset):
        """A proposal is approved (its exhibitor is told); a draft is simply published."""
        count = 0
        for session in queryset.filter(status__in=(Session.Status.DRAFT, Session.Status.PENDING)):
            try:
                if session.status == Session.Status.PENDING:
                    session_approve(session_id=session.pk, approved_by=request.user)
                else:
                    session_update(session_id=session.pk, data={"status": Session.Status.PUBLISHED})
            except ExpoError as exc:  # decided or edited by someone else meanwhile
                self.message_user(request, f"{session}: {exc.detail}", level=messages.WARNING)
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%d session published.", "%d sessions published.", count) % count,
        )

    @admin.action(description=_("Reject the selected proposals"), permissions=["change"])
    def reject(self, request, queryset):
        """Asks for the reason first: it goes to the exhibitor in the e-mail."""
        sessions = list(
            queryset.filter(status=Session.Status.PENDING).select_related("venue", "host")
        )
        if not sessions:
            self.message_user(request, _("None of these sessions is a pending proposal."))
            return None
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") != "yes" or not reason:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reject proposals"),
                "opts": self.opts,
                "sessions": sessions,
                "reason": reason,
                "texts": {
                    "intro": _(
                        "These proposals are rejected; their exhibitors get an e-mail "
                        "with the reason."
                    ),
                    "reason": _("Reason, sent to the exhibitors:"),
                    "submit": _("Reject and tell the exhibitors"),
                    "keep": _("Keep them pending"),
                },
                "error": _("Say why, so the exhibitor can do better.")
                if request.POST.get("confirm") == "yes"
                else "",
            }
            return TemplateResponse(request, _REJECT_REASON, context)
        count = 0
        for session in sessions:
            try:
                session_reject(session_id=session.pk, reason=reason, rejected_by=request.user)
            except ExpoError as exc:  # decided by someone else meanwhile
                self.message_user(request, f"{session}: {exc.detail}", level=messages.WARNING)
                continue
            count += 1
        self.message_user(
            request,
            ngettext(
                "%d proposal rejected; its exhibitor is being told.",
                "%d proposals rejected; their exhibitors are being told.",
                count,
            )
            % count,
        )
        return None

    @admin.action(
        description=_("Cancel the selected sessions and tell their visitors"),
        permissions=["change"],
    )
    def cancel_sessions(self, request, queryset):
        sessions = list(queryset.exclude(status=Session.Status.CANCELLED).select_related("venue"))
        if not sessions:
            self.message_user(request, _("These sessions are already cancelled."))
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Cancel sessions"),
                "opts": self.opts,
                "sessions": sessions,
            }
            return TemplateResponse(request, _CANCEL_CONFIRMATION, context)
        reason = request.POST.get("reason", "").strip()
        for session in sessions:
            session_cancel(session_id=session.pk, reason=reason)
        count = len(sessions)
        self.message_user(
            request,
            ngettext(
                "%d session cancelled; its visitors are being told.",
                "%d sessions cancelled; their visitors are being told.",
                count,
            )
            % count,
        )
        return None
