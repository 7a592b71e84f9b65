"""Import of a conclusion notice's directives from an Excel sheet: all or nothing, every error by cell.

The file is checked before it is parsed (type, size, the uncompressed size of its zip members), the first
sheet is read (core.excel_reader, as the incident import reads its sheet) and every row validated against
the notice's organisation in memory, and only when no row has an error is every directive created through
services.directive_create, in one transaction. The file, heading and cell machinery shared with the
incident import is core.excel's.

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
import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import audit, excel
from core.excel import CellError, ImportResult, SheetColumn
from core.excel import ImportErrorRow as ImportErrorRow  # re-exported: the tests read errors with it
from core.models import AuditAction
from core.services import notify
from core.text import fold, nfc
from core.validators import LONG_TEXT
from followup import recipients, services
from followup.choices import NotificationKind, SourceKind
from followup.models import ConclusionNotice, Directive
from org.models import AdministrativeUnit, Agency, Person

MAX_ROWS = 5_000  # directives in one notice
MAX_COMPRESSION_RATIO = 200  # checked for zip members over 1 MB
MAX_MEMBERS = 2_000
MAX_CONTENT = LONG_TEXT  # core.validators: the limit of the page, the API and the services

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

SHEET = excel.SheetSpec(
    columns=COLUMNS,
    max_rows=MAX_ROWS,
    max_members=MAX_MEMBERS,
    max_compression_ratio=MAX_COMPRESSION_RATIO,
    no_rows=gettext_lazy("The sheet has no directive below its heading row."),
)

_LIST_SEPARATORS = re.compile(r"[,;\n]+")


# --- reading cells --------------------------------------------------------------------------------


def _text(value) -> str:
    return excel.text(value, with_time=False)


def _date(value) -> dt.date | None:
    if excel.blank(value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        parts = excel.date_parts(text, with_time=False)
        if parts is None:
            raise CellError(
                _("“{value}” is not a date: write it as dd/mm/yyyy or format the cell as a date.").format(
                    value=text[:40]
                )
            )
        try:
            day = dt.date(*parts[:3])
        except ValueError:
            raise CellError(_("“{value}” is not a real date.").format(value=text[:40])) from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("The cell holds a number, not a date: format it as a date or write dd/mm/yyyy."))
    else:
        raise CellError(_("The cell holds no date: write it as dd/mm/yyyy."))
    excel.check_year(day)
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
                    _("Several units are named “{name}”: write the unit's code instead.").format(
                        name=text[:40]
                    )
                )
        raise CellError(
            _("No unit of the organisation has the code or the name “{value}”.").format(value=text[:40])
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
                    ).format(name=text[:40])
                )
        raise CellError(_("Nobody of the organisation is named “{name}”.").format(name=text[:40]))


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


def _validate_row(
    sheet: excel.Sheet, number: int, cells: list, refs: References, notice, seen: set, existing: set
):
    """A Draft for a good row; otherwise its errors go to the sheet and None is returned."""
    before = sheet.begin_row()
    values = {}

    def read(key, reader):
        return sheet.read(number, cells, key, reader)

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
                codes=", ".join(f"“{t[:40]}”" for t in unknown[:10])
            ),
            key="cooperating_units",
        )
    deadline = read("deadline", _date)
    if deadline is None and not sheet.has_error(before, "deadline"):
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
    locality_value = sheet.value(cells, "locality_code")
    if not excel.blank(locality_value):
        code = excel.unit_code(locality_value)
        if code is None or code not in refs.units:
            shown = _text(locality_value)
            if len(shown) > 40:  # a few words of a long text; a huge number as 9.99e+307, not its 308 digits
                shown = f"{locality_value:g}" if isinstance(locality_value, float) else shown[:40]
            sheet.add(
                number,
                _("“{value}” is not the official code of a locality of the organisation.").format(
                    value=shown
                ),
                key="locality_code",
            )
        else:
            locality = refs.units[code]
    if sheet.count > before or content is None:
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


def _existing(notice) -> set:
    """(folded content, lead unit) of the directives already imported into the notice."""
    rows = Directive.objects.active().filter(
        source_type=ContentType.objects.get_for_model(ConclusionNotice), source_id=notice.pk
    )
    return {(fold(content), lead) for content, lead in rows.values_list("content", "lead_unit_id")}


def _parse(sheet: excel.Sheet, rows: excel.Rows, refs: References, notice) -> list[Draft]:
    data_rows = rows.all()  # a notice's few thousand directives at most
    codes = set()
    for _number, cells in data_rows:
        code = excel.unit_code(sheet.value(cells, "locality_code"))
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


def _create(*, actor, notice, drafts: list[Draft], sheet: excel.Sheet, file_name: str) -> list[Directive]:
    """Create every directive, the audit event and the notifications in one transaction; a refusal by the
    service rolls all of them back."""
    organization = notice.organization

    def create(draft: Draft) -> Directive:
        return services.directive_create(
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

    def record(created: list[Directive]) -> None:
        event = audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            instance=notice,
            changes={"directives": [d.pk for d in created], "file": file_name[:200]},
            kind="directive.imported",
            params={"count": len(created), "file": file_name[:200]},
        )
        _notify(notice, created, event.pk, actor)

    return excel.create_rows(sheet, drafts, create, _FIELD_COLUMNS, then=record)


def _notify(notice, directives: list[Directive], event_id: int, actor=None) -> None:
    """One notification per person told, however many of the directives concern them. The directives are
    grouped by what decides who is told (lead unit, cooperating units, issuer, place): one look-up a group."""
    groups: dict[tuple, list[Directive]] = defaultdict(list)
    loaded = Directive.objects.filter(pk__in=[d.pk for d in directives]).prefetch_related("cooperating_units")
    for directive in loaded:
        cooperating = tuple(sorted(unit.pk for unit in directive.cooperating_units.all()))
        key = (directive.lead_unit_id, cooperating, directive.issued_by_id, directive.locality_id)
        groups[key].append(directive)
    counts: dict[int, int] = defaultdict(int)
    users = {}
    for group in groups.values():
        for user in recipients.for_new_directive(group[0]):
            users[user.pk] = user
            counts[user.pk] += len(group)
    for pk, user in users.items():
        notify(
            actor=actor,
            user=user,
            kind=NotificationKind.DIRECTIVE_ASSIGNED,
            key=f"notice:{notice.pk}:import:{event_id}:{pk}",
            title=ngettext(
                "{count} new directive from notice {number}",
                "{count} new directives from notice {number}",
                counts[pk],
            ).format(count=counts[pk], number=notice.number),
            url=notice.get_absolute_url(),
        )


def import_directives(*, actor, notice, file) -> ImportResult:
    """Import a conclusion notice's directives from an .xlsx sheet: all of them, or none and every error."""

    def handle(sheet: excel.Sheet, rows: excel.Rows, file_name: str) -> list[Directive]:
        drafts = _parse(sheet, rows, References(notice), notice)
        if sheet.count:
            return []
        return _create(actor=actor, notice=notice, drafts=drafts, sheet=sheet, file_name=file_name)

    return excel.import_sheet(SHEET, actor=actor, file=file, audit_on={"instance": notice}, handle=handle)
