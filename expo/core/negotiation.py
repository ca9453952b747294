"""Content negotiation for the API's views that answer a file rather than JSON."""

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer


class ErrorsAsJsonNegotiation(BaseContentNegotiation):
    """The body is a plain `HttpResponse` (iCalendar, PNG, CSV); only errors pass through a
    renderer, and they are always the contract's JSON.

    Clients of such a file ask for it: calendar apps send ``Accept: text/calendar``, image
    loaders ``image/png``, scripts ``text/csv``. No DRF renderer offers those, so DRF's
    default negotiation would answer 406 instead of the file, or instead of the JSON 404.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type
