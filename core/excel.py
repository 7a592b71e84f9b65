"""Reading an import sheet from an uploaded Excel workbook: what the all-or-nothing imports share.

followup.importers (a notice's directives) and incidents.importers (incidents) each declare a SheetSpec
(their columns and limits) and keep to themselves what a row means: how it is validated and what it
creates. Here is what they do the same way:

- the file is refused before it is parsed unless it is a sound .xlsx (type, size, the number of its zip
  members, their uncompressed size and compression ratio); a file refused as a whole is one error;
- the first worksheet's XML is streamed once, without building it, before any reader sees it: a value
  beyond the last column or row an import reads (MAX_COLUMNS, spec.max_rows + ROW_MARGIN) refuses the file,
  whatever the sheet's `<dimension>` claims, and its merged ranges are collected there (at most MAX_MERGED);
  openpyxl then reads its rows in read-only mode, up to the last row holding a value, no further
  (docs/imports.md lists the limits);
- the heading row is found among the top rows and its headings mapped to the columns, matched after
  core.text.fold (no diacritics, no case), without a parenthesised note or a star, a "STT" column ignored;
- merged cells, formulas and Excel errors under the heading row are refused;
- cells are read as text, official unit codes or dates, a CellError saying what is wrong with one;
- the rows are created all or nothing, in one transaction, a service's refusal reported on its row;
- every error is collected with its sheet, row and column (Sheet), capped at MAX_ERRORS, and a refused
  import is recorded on the audit trail.
"""

import datetime as dt
import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core import audit
from core.models import AuditAction
from core.text import fold, nfc

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 40  # columns read (A to AN); a value further right refuses the file
ROW_MARGIN = 1_000  # rows for titles and blank lines besides an import's data rows
MAX_MERGED = 1_000  # merged ranges in a sheet
MAX_UNIT_CODE = 99_999  # official codes of administrative units have at most five digits
HEADER_SEARCH_ROWS = 10  # the heading row may follow a few title rows
MAX_ERRORS = 1_000  # beyond this, one last line says how many more there are
MIN_YEAR, MAX_YEAR = 1990, 2100
IGNORED_HEADINGS = ("stt", "tt", "số tt", "số thứ tự", "no", "no.", "#")

_PARENTHESES = re.compile(r"\([^)]*\)")
_DAY_FIRST = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2})[:hH](\d{2})(?::(\d{2}))?)?$"
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@dataclass(frozen=True)
class ImportErrorRow:
    """One error: the sheet, the row as Excel numbers it, the column (letter and heading), what is wrong."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list[ImportErrorRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SheetColumn:
    """A column of the import sheet: its heading (English source, translated) and the headings accepted."""

    key: str
    label: Promise
    vietnamese: str
    aliases: tuple[str, ...]
    required: bool
    width: int
    guide: Promise
    kind: str = "text"  # text, number, datetime, choice: how the template formats the column

    def heading(self) -> str:
        return str(self.label)

    def help(self) -> str:
        return str(self.guide)


@dataclass(frozen=True)
class SheetSpec:
    """What one import reads: its columns, and the limits of its file and sheet."""

    columns: tuple[SheetColumn, ...]
    max_rows: int  # data rows
    max_members: int  # parts of the workbook's zip
    max_compression_ratio: int  # checked for zip members over 1 MB
    no_rows: Promise  # the error for a heading row with nothing below it
    # Languages whose translation of the headings is accepted, whatever the language of the one importing.
    heading_languages: tuple[str, ...] = ()
    # Groups of optional columns of which the sheet must hold at least one; a group is named by its first.
    one_of: tuple[tuple[str, ...], ...] = ()
    # The size of all the workbook's parts once unpacked, as its zip declares them.
    max_unpacked_bytes: int = MAX_UNCOMPRESSED_BYTES


class Refused(Exception):
    """The file as a whole cannot be read: one error says why."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Cell(NamedTuple):
    """A cell's value. A tuple: a 100,000-row sheet holds 1.5 million of them, and the garbage collector
    stops tracking tuples of plain values, which keeps its passes short while a large sheet is read."""

    value: object
    kind: str  # openpyxl's data type: s(tring), n(umber), d(ate), b(oolean), f(ormula), e(rror)


NO_CELL = Cell(None, "n")


# --- headings -------------------------------------------------------------------------------------


def heading_keys(text: str) -> set[str]:
    """The folded forms a heading is matched by: as written, and without a parenthesised note or a star."""
    plain = str(text).replace("*", " ")
    return {fold(plain), fold(_PARENTHESES.sub(" ", plain))} - {""}


def heading_map(spec: SheetSpec) -> dict[str, str]:
    """Folded heading → column key: each column's heading in the active language and in spec's heading
    languages, its Vietnamese heading and its aliases."""
    found: dict[str, str] = {}
    for column in spec.columns:
        texts = [column.heading(), column.vietnamese, *column.aliases]
        for language in spec.heading_languages:
            with translation.override(language):
                texts.append(column.heading())
        for text in texts:
            for key in heading_keys(text):
                found.setdefault(key, column.key)
    return found


# --- reading the file -----------------------------------------------------------------------------


def read_bytes(file) -> tuple[bytes, str]:
    """The content of an uploaded file, bytes or a path, and its file name; refused over the upload limit."""
    limit = settings.COSO_MAX_UPLOAD_MB * 1024 * 1024
    if isinstance(file, bytes | bytearray):
        data, name = bytes(file), ""
    elif isinstance(file, str | os.PathLike):
        with open(file, "rb") as handle:
            data, name = handle.read(limit + 1), os.fspath(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data, name = file.read(limit + 1), getattr(file, "name", "") or ""
    if len(data) > limit:
        raise Refused(_("The file is larger than {limit} MB.").format(limit=settings.COSO_MAX_UPLOAD_MB))
    return data, os.path.basename(str(name))


def check_package(data: bytes, name: str, spec: SheetSpec) -> None:
    """An .xlsx is a zip of XML parts: refuse anything else, and zip bombs, before any parsing."""
    if not data:
        raise Refused(_("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            _(
                "This is an old Excel (.xls) file or a password-protected workbook. "
                "Save it as an Excel Workbook (.xlsx) without a password and upload it again."
            )
        )
    extension = os.path.splitext(name)[1].lower()
    if not data.startswith(b"PK\x03\x04") or (extension and extension not in (".xlsx", ".xlsm")):
        raise Refused(_("Only Excel workbooks (.xlsx) can be imported."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise Refused(_("The file is damaged: it cannot be opened as an Excel workbook.")) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise Refused(_("Only Excel workbooks (.xlsx) can be imported."))
    # The sizes a zip declares are what a parser would inflate: checked before anything is unpacked.
    total = sum(m.file_size for m in members)
    limit = spec.max_unpacked_bytes
    too_packed = any(
        m.file_size > 1024 * 1024 and m.file_size > spec.max_compression_ratio * max(m.compress_size, 1)
        for m in members
    )
    if len(members) > spec.max_members or total > limit or too_packed:
        raise Refused(
            _(
                "The workbook is too large once unpacked (more than {limit} MB), or abnormally compressed: "
                "it was not opened."
            ).format(limit=limit // (1024 * 1024))
        )


_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_VALUE_TAGS = frozenset({"v", "is", "f"})  # a cell's value, inline text or formula
_SCAN_CHUNK = 64 * 1024


def _damaged(sheet: str = "") -> Refused:
    return Refused(_("The file is damaged: it cannot be opened as an Excel workbook."), sheet)


def _reference(text: str, sheet: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as B7, counted from 1."""
    match = _REFERENCE.match(text.strip())
    if not match:
        raise _damaged(sheet)
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def last_row(spec: SheetSpec) -> int:
    """The last row of a sheet that may hold a value: the data rows, and room for titles and blank lines."""
    return spec.max_rows + ROW_MARGIN


def beyond_limits(spec: SheetSpec, reference: str, sheet: str) -> Refused:
    return Refused(
        _(
            "Cell {cell} holds a value outside what an import reads: columns A to {column} ({columns} "
            "columns) and rows 1 to {rows}. Delete what lies outside and upload the file again."
        ).format(
            cell=reference,
            column=get_column_letter(MAX_COLUMNS),
            columns=MAX_COLUMNS,
            rows=number_format(last_row(spec), force_grouping=True),
        ),
        sheet,
    )


def scan_sheet(stream, spec: SheetSpec, sheet: str) -> tuple[int, list[tuple[int, int, int, int]]]:
    """Stream a worksheet's XML once, keeping nothing but two numbers per cell: the last row holding a
    value, and the merged ranges (first row, first column, last row, last column, counted from 1).

    A value outside MAX_COLUMNS and last_row(spec) refuses the file there, without reading further: what
    the sheet's `<dimension>` or a far empty cell claims allocates nothing. A document type declaration
    (entities) is refused as damage: a worksheet never has one.
    """
    rows = last_row(spec)
    state = {"row": 0, "column": 0, "last": 0, "in_cell": False}
    merged: list[tuple[int, int, int, int]] = []

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition("}")[2]
        if local == "c":
            if reference := attrs.get("r"):
                state["row"], state["column"] = _reference(reference, sheet)
            else:
                state["column"] += 1
            state["in_cell"] = True
        elif local in _VALUE_TAGS and state["in_cell"]:
            row, column = state["row"], state["column"]
            if row > rows or column > MAX_COLUMNS:
                raise beyond_limits(spec, f"{get_column_letter(min(column, 18_278))}{row}", sheet)
            state["last"] = max(state["last"], row)
        elif local == "row":
            reference = attrs.get("r")
            if reference is not None and not reference.strip().isdigit():
                raise _damaged(sheet)
            state["row"] = int(reference) if reference is not None else state["row"] + 1
            state["column"] = 0
        elif local == "mergeCell":
            if len(merged) >= MAX_MERGED:
                raise Refused(
                    _("The sheet has more than {limit} merged ranges: unmerge its cells.").format(
                        limit=MAX_MERGED
                    ),
                    sheet,
                )
            first, _colon, end = attrs.get("ref", "").partition(":")
            (r0, c0), (r1, c1) = _reference(first, sheet), _reference(end or first, sheet)
            merged.append((r0, c0, r1, c1))

    def end(name: str) -> None:
        if name.rpartition("}")[2] == "c":
            state["in_cell"] = False

    def doctype(*_args) -> None:
        raise _damaged(sheet)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise _damaged(sheet) from None
    return state["last"], merged


def read_sheet(
    data: bytes, spec: SheetSpec
) -> tuple[str, list[tuple[int, list[Cell]]], list[tuple[int, int, int, int]]]:
    """The first worksheet: its name, its non-empty rows (Excel row number, cells) and its merged ranges.

    The sheet's XML is scanned first (scan_sheet: bounds, merged ranges); openpyxl then reads its rows up to
    the last one holding a value, and stops once there are more rows than an import may hold.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                if not wb.worksheets:
                    raise Refused(_("The workbook has no worksheet."))
                ws = wb.worksheets[0]
                sheet = ws.title
                with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(ws._worksheet_path) as stream:
                    last, merged = scan_sheet(stream, spec, sheet)
                # The dimension an application wrote may be wrong: read the rows that are really there.
                ws.reset_dimensions()
                rows: list[tuple[int, list[Cell]]] = []
                if last:
                    for number, raw in enumerate(
                        ws.iter_rows(min_row=1, max_row=last, max_col=MAX_COLUMNS), start=1
                    ):
                        cells = [Cell(c.value, c.data_type) for c in raw]
                        if any(not blank(c.value) for c in cells):
                            rows.append((number, cells))
                            if len(rows) > spec.max_rows + HEADER_SEARCH_ROWS:
                                break
            finally:
                wb.close()
    except Refused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged part
        raise _damaged() from None
    return sheet, rows, merged


# --- reading cells --------------------------------------------------------------------------------


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(cell: Cell, *, with_time: bool = True) -> str:
    """A cell as text; a date-time shows its time (hh:mm) only `with_time`."""
    value = cell.value
    if blank(value):
        return ""
    if isinstance(value, bool):
        raise CellError(_("Write text here, not TRUE or FALSE."))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if with_time and isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def unit_code(cell: Cell) -> int | None:
    """The official code of an administrative unit a cell holds, if it holds a whole number of at most
    five digits (MAX_UNIT_CODE): a longer number is no code, and never reaches a query."""
    value = cell.value
    code = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        code = value
    elif isinstance(value, float) and value.is_integer():
        code = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        code = int(value.strip())
    return code if code is not None and 0 <= code <= MAX_UNIT_CODE else None


def date_parts(text: str, *, with_time: bool) -> tuple[int, int, int, int, int, int] | None:
    """(year, month, day, hour, minute, second) of dd/mm/yyyy or yyyy-mm-dd text, followed by hh:mm[:ss]
    only `with_time`; None for any other text. The numbers are not checked: dt.date or dt.datetime does."""
    if match := _DAY_FIRST.match(text):
        day, month, year, hour, minute, second = match.groups()
    elif match := _ISO.match(text):
        year, month, day, hour, minute, second = match.groups()
    else:
        return None
    if hour is not None and not with_time:
        return None
    return int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)


def check_year(day: dt.date) -> None:
    """Refuse a date (or date-time) outside MIN_YEAR to MAX_YEAR: a typing error, not a real date."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CellError(
            _("{date} is out of range: the year must be between {start} and {end}.").format(
                date=day.strftime("%d/%m/%Y"), start=MIN_YEAR, end=MAX_YEAR
            )
        )


# --- the sheet and its errors ---------------------------------------------------------------------


class Sheet:
    """Collects the errors of one sheet, each with its cell."""

    def __init__(self, name: str):
        self.name = name
        self.errors: list[ImportErrorRow] = []
        self.sha256 = ""  # of the file, for the audit trail
        self.headings: dict[str, tuple[int, str]] = {}  # column key → (index from 1, heading as written)

    def add(self, row: int | None, message: str, key: str | None = None, index: int | None = None):
        column = ""
        if key is not None and key in self.headings:
            index, heading = self.headings[key]
            column = f"{get_column_letter(index)} ({heading})"
        elif index is not None:
            column = get_column_letter(index)
        self.errors.append(ImportErrorRow(self.name, row, column, message))

    def add_invalid(self, row: int, exc: ValidationError, field_columns: dict[str, str]) -> None:
        """A service's refusal of a row: each message on the column the field it names comes from."""
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for name, messages in items:
            self.add(row, " ".join(messages), key=field_columns.get(name))

    def cell(self, cells: list[Cell], key: str) -> Cell:
        if key not in self.headings:
            return NO_CELL
        index = self.headings[key][0]
        return cells[index - 1] if index - 1 < len(cells) else NO_CELL

    def read(self, number: int, cells: list[Cell], key: str, reader: Callable[[Cell], object]):
        """reader(the row's cell in the column); a CellError is recorded on the cell and gives None."""
        try:
            return reader(self.cell(cells, key))
        except CellError as exc:
            self.add(number, exc.message, key=key)
            return None

    def has_error(self, since: int, *keys: str) -> bool:
        """Whether an error was recorded in one of the columns since there were `since` errors."""
        columns = set()
        for key in keys:
            if key in self.headings:
                index, heading = self.headings[key]
                columns.add(f"{get_column_letter(index)} ({heading})")
        return any(e.column in columns for e in self.errors[since:])


def find_header(rows, known: dict[str, str]) -> int | None:
    """The position in `rows` of the heading row: the first of the top rows naming two known columns."""
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [str(c.value) for c in cells if not blank(c.value)]
        if sum(1 for t in texts if heading_keys(t) & known.keys()) >= 2:
            return position
    return None


def read_headings(
    spec: SheetSpec, sheet: Sheet, known: dict[str, str], number: int, cells: list[Cell]
) -> bool:
    """Map the heading row's columns; report unknown, repeated and missing headings."""
    ignored = {fold(h) for h in IGNORED_HEADINGS}
    ok = True
    for index, cell in enumerate(cells, start=1):
        if blank(cell.value):
            continue
        text = str(cell.value).strip()
        keys = heading_keys(text)
        matches = {known[k] for k in keys if k in known}
        if not matches:
            if keys & ignored:
                continue
            sheet.add(number, _("Unknown column “{heading}”.").format(heading=text[:60]), index=index)
            ok = False
            continue
        key = matches.pop()
        if key in sheet.headings:
            sheet.add(
                number, _("The column “{heading}” appears twice.").format(heading=text[:60]), index=index
            )
            ok = False
            continue
        sheet.headings[key] = (index, text[:60])
    missing = [c.heading() for c in spec.columns if c.required and c.key not in sheet.headings]
    by_key = {c.key: c for c in spec.columns}
    for group in spec.one_of:
        if not any(key in sheet.headings for key in group):
            missing.append(by_key[group[0]].heading())
    if missing:
        sheet.add(
            number,
            _("Missing column(s): {columns}. Use the template's heading row.").format(
                columns=", ".join(missing)
            ),
        )
        ok = False
    return ok


def check_cells(sheet: Sheet, data_rows, merged, header_row: int) -> None:
    """Cells must hold values: no merged cells from the heading row down, no formulas, no Excel errors."""
    columns = {index: key for key, (index, _h) in sheet.headings.items()}
    for r0, c0, r1, c1 in merged:
        if r1 >= header_row and any(c0 <= index <= c1 for index in columns):
            sheet.add(
                max(r0, header_row),
                _("Cells {start}:{end} are merged: unmerge them and fill in every cell.").format(
                    start=f"{get_column_letter(c0)}{r0}", end=f"{get_column_letter(c1)}{r1}"
                ),
                index=c0,
            )
    for number, cells in data_rows:
        for index, key in columns.items():
            cell = cells[index - 1] if index - 1 < len(cells) else None
            if cell is None:
                continue
            if cell.kind == "f":
                sheet.add(number, _("The cell holds a formula: copy it and paste it as a value."), key=key)
            elif cell.kind == "e":
                sheet.add(
                    number,
                    _("The cell holds an Excel error ({value}).").format(value=str(cell.value)[:20]),
                    key=key,
                )


def data_rows(spec: SheetSpec, sheet: Sheet, rows, merged) -> list[tuple[int, list[Cell]]]:
    """The rows below the heading row, its headings mapped into sheet.headings, once every cell of the
    mapped columns holds a plain value; an empty list, and the errors on the sheet, otherwise."""
    known = heading_map(spec)
    position = find_header(rows, known)
    if position is None:
        expected = ", ".join(c.heading() for c in spec.columns if c.required)
        sheet.add(
            None,
            _("No heading row found: the first row must hold the column headings ({columns}).").format(
                columns=expected
            ),
        )
        return []
    header_row, header_cells = rows[position]
    if not read_headings(spec, sheet, known, header_row, header_cells):
        return []
    below = rows[position + 1 :]
    if not below:
        sheet.add(None, str(spec.no_rows))
        return []
    if len(below) > spec.max_rows:
        sheet.add(
            None,
            _("The sheet has more than {limit} rows: split it into several imports.").format(
                limit=spec.max_rows
            ),
        )
        return []
    check_cells(sheet, below, merged, header_row)
    if sheet.errors:
        return []
    return below


# --- the import -----------------------------------------------------------------------------------


def create_rows(
    sheet: Sheet,
    drafts: list,
    create: Callable[[Any], Any],
    field_columns: dict[str, str],
    *,
    then: Callable[[list], None],
) -> list:
    """All or nothing, in one transaction: create(draft) for every validated row (a draft has its .row),
    then(created) for what goes with them (the audit event, the notifications). A ValidationError of the
    service is recorded on the draft's row (field_columns: model field → column key) and rolls everything
    back: nothing is created, [] is returned."""
    created = []
    with transaction.atomic():
        for draft in drafts:
            try:
                created.append(create(draft))
            except ValidationError as exc:
                sheet.add_invalid(draft.row, exc, field_columns)
        if sheet.errors:
            transaction.set_rollback(True)
            return []
        then(created)
    return created


def import_sheet(
    spec: SheetSpec,
    *,
    actor,
    file,
    audit_on: dict,
    handle: Callable[[Sheet, list, list, str], list],
) -> ImportResult:
    """Read the first sheet of `file` (an uploaded file, bytes or a path) and give its rows and merged
    ranges to handle(sheet, rows, merged, file name), which records every error on the sheet and returns
    what it created (nothing if there is an error).

    Nothing raises for a bad file: a file that cannot be read at all comes back as one error, a readable
    sheet with every error of every row (at most MAX_ERRORS, then one that says how many more). What handle
    writes is one transaction, rolled back when it finds an error. A refused import is then recorded on the
    audit trail, on `audit_on` (audit.record's instance= or organization=), after that rollback: so do not
    call this inside a transaction of your own that you roll back, or the refusal goes with it.
    """
    result = ImportResult()
    sheet = Sheet("")
    name = ""
    try:
        data, name = read_bytes(file)
        sheet.sha256 = hashlib.sha256(data).hexdigest()
        check_package(data, name, spec)
        sheet_name, rows, merged = read_sheet(data, spec)
        sheet.name = sheet_name
        if not rows:
            raise Refused(_("The sheet “{sheet}” is empty.").format(sheet=sheet_name), sheet_name)
        with transaction.atomic():
            created = handle(sheet, rows, merged, name)
            if sheet.errors:  # all or nothing, whatever handle wrote before finding the errors
                transaction.set_rollback(True)
            else:
                result.created = created
    except Refused as exc:
        sheet.errors = [ImportErrorRow(exc.sheet or sheet.name, None, "", exc.message)]
    errors = sheet.errors
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = [
            *errors[:MAX_ERRORS],
            ImportErrorRow(
                sheet.name,
                None,
                "",
                ngettext("… and {count} more error.", "… and {count} more errors.", more).format(count=more),
            ),
        ]
    result.errors = errors
    if errors:
        # A refused import is on the trail too: who tried to import what, and why it was refused.
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            changes={"errors": len(sheet.errors), "file": name[:200]},
            kind="import.refused",
            params={"errors": len(sheet.errors), "file": name[:200]},
            **audit_on,
        )
    return result
