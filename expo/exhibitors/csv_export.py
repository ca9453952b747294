"""CSV files that open right in a spreadsheet and cannot attack it.

- UTF-8 with a byte-order mark: without it Excel reads UTF-8 as Windows-1252 and
  «Ängelholm» arrives as «Ã„ngelholm».
- Every field quoted by the `csv` module (RFC 4180, quotes doubled). Comma by default;
  `;` on request, which is what Excel expects where the decimal separator is a comma, as
  in Sweden.
- Formula injection (OWASP "CSV injection"): a visitor's name or an exhibitor's note
  that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a
  formula when the file is opened. Such text cells get a leading apostrophe, which
  spreadsheets show as text. The same goes after a ``;`` or ``,`` inside a cell: a
  Swedish Excel opening a comma file splits on ``;`` whatever the quotes, so
  ``x;=1+2`` would hand it a cell ``=1+2``. Numbers are written as numbers.
"""

import csv
import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = {"comma": ",", "semicolon": ";"}
_TRIGGER_AFTER_DELIMITER = re.compile(r"([;,])(?=[=+\-@\t\r])")


def csv_cell(value) -> str | int | float:
    """One cell as text a spreadsheet shows and never evaluates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(settings.EXPO_TIME_ZONE))
        return local.strftime("%Y-%m-%d %H:%M")
    text = _TRIGGER_AFTER_DELIMITER.sub(r"\1'", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable], delimiter: str = ","
) -> HttpResponse:
    """An attachment download. Times are in the expo's time zone, as people read them."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: not for shared caches, nor the browser's.
    response["Cache-Control"] = "no-store"
    response.write(BOM)
    writer = csv.writer(response, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([csv_cell(title) for title in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
