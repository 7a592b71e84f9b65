"""Reading an import sheet from an uploaded Excel workbook: what the all-or-nothing imports share.

followup.importers (a notice's directives) and incidents.importers (incidents) each declare a SheetSpec
(their columns and limits) and keep to themselves what a row means: how it is validated and what it
creates. Here is what they do the same way:

- the file is refused before it is parsed unless it is a sound .xlsx (type, size, the number of its zip
  members, their uncompressed size and compression ratio); a file refused as a whole is one error;
- the first worksheet is surveyed (core.excel_reader.open_sheet) before any row is read: a value beyond the
  last column or row an import reads (excel_reader.MAX_COLUMNS, spec.max_rows + ROW_MARGIN) refuses the
  file, whatever the sheet's `<dimension>` claims, its merged ranges are collected and its non-empty
  rows counted; its rows are then streamed, a batch at a time (docs/imports.md lists the limits);
- the heading row is found among the top rows and its headings mapped to the columns, matched after
  core.text.fold (no diacritics, no case), without a parenthesised note or a star, a "STT" column ignored;
- merged cells, formulas and Excel errors under the heading row are refused;
- cells are read as text, official unit codes or dates, a CellError saying what is wrong with one;
- the rows are created all or nothing, in one transaction, a service's refusal reported on its row;
- every error is collected with its sheet, row and column (Sheet), the first MAX_ERRORS kept, and a refused
  import is recorded on the audit trail.
"""

import datetime as dt
import gc
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from core import audit, excel_reader
from core.excel_reader import ExcelError, Formula, Refused, blank
from core.models import AuditAction
from core.text import fold, nfc

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
ROW_MARGIN = 1_000  # rows for titles and blank lines besides an import's data rows
MAX_UNIT_CODE = 99_999  # official codes of administrative units have at most five digits
HEADER_SEARCH_ROWS = 10  # the heading row may follow a few title rows
MAX_ERRORS = 1_000  # beyond this, one last line says how many more there are
# The longest message an error keeps: a message quoting a cell says what it holds in a few words, and one
# that would quote it whole (32,767 characters, a thousand times over) is cut here.
MAX_MESSAGE = 500
BATCH_ROWS = 2_000  # data rows given to an import's handler at a time
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
    error_count: int = 0  # every error found, also those beyond the MAX_ERRORS listed

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


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Row = tuple[int, list]  # a sheet's row: its number as Excel numbers it, and its values by column from 0


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


def last_row(spec: SheetSpec) -> int:
    """The last row of a sheet that may hold a value: the data rows, and room for titles and blank lines."""
    return spec.max_rows + ROW_MARGIN


def scan_sheet(stream, spec: SheetSpec, sheet: str) -> tuple[int, list[tuple[int, int, int, int]]]:
    """core.excel_reader.scan_sheet within `spec`'s limits: the last row holding a value, merged ranges."""
    return excel_reader.scan_sheet(stream, last_row(spec), sheet)


def open_sheet(data: bytes, spec: SheetSpec, *, strict: bool = False) -> excel_reader.SheetSource:
    """The first worksheet of a checked workbook, surveyed within `spec`'s limits (core.excel_reader)."""
    return excel_reader.open_sheet(
        data, last_row=last_row(spec), count_limit=spec.max_rows + HEADER_SEARCH_ROWS, strict=strict
    )


# --- reading cells --------------------------------------------------------------------------------


def text(value, *, with_time: bool = True) -> str:
    """A cell's value as text; a date-time shows its time (hh:mm) only `with_time`."""
    if value.__class__ is str:  # the most common, first
        return nfc(value)
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


def unit_code(value) -> int | None:
    """The official code of an administrative unit a cell holds, if it holds a whole number of at most
    five digits (MAX_UNIT_CODE): a longer number is no code, and never reaches a query."""
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


def in_years(day: dt.date) -> bool:
    """Whether a date (or date-time) lies in the years MIN_YEAR to MAX_YEAR."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def check_year(day: dt.date) -> None:
    """Refuse a date (or date-time) outside MIN_YEAR to MAX_YEAR: a typing error, not a real date."""
    if not in_years(day):
        raise CellError(
            _("{date} is out of range: the year must be between {start} and {end}.").format(
                date=day.strftime("%d/%m/%Y"), start=MIN_YEAR, end=MAX_YEAR
            )
        )


# --- the sheet and its errors ---------------------------------------------------------------------


class Sheet:
    """Collects the errors of one sheet, each with its cell: the first MAX_ERRORS of them, and how many."""

    def __init__(self, name: str):
        self.name = name
        self.errors: list[ImportErrorRow] = []  # the first MAX_ERRORS
        self.count = 0  # every error
        self.sha256 = ""  # of the file, for the audit trail
        self.headings: dict[str, tuple[int, str]] = {}  # column key → (index from 1, heading as written)
        self._columns: dict[str, str] = {}  # column key → "letter (heading)"
        self._recent: list[str] = []  # the columns of the errors since begin_row()
        self._base = 0

    def map_heading(self, key: str, index: int, heading: str) -> None:
        self.headings[key] = (index, heading)
        self._columns[key] = f"{get_column_letter(index)} ({heading})"

    def index(self, key: str) -> int | None:
        """The position of a column in a row's values (from 0), None when the sheet does not have it."""
        found = self.headings.get(key)
        return found[0] - 1 if found is not None else None

    def add(self, row: int | None, message: str, key: str | None = None, index: int | None = None):
        column = ""
        if key is not None and key in self._columns:
            column = self._columns[key]
        elif index is not None:
            column = get_column_letter(index)
        self.count += 1
        self._recent.append(column)
        if len(self.errors) < MAX_ERRORS:
            if len(message) > MAX_MESSAGE:
                message = message[: MAX_MESSAGE - 1] + "…"
            self.errors.append(ImportErrorRow(self.name, row, column, message))

    def add_invalid(self, row: int, exc: ValidationError, field_columns: dict[str, str]) -> None:
        """A service's refusal of a row: each message on the column the field it names comes from."""
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for name, messages in items:
            self.add(row, " ".join(messages), key=field_columns.get(name))

    def begin_row(self) -> int:
        """Start reading a row: the number of errors so far, for has_error."""
        self._recent.clear()
        self._base = self.count
        return self.count

    def value(self, values: list, key: str):
        found = self.headings.get(key)
        return values[found[0] - 1] if found is not None else None

    def read(self, number: int, values: list, key: str, reader: Callable[[Any], object]):
        """reader(the row's value in the column); a CellError is recorded on the cell and gives None."""
        try:
            return reader(self.value(values, key))
        except CellError as exc:
            self.add(number, exc.message, key=key)
            return None

    def has_error(self, since: int, *keys: str) -> bool:
        """Whether an error was recorded in one of the columns since there were `since` errors (within
        the row begun with begin_row)."""
        columns = {self._columns[key] for key in keys if key in self._columns}
        return any(c in columns for c in self._recent[max(since - self._base, 0) :])


def find_header(rows: list[Row], known: dict[str, str]) -> int | None:
    """The position in `rows` of the heading row: the first of the top rows naming two known columns."""
    for position, (_number, values, *_rest) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [str(v) for v in values if not blank(v)]
        if sum(1 for t in texts if heading_keys(t) & known.keys()) >= 2:
            return position
    return None


def read_headings(spec: SheetSpec, sheet: Sheet, known: dict[str, str], number: int, values: list) -> bool:
    """Map the heading row's columns; report unknown, repeated and missing headings."""
    ignored = {fold(h) for h in IGNORED_HEADINGS}
    ok = True
    for index, value in enumerate(values, start=1):
        if blank(value):
            continue
        text = str(value).strip()
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
        sheet.map_heading(key, index, text[:60])
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


def check_merged(sheet: Sheet, merged, header_row: int) -> None:
    """No merged cells in the imported columns from the heading row down."""
    columns = [index for index, _heading in sheet.headings.values()]
    for r0, c0, r1, c1 in merged:
        if r1 >= header_row and any(c0 <= index <= c1 for index in columns):
            sheet.add(
                max(r0, header_row),
                _("Cells {start}:{end} are merged: unmerge them and fill in every cell.").format(
                    start=f"{get_column_letter(c0)}{r0}", end=f"{get_column_letter(c1)}{r1}"
                ),
                index=c0,
            )


def check_values(sheet: Sheet, number: int, values: list) -> bool:
    """A cell of an imported column must hold a value: a formula or an Excel error is an error on its cell.
    Whether the row's cells are all values."""
    ok = True
    for key, (index, _heading) in sheet.headings.items():
        value = values[index - 1]
        if isinstance(value, Formula):
            sheet.add(number, _("The cell holds a formula: copy it and paste it as a value."), key=key)
            ok = False
        elif isinstance(value, ExcelError):
            sheet.add(
                number, _("The cell holds an Excel error ({value}).").format(value=str(value)[:20]), key=key
            )
            ok = False
    return ok


# --- the import -----------------------------------------------------------------------------------


@dataclass
class Rows:
    """The data rows of an import sheet, below its heading row, for a handler to read as it writes.

    `total` is the number of data rows (non-empty rows below the heading row); iterating gives them in
    batches of at most BATCH_ROWS rows, with the number of data rows read so far (`done`, from 1 to
    `total`), a row whose imported cells do not all hold values (a formula, an Excel error) reported on its
    cells and left out of its batch."""

    sheet: Sheet
    total: int
    _rows: Iterator

    def __iter__(self) -> Iterator[tuple[list[Row], int]]:
        batch: list[Row] = []
        done = given = 0
        sheet = self.sheet
        for number, values, marked in self._rows:
            done += 1
            if marked and not check_values(sheet, number, values):
                continue
            batch.append((number, values))
            if len(batch) >= BATCH_ROWS:
                yield batch, done
                batch, given = [], done
        if done > given:  # the last rows, or the last rows read (all left out)
            yield batch, done

    def all(self) -> list[Row]:
        """Every data row at once, for a sheet of a few thousand rows."""
        return [row for batch, _done in self for row in batch]


def _data_rows(spec: SheetSpec, sheet: Sheet, source, rows: Iterator) -> Rows | None:
    """The rows below the heading row, its headings mapped into sheet.headings, once the heading row, the
    number of rows and the merged ranges are right; None, and the errors on the sheet, otherwise."""
    top = []
    for row in rows:
        top.append(row)
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    known = heading_map(spec)
    position = find_header(top, known)
    if position is None:
        expected = ", ".join(c.heading() for c in spec.columns if c.required)
        sheet.add(
            None,
            _("No heading row found: the first row must hold the column headings ({columns}).").format(
                columns=expected
            ),
        )
        return None
    header_row, header_values, _marked = top[position]
    if not read_headings(spec, sheet, known, header_row, header_values):
        return None
    total = source.count - position - 1
    if total <= 0:
        sheet.add(None, str(spec.no_rows))
        return None
    if total > spec.max_rows:
        sheet.add(
            None,
            _("The sheet has more than {limit} rows: split it into several imports.").format(
                limit=spec.max_rows
            ),
        )
        return None
    check_merged(sheet, source.merged, header_row)
    if sheet.count:
        return None
    return Rows(sheet, total, chain(top[position + 1 :], rows))


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
        if sheet.count:
            transaction.set_rollback(True)
            return []
        then(created)
    return created


@contextmanager
def _without_cycle_collection():
    """While a sheet is read, the cyclic garbage collector waits (gc.disable) until the import ends: a large
    sheet makes millions of short-lived values, freed as they go (nothing the import keeps refers back to
    itself), and each pass of the collector over the whole process costs as much as reading them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_sheet(
    spec: SheetSpec,
    *,
    actor,
    file,
    audit_on: dict,
    handle: Callable[[Sheet, Rows, str], Any],
) -> ImportResult:
    """Read the first sheet of `file` (an uploaded file, bytes or a path) and give its data rows (Rows) to
    handle(sheet, rows, file name), which records every error on the sheet and returns what it created
    (nothing if there is an error).

    Nothing raises for a bad file: a file that cannot be read at all comes back as one error, a readable
    sheet with every error of every row (the first MAX_ERRORS, then one that says how many more). The rows
    are read as handle writes, in one transaction, rolled back when there is an error. A refused import is
    then recorded on the audit trail, on `audit_on` (audit.record's instance= or organization=), after that
    rollback: so do not call this inside a transaction of your own that you roll back, or the refusal goes
    with it.
    """
    result = ImportResult()
    sheet = Sheet("")
    name = ""
    try:
        data, name = read_bytes(file)
        sheet.sha256 = hashlib.sha256(data).hexdigest()
        check_package(data, name, spec)
        with _without_cycle_collection():
            source = open_sheet(data, spec)
        del data
        sheet.name = source.name
        if not source.count:
            raise Refused(_("The sheet “{sheet}” is empty.").format(sheet=source.name), source.name)
        with _without_cycle_collection(), closing(source.rows()) as stream, transaction.atomic():
            rows = _data_rows(spec, sheet, source, stream)
            created = handle(sheet, rows, name) if rows is not None else []
            if sheet.count:  # all or nothing, whatever handle wrote before finding the errors
                transaction.set_rollback(True)
            else:
                result.created = created
    except Refused as exc:
        sheet.errors = [ImportErrorRow(exc.sheet or sheet.name, None, "", exc.message)]
        sheet.count = 1
    errors = sheet.errors
    if sheet.count > len(errors):
        more = sheet.count - len(errors)
        errors = [
            *errors,
            ImportErrorRow(
                sheet.name,
                None,
                "",
                ngettext("… and {count} more error.", "… and {count} more errors.", more).format(
                    count=number_format(more, force_grouping=True)
                ),
            ),
        ]
    result.errors = errors
    result.error_count = max(sheet.count, len(sheet.errors))
    if errors:
        # A refused import is on the trail too: who tried to import what, and why it was refused.
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            changes={"errors": sheet.count, "file": name[:200]},
            kind="import.refused",
            params={"errors": sheet.count, "file": name[:200]},
            **audit_on,
        )
    return result
