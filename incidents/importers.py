"""Import of incidents from an Excel sheet: all or nothing, every error with its sheet, row and column.

The file is checked before it is parsed (type, size, the uncompressed size and compression ratio of its zip
members), the whole first sheet is read and every row validated in memory against the organisation's
units and agencies, and only when no row has an error is every incident created through
services.incident_create (routing, frozen leader, deadlines in working hours), in one transaction.

The sheet (incidents.exports.incident_import_template writes it): one heading row, then one incident a row.
Headings are matched after core.text.fold (no diacritics, no case), in Vietnamese or in English; a
parenthesised note or a star in a heading is ignored, and so is a "STT" (row number) column.

| column | Vietnamese heading | required | holds |
|---|---|---|---|
| title | Tiêu đề | yes | up to 300 characters |
| description | Nội dung | yes | what happened |
| unit | Mã địa bàn | one of the two | the official code of the commune or ward (e.g. 70) |
| agency | Mã đơn vị | one of the two | the code of the unit concerned (e.g. SO-XD) |
| place | Địa điểm | no | street, house number |
| latitude, longitude | Vĩ độ, Kinh độ | no | decimal degrees, both or neither |
| occurred_at | Thời điểm xảy ra | yes | an Excel date-time, or dd/mm/yyyy [hh:mm] text |
| reported_at | Thời điểm tiếp nhận | no | the same; default: the time of the import |
| severity | Mức độ | yes | Khẩn cấp / Phức tạp / Thông thường (or urgent, complex, normal) |
| source | Nguồn | no | Người dân, Báo chí, ... (default: citizen) |
| field | Lĩnh vực | no | Đất đai, Môi trường, ... (default: other) |
| flags | Tính chất | no | Mới phát sinh, Nổi cộm, Phức tạp, Đột xuất, Bức xúc, Dư luận quan tâm |
| reporter_name | Người phản ánh | no | |
| reporter_contact | Liên hệ | no | |
"""

import contextlib
import datetime as dt
import io
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from accounts.choices import Role
from accounts.models import User
from core import audit
from core.models import AuditAction
from core.services import notify
from core.text import fold, nfc
from incidents import services
from incidents.choices import FLAGS, IncidentField, IncidentSource, Severity
from incidents.models import Incident
from org.models import AdministrativeUnit, Agency

MAX_ROWS = 5_000  # incidents in one import
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # checked for zip members over 1 MB; real sheets compress 5-20 times
MAX_MEMBERS = 1_000
MAX_COLUMNS = 40  # columns read; a wider sheet is not an incident sheet
HEADER_SEARCH_ROWS = 10  # the heading row may follow a few title rows
MAX_ERRORS = 1_000  # beyond this, one last line says how many more there are
MIN_YEAR, MAX_YEAR = 1990, 2100
LIMITS = {"title": 300, "description": 20_000, "place": 300, "reporter_name": 200, "reporter_contact": 200}
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # the model's own tolerance for clocks slightly apart


@dataclass(frozen=True)
class ImportErrorRow:
    """One error: the sheet, the row as Excel numbers it, the column (letter and heading), what is wrong."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[Incident] = field(default_factory=list)
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
    kind: str  # text, number, datetime, choice
    guide: Promise

    def heading(self) -> str:
        return str(self.label)

    def help(self) -> str:
        return str(self.guide)


COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "title",
        gettext_lazy("Title"),
        "Tiêu đề",
        ("tên vụ việc", "vụ việc", "tiêu đề vụ việc", "title", "incident"),
        True,
        40,
        "text",
        gettext_lazy("A short title of the incident, up to 300 characters."),
    ),
    SheetColumn(
        "description",
        gettext_lazy("Description"),
        "Nội dung",
        ("mô tả", "nội dung vụ việc", "nội dung phản ánh", "chi tiết", "description", "details"),
        True,
        60,
        "text",
        gettext_lazy("What happened, as reported."),
    ),
    SheetColumn(
        "unit",
        gettext_lazy("Locality code"),
        "Mã địa bàn",
        ("mã xã", "mã xã phường", "mã phường xã", "mã đơn vị hành chính", "unit", "unit code", "locality"),
        False,
        12,
        "number",
        gettext_lazy(
            "The official code of the commune or ward where it happened (for example 70 for Phường Hoàn "
            "Kiếm). Give it, the unit concerned, or both."
        ),
    ),
    SheetColumn(
        "agency",
        gettext_lazy("Unit concerned (code)"),
        "Mã đơn vị",
        ("đơn vị", "đơn vị liên quan", "mã đơn vị liên quan", "cơ quan", "agency", "agency code"),
        False,
        14,
        "text",
        gettext_lazy(
            "The code of the agency or unit concerned (for example SO-XD), as in the list of units."
        ),
    ),
    SheetColumn(
        "place",
        gettext_lazy("Place"),
        "Địa điểm",
        ("địa chỉ", "nơi xảy ra", "place", "address"),
        False,
        28,
        "text",
        gettext_lazy("The street, house number or landmark."),
    ),
    SheetColumn(
        "latitude",
        gettext_lazy("Latitude"),
        "Vĩ độ",
        ("vi do", "lat", "latitude"),
        False,
        11,
        "number",
        gettext_lazy("Decimal degrees, for example 21.0285; with the longitude, or leave both empty."),
    ),
    SheetColumn(
        "longitude",
        gettext_lazy("Longitude"),
        "Kinh độ",
        ("kinh do", "lng", "lon", "longitude"),
        False,
        11,
        "number",
        gettext_lazy("Decimal degrees, for example 105.8542."),
    ),
    SheetColumn(
        "occurred_at",
        gettext_lazy("Occurred at"),
        "Thời điểm xảy ra",
        ("thời gian xảy ra", "ngày xảy ra", "xảy ra lúc", "occurred", "occurred on"),
        True,
        17,
        "datetime",
        gettext_lazy(
            "When it happened: a date-time cell, or dd/mm/yyyy hh:mm (dd/mm/yyyy alone means 00:00). The "
            "leader in charge of the place on that day answers for it."
        ),
    ),
    SheetColumn(
        "reported_at",
        gettext_lazy("Reported at"),
        "Thời điểm tiếp nhận",
        (
            "thời gian tiếp nhận",
            "ngày tiếp nhận",
            "tiếp nhận lúc",
            "ngày phản ánh",
            "reported",
            "reported on",
        ),
        False,
        17,
        "datetime",
        gettext_lazy(
            "When it was reported, if earlier than the import; the deadlines are counted in working hours "
            "from it. Empty: the time of the import."
        ),
    ),
    SheetColumn(
        "severity",
        gettext_lazy("Severity"),
        "Mức độ",
        ("mức độ nghiêm trọng", "mức độ khẩn", "severity"),
        True,
        14,
        "choice",
        gettext_lazy("Khẩn cấp (urgent), Phức tạp (complex) or Thông thường (normal)."),
    ),
    SheetColumn(
        "source",
        gettext_lazy("Source"),
        "Nguồn",
        ("nguồn tin", "nguồn phản ánh", "source"),
        False,
        18,
        "choice",
        gettext_lazy("Where the report came from (see the Lists sheet). Empty: citizen."),
    ),
    SheetColumn(
        "field",
        gettext_lazy("Field"),
        "Lĩnh vực",
        ("field", "sector"),
        False,
        18,
        "choice",
        gettext_lazy("The field (see the Lists sheet). Empty: other."),
    ),
    SheetColumn(
        "flags",
        gettext_lazy("Characteristics"),
        "Tính chất",
        ("đặc điểm", "tính chất vụ việc", "characteristics", "flags"),
        False,
        28,
        "text",
        gettext_lazy(
            "Any of: Mới phát sinh, Nổi cộm, Phức tạp, Đột xuất, Bức xúc, Dư luận quan tâm, separated by "
            "commas or semicolons."
        ),
    ),
    SheetColumn(
        "reporter_name",
        gettext_lazy("Reported by (name)"),
        "Người phản ánh",
        ("họ tên người phản ánh", "người báo tin", "reporter", "reporter name"),
        False,
        22,
        "text",
        gettext_lazy("Who reported it, if known."),
    ),
    SheetColumn(
        "reporter_contact",
        gettext_lazy("Reporter's contact"),
        "Liên hệ",
        ("số điện thoại", "điện thoại", "liên hệ người phản ánh", "contact", "reporter contact"),
        False,
        22,
        "text",
        gettext_lazy("A telephone number or an address, if known."),
    ),
)
IGNORED_HEADINGS = ("stt", "tt", "số tt", "số thứ tự", "no", "no.", "#")

CHOICES = {"severity": Severity, "source": IncidentSource, "field": IncidentField}
DEFAULTS = {"source": IncidentSource.CITIZEN.value, "field": IncidentField.OTHER.value}

_PARENTHESES = re.compile(r"\([^)]*\)")
_DAY_FIRST = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2})[:hH](\d{2})(?::(\d{2}))?)?$"
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
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
    """Folded heading → column key: the English and Vietnamese headings, the catalogue's Vietnamese and the
    active language's, and the aliases."""
    found: dict[str, str] = {}
    for column in COLUMNS:
        # The template's headings in either language, whatever the language of the one importing it.
        with translation.override("en"):
            english = column.heading()
        with translation.override("vi"):
            vietnamese = column.heading()
        for text in (column.heading(), english, column.vietnamese, vietnamese, *column.aliases):
            for key in _heading_keys(text):
                found.setdefault(key, column.key)
    return found


def choice_labels() -> dict[str, list[str]]:
    """The labels of each choice column in the active language, for the template's drop-down lists."""
    labels = {key: [str(label) for _value, label in choices.choices] for key, choices in CHOICES.items()}
    labels["flags"] = [str(label) for _name, label in FLAGS]
    return labels


def _choice_map() -> dict[str, dict[str, str]]:
    """Folded spelling → value for each choice column: the code, the English label, the Vietnamese label
    and the active language's (so "Khẩn cấp", "khan cap", "Urgent" and "urgent" all read as urgent)."""
    maps: dict[str, dict[str, str]] = {key: {} for key in (*CHOICES, "flags")}
    for language in (None, "en", "vi"):
        with translation.override(language) if language else contextlib.nullcontext():
            for key, choices in CHOICES.items():
                for value, label in choices.choices:
                    maps[key].setdefault(fold(value), value)
                    maps[key].setdefault(fold(value.replace("_", " ")), value)
                    maps[key].setdefault(fold(str(label)), value)
            for name, label in FLAGS:
                maps["flags"].setdefault(fold(name), name)
                maps["flags"].setdefault(fold(name.removeprefix("is_").replace("_", " ")), name)
                maps["flags"].setdefault(fold(str(label)), name)
    return maps


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


_NO_CELL = Cell(None, "n")


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
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _local(value: dt.datetime) -> dt.datetime:
    """A sheet's time is local time (Excel has no time zones)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise CellError(
            _("{date} is out of range: the year must be between {start} and {end}.").format(
                date=value.strftime("%d/%m/%Y"), start=MIN_YEAR, end=MAX_YEAR
            )
        )
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return timezone.make_aware(value, timezone.get_default_timezone())


def _moment(cell: Cell) -> dt.datetime | None:
    value = cell.value
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, dt.date):
        return _local(dt.datetime.combine(value, dt.time()))
    if isinstance(value, dt.time):
        raise CellError(_("The cell holds only a time: write the date too (dd/mm/yyyy hh:mm)."))
    if isinstance(value, bool):
        raise CellError(_("The cell holds TRUE or FALSE, not a date: write dd/mm/yyyy hh:mm."))
    if isinstance(value, int | float):
        raise CellError(
            _("The cell holds a number, not a date: format it as a date or write dd/mm/yyyy hh:mm.")
        )
    text = str(value).strip()
    match = _DAY_FIRST.match(text)
    iso = _ISO.match(text)
    if not match and not iso:
        raise CellError(
            _("“{value}” is not a date: write it as dd/mm/yyyy hh:mm or format the cell as a date.").format(
                value=text[:40]
            )
        )
    if match:
        day, month, year, hour, minute, second = match.groups()
    else:
        year, month, day, hour, minute, second = iso.groups()
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        raise CellError(_("“{value}” is not a real date and time.").format(value=text[:40])) from None
    return _local(moment)


def _number(cell: Cell) -> Decimal | None:
    value = cell.value
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Write a number here, not TRUE or FALSE."))
    if isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise CellError(_("“{value}” is not a number.").format(value=value.strip()[:40])) from None
    else:
        raise CellError(_("Write a number here."))
    if not number.is_finite():
        raise CellError(_("Write a number here."))
    return number


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


# --- the organisation's reference data, loaded once ------------------------------------------------


class References:
    """The organisation's units by official code and its agencies by code, each loaded in one query."""

    def __init__(self, organization):
        self.organization = organization
        self.root_path = organization.root_unit.path
        self.units: dict[int, AdministrativeUnit] = {}
        self.agencies: dict[str, Agency] = {}

    def load(self, unit_codes: set[int], agency_codes: set[str]) -> None:
        if unit_codes:
            # Communes are below the province: the lowest level wins when two levels share a code.
            for unit in (
                AdministrativeUnit.objects.active()
                .filter(code__in=sorted(unit_codes), path__startswith=self.root_path)
                .order_by("level")
            ):
                self.units[unit.code] = unit
        if agency_codes:
            wanted = {c.casefold() for c in agency_codes}
            for agency in Agency.objects.active().filter(organization=self.organization).order_by("id"):
                key = agency.code.strip().casefold()
                if key in wanted:
                    self.agencies.setdefault(key, agency)


# --- the import -----------------------------------------------------------------------------------


@dataclass
class Draft:
    """A validated row, ready to become an incident."""

    row: int
    data: dict


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

    def cell(self, cells: list[Cell], key: str) -> Cell:
        if key not in self.headings:
            return _NO_CELL
        index = self.headings[key][0]
        return cells[index - 1] if index - 1 < len(cells) else _NO_CELL


def _find_header(rows) -> int | None:
    """The position in `rows` of the heading row: the first of the top rows naming two known columns."""
    known = _heading_map()
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [str(c.value) for c in cells if not _blank(c.value)]
        if sum(1 for t in texts if _heading_keys(t) & known.keys()) >= 2:
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
    if "unit" not in sheet.headings and "agency" not in sheet.headings:
        missing.append(str(COLUMNS[2].label))
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
                sheet.add(number, _("The cell holds a formula: copy it and paste it as a value."), key=key)
            elif cell.kind == "e":
                sheet.add(
                    number,
                    _("The cell holds an Excel error ({value}).").format(value=str(cell.value)[:20]),
                    key=key,
                )


class _Validator:
    """Validates the data rows against the organisation, collecting every error."""

    def __init__(self, sheet: _Sheet, refs: References, now: dt.datetime):
        self.sheet = sheet
        self.refs = refs
        self.now = now
        self.choices = _choice_map()
        self.seen: dict[tuple, int] = {}

    def row(self, number: int, cells: list[Cell]) -> Draft | None:
        sheet = self.sheet
        before = len(sheet.errors)
        data: dict = {}

        def read(key, reader):
            try:
                return reader(sheet.cell(cells, key))
            except CellError as exc:
                sheet.add(number, exc.message, key=key)
                return None

        for key, limit in LIMITS.items():
            value = read(key, _text)
            if value is None:
                continue
            if len(value) > limit:
                sheet.add(
                    number,
                    _("The text is longer than {limit} characters.").format(limit=limit),
                    key=key,
                )
            data[key] = value
        if data.get("title") == "":
            sheet.add(number, _("Write the title of the incident."), key="title")
        if data.get("description") == "":
            sheet.add(number, _("Write what happened."), key="description")

        data["locality"] = self.unit(number, cells)
        data["agency"] = self.agency(number, cells)
        if (
            data["locality"] is None
            and data["agency"] is None
            and not self._has_error(before, "unit", "agency")
        ):
            sheet.add(
                number,
                _("Write the code of the commune or ward, or of the unit concerned."),
                key="unit" if "unit" in sheet.headings else "agency",
            )

        latitude = read("latitude", _number)
        longitude = read("longitude", _number)
        if (latitude is None) != (longitude is None) and not self._has_error(before, "latitude", "longitude"):
            sheet.add(
                number,
                _("Give both the latitude and the longitude, or neither."),
                key="longitude" if longitude is None else "latitude",
            )
        elif latitude is not None and longitude is not None:
            if not -90 <= latitude <= 90:
                sheet.add(number, _("The latitude must be between -90 and 90."), key="latitude")
            if not -180 <= longitude <= 180:
                sheet.add(number, _("The longitude must be between -180 and 180."), key="longitude")
            data["latitude"] = latitude.quantize(Decimal("0.000001"))
            data["longitude"] = longitude.quantize(Decimal("0.000001"))

        occurred = read("occurred_at", _moment)
        if occurred is None and not self._has_error(before, "occurred_at"):
            sheet.add(number, _("Write when it happened (dd/mm/yyyy hh:mm)."), key="occurred_at")
        reported = read("reported_at", _moment)
        if reported is not None and reported > self.now + FUTURE_TOLERANCE:
            sheet.add(number, _("The time of the report is in the future."), key="reported_at")
        if occurred is not None and occurred > (reported or self.now) + FUTURE_TOLERANCE:
            sheet.add(
                number,
                _("It cannot have happened after it was reported ({when}).").format(
                    when=timezone.localtime(reported or self.now).strftime("%d/%m/%Y %H:%M")
                ),
                key="occurred_at",
            )
        data["occurred_at"], data["reported_at"] = occurred, reported

        for key in CHOICES:
            data[key] = self.choice(number, cells, key)
        data["flags"] = self.flags(number, cells)

        if len(sheet.errors) > before:
            return None
        place = ("unit", data["locality"].pk) if data["locality"] else ("agency", data["agency"].pk)
        identity = (fold(data["title"]), place, occurred)
        if identity in self.seen:
            sheet.add(
                number,
                _("The same incident (title, place and time) is already in row {row}.").format(
                    row=self.seen[identity]
                ),
                key="title",
            )
            return None
        self.seen[identity] = number
        return Draft(row=number, data=data)

    def _has_error(self, since: int, *keys: str) -> bool:
        columns = set()
        for key in keys:
            if key in self.sheet.headings:
                index, heading = self.sheet.headings[key]
                columns.add(f"{get_column_letter(index)} ({heading})")
        return any(e.column in columns for e in self.sheet.errors[since:])

    def unit(self, number: int, cells: list[Cell]):
        cell = self.sheet.cell(cells, "unit")
        if _blank(cell.value):
            return None
        code = _unit_code(cell)
        if code is None or code not in self.refs.units:
            shown = str(cell.value).strip()[:40] if not isinstance(cell.value, float) else f"{cell.value:g}"
            self.sheet.add(
                number,
                _("“{value}” is not the official code of a commune or ward of the organisation.").format(
                    value=shown
                ),
                key="unit",
            )
            return None
        return self.refs.units[code]

    def agency(self, number: int, cells: list[Cell]):
        cell = self.sheet.cell(cells, "agency")
        try:
            text = _text(cell)
        except CellError as exc:
            self.sheet.add(number, exc.message, key="agency")
            return None
        if not text:
            return None
        agency = self.refs.agencies.get(text.strip().casefold())
        if agency is None:
            self.sheet.add(
                number,
                _("No unit of the organisation has the code “{value}”.").format(value=text[:40]),
                key="agency",
            )
        return agency

    def choice(self, number: int, cells: list[Cell], key: str) -> str | None:
        cell = self.sheet.cell(cells, key)
        try:
            text = _text(cell)
        except CellError as exc:
            self.sheet.add(number, exc.message, key=key)
            return None
        if not text:
            if key in DEFAULTS:
                return DEFAULTS[key]
            self.sheet.add(
                number,
                _("Choose one of: {labels}.").format(labels=", ".join(choice_labels()[key])),
                key=key,
            )
            return None
        value = self.choices[key].get(fold(text))
        if value is None:
            self.sheet.add(
                number,
                _("“{value}” is not one of: {labels}.").format(
                    value=text[:40], labels=", ".join(choice_labels()[key])
                ),
                key=key,
            )
        return value

    def flags(self, number: int, cells: list[Cell]) -> dict:
        cell = self.sheet.cell(cells, "flags")
        try:
            text = _text(cell)
        except CellError as exc:
            self.sheet.add(number, exc.message, key="flags")
            return {}
        flags, unknown = {}, []
        for token in (t.strip() for t in _LIST_SEPARATORS.split(text)):
            if not token:
                continue
            name = self.choices["flags"].get(fold(token))
            if name is None:
                unknown.append(token[:40])
            else:
                flags[name] = True
        if unknown:
            self.sheet.add(
                number,
                _("Unknown characteristic(s) {values}: use {labels}.").format(
                    values=", ".join(f"“{t}”" for t in unknown[:5]),
                    labels=", ".join(choice_labels()["flags"]),
                ),
                key="flags",
            )
        return flags


def _parse(sheet: _Sheet, rows, merged, refs: References, now: dt.datetime) -> list[Draft]:
    position = _find_header(rows)
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
        sheet.add(None, _("The sheet has no incident below its heading row."))
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
    unit_codes, agency_codes = set(), set()
    for _number, cells in data_rows:
        code = _unit_code(sheet.cell(cells, "unit"))
        if code is not None:
            unit_codes.add(code)
        agency = sheet.cell(cells, "agency").value
        if isinstance(agency, str | int | float) and not isinstance(agency, bool) and not _blank(agency):
            agency_codes.add(_text(Cell(agency, "s")).strip())
    refs.load(unit_codes, agency_codes)
    validator = _Validator(sheet, refs, now)
    drafts = [validator.row(number, cells) for number, cells in data_rows]
    drafts = [d for d in drafts if d is not None]
    if not sheet.errors:
        _refuse_already_imported(sheet, drafts, refs.organization)
    return drafts


def _refuse_already_imported(sheet: _Sheet, drafts: list[Draft], organization) -> None:
    """A sheet imported twice would double every incident: a row whose title, place and time match an
    incident already recorded is refused (one query over the sheet's time span)."""
    if not drafts:
        return
    times = [d.data["occurred_at"] for d in drafts]
    existing = {}
    rows = Incident.objects.filter(
        organization=organization, occurred_at__gte=min(times), occurred_at__lte=max(times)
    ).values_list("title", "locality_id", "agency_id", "occurred_at", "code")
    for title, locality_id, agency_id, occurred, code in rows.iterator(chunk_size=2000):
        place = ("unit", locality_id) if locality_id else ("agency", agency_id)
        existing[(fold(title), place, occurred)] = code
    for draft in drafts:
        d = draft.data
        place = ("unit", d["locality"].pk) if d["locality"] else ("agency", d["agency"].pk)
        code = existing.get((fold(d["title"]), place, d["occurred_at"]))
        if code:
            sheet.add(
                draft.row,
                _("This incident is already recorded as {code}.").format(code=code),
                key="title",
            )


# Model fields a service error may name, and the sheet column they come from.
_FIELD_COLUMNS = {
    "title": "title",
    "description": "description",
    "place": "place",
    "locality": "unit",
    "agency": "agency",
    "latitude": "latitude",
    "longitude": "longitude",
    "occurred_at": "occurred_at",
    "reported_at": "reported_at",
    "severity": "severity",
    "source": "source",
    "field": "field",
    "reporter_name": "reporter_name",
    "reporter_contact": "reporter_contact",
}


def _create(*, actor, organization, drafts: list[Draft], sheet: _Sheet, file_name: str) -> list[Incident]:
    """Create every incident through the service, and the audit event of the import, in one transaction; a
    refusal by the service rolls all of them back and is reported on its row."""
    created = []
    with transaction.atomic():
        for draft in drafts:
            d = draft.data
            try:
                incident = services.incident_create(
                    actor=actor,
                    organization=organization,
                    title=d["title"],
                    description=d["description"],
                    occurred_at=d["occurred_at"],
                    reported_at=d["reported_at"],
                    source=d["source"],
                    field=d["field"],
                    severity=d["severity"],
                    locality=d["locality"],
                    agency=d["agency"],
                    place=d.get("place", ""),
                    latitude=d.get("latitude"),
                    longitude=d.get("longitude"),
                    reporter_name=d.get("reporter_name", ""),
                    reporter_contact=d.get("reporter_contact", ""),
                    flags=d["flags"],
                    notify_people=False,  # one notice per person for the whole sheet, below
                )
            except ValidationError as exc:
                items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                for name, messages in items:
                    sheet.add(draft.row, " ".join(messages), key=_FIELD_COLUMNS.get(name))
                continue
            created.append(incident)
        if sheet.errors:
            transaction.set_rollback(True)
            return []
        event = audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            organization=organization,
            changes={"incidents": [i.pk for i in created], "file": file_name[:200]},
            note=_("{count} incidents imported from {file}").format(count=len(created), file=file_name)[:500],
        )
        _notify(organization, created, event.pk)
    return created


def _notify(organization, incidents: list[Incident], event_id: int) -> None:
    """One notice per person for the whole sheet, to the people incidents.services tells about a new
    incident: the leader in charge, the focal point, and the Standing Board for the urgent ones and those of
    public concern."""
    counts: dict[int, int] = {}
    users: dict[int, User] = {}
    for incident in incidents:
        leader = incident.responsible_leader
        for user in (getattr(leader, "user", None) if leader is not None else None, incident.focal_point):
            if user is not None and user.is_active:
                users[user.pk] = user
                counts[user.pk] = counts.get(user.pk, 0) + 1
    pressing = sum(1 for i in incidents if i.is_public_concern or i.severity == Severity.URGENT)
    board = set()
    if pressing:
        for user in User.objects.filter(organization=organization, role=Role.STANDING_BOARD, is_active=True):
            users.setdefault(user.pk, user)
            counts[user.pk] = max(counts.get(user.pk, 0), pressing)
            board.add(user.pk)
    for pk, user in users.items():
        notify(
            user=user,
            kind="incident_new",
            key=f"incident-import:{event_id}:{pk}",
            title=_("{count} new incidents imported for you to handle").format(count=counts[pk]),
            url=reverse("incidents:list") if pk in board else reverse("incidents:mine"),
        )


def import_incidents(*, actor, organization, file) -> ImportResult:
    """Import incidents from an .xlsx sheet into an organisation: all of them, or none and every error.

    `file` is an uploaded file, bytes or a path. Nothing raises for a bad file: a file that cannot be read
    at all comes back as one error, a readable sheet with every error of every row.
    """
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
        drafts = _parse(sheet, rows, merged, References(organization), timezone.now())
        if not sheet.errors:
            result.created = _create(
                actor=actor, organization=organization, drafts=drafts, sheet=sheet, file_name=name
            )
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
            organization=organization,
            changes={"errors": len(sheet.errors), "file": name[:200]},
            note=_("Import refused: {count} errors in {file}").format(count=len(sheet.errors), file=name)[
                :500
            ],
        )
    return result
