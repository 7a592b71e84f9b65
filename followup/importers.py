"""Import of a conclusion notice's directives from an Excel sheet: all or nothing, every error by cell.

The file is checked before it is parsed (type, size, the uncompressed size of its zip members), the whole
first sheet is read and every row validated against the notice's organisation in memory, and only when no
row has an error is every directive created through services.directive_create, in one transaction.

The sheet (followup.exports.directive_import_template writes it): one heading row, then one directive a
row. Headings are matched without diacritics or case, in Vietnamese or in English:

| column | Vietnamese heading | required | holds |
|---|---|---|---|
| number | Số hiệu | no | the directive's reference |
| content | Nội dung | yes | what must be done |
| lead_unit | Đơn vị chủ trì | yes | an agency code, or its exact name |
| cooperating_units | Đơn vị phối hợp | no | agency codes (or names) separated by commas or semicolons |
| deadline | Thời hạn | yes | an Excel date, or dd/mm/yyyy text; not before the notice |
| issued_by | Lãnh đạo chỉ đạo | yes | the issuing leader's full name, unique in the organisation |
| locality_code | Mã địa bàn | no | the official code of the locality |

A "STT" (row number) column is allowed and ignored.
"""

import datetime as dt
import io
import os
import re
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from core import audit
from core.models import AuditAction
from core.services import notify
from core.text import fold, nfc
from followup import recipients, services
from followup.choices import NotificationKind, SourceKind
from followup.models import ConclusionNotice, Directive
from org.models import AdministrativeUnit, Agency, Person

MAX_ROWS = 5_000  # directives in one notice
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # checked for zip members over 1 MB
MAX_MEMBERS = 2_000
MAX_COLUMNS = 40  # columns read; a wider sheet is not a directive sheet
HEADER_SEARCH_ROWS = 10  # the heading row may follow a few title rows
MAX_ERRORS = 1_000  # beyond this, one last line says how many more there are
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_CONTENT = 20_000


@dataclass(frozen=True)
class ImportErrorRow:
    """One error: the sheet, the row as Excel numbers it, the column (letter and heading), what is wrong."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[Directive] = field(default_factory=list)
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

    def heading(self) -> str:
        return str(self.label)

    def help(self) -> str:
        return str(self.guide)


COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "number",
        gettext_lazy("Reference"),
        "Số hiệu",
        ("số", "số hiệu chỉ đạo", "số ký hiệu", "reference", "number"),
        False,
        12,
        gettext_lazy("The directive's reference in the notice, for example 1, 2a or 3.1."),
    ),
    SheetColumn(
        "content",
        gettext_lazy("Content"),
        "Nội dung",
        ("nội dung chỉ đạo", "nội dung kết luận", "nội dung công việc", "content", "directive"),
        True,
        60,
        gettext_lazy("What must be done."),
    ),
    SheetColumn(
        "lead_unit",
        gettext_lazy("Lead unit"),
        "Đơn vị chủ trì",
        ("chủ trì", "mã đơn vị chủ trì", "cơ quan chủ trì", "lead unit", "lead unit code"),
        True,
        24,
        gettext_lazy("The code of the agency that leads (for example SXD), or its exact name."),
    ),
    SheetColumn(
        "cooperating_units",
        gettext_lazy("Cooperating units"),
        "Đơn vị phối hợp",
        ("phối hợp", "mã đơn vị phối hợp", "cơ quan phối hợp", "cooperating units", "cooperating unit codes"),
        False,
        28,
        gettext_lazy("Codes of the cooperating agencies, separated by commas or semicolons."),
    ),
    SheetColumn(
        "deadline",
        gettext_lazy("Deadline"),
        "Thời hạn",
        ("thời hạn hoàn thành", "hạn hoàn thành", "hạn", "deadline", "due"),
        True,
        14,
        gettext_lazy("A date (dd/mm/yyyy), not before the notice was issued."),
    ),
    SheetColumn(
        "issued_by",
        gettext_lazy("Issued by (leader)"),
        "Lãnh đạo chỉ đạo",
        ("lãnh đạo", "người chỉ đạo", "issued by", "leader"),
        True,
        24,
        gettext_lazy("The full name of the leader who issues the directive, as in the list of people."),
    ),
    SheetColumn(
        "locality_code",
        gettext_lazy("Locality code"),
        "Mã địa bàn",
        ("địa bàn", "mã xã", "mã xã phường", "locality", "locality code"),
        False,
        12,
        gettext_lazy("Optional: the official code of the commune or ward concerned (for example 70)."),
    ),
)
IGNORED_HEADINGS = ("stt", "tt", "số tt", "số thứ tự", "no", "no.", "#")

_PARENTHESES = re.compile(r"\([^)]*\)")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LIST_SEPARATORS = re.compile(r"[,;\n]+")


class Refused(Exception):
    """The file as a whole cannot be read: one error says why."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


def _heading_keys(text: str) -> set[str]:
    """The folded forms a heading is matched by: as written, and without a parenthesised note or a star."""
    plain = str(text).replace("*", " ")
    return {fold(plain), fold(_PARENTHESES.sub(" ", plain))} - {""}


def _heading_map() -> dict[str, str]:
    """Folded heading → column key, for the English and Vietnamese headings and the current language's."""
    found: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.heading(), column.vietnamese, *column.aliases):
            for key in _heading_keys(text):
                found.setdefault(key, column.key)
    return found


# --- reading the file -----------------------------------------------------------------------------


def _read_bytes(file) -> tuple[bytes, str]:
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


def _check_package(data: bytes, name: str) -> None:
    """An .xlsx is a zip of XML parts: refuse anything else, and zip bombs, before parsing."""
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
    total = sum(m.file_size for m in members)
    too_packed = any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED_BYTES or too_packed:
        raise Refused(
            _(
                "The workbook is too large once unpacked (more than {limit} MB), or abnormally compressed: "
                "it was not opened."
            ).format(limit=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
        )


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str  # openpyxl's data type: s(tring), n(umber), d(ate), b(oolean), f(ormula), e(rror)


def _read_sheet(data: bytes) -> tuple[str, list[tuple[int, list[Cell]]], list[tuple[int, int, int, int]]]:
    """The first worksheet: its name, its non-empty rows (Excel row number, cells) and its merged ranges.

    Stops reading once there are more rows than an import may hold.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if not wb.worksheets:
                raise Refused(_("The workbook has no worksheet."))
            ws = wb.worksheets[0]
            sheet = ws.title
            # The dimension an application wrote may be wrong: read every row that is really there.
            ws.reset_dimensions()
            rows: list[tuple[int, list[Cell]]] = []
            for number, raw in enumerate(ws.iter_rows(min_row=1, max_col=MAX_COLUMNS), start=1):
                cells = [Cell(c.value, c.data_type) for c in raw]
                if any(not _blank(c.value) for c in cells):
                    rows.append((number, cells))
                    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                        break
            wb.close()
    except Refused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged part
        raise Refused(_("The file is damaged: it cannot be opened as an Excel workbook.")) from None
    try:
        merged = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).merged_cell_ranges
    except Exception:
        raise Refused(_("The file is damaged: it cannot be opened as an Excel workbook."), sheet) from None
    # calamine counts from 0: (first row, first column, last row, last column), counted from 1
    ranges = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in (merged or [])]
    return sheet, rows, ranges


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading cells --------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(cell: Cell) -> str:
    value = cell.value
    if _blank(value):
        return ""
    if isinstance(value, bool):
        raise CellError(_("Write text here, not TRUE or FALSE."))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _date(cell: Cell) -> dt.date | None:
    value = cell.value
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        match = _DAY_FIRST.match(text)
        iso = _ISO.match(text)
        if not match and not iso:
            raise CellError(
                _("“{value}” is not a date: write it as dd/mm/yyyy or format the cell as a date.").format(
                    value=text[:40]
                )
            )
        day_s, month_s, year_s = match.groups() if match else reversed(iso.groups())
        try:
            day = dt.date(int(year_s), int(month_s), int(day_s))
        except ValueError:
            raise CellError(_("“{value}” is not a real date.").format(value=text[:40])) from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("The cell holds a number, not a date: format it as a date or write dd/mm/yyyy."))
    else:
        raise CellError(_("The cell holds no date: write it as dd/mm/yyyy."))
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CellError(
            _("{date} is out of range: the year must be between {start} and {end}.").format(
                date=day.strftime("%d/%m/%Y"), start=MIN_YEAR, end=MAX_YEAR
            )
        )
    return day


# --- the organisation's reference data, loaded once ------------------------------------------------


class References:
    """The notice's organisation: agencies by code and by name, people by name, units by code."""

    def __init__(self, notice: ConclusionNotice):
        organization = notice.organization
        self.agency_by_code: dict[str, Agency] = {}
        self.agency_by_name: dict[str, list[Agency]] = defaultdict(list)
        self.agency_by_folded: dict[str, list[Agency]] = defaultdict(list)
        for agency in Agency.objects.active().filter(organization=organization).order_by("id"):
            self.agency_by_code[agency.code.strip().casefold()] = agency
            self.agency_by_name[nfc(agency.name).casefold()].append(agency)
            self.agency_by_folded[fold(agency.name)].append(agency)
        self.person_by_name: dict[str, list[Person]] = defaultdict(list)
        self.person_by_folded: dict[str, list[Person]] = defaultdict(list)
        for person in Person.objects.active().filter(organization=organization).order_by("id"):
            self.person_by_name[" ".join(nfc(person.full_name).casefold().split())].append(person)
            self.person_by_folded[fold(person.full_name)].append(person)
        self.root_path = organization.root_unit.path
        self.units: dict[int, AdministrativeUnit] = {}

    def load_units(self, codes: set[int]) -> None:
        """Units by official code within the organisation's area, the lowest level first (communes)."""
        for unit in (
            AdministrativeUnit.objects.active()
            .filter(code__in=sorted(codes), path__startswith=self.root_path)
            .order_by("level")
        ):
            self.units[unit.code] = unit

    def agency(self, text: str) -> Agency:
        found = self.agency_by_code.get(text.strip().casefold())
        if found is not None:
            return found
        for candidates in (self.agency_by_name.get(text.casefold()), self.agency_by_folded.get(fold(text))):
            if candidates and len(candidates) == 1:
                return candidates[0]
            if candidates:
                raise CellError(
                    _("Several units are named “{name}”: write the unit's code instead.").format(name=text)
                )
        raise CellError(
            _("No unit of the organisation has the code or the name “{value}”.").format(value=text)
        )

    def person(self, text: str) -> Person:
        key = " ".join(text.casefold().split())
        for candidates in (self.person_by_name.get(key), self.person_by_folded.get(fold(text))):
            if candidates and len(candidates) == 1:
                return candidates[0]
            if candidates:
                raise CellError(
                    _(
                        "Several people are named “{name}”: the office must tell them apart "
                        "(for example by their position) before the import."
                    ).format(name=text)
                )
        raise CellError(_("Nobody of the organisation is named “{name}”.").format(name=text))


# --- the import -----------------------------------------------------------------------------------


@dataclass
class Draft:
    """A validated row, ready to become a directive."""

    row: int
    number: str
    content: str
    lead_unit: Agency
    cooperating_units: list[Agency]
    deadline: dt.date
    issued_by: Person
    locality: AdministrativeUnit | None


class _Sheet:
    """Collects the errors of one sheet, each with its cell."""

    def __init__(self, name: str):
        self.name = name
        self.errors: list[ImportErrorRow] = []
        self.headings: dict[str, tuple[int, str]] = {}  # column key → (index from 1, heading as written)

    def add(self, row: int | None, message: str, key: str | None = None, index: int | None = None):
        column = ""
        if key is not None and key in self.headings:
            index, heading = self.headings[key]
            column = f"{get_column_letter(index)} ({heading})"
        elif index is not None:
            column = get_column_letter(index)
        self.errors.append(ImportErrorRow(self.name, row, column, message))


def _find_header(sheet: _Sheet, rows) -> int | None:
    """The position in `rows` of the heading row: the first of the top rows naming two known columns."""
    known = _heading_map()
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [str(c.value) if not _blank(c.value) else "" for c in cells]
        hits = sum(1 for t in texts if t and _heading_keys(t) & known.keys())
        if hits >= 2:
            return position
    return None


def _read_headings(sheet: _Sheet, number: int, cells: list[Cell]) -> bool:
    """Map the heading row's columns; report unknown, repeated and missing headings."""
    known = _heading_map()
    ignored = {fold(h) for h in IGNORED_HEADINGS}
    ok = True
    for index, cell in enumerate(cells, start=1):
        if _blank(cell.value):
            continue
        text = str(cell.value).strip()
        keys = _heading_keys(text)
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
    missing = [c.heading() for c in COLUMNS if c.required and c.key not in sheet.headings]
    if missing:
        sheet.add(
            number,
            _("Missing column(s): {columns}. Use the template's heading row.").format(
                columns=", ".join(missing)
            ),
        )
        ok = False
    return ok


def _check_cells(sheet: _Sheet, data_rows, merged, header_row: int) -> None:
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
                sheet.add(
                    number,
                    _("The cell holds a formula: copy it and paste it as a value."),
                    key=key,
                )
            elif cell.kind == "e":
                sheet.add(
                    number,
                    _("The cell holds an Excel error ({value}).").format(value=str(cell.value)[:20]),
                    key=key,
                )


def _value(cells: list[Cell], sheet: _Sheet, key: str) -> Cell:
    if key not in sheet.headings:
        return Cell(None, "n")
    index = sheet.headings[key][0]
    return cells[index - 1] if index - 1 < len(cells) else Cell(None, "n")


def _validate_row(
    sheet: _Sheet, number: int, cells: list[Cell], refs: References, notice, seen: set, existing: set
):
    """A Draft for a good row; otherwise its errors go to the sheet and None is returned."""
    before = len(sheet.errors)
    values = {}

    def read(key, reader):
        try:
            return reader(_value(cells, sheet, key))
        except CellError as exc:
            sheet.add(number, exc.message, key=key)
            return None

    number_text = read("number", _text) or ""
    if len(number_text) > 60:
        sheet.add(number, _("The reference is longer than 60 characters."), key="number")
    content = read("content", _text)
    if content == "":
        sheet.add(number, _("Write the content of the directive."), key="content")
    elif content and len(content) > MAX_CONTENT:
        sheet.add(
            number,
            _("The content is longer than {limit} characters.").format(limit=MAX_CONTENT),
            key="content",
        )
    lead_text = read("lead_unit", _text)
    if lead_text == "":
        sheet.add(number, _("Name the lead unit (its code)."), key="lead_unit")
    elif lead_text:
        values["lead_unit"] = read("lead_unit", lambda _c: refs.agency(lead_text))
    cooperating = []
    coop_text = read("cooperating_units", _text) or ""
    unknown = []
    for token in (t.strip() for t in _LIST_SEPARATORS.split(coop_text)):
        if not token:
            continue
        try:
            unit = refs.agency(token)
        except CellError:
            unknown.append(token)
            continue
        if unit not in cooperating:
            cooperating.append(unit)
    if unknown:
        sheet.add(
            number,
            _("No unit of the organisation has the code(s) {codes}.").format(
                codes=", ".join(f"“{t}”" for t in unknown[:10])
            ),
            key="cooperating_units",
        )
    deadline = read("deadline", _date)
    if deadline is None and not _has_error_in(sheet, before, "deadline"):
        sheet.add(number, _("Write the deadline (dd/mm/yyyy)."), key="deadline")
    elif deadline is not None and deadline < notice.issued_on:
        sheet.add(
            number,
            _("The deadline {deadline} is before the notice was issued ({issued}).").format(
                deadline=deadline.strftime("%d/%m/%Y"), issued=notice.issued_on.strftime("%d/%m/%Y")
            ),
            key="deadline",
        )
    leader_text = read("issued_by", _text)
    if leader_text == "":
        sheet.add(number, _("Name the leader who issues the directive."), key="issued_by")
    elif leader_text:
        values["issued_by"] = read("issued_by", lambda _c: refs.person(leader_text))
    locality = None
    locality_cell = _value(cells, sheet, "locality_code")
    if not _blank(locality_cell.value):
        code = _unit_code(locality_cell)
        if code is None or code not in refs.units:
            shown = _text(locality_cell) if locality_cell.kind != "f" else ""
            sheet.add(
                number,
                _("“{value}” is not the official code of a locality of the organisation.").format(
                    value=shown
                ),
                key="locality_code",
            )
        else:
            locality = refs.units[code]
    if len(sheet.errors) > before or content is None:
        return None
    lead_unit = values.get("lead_unit")
    key = (fold(content), lead_unit.pk)
    if key in seen:
        sheet.add(
            number, _("The same directive to the same lead unit is already in an earlier row."), key="content"
        )
        return None
    if key in existing:
        sheet.add(
            number,
            _("This directive to this lead unit has already been imported into the notice."),
            key="content",
        )
        return None
    seen.add(key)
    return Draft(
        row=number,
        number=number_text,
        content=content,
        lead_unit=lead_unit,
        cooperating_units=cooperating,
        deadline=deadline,
        issued_by=values["issued_by"],
        locality=locality,
    )


def _has_error_in(sheet: _Sheet, since: int, key: str) -> bool:
    if key not in sheet.headings:
        return False
    index, heading = sheet.headings[key]
    column = f"{get_column_letter(index)} ({heading})"
    return any(e.column == column for e in sheet.errors[since:])


def _unit_code(cell: Cell) -> int | None:
    value = cell.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _existing(notice) -> set:
    """(folded content, lead unit) of the directives already imported into the notice."""
    rows = Directive.objects.active().filter(
        source_type=ContentType.objects.get_for_model(ConclusionNotice), source_id=notice.pk
    )
    return {(fold(content), lead) for content, lead in rows.values_list("content", "lead_unit_id")}


def _parse(sheet: _Sheet, rows, merged, refs: References, notice) -> list[Draft]:
    position = _find_header(sheet, rows)
    if position is None:
        expected = ", ".join(c.heading() for c in COLUMNS if c.required)
        sheet.add(
            None,
            _("No heading row found: the first row must hold the column headings ({columns}).").format(
                columns=expected
            ),
        )
        return []
    header_row, header_cells = rows[position]
    if not _read_headings(sheet, header_row, header_cells):
        return []
    data_rows = rows[position + 1 :]
    if not data_rows:
        sheet.add(None, _("The sheet has no directive below its heading row."))
        return []
    if len(data_rows) > MAX_ROWS:
        sheet.add(
            None,
            _("The sheet has more than {limit} rows: split it into several imports.").format(limit=MAX_ROWS),
        )
        return []
    _check_cells(sheet, data_rows, merged, header_row)
    if sheet.errors:
        return []
    codes = set()
    for _number, cells in data_rows:
        code = _unit_code(_value(cells, sheet, "locality_code"))
        if code is not None:
            codes.add(code)
    if codes:
        refs.load_units(codes)
    seen: set = set()
    existing = _existing(notice)
    drafts = []
    for number, cells in data_rows:
        draft = _validate_row(sheet, number, cells, refs, notice, seen, existing)
        if draft is not None:
            drafts.append(draft)
    return drafts


# Model fields a service error may name, and the sheet column they come from.
_FIELD_COLUMNS = {
    "content": "content",
    "number": "number",
    "deadline": "deadline",
    "lead_unit": "lead_unit",
    "issued_by": "issued_by",
    "locality": "locality_code",
    "cooperating_units": "cooperating_units",
}


def _create(*, actor, notice, drafts: list[Draft], sheet: _Sheet, file_name: str) -> list[Directive]:
    """Create every directive, the audit event and the notifications in one transaction; a refusal by the
    service rolls all of them back."""
    created = []
    organization = notice.organization
    with transaction.atomic():
        for draft in drafts:
            try:
                directive = services.directive_create(
                    actor=actor,
                    organization=organization,
                    content=draft.content,
                    number=draft.number,
                    issued_by=draft.issued_by,
                    issued_on=notice.issued_on,
                    lead_unit=draft.lead_unit,
                    cooperating_units=draft.cooperating_units,
                    deadline=draft.deadline,
                    locality=draft.locality,
                    source_kind=SourceKind.CONCLUSION_NOTICE,
                    source=notice,
                    notify_people=False,
                )
            except ValidationError as exc:
                items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                for name, messages in items:
                    sheet.add(draft.row, " ".join(messages), key=_FIELD_COLUMNS.get(name))
                continue
            created.append(directive)
        if sheet.errors:
            transaction.set_rollback(True)
            return []
        event = audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            instance=notice,
            changes={"directives": [d.pk for d in created], "file": file_name[:200]},
            note=_("{count} directives imported from {file}").format(count=len(created), file=file_name)[
                :500
            ],
        )
        _notify(notice, created, event.pk)
    return created


def _notify(notice, directives: list[Directive], event_id: int) -> None:
    """One notification per person told, however many of the directives concern them."""
    groups: dict[tuple, list[Directive]] = defaultdict(list)
    for directive in directives:
        groups[(directive.lead_unit_id, directive.issued_by_id, directive.locality_id)].append(directive)
    counts: dict[int, int] = defaultdict(int)
    users = {}
    for group in groups.values():
        for user in recipients.for_directive(group[0]):
            users[user.pk] = user
            counts[user.pk] += len(group)
    for pk, user in users.items():
        notify(
            user=user,
            kind=NotificationKind.DIRECTIVE_ASSIGNED,
            key=f"notice:{notice.pk}:import:{event_id}:{pk}",
            title=_("{count} new directives from notice {number}").format(
                count=counts[pk], number=notice.number
            ),
            url=notice.get_absolute_url(),
        )


def import_directives(*, actor, notice, file) -> ImportResult:
    """Import a conclusion notice's directives from an .xlsx sheet: all of them, or none and every error."""
    result = ImportResult()
    sheet = _Sheet("")
    name = ""
    try:
        data, name = _read_bytes(file)
        _check_package(data, name)
        sheet_name, rows, merged = _read_sheet(data)
        sheet.name = sheet_name
        if not rows:
            raise Refused(_("The sheet “{sheet}” is empty.").format(sheet=sheet_name), sheet_name)
        refs = References(notice)
        drafts = _parse(sheet, rows, merged, refs, notice)
        if not sheet.errors:
            result.created = _create(actor=actor, notice=notice, drafts=drafts, sheet=sheet, file_name=name)
    except Refused as exc:
        sheet.errors = [ImportErrorRow(exc.sheet or sheet.name, None, "", exc.message)]
    errors = sheet.errors
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = [
            *errors[:MAX_ERRORS],
            ImportErrorRow(sheet.name, None, "", _("… and {count} more errors.").format(count=more)),
        ]
    result.errors = errors
    if errors:
        # A refused import is on the trail too: who tried to import what, and why it was refused.
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            instance=notice,
            changes={"errors": len(sheet.errors), "file": name[:200]},
            note=_("Import refused: {count} errors in {file}").format(count=len(sheet.errors), file=name)[
                :500
            ],
        )
    return result
