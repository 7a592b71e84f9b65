"""Writing Excel cells: what every export and import template shares.

User text is written as text, always. openpyxl reads a string starting with "=" as a formula and "#N/A"
(any Excel error code) as an error cell; and Excel, once a cell is edited, takes "+", "-" and "@" as the
start of a formula too ("=cmd|..." is the classic injection). So text is stored as a string cell, and text
starting with one of those characters also gets Excel's quote prefix: it stays text when edited, as if typed
after an apostrophe. Dates and date-times become real Excel dates in local time (Excel has no time zones),
shown dd/mm/yyyy and dd/mm/yyyy hh:mm.
"""

import datetime as dt

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MAX_TEXT = 32_767  # characters a cell can hold
FORMULA_STARTS = ("=", "+", "-", "@", "#", "\t", "\r", "\n")
WRAP = Alignment(wrap_text=True, vertical="top")


def clean_text(value: str) -> str:
    """Text as a cell can hold it: no control characters, at most Excel's limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]


def as_text(cell, value: str):
    """Put `value` in `cell` (of a normal or a write-only sheet) as text, never a formula or an error."""
    value = clean_text(value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def local(value: dt.datetime) -> dt.datetime:
    """A date-time as Excel holds it: local time, no time zone."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def cell(ws, value, *, font=None, wrap=False):
    """A value as a write-only sheet writes it: text as text, dates as real dates. Plain values (numbers,
    text that cannot be taken for a formula) are passed through as they are: a styled cell costs ten times
    more to write."""
    if isinstance(value, str):
        value = clean_text(value)
        if font is None and not wrap and not value.startswith(FORMULA_STARTS):
            return value
        written = as_text(WriteOnlyCell(ws), value)
    elif isinstance(value, dt.datetime):
        written = WriteOnlyCell(ws, value=local(value))
        written.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        written = WriteOnlyCell(ws, value=value)
        written.number_format = DATE_FORMAT
    elif font is None and not wrap:
        return value
    else:
        written = WriteOnlyCell(ws, value=value)
    if font is not None:
        written.font = font
    if wrap:
        written.alignment = WRAP
    return written
