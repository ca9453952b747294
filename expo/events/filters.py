"""Programme filters; the query logic itself lives in the selectors."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from expo.events import selectors
from expo.events.models import Session

OUT_OF_RANGE = _("Date out of range")


class ExpoDayField(forms.DateField):
    """A day whose start and end in the expo's time zone exist as UTC instants.

    Years 1 and 9999 parse as dates, but their day bounds fall outside what Python (and
    the database) can hold: an invalid filter, not a 500.
    """

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        try:
            for bound in selectors.expo_day_bounds(value):
                bound.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError(OUT_OF_RANGE, code="overflow") from exc


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant that can be expressed in UTC, as the database stores it."""

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        try:
            value.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError(OUT_OF_RANGE, code="overflow") from exc


class ExpoDayFilter(django_filters.DateFilter):
    field_class = ExpoDayField


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class SessionFilter(django_filters.FilterSet):
    date = ExpoDayFilter(
        method="filter_date", help_text="A day in the expo's time zone (Europe/Stockholm)."
    )
    venue = django_filters.CharFilter(field_name="venue__slug", help_text="Venue slug.")
    theme = django_filters.CharFilter(field_name="themes__slug", help_text="Theme slug.")
    kind = django_filters.ChoiceFilter(choices=Session.Kind.choices)
    exhibitor = django_filters.CharFilter(field_name="host__slug", help_text="Host exhibitor slug.")
    language = django_filters.ChoiceFilter(choices=Session.Language.choices)
    status = django_filters.ChoiceFilter(choices=Session.Status.choices)
    available = django_filters.BooleanFilter(
        method="filter_available",
        help_text="Has seats: published sessions with seats left (see `booking_open`).",
    )
    q = django_filters.CharFilter(method="filter_text", help_text="Free text.")
    starts_after = UtcIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Session
        fields = []

    def filter_date(self, queryset, name, value):
        return selectors.session_filter_date(queryset, value)

    def filter_available(self, queryset, name, value):
        return selectors.session_filter_available(queryset, value)

    def filter_text(self, queryset, name, value):
        return selectors.session_filter_text(queryset, value)
