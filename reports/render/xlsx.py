"""A report's annex as an XLSX workbook: a contents sheet, then every table on a sheet of its own, with all
its rows (the documents print the first rows of a long table; the annex holds them all).

Every cell goes through `core.xlsx.cell`: text as text, never a formula, dates as real dates. Numbers stay
numbers: amounts in millions of đồng (as the headings say) with one decimal, rates in %, hours, counts.
"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.xlsx import cell
from reports.content import COUNT, HOURS, MONEY, PERCENT, TEXT, Report, Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
NUMBER_FORMATS = {MONEY: "#,##0.0", PERCENT: '0.0"%"', HOURS: "#,##0.0", COUNT: "#,##0"}


def _number(ws, value, kind: str):
    if value is None:
        return None
    if kind == MONEY:
        value = float((Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.1")))
    elif kind in (PERCENT, HOURS):
        value = float(value)
    written = WriteOnlyCell(ws, value=value)
    written.number_format = NUMBER_FORMATS[kind]
    return written


def _value(ws, value, kind: str):
    if kind in NUMBER_FORMATS:
        return _number(ws, value, kind)
    if value is None:
        return None
    return cell(ws, value if kind != TEXT else str(value))


def _sheet(wb, report: Report, table: Table) -> None:
    ws = wb.create_sheet(title=_("Table {number}").format(number=table.number)[:31])
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = (
            40 if index == 1 and column.kind == TEXT else 16
        )
    ws.freeze_panes = "B5"
    ws.append(
        [cell(ws, _("Table {number}. {title}").format(number=table.number, title=table.title), font=TITLE)]
    )
    ws.append([cell(ws, f"{report.organisation.name} — {report.title}")])
    ws.append([])
    ws.append([cell(ws, column.label, font=BOLD, wrap=True) for column in table.columns])
    for row in table.rows:
        ws.append([_value(ws, row.get(column.key), column.kind) for column in table.columns])


def render_xlsx(report: Report) -> bytes:
    wb = Workbook(write_only=True)
    contents = wb.create_sheet(title=_("Contents")[:31])
    contents.column_dimensions["A"].width = 12
    contents.column_dimensions["B"].width = 80
    contents.append([cell(contents, _("Annex: the tables of the report"), font=TITLE)])
    contents.append([cell(contents, f"{report.organisation.name} — {report.title}")])
    contents.append([cell(contents, _("Figures as of {day}").format(day=report.at.strftime("%d/%m/%Y")))])
    contents.append([])
    contents.append([cell(contents, _("Sheet"), font=BOLD), cell(contents, _("Table"), font=BOLD)])
    for table in report.tables:
        contents.append(
            [cell(contents, _("Table {number}").format(number=table.number)), cell(contents, table.title)]
        )
    for table in report.tables:
        _sheet(wb, report, table)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
