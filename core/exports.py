"""Excel exports of lists: one sheet of a title, the headings and one row per record, written in openpyxl's
write-only mode with the rows streamed from the database. Each app describes its columns; the writing is
here once."""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core import xlsx
from core.xlsx import cell

CHUNK = 2000

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, its width and how a record gives its value."""

    heading: str
    width: int
    value: Callable[[object], object]
    wrap: bool = False  # long text: wrapped in its cell


def list_workbook(
    *,
    title: str,
    sheet: str,
    columns: list[Column],
    rows: Iterable,
    organisation: str = "",
    freeze: str = "A4",
) -> bytes:
    """A workbook of one sheet: a title row (organisation, list), the export time, the headings, the rows.
    `freeze` is the first cell that scrolls (the headings above it, and the columns left of it, stay)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = freeze
    heading = " — ".join(part for part in (organisation, title) if part)
    ws.append([cell(ws, heading, font=TITLE)])
    exported = _("Exported on {date}").format(date=timezone.localtime().strftime("%d/%m/%Y %H:%M"))
    ws.append([cell(ws, exported)])
    ws.append([cell(ws, column.heading, font=BOLD, wrap=True) for column in columns])
    count = 0
    for record in rows:
        ws.append([cell(ws, column.value(record), wrap=column.wrap) for column in columns])
        count += 1
    ws.auto_filter.ref = f"A3:{get_column_letter(len(columns))}{count + 3}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(data: bytes, *, header_row: int = 3) -> list[dict]:
    """The data rows of a workbook that `list_workbook` wrote, each as {heading: value}."""
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    headings = [str(h) for h in rows[0]]
    return [dict(zip(headings, row, strict=False)) for row in rows[1:]]


def instructions_sheet(
    wb: Workbook, *, intro: str, columns, notes: Iterable[str] = (), all_required: bool = False
) -> None:
    """The "Instructions" sheet of an import template: what the sheet is, then each column (heading,
    required, what to write), then any further notes. Every text is written as text and wraps.
    `all_required` marks every column required (a layout that needs them all, whatever other layouts
    accept)."""
    guide = wb.create_sheet(_("Instructions")[:31])
    for letter, width in (("A", 28), ("B", 12), ("C", 90)):
        guide.column_dimensions[letter].width = width

    def text(value, font=None):
        return xlsx.cell(guide, value, font=font, wrap=True)

    guide.append([xlsx.cell(guide, _("How to fill in the sheet"), font=TITLE)])
    guide.append([text(intro)])
    guide.append([])
    guide.append([text(heading, BOLD) for heading in (_("Column"), _("Required"), _("What to write"))])
    for column in columns:
        required = all_required or column.required
        guide.append([text(column.heading()), text(_("Yes") if required else _("No")), text(column.help())])
    for note in notes:
        guide.append([])
        guide.append([text(note)])
