"""Request body parsers: every malformed body is the client's `parse_error`, never a 500."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, also refusing JSON nested too deeply for Python's decoder.

    `json.load` raises `RecursionError` (not `ValueError`) on a body such as
    ``[[[[...]]]]`` a few thousand levels deep, which DRF would let through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - nested too deeply.")) from exc
