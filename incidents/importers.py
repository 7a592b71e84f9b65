"""Import of incidents from an Excel sheet: all or nothing, every error with its sheet, row and column.

The file is checked before it is parsed (type, size, the uncompressed size and compression ratio of its zip
members), the whole first sheet is read and every row validated in memory against the organisation's
units and agencies, and only when no row has an error are the incidents created in bulk through
services.incidents_create_bulk (the rules of incident_create: routing, frozen leader, deadlines in working
hours), in one transaction, with one audit event; the people concerned are told after the commit. The
file, heading and cell machinery shared with the directive import is core.excel's.

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
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.choices import Role
from accounts.models import User
from core import audit, excel
from core.excel import Cell, CellError, ImportResult, SheetColumn
from core.models import AuditAction
from core.services import notify
from core.text import fold
from core.validators import LONG_TEXT
from incidents import services
from incidents.choices import FLAGS, IncidentField, IncidentSource, Severity
from incidents.models import Incident
from org.models import AdministrativeUnit, Agency

# Incidents in one import. The engine writes in bulk and could take more, but an import still runs inside
# the request and holds about 10 KB a row until it commits: 5,000 rows take a few seconds and some 200 MB.
# The limit rises when imports run as background tasks with flat memory.
MAX_ROWS = 5_000
MAX_COMPRESSION_RATIO = 100  # checked for zip members over 1 MB; real sheets compress 5-20 times
MAX_MEMBERS = 1_000
LIMITS = {"title": 300, "description": LONG_TEXT, "place": 300, "reporter_name": 200, "reporter_contact": 200}
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


def _moment(cell: Cell) -> dt.datetime | None:
    value = cell.value
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


def _number(cell: Cell) -> Decimal | None:
    value = cell.value
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


def _latitude(cell: Cell) -> Decimal | None:
    """A latitude, bounded before any arithmetic: 1e22 is refused on its cell, not overflowed."""
    number = _number(cell)
    if number is not None and not -90 <= number <= 90:
        raise CellError(_("The latitude must be between -90 and 90."))
    return number


def _longitude(cell: Cell) -> Decimal | None:
    number = _number(cell)
    if number is not None and not -180 <= number <= 180:
        raise CellError(_("The longitude must be between -180 and 180."))
    return number


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


class _Validator:
    """Validates the data rows against the organisation, collecting every error."""

    def __init__(self, sheet: excel.Sheet, refs: References, now: dt.datetime):
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
            return sheet.read(number, cells, key, reader)

        for key, limit in LIMITS.items():
            value = read(key, excel.text)
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
            and not sheet.has_error(before, "unit", "agency")
        ):
            sheet.add(
                number,
                _("Write the code of the commune or ward, or of the unit concerned."),
                key="unit" if "unit" in sheet.headings else "agency",
            )

        latitude = read("latitude", _latitude)
        longitude = read("longitude", _longitude)
        if (latitude is None) != (longitude is None) and not sheet.has_error(before, "latitude", "longitude"):
            sheet.add(
                number,
                _("Give both the latitude and the longitude, or neither."),
                key="longitude" if longitude is None else "latitude",
            )
        elif latitude is not None and longitude is not None:
            # Both in range (a reader refuses one that is not, on its cell): quantize cannot overflow.
            data["latitude"] = latitude.quantize(Decimal("0.000001"))
            data["longitude"] = longitude.quantize(Decimal("0.000001"))

        occurred = read("occurred_at", _moment)
        if occurred is None and not sheet.has_error(before, "occurred_at"):
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

    def unit(self, number: int, cells: list[Cell]):
        cell = self.sheet.cell(cells, "unit")
        if excel.blank(cell.value):
            return None
        code = excel.unit_code(cell)
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
            text = excel.text(cell)
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
            text = excel.text(cell)
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
            text = excel.text(cell)
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


def _parse(sheet: excel.Sheet, rows, merged, refs: References, now: dt.datetime) -> list[Draft]:
    data_rows = excel.data_rows(SHEET, sheet, rows, merged)
    if not data_rows:
        return []
    unit_codes, agency_codes = set(), set()
    for _number, cells in data_rows:
        code = excel.unit_code(sheet.cell(cells, "unit"))
        if code is not None:
            unit_codes.add(code)
        agency = sheet.cell(cells, "agency").value
        if isinstance(agency, str | int | float) and not isinstance(agency, bool) and not excel.blank(agency):
            agency_codes.add(excel.text(Cell(agency, "s")).strip())
    refs.load(unit_codes, agency_codes)
    validator = _Validator(sheet, refs, now)
    drafts = [validator.row(number, cells) for number, cells in data_rows]
    drafts = [d for d in drafts if d is not None]
    if not sheet.errors:
        _refuse_already_imported(sheet, drafts, refs.organization)
    return drafts


def _refuse_already_imported(sheet: excel.Sheet, drafts: list[Draft], organization) -> None:
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


def _create(
    *, actor, organization, drafts: list[Draft], sheet: excel.Sheet, file_name: str, now, progress=None
) -> list[Incident]:
    """Create every incident in bulk (services.incidents_create_bulk: the rules of incident_create), with one
    audit event for the import, in the import's transaction; a refusal of the service is reported on its row
    and nothing is created. The people concerned are told after the commit, once each for the sheet."""
    rows = [
        {
            "title": d["title"],
            "description": d["description"],
            "occurred_at": d["occurred_at"],
            "reported_at": d["reported_at"] or now,  # the time of the import, the same for every row
            "source": d["source"],
            "field": d["field"],
            "severity": d["severity"],
            "locality": d["locality"],
            "agency": d["agency"],
            "place": d.get("place", ""),
            "latitude": d.get("latitude"),
            "longitude": d.get("longitude"),
            "reporter_name": d.get("reporter_name", ""),
            "reporter_contact": d.get("reporter_contact", ""),
            "flags": d["flags"],
        }
        for d in (draft.data for draft in drafts)
    ]
    try:
        created = services.incidents_create_bulk(
            actor=actor, organization=organization, rows=rows, progress=progress
        )
    except services.RowsRefused as refused:
        for position, exc in refused.errors.items():
            sheet.add_invalid(drafts[position].row, exc, _FIELD_COLUMNS)
        return []
    event = audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        organization=organization,
        changes={"incidents": [i.pk for i in created], "file": file_name[:200], "sha256": sheet.sha256},
        kind="incident.imported",
        params={"count": len(created), "file": file_name[:200], "sha256": sheet.sha256},
    )
    transaction.on_commit(lambda: _notify(organization, created, event.pk))
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
            title=ngettext(
                "{count} new incident imported for you to handle",
                "{count} new incidents imported for you to handle",
                counts[pk],
            ).format(count=counts[pk]),
            url=reverse("incidents:list") if pk in board else reverse("incidents:mine"),
        )


def import_incidents(*, actor, organization, file, progress=None) -> ImportResult:
    """Import incidents from an .xlsx sheet into an organisation: all of them, or none and every error.

    `file` is an uploaded file, bytes or a path. progress(done, total), if given, is called as the
    incidents are written (done of total rows, a batch at a time), for a task to show. Nothing raises for a
    bad file: a file that cannot be read at all comes back as one error, a readable sheet with every error of
    every row.
    """

    def handle(sheet: excel.Sheet, rows, merged, file_name: str) -> list[Incident]:
        now = timezone.now()
        drafts = _parse(sheet, rows, merged, References(organization), now)
        if sheet.errors:
            return []
        return _create(
            actor=actor,
            organization=organization,
            drafts=drafts,
            sheet=sheet,
            file_name=file_name,
            now=now,
            progress=progress,
        )

    return excel.import_sheet(
        SHEET, actor=actor, file=file, audit_on={"organization": organization}, handle=handle
    )
