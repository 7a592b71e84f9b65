"""Import of incidents from an Excel sheet: all or nothing, every error with its sheet, row and column.

The file is checked before it is parsed (type, size, the uncompressed size and compression ratio of its zip
members) and its first sheet surveyed (core.excel_reader); its rows are then read, validated against the
organisation's units and agencies and written a batch at a time, in one transaction, through
services.BulkIntake (the rules of incident_create: routing, frozen leader, deadlines in working hours;
the model's field rules and clean): once a row has an error no more are written, every row is still
checked, and everything is rolled back. One audit event records the import; the people concerned are told
after the commit. Memory does not grow with the rows (docs/imports.md). The file, heading and cell
machinery shared with the directive import is core.excel's.

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
import hashlib
import re
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.choices import Role
from accounts.models import User
from core import audit, excel
from core.excel import CellError, ImportResult, SheetColumn
from core.models import AuditAction
from core.services import notify
from core.text import fold, nfc
from core.validators import LONG_TEXT
from incidents import services
from incidents.choices import FLAGS, IncidentField, IncidentSource, Severity
from incidents.models import Incident
from org.models import AdministrativeUnit, Agency

# Incidents in one import: read, validated and written a batch at a time in flat memory, as a background
# task reporting its progress (docs/imports.md measures it).
MAX_ROWS = 100_000
MAX_COMPRESSION_RATIO = 100  # checked for zip members over 1 MB; real sheets compress 5-20 times
MAX_MEMBERS = 1_000
# All the workbook's parts once unpacked: 100,000 rows of 15 columns written by openpyxl are 95 MB of XML.
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
# The longest text of each text column: the model's own limit, and the long-text limit for the description.
LIMITS = {
    "title": Incident._meta.get_field("title").max_length,
    "description": LONG_TEXT,
    "place": Incident._meta.get_field("place").max_length,
    "reporter_name": Incident._meta.get_field("reporter_name").max_length,
    "reporter_contact": Incident._meta.get_field("reporter_contact").max_length,
}
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # the model's own tolerance for clocks slightly apart

COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "title",
        gettext_lazy("Title"),
        "Tiêu đề",
        ("tên vụ việc", "vụ việc", "tiêu đề vụ việc", "title", "incident"),
        True,
        40,
        gettext_lazy("A short title of the incident, up to 300 characters."),
        kind="text",
    ),
    SheetColumn(
        "description",
        gettext_lazy("Description"),
        "Nội dung",
        ("mô tả", "nội dung vụ việc", "nội dung phản ánh", "chi tiết", "description", "details"),
        True,
        60,
        gettext_lazy("What happened, as reported."),
        kind="text",
    ),
    SheetColumn(
        "unit",
        gettext_lazy("Locality code"),
        "Mã địa bàn",
        ("mã xã", "mã xã phường", "mã phường xã", "mã đơn vị hành chính", "unit", "unit code", "locality"),
        False,
        12,
        gettext_lazy(
            "The official code of the commune or ward where it happened (for example 70 for Phường Hoàn "
            "Kiếm). Give it, the unit concerned, or both."
        ),
        kind="number",
    ),
    SheetColumn(
        "agency",
        gettext_lazy("Unit concerned (code)"),
        "Mã đơn vị",
        ("đơn vị", "đơn vị liên quan", "mã đơn vị liên quan", "cơ quan", "agency", "agency code"),
        False,
        14,
        gettext_lazy(
            "The code of the agency or unit concerned (for example SO-XD), as in the list of units."
        ),
        kind="text",
    ),
    SheetColumn(
        "place",
        gettext_lazy("Place"),
        "Địa điểm",
        ("địa chỉ", "nơi xảy ra", "place", "address"),
        False,
        28,
        gettext_lazy("The street, house number or landmark."),
        kind="text",
    ),
    SheetColumn(
        "latitude",
        gettext_lazy("Latitude"),
        "Vĩ độ",
        ("vi do", "lat", "latitude"),
        False,
        11,
        gettext_lazy("Decimal degrees, for example 21.0285; with the longitude, or leave both empty."),
        kind="number",
    ),
    SheetColumn(
        "longitude",
        gettext_lazy("Longitude"),
        "Kinh độ",
        ("kinh do", "lng", "lon", "longitude"),
        False,
        11,
        gettext_lazy("Decimal degrees, for example 105.8542."),
        kind="number",
    ),
    SheetColumn(
        "occurred_at",
        gettext_lazy("Occurred at"),
        "Thời điểm xảy ra",
        ("thời gian xảy ra", "ngày xảy ra", "xảy ra lúc", "occurred", "occurred on"),
        True,
        17,
        gettext_lazy(
            "When it happened: a date-time cell, or dd/mm/yyyy hh:mm (dd/mm/yyyy alone means 00:00). The "
            "leader in charge of the place on that day answers for it."
        ),
        kind="datetime",
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
        gettext_lazy(
            "When it was reported, if earlier than the import; the deadlines are counted in working hours "
            "from it. Empty: the time of the import."
        ),
        kind="datetime",
    ),
    SheetColumn(
        "severity",
        gettext_lazy("Severity"),
        "Mức độ",
        ("mức độ nghiêm trọng", "mức độ khẩn", "severity"),
        True,
        14,
        gettext_lazy("Khẩn cấp (urgent), Phức tạp (complex) or Thông thường (normal)."),
        kind="choice",
    ),
    SheetColumn(
        "source",
        gettext_lazy("Source"),
        "Nguồn",
        ("nguồn tin", "nguồn phản ánh", "source"),
        False,
        18,
        gettext_lazy("Where the report came from (see the Lists sheet). Empty: citizen."),
        kind="choice",
    ),
    SheetColumn(
        "field",
        gettext_lazy("Field"),
        "Lĩnh vực",
        ("field", "sector"),
        False,
        18,
        gettext_lazy("The field (see the Lists sheet). Empty: other."),
        kind="choice",
    ),
    SheetColumn(
        "flags",
        gettext_lazy("Characteristics"),
        "Tính chất",
        ("đặc điểm", "tính chất vụ việc", "characteristics", "flags"),
        False,
        28,
        gettext_lazy(
            "Any of: Mới phát sinh, Nổi cộm, Phức tạp, Đột xuất, Bức xúc, Dư luận quan tâm, separated by "
            "commas or semicolons."
        ),
        kind="text",
    ),
    SheetColumn(
        "reporter_name",
        gettext_lazy("Reported by (name)"),
        "Người phản ánh",
        ("họ tên người phản ánh", "người báo tin", "reporter", "reporter name"),
        False,
        22,
        gettext_lazy("Who reported it, if known."),
        kind="text",
    ),
    SheetColumn(
        "reporter_contact",
        gettext_lazy("Reporter's contact"),
        "Liên hệ",
        ("số điện thoại", "điện thoại", "liên hệ người phản ánh", "contact", "reporter contact"),
        False,
        22,
        gettext_lazy("A telephone number or an address, if known."),
        kind="text",
    ),
)

CHOICES = {"severity": Severity, "source": IncidentSource, "field": IncidentField}
DEFAULTS = {"source": IncidentSource.CITIZEN.value, "field": IncidentField.OTHER.value}

SHEET = excel.SheetSpec(
    columns=COLUMNS,
    max_rows=MAX_ROWS,
    max_members=MAX_MEMBERS,
    max_compression_ratio=MAX_COMPRESSION_RATIO,
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    no_rows=gettext_lazy("The sheet has no incident below its heading row."),
    # The template's headings in either language, whatever the language of the one importing it.
    heading_languages=("en", "vi"),
    one_of=(("unit", "agency"),),  # where it happened, or who it concerns
)

_LIST_SEPARATORS = re.compile(r"[,;\n]+")


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


# --- reading cells --------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    """A sheet's time is local time (Excel has no time zones)."""
    excel.check_year(value)
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return timezone.make_aware(value, timezone.get_default_timezone())


def _moment(value) -> dt.datetime | None:
    if excel.blank(value):
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
    parts = excel.date_parts(text, with_time=True)
    if parts is None:
        raise CellError(
            _("“{value}” is not a date: write it as dd/mm/yyyy hh:mm or format the cell as a date.").format(
                value=text[:40]
            )
        )
    try:
        moment = dt.datetime(*parts)
    except ValueError:
        raise CellError(_("“{value}” is not a real date and time.").format(value=text[:40])) from None
    return _local(moment)


def _number(value) -> Decimal | None:
    if excel.blank(value):
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


def _latitude(value) -> Decimal | None:
    """A latitude, bounded before any arithmetic: 1e22 is refused on its cell, not overflowed; in range, it
    is given to the microdegree (quantize cannot overflow)."""
    number = _number(value)
    if number is not None and not -90 <= number <= 90:
        raise CellError(_("The latitude must be between -90 and 90."))
    return number.quantize(_MICRODEGREE) if number is not None else None


def _longitude(value) -> Decimal | None:
    number = _number(value)
    if number is not None and not -180 <= number <= 180:
        raise CellError(_("The longitude must be between -180 and 180."))
    return number.quantize(_MICRODEGREE) if number is not None else None


_MICRODEGREE = Decimal("0.000001")


# --- the organisation's reference data, asked for once ---------------------------------------------


class References:
    """The organisation's units by official code and its agencies by code: each code asked for once, the
    new codes of a batch of rows in one query."""

    def __init__(self, organization):
        self.organization = organization
        self.root_path = organization.root_unit.path
        self.units: dict[int, AdministrativeUnit | None] = {}
        self.agencies: dict[str, Agency] | None = None

    def load_units(self, codes: set[int]) -> None:
        new = sorted(codes - self.units.keys())
        if not new:
            return
        self.units.update(dict.fromkeys(new))
        # Communes are below the province: the lowest level wins when two levels share a code.
        for unit in (
            AdministrativeUnit.objects.active()
            .filter(code__in=new, path__startswith=self.root_path)
            .order_by("level")
        ):
            self.units[unit.code] = unit

    def agency(self, code: str) -> Agency | None:
        if self.agencies is None:
            self.agencies = {}
            for agency in Agency.objects.active().filter(organization=self.organization).order_by("id"):
                self.agencies.setdefault(agency.code.strip().casefold(), agency)
        return self.agencies.get(code.strip().casefold())


# --- the import -----------------------------------------------------------------------------------

_MEMO_SIZE = 10_000  # distinct values of a column remembered, at most
# The columns whose values repeat down a sheet (Validator.read).
REPEATED = (
    "place",
    "reporter_name",
    "reporter_contact",
    "unit",
    "agency",
    "latitude",
    "longitude",
    *CHOICES,
    "flags",
)


def _text(limit: int, value) -> str:
    """A cell as text (excel.text) of at most `limit` characters."""
    text = excel.text(value)
    if len(text) > limit:
        raise CellError(_("The text is longer than {limit} characters.").format(limit=limit))
    return text


class _Validator:
    """Validates data rows against the organisation, collecting every error on the sheet."""

    def __init__(self, sheet: excel.Sheet, refs: References, now: dt.datetime):
        self.sheet = sheet
        self.refs = refs
        self.zone = timezone.get_default_timezone()
        self.now = timezone.localtime(now, self.zone)
        self.latest = self.now + FUTURE_TOLERANCE
        self.choices = _choice_map()
        self.labels = {key: ", ".join(labels) for key, labels in choice_labels().items()}
        self.seen: dict[bytes, int] = {}  # a digest of each row's identity → its row
        self.at = {column.key: sheet.index(column.key) for column in COLUMNS}
        # Texts that differ from row to row, read every time.
        self.texts = [(key, self.at[key], LIMITS[key]) for key in ("title", "description")]
        # The columns whose values repeat down a sheet, each distinct value read once: (index, reader, the
        # values read → (what it reads as, the error)), in the order of REPEATED.
        readers = {
            "place": partial(_text, LIMITS["place"]),
            "reporter_name": partial(_text, LIMITS["reporter_name"]),
            "reporter_contact": partial(_text, LIMITS["reporter_contact"]),
            "unit": self.unit,
            "agency": self.agency,
            "latitude": _latitude,
            "longitude": _longitude,
            **{key: partial(self.choice, key) for key in CHOICES},
            "flags": self.flags,
        }
        self.repeated = [(self.at[key], readers[key], {}) for key in REPEATED]

    def value(self, values: list, key: str):
        index = self.at[key]
        return values[index] if index is not None else None

    def read(self, values: list) -> list[tuple]:
        """(what the value reads as, the error) of each column of REPEATED, each distinct value read once."""
        found = []
        for index, reader, memo in self.repeated:
            value = values[index] if index is not None else None
            token = value if value.__class__ is str or value is None else (value.__class__, value)  # True≠1
            result = memo.get(token)
            if result is None:
                try:
                    result = (reader(value), None)
                except CellError as exc:
                    result = (None, exc.message)
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[token] = result
            found.append(result)
        return found

    def row(self, number: int, values: list) -> tuple[dict, str, tuple] | None:
        """(incident_create's arguments, the folded title, the row's place) for a good row; otherwise its
        errors go to the sheet and None is returned."""
        sheet = self.sheet
        before = sheet.begin_row()
        data: dict = {}

        (
            place,
            reporter_name,
            reporter_contact,
            (locality, error_unit),
            (agency, error_agency),
            (latitude, error_latitude),
            (longitude, error_longitude),
            *choices,
            (flags, error_flags),
        ) = self.read(values)
        for key, index, limit in self.texts:
            value = values[index] if index is not None else None
            try:
                data[key] = text = nfc(value) if value.__class__ is str else excel.text(value)
            except CellError as exc:
                sheet.add(number, exc.message, key=key)
                continue
            if len(text) > limit:
                message = _("The text is longer than {limit} characters.").format(limit=limit)
                sheet.add(number, message, key=key)
        for key, (text, error) in zip(
            ("place", "reporter_name", "reporter_contact"),
            (place, reporter_name, reporter_contact),
            strict=True,
        ):
            if error:
                sheet.add(number, error, key=key)
            else:
                data[key] = text
        if data.get("title") == "":
            sheet.add(number, _("Write the title of the incident."), key="title")
        if data.get("description") == "":
            sheet.add(number, _("Write what happened."), key="description")

        if error_unit:
            sheet.add(number, error_unit, key="unit")
        if error_agency:
            sheet.add(number, error_agency, key="agency")
        if locality is None and agency is None and not sheet.has_error(before, "unit", "agency"):
            sheet.add(
                number,
                _("Write the code of the commune or ward, or of the unit concerned."),
                key="unit" if "unit" in sheet.headings else "agency",
            )
        data["locality"], data["agency"] = locality, agency

        if error_latitude:
            sheet.add(number, error_latitude, key="latitude")
        if error_longitude:
            sheet.add(number, error_longitude, key="longitude")
        if (latitude is None) != (longitude is None) and not sheet.has_error(before, "latitude", "longitude"):
            sheet.add(
                number,
                _("Give both the latitude and the longitude, or neither."),
                key="longitude" if longitude is None else "latitude",
            )
        elif latitude is not None and longitude is not None:
            data["latitude"], data["longitude"] = latitude, longitude

        occurred = self.value(values, "occurred_at")
        if occurred.__class__ is dt.datetime and occurred.tzinfo is None and excel.in_years(occurred):
            occurred = occurred.replace(tzinfo=self.zone)  # _moment's local time, read fast
        else:
            occurred = sheet.read(number, values, "occurred_at", _moment)
            if occurred is None and not sheet.has_error(before, "occurred_at"):
                sheet.add(number, _("Write when it happened (dd/mm/yyyy hh:mm)."), key="occurred_at")
        reported = self.value(values, "reported_at")
        if reported is not None:
            reported = sheet.read(number, values, "reported_at", _moment)
            if reported is not None and reported > self.latest:
                sheet.add(number, _("The time of the report is in the future."), key="reported_at")
        if occurred is not None and occurred > (reported + FUTURE_TOLERANCE if reported else self.latest):
            sheet.add(
                number,
                _("It cannot have happened after it was reported ({when}).").format(
                    when=timezone.localtime(reported or self.now).strftime("%d/%m/%Y %H:%M")
                ),
                key="occurred_at",
            )
        data["occurred_at"] = occurred
        data["reported_at"] = reported or self.now  # the time of the import, the same for every row

        for key, (choice, error) in zip(CHOICES, choices, strict=True):
            if error:
                sheet.add(number, error, key=key)
            data[key] = choice
        if error_flags:
            sheet.add(number, error_flags, key="flags")
        data["flags"] = flags or {}

        if sheet.count > before:
            return None
        folded = fold(data["title"])
        place = ("unit", locality.pk) if locality is not None else ("agency", agency.pk)
        identity = hashlib.blake2b(
            f"{folded}\x1f{place[0]}{place[1]}\x1f{occurred.isoformat()}".encode(), digest_size=16
        ).digest()
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
        return data, folded, place

    def unit(self, value):
        if excel.blank(value):
            return None
        code = excel.unit_code(value)
        unit = self.refs.units.get(code) if code is not None else None
        if unit is None:
            shown = str(value).strip()[:40] if not isinstance(value, float) else f"{value:g}"
            raise CellError(
                _("“{value}” is not the official code of a commune or ward of the organisation.").format(
                    value=shown
                )
            )
        return unit

    def agency(self, value):
        text = excel.text(value)
        if not text:
            return None
        agency = self.refs.agency(text)
        if agency is None:
            raise CellError(_("No unit of the organisation has the code “{value}”.").format(value=text[:40]))
        return agency

    def choice(self, key: str, value) -> str | None:
        text = excel.text(value)
        if not text:
            if key in DEFAULTS:
                return DEFAULTS[key]
            raise CellError(_("Choose one of: {labels}.").format(labels=self.labels[key]))
        choice = self.choices[key].get(fold(text))
        if choice is None:
            raise CellError(
                _("“{value}” is not one of: {labels}.").format(value=text[:40], labels=self.labels[key])
            )
        return choice

    def flags(self, value) -> dict:
        text = excel.text(value)
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
            raise CellError(
                _("Unknown characteristic(s) {values}: use {labels}.").format(
                    values=", ".join(f"“{t}”" for t in unknown[:5]), labels=self.labels["flags"]
                )
            )
        return flags


def _unit_codes(validator: _Validator, batch: list) -> set[int]:
    index = validator.at["unit"]
    if index is None:
        return set()
    return {
        code for code in map(excel.unit_code, {values[index] for _n, values in batch}) if code is not None
    }


def _refuse_already_recorded(sheet: excel.Sheet, checked: list, organization) -> list:
    """A sheet imported twice would double every incident: a row whose title, place and time match an
    incident already recorded is refused (a query or two a batch, on the places and times it names).
    The rows that are not refused."""
    if not checked:
        return []
    localities = {place[1] for _n, _f, place, _o, _r in checked if place[0] == "unit"}
    agencies = {place[1] for _n, _f, place, _o, _r in checked if place[0] == "agency"}
    times = sorted({occurred for _n, _f, _p, occurred, _r in checked})
    recorded = Incident.objects.filter(organization=organization)
    queries = []
    if localities:
        queries.append(recorded.filter(locality__in=localities))
    if agencies:
        queries.append(recorded.filter(locality=None, agency__in=agencies))
    fields = ("title", "locality_id", "agency_id", "occurred_at", "code")
    # The incidents recorded between the batch's first and last times, if they are few (a sheet of new
    # incidents finds none); else those at the batch's own times, a longer query.
    enough = 2 * len(checked) + 100
    found = []
    for query in queries:
        near = list(query.filter(occurred_at__range=(times[0], times[-1])).values_list(*fields)[: enough + 1])
        if len(near) > enough:
            near = list(query.filter(occurred_at__in=times).values_list(*fields))
        found += near
    existing = {}
    for title, locality_id, agency_id, occurred, code in found:
        place = ("unit", locality_id) if locality_id else ("agency", agency_id)
        existing[(fold(title), place, occurred)] = code
    if not existing:
        return checked
    kept = []
    for entry in checked:
        number, folded, place, occurred, _row = entry
        code = existing.get((folded, place, occurred))
        if code:
            sheet.add(
                number, _("This incident is already recorded as {code}.").format(code=code), key="title"
            )
        else:
            kept.append(entry)
    return kept


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


def _notify(organization, people: dict[int, int], pressing: int, event_id: int, actor=None) -> None:
    """One notice per person for the whole sheet, to the people incidents.services tells about a new
    incident: the leader in charge, the focal point, and the Standing Board for the urgent ones and those of
    public concern. The office that imports the sheet is not told of its own import."""
    counts = dict(people)
    users = {user.pk: user for user in User.objects.filter(pk__in=list(counts), is_active=True)}
    board = set()
    if pressing:
        for user in User.objects.filter(organization=organization, role=Role.STANDING_BOARD, is_active=True):
            users.setdefault(user.pk, user)
            counts[user.pk] = max(counts.get(user.pk, 0), pressing)
            board.add(user.pk)
    for pk, user in users.items():
        notify(
            actor=actor,
            user=user,
            kind="incident_new",
            key=f"incident-import:{event_id}:{pk}",
            title=ngettext(
                "{count} new incident imported for you to handle",
                "{count} new incidents imported for you to handle",
                counts[pk],
            ).format(count=counts[pk]),
            url=reverse("incidents:list") if pk in board else reverse("incidents:mine"),
        )


def import_incidents(*, actor, organization, file, progress=None) -> ImportResult:
    """Import incidents from an .xlsx sheet into an organisation: all of them, or none and every error.

    `file` is an uploaded file, bytes or a path. The sheet is read, validated and written a batch of rows
    at a time (core.excel.BATCH_ROWS) in one transaction: once a row has an error, the rows are still
    validated but no longer written, and everything is rolled back at the end. progress(done, total), if
    given, is called after each batch: `done` data rows read of `total`, the exact number of data rows.
    Nothing raises for a bad file: a file that cannot be read at all comes back as one error, a readable
    sheet with every error of every row (the first MAX_ERRORS listed). What it created (`created`) is read
    from the database when iterated.
    """

    def handle(sheet: excel.Sheet, rows: excel.Rows, file_name: str):
        now = timezone.now()
        refs = References(organization)
        validator = _Validator(sheet, refs, now)
        bulk = services.BulkIntake(actor=actor, organization=organization, now=now)
        for batch, done in rows:
            refs.load_units(_unit_codes(validator, batch))
            checked = []
            for number, values in batch:
                found = validator.row(number, values)
                if found is None:
                    continue
                data, folded, place = found
                try:
                    prepared = bulk.prepare(**data, folded_title=folded)
                except ValidationError as exc:
                    sheet.add_invalid(number, exc, _FIELD_COLUMNS)
                    continue
                checked.append((number, folded, place, data["occurred_at"], prepared))
            checked = _refuse_already_recorded(sheet, checked, organization)
            if not sheet.count:  # once a row has an error nothing is written: the rest are only checked
                bulk.write([prepared for *_entry, prepared in checked])
            if progress is not None:
                progress(done, rows.total)
        if sheet.count:
            return []
        params = {
            "count": bulk.count,
            "file": file_name[:200],
            "sha256": sheet.sha256,
            "first": bulk.first_code,
            "last": bulk.last_code,
        }
        event = audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            organization=organization,
            changes=params,
            kind="incident.imported",
            params=params,
        )
        people, pressing = bulk.people, bulk.pressing
        transaction.on_commit(lambda: _notify(organization, people, pressing, event.pk, actor))
        return bulk.written()

    return excel.import_sheet(
        SHEET, actor=actor, file=file, audit_on={"organization": organization}, handle=handle
    )
