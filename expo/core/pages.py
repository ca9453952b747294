"""Helpers every app's HTML pages share."""

from types import SimpleNamespace

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def render_page(request, template_name, context=None, *, status=200):
    """Render a visitor page with every time shown in the expo's time zone."""
    with timezone.override(settings.EXPO_TIME_ZONE):
        return render(request, template_name, context, status=status)


def throttle_wait(request, throttles, *, data=None, scope: str | None = None) -> float | None:
    """Seconds to wait if one of the API's throttles refuses this page request, else None.

    The pages share the API's limits and counters, so a password guesser or a booking
    bot gains nothing by switching from one to the other.
    """
    probe = SimpleNamespace(
        META=request.META,
        headers=request.headers,
        method=request.method,
        user=request.user,
        data=data or {},
    )
    view = SimpleNamespace(throttle_scope=scope)
    for throttle in throttles:
        if not throttle.allow_request(probe, view):
            return throttle.wait() or 60
    return None
