"""Programme filters; the query logic itself lives in the selectors."""

import django_filters

from expo.events import selectors
from expo.events.models import Session


class SessionFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(
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
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Session
        fields = []

    def filter_date(self, queryset, name, value):
        return selectors.session_filter_date(queryset, value)

    def filter_available(self, queryset, name, value):
        return selectors.session_filter_available(queryset, value)

    def filter_text(self, queryset, name, value):
        return selectors.session_filter_text(queryset, value)
