"""The expo's own dates in the mail footer ("30 May – 3 July 2022", «30 maj–3 juli 2022»).

The expo is the message's session's; a message about no booking carries the dates its
writer stored (``expo_starts_on`` / ``expo_ends_on``). Neither: no dates at all, rather
than another edition's.
"""

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def expo_dates(context) -> str:
    """`` · <first day> – <last day>`` for the footer, or nothing."""
    session = context.get("session")
    expo = getattr(session, "expo", None)
    if expo is not None:
        return f" · {expo_dates_text(expo.starts_on, expo.ends_on)}"
    try:
        starts_on = date.fromisoformat(context.get("expo_starts_on") or "")
        ends_on = date.fromisoformat(context.get("expo_ends_on") or "")
    except ValueError:
        return ""
    return f" · {expo_dates_text(starts_on, ends_on)}"


def expo_dates_text(starts_on: date, ends_on: date) -> str:
    """In the active language; the year once when both days share it."""
    start_format = "j F" if starts_on.year == ends_on.year else "j F Y"
    return gettext("%(start)s – %(end)s") % {
        "start": date_format(starts_on, start_format),
        "end": date_format(ends_on, "j F Y"),
    }
