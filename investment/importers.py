"""Import of monthly disbursement figures from an Excel sheet: all or nothing, every error on its cell.

The sheet is read, checked and written a batch of rows at a time in one transaction by core.excel's
machinery (the file's limits, the survey, the heading row, merged cells, formulas): once a row has an error
nothing more is written, every row is still checked, and everything is rolled back. Each figure is an upsert
on (project, source, plan year, month): a figure already recorded with the same amount is left alone, a
different amount replaces it. One audit event records the import (rows, new, changed, unchanged, the file's
SHA-256); a sheet imported twice changes nothing. Memory does not grow with the rows (docs/imports.md).

Two layouts, told apart by the heading row:

- **by month** (the template): Mã dự án | Nguồn vốn | Năm kế hoạch | Tháng | Số giải ngân (đồng), one figure
  a row; the month as mm/yyyy text or a date;
- **month columns**: Mã dự án | [Nguồn vốn] | Năm kế hoạch | T1 … T12 | T1/(Y+1), one project (and source)
  a row, a blank month cell meaning no figure; without a source column the figures are the local budget's.

A plan year Y is disbursed from January of Y to January of Y+1; a month that has not begun has no figure.
"""

import datetime as dt
import re

from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import audit, excel
from core.bulk import Written, insert
from core.excel import SheetColumn
from core.excel_reader import blank
from core.imports import ImportTarget
from core.models import AuditAction
from core.text import fold
from investment.choices import CapitalSource
from investment.models import MAX_AMOUNT, Disbursement, Project
from investment.periods import month_start
from investment.permissions import can_manage
from investment.services import disbursement_totals_refresh
from org import selectors as org_selectors
from org.models import PartyCommittee

# Data rows in one import: read, checked and written in flat memory (1,000,000 rows measured in
# docs/imports.md). A sheet of 1,000,000 figures packs to about 20 MB.
MAX_ROWS = 1_000_000
MAX_COMPRESSION_RATIO = 100  # checked for zip members over 1 MB
MAX_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 600 * 1024 * 1024  # 1,000,000 rows as openpyxl writes them: about 230 MB of XML
FIRST_PLAN_YEAR = 2000
HEADING_YEARS = range(2015, 2041)  # the years a month column's heading may name ("T1/2026")
NEXT_JANUARY = 13  # the thirteenth month of a disbursement year: January of the next year
SOURCES = list(CapitalSource.values)
DEFAULT_SOURCE = CapitalSource.LOCAL.value  # month columns without a source column: the local budget's

# Spellings offices use for the sources, besides the codes and the labels in either language.
SOURCE_ALIASES = {
    "nstw": "central",
    "ngan sach trung uong": "central",
    "von ngan sach trung uong": "central",
    "trung uong": "central",
    "nsdp": "local",
    "ngan sach dia phuong": "local",
    "von ngan sach dia phuong": "local",
    "ngan sach thanh pho": "local",
    "dia phuong": "local",
    "oda": "foreign",
    "von nuoc ngoai": "foreign",
    "nuoc ngoai": "foreign",
    "oda va vay uu dai": "foreign",
    "von oda": "foreign",
}


def _month_aliases(month: int) -> tuple[str, ...]:
    """How an office heads the column of a month: T3, T03, Tháng 3, Tháng 03, with or without a year; the
    January after the plan year as T1/2026, T1 năm sau or T13."""
    if month == NEXT_JANUARY:
        plain = [
            "t13",
            "thang 13",
            "t1 nam sau",
            "thang 1 nam sau",
            "t1/y+1",
            "t1 (y+1)",
            "january next year",
        ]
        numbers = ["1", "01"]
    else:
        plain = []
        numbers = [str(month), f"{month:02d}"]
        plain += [f"t{n}" for n in numbers] + [f"tháng {n}" for n in numbers] + [f"month {month}"]
    if month == 1:
        return tuple(plain)  # "T1/2026" is the next January (NEXT_JANUARY): the first January has no year
    for year in HEADING_YEARS:
        for n in numbers:
            plain += [f"t{n}/{year}", f"t{n}-{year}", f"tháng {n}/{year}", f"tháng {n}-{year}"]
    return tuple(plain)


def _month_column(month: int) -> SheetColumn:
    if month == NEXT_JANUARY:
        label = gettext_lazy("M1 next year")
        vietnamese = "T1 năm sau"
        guide = gettext_lazy("January of the next year, the last month of the plan year (T1/(Y+1)).")
    else:
        label = format_lazy(gettext_lazy("M{month}"), month=month)
        vietnamese = f"T{month}"
        guide = format_lazy(
            gettext_lazy("The amount disbursed in month {month} of the plan year."), month=month
        )
    return SheetColumn(f"m{month}", label, vietnamese, _month_aliases(month), False, 16, guide, kind="number")


COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "project",
        gettext_lazy("Project code"),
        "Mã dự án",
        ("mã da", "mã số dự án", "dự án", "project", "code"),
        True,
        16,
        gettext_lazy("The project's code, as on its page (for example HCM-TD-01)."),
        kind="text",
    ),
    SheetColumn(
        "source",
        gettext_lazy("Capital source"),
        "Nguồn vốn",
        ("nguồn", "nguồn ngân sách", "loại vốn", "source", "capital source"),
        False,
        24,
        gettext_lazy(
            "Ngân sách trung ương (central), Ngân sách địa phương (local) or Vốn nước ngoài (ODA, "
            "concessional loans)."
        ),
        kind="choice",
    ),
    SheetColumn(
        "plan_year",
        gettext_lazy("Plan year"),
        "Năm kế hoạch",
        ("năm", "năm kh", "kế hoạch năm", "năm vốn", "year", "plan year"),
        False,
        13,
        gettext_lazy("The year of the capital plan the money belongs to, for example 2026."),
        kind="number",
    ),
    SheetColumn(
        "month",
        gettext_lazy("Month"),
        "Tháng",
        ("tháng giải ngân", "kỳ", "month"),
        False,
        12,
        gettext_lazy(
            "The month, as mm/yyyy or a date cell: January of the plan year to January of the next year, "
            "and not a month still to come."
        ),
        kind="month",
    ),
    SheetColumn(
        "amount",
        gettext_lazy("Amount disbursed (đồng)"),
        "Số giải ngân (đồng)",
        ("giải ngân", "số tiền", "số tiền giải ngân", "giá trị giải ngân", "amount", "disbursed"),
        False,
        22,
        gettext_lazy("The amount disbursed in the month, in đồng, a whole number typed as a number."),
        kind="number",
    ),
    *(_month_column(month) for month in range(1, NEXT_JANUARY + 1)),
)
MONTH_KEYS = tuple(f"m{month}" for month in range(1, NEXT_JANUARY + 1))
LONG_KEYS = ("project", "source", "plan_year", "month", "amount")
WIDE_KEYS = ("project", "plan_year")

SHEET = excel.SheetSpec(
    columns=COLUMNS,
    max_rows=MAX_ROWS,
    max_members=MAX_MEMBERS,
    max_compression_ratio=MAX_COMPRESSION_RATIO,
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    no_rows=gettext_lazy("The sheet has no disbursement figure below its heading row."),
    heading_languages=("en", "vi"),
)

_MONTH_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR_IN_HEADING = re.compile(r"(\d{4})")
_NUMBER_AS_TEXT = re.compile(r"^[+-]?[\d\s.,]+$")
_MISSING = object()


def source_labels() -> str:
    return ", ".join(str(label) for _value, label in CapitalSource.choices)


def _source_map() -> dict[str, str]:
    found = dict(SOURCE_ALIASES)
    for value, label in CapitalSource.choices:  # the active language's first
        found.setdefault(fold(value), value)
        found.setdefault(fold(str(label)), value)
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in CapitalSource.choices:
                found.setdefault(fold(str(label)), value)
    return found


# --- reading cells --------------------------------------------------------------------------------


def _amount(value) -> int | None:
    """A whole number of đồng from 0 to MAX_AMOUNT, typed as a number; None for an empty cell."""
    if value.__class__ is int:
        number = value
    elif blank(value):
        return None
    elif isinstance(value, bool):
        raise excel.CellError(_("Write the amount as a number, not TRUE or FALSE."))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise excel.CellError(_("Write the amount as a number."))
        if not value.is_integer():
            raise excel.CellError(_("The amount must be a whole number of đồng."))
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()[:40]
        if _NUMBER_AS_TEXT.match(text):
            raise excel.CellError(
                _(
                    "The amount “{value}” is text, not a number: type it as a number without dots or "
                    "commas (the cell's number format shows the separators)."
                ).format(value=text)
            )
        raise excel.CellError(_("“{value}” is not an amount: write a number of đồng.").format(value=text))
    elif isinstance(value, dt.date | dt.time):
        raise excel.CellError(_("The cell holds a date, not an amount: format it as a number."))
    else:
        raise excel.CellError(_("Write the amount as a number."))
    if number < 0:
        raise excel.CellError(_("The amount cannot be negative."))
    if number > MAX_AMOUNT:
        raise excel.CellError(
            _("The amount {value} is more than any disbursement can be (at most {limit} đồng).").format(
                # 1E+30 typed, as 1e+30: the integer of a float that large has digits nobody typed
                value=formats.number_format(number, force_grouping=True)
                if number < 10**18
                else f"{number:.3g}",
                limit=formats.number_format(MAX_AMOUNT, force_grouping=True),
            )
        )
    return number


def _plan_year(value, this_year: int) -> int:
    if isinstance(value, bool) or blank(value):
        raise excel.CellError(_("Write the plan year, for example {year}.").format(year=this_year))
    if isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        year = int(value.strip())
    else:
        raise excel.CellError(
            _("“{value}” is not a year: write it as a number, for example {year}.").format(
                value=str(value).strip()[:40], year=this_year
            )
        )
    if not FIRST_PLAN_YEAR <= year <= this_year:
        raise excel.CellError(
            _("The plan year {year} is not between {first} and {last}.").format(
                year=year if abs(year) < 10**6 else f"{year:.3g}", first=FIRST_PLAN_YEAR, last=this_year
            )
        )
    return year


def _month(value) -> dt.date:
    """The first day of the month a cell names: a date cell, or mm/yyyy (or dd/mm/yyyy) text."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        excel.check_year(value)
        return month_start(value)
    if blank(value):
        raise excel.CellError(_("Write the month, as mm/yyyy."))
    if isinstance(value, bool | int | float):
        raise excel.CellError(
            _("Write the month as mm/yyyy (for example 03/2026), or format the cell as a date.")
        )
    text = str(value).strip()
    if match := _MONTH_TEXT.match(text):
        month, year = int(match.group(1)), int(match.group(2))
        day = 1
    elif parts := excel.date_parts(text, with_time=False):
        year, month, day = parts[:3]
    else:
        raise excel.CellError(
            _("“{value}” is not a month: write it as mm/yyyy, for example 03/2026.").format(value=text[:40])
        )
    try:
        found = dt.date(year, month, day)
    except ValueError:
        raise excel.CellError(_("“{value}” is not a real month.").format(value=text[:40])) from None
    excel.check_year(found)
    return month_start(found)


def _month_of(plan_year: int, index: int) -> dt.date:
    return dt.date(plan_year + 1, 1, 1) if index == NEXT_JANUARY else dt.date(plan_year, index, 1)


# --- the rows -------------------------------------------------------------------------------------


class _Seen:
    """Which (project, source, plan year, month) the sheet already gave, one bit each: a bytearray a plan
    year, indexed by the order in which the sheet names its projects. Flat memory: 3,000 projects take
    15 KB a year, whatever the number of rows."""

    def __init__(self):
        self.years: dict[int, bytearray] = {}

    def add(self, position: int, source: int, year: int, index: int) -> bool:
        """Mark a figure; whether it was already there."""
        bit = (position * 3 + source) * NEXT_JANUARY + index - 1
        bits = self.years.get(year)
        if bits is None:
            bits = self.years[year] = bytearray()
        byte = bit >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1024))
        mask = 1 << (bit & 7)
        if bits[byte] & mask:
            return True
        bits[byte] |= mask
        return False


class _Reader:
    """Checks the rows of a sheet, each distinct value of a column read once, and gives the figures."""

    def __init__(self, sheet: excel.Sheet, organization, today: dt.date):
        self.sheet = sheet
        self.organization = organization
        self.this_month = month_start(today)
        self.this_year = today.year
        self.projects: dict = {}  # cell value → (project id, position) or an error message
        self.positions = 0
        self.sources: dict = {}  # cell value → source index or an error message
        self.years: dict = {}
        self.months: dict = {}  # (plan year, cell value) → month index or an error message
        self.source_map = _source_map()
        self.seen = _Seen()
        self.at = {key: sheet.index(key) for key in (*LONG_KEYS, *MONTH_KEYS)}
        self.wide = any(self.at[key] is not None for key in MONTH_KEYS)
        self.heading_years = {}  # month column → the year its heading names
        for key in MONTH_KEYS:
            if key in sheet.headings and (match := _YEAR_IN_HEADING.search(sheet.headings[key][1])):
                self.heading_years[key] = int(match.group(1))

    def layout_ok(self) -> bool:
        sheet = self.sheet
        if self.wide and (self.at["month"] is not None or self.at["amount"] is not None):
            sheet.add(
                None,
                _(
                    "The sheet mixes the two layouts: give either a Month and an Amount column (one figure a "
                    "row), or the month columns T1 to T12 and T1 of the next year (one project a row)."
                ),
            )
            return False
        needed = WIDE_KEYS if self.wide else LONG_KEYS
        missing = [
            column.heading() for column in COLUMNS if column.key in needed and self.at[column.key] is None
        ]
        if missing:
            sheet.add(
                None,
                _("Missing column(s): {columns}. Use the template's heading row.").format(
                    columns=", ".join(missing)
                ),
            )
            return False
        return True

    def load_projects(self, batch: list) -> None:
        """The projects a batch names that were not asked for yet, in one query."""
        index = self.at["project"]
        new = {}
        for _number, values in batch:
            value = values[index]
            if value not in self.projects and value.__class__ is not bool:
                new[value] = excel.text(value, with_time=False) if not blank(value) else ""
        if not new:
            return
        codes = {code for code in new.values() if code}
        found = {
            code: (pk, archived)
            for code, pk, archived in Project.objects.filter(
                organization=self.organization, code__in=codes
            ).values_list("code", "pk", "archived_at")
        }
        for value, code in new.items():
            if not code:
                self.projects[value] = _("Write the project's code here.")
            elif code not in found:
                self.projects[value] = _("No project of the organisation has the code “{code}”.").format(
                    code=code[:40]
                )
            elif found[code][1] is not None:
                self.projects[value] = _(
                    "The project {code} is archived: restore it before recording its disbursement."
                ).format(code=code)
            else:
                self.projects[value] = (found[code][0], self.positions)
                self.positions += 1

    def _cached(self, cache: dict, key, value, read, number: int, column: str):
        """read(value), once per distinct key; an error is recorded on the cell and gives None."""
        found = cache.get(key, _MISSING)
        if found is _MISSING:
            try:
                found = read(value)
            except excel.CellError as exc:
                found = exc.message
            cache[key] = found
        if found.__class__ is str:
            self.sheet.add(number, found, key=column)
            return None
        return found

    def _source(self, value) -> int:
        if blank(value):
            if self.wide:
                return SOURCES.index(DEFAULT_SOURCE)
            raise excel.CellError(_("Write the capital source: {labels}.").format(labels=source_labels()))
        code = self.source_map.get(fold(excel.text(value)))
        if code is None:
            raise excel.CellError(
                _("“{value}” is not a capital source: write {labels}.").format(
                    value=excel.text(value)[:40], labels=source_labels()
                )
            )
        return SOURCES.index(code)

    def _plan_month(self, plan_year: int, value) -> int:
        month = _month(value)
        first, last = dt.date(plan_year, 1, 1), dt.date(plan_year + 1, 1, 1)
        if not first <= month <= last:
            raise excel.CellError(
                _(
                    "{month} is outside the {year} plan, which is disbursed from 01/{year} to 01/{next}."
                ).format(month=month.strftime("%m/%Y"), year=plan_year, next=plan_year + 1)
            )
        if month > self.this_month:
            raise excel.CellError(
                _("{month} has not begun: it has no disbursement yet.").format(month=month.strftime("%m/%Y"))
            )
        return (month.year - plan_year) * 12 + month.month

    def _head(self, number: int, values: list):
        """The project, source index and plan year of a row, or None (its errors recorded)."""
        at = self.at
        value = values[at["project"]]
        project = (
            self.projects.get(value)
            if value.__class__ is not bool
            else _("Write the project's code here, not TRUE or FALSE.")
        )
        if project.__class__ is str:
            self.sheet.add(number, project, key="project")
            project = None
        index = at["source"]
        value = values[index] if index is not None else None
        source = self._cached(self.sources, (value.__class__, value), value, self._source, number, "source")
        value = values[at["plan_year"]]
        year = self._cached(
            self.years,
            (value.__class__, value),
            value,
            lambda v: _plan_year(v, self.this_year),
            number,
            "plan_year",
        )
        return project, source, year

    def _duplicate(self, number: int, project, source: int, year: int, index: int, column: str) -> bool:
        if self.seen.add(project[1], source, year, index):
            self.sheet.add(
                number,
                _("The same project, source and month are on an earlier row of the sheet."),
                key=column,
            )
            return True
        return False

    def figures(self, batch: list) -> list[tuple]:
        """The figures of a batch as (project id, source, plan year, month, amount), its errors recorded."""
        self.load_projects(batch)
        return self._wide(batch) if self.wide else self._long(batch)

    def _long(self, batch: list) -> list[tuple]:
        sheet, at, months = self.sheet, self.at, self.months
        month_at, amount_at = at["month"], at["amount"]
        out = []
        for number, values in batch:
            project, source, year = self._head(number, values)
            amount = values[amount_at]
            if amount.__class__ is not int or not 0 <= amount <= MAX_AMOUNT:
                try:
                    amount = _amount(amount)
                    if amount is None:
                        raise excel.CellError(_("Write the amount disbursed, in đồng (0 if none)."))
                except excel.CellError as exc:
                    sheet.add(number, exc.message, key="amount")
                    amount = None
            value = values[month_at]
            if year is None:  # the month is checked against its plan year; without one, only as a month
                self._cached(months, (None, value.__class__, value), value, _month, number, "month")
                continue
            index = self._cached(
                months,
                (year, value.__class__, value),
                value,
                lambda v, y=year: self._plan_month(y, v),
                number,
                "month",
            )
            if index is None or project is None or source is None:
                continue
            if self._duplicate(number, project, source, year, index, "month") or amount is None:
                continue
            out.append((project[0], SOURCES[source], year, _month_of(year, index), amount))
        return out

    def _wide(self, batch: list) -> list[tuple]:
        sheet, at = self.sheet, self.at
        columns = [
            (month, key, at[key]) for month, key in enumerate(MONTH_KEYS, start=1) if at[key] is not None
        ]
        out = []
        for number, values in batch:
            project, source, year = self._head(number, values)
            for month, key, index in columns:
                amount = values[index]
                if amount is None:
                    continue
                if amount.__class__ is not int or not 0 <= amount <= MAX_AMOUNT:
                    try:
                        amount = _amount(amount)
                    except excel.CellError as exc:
                        sheet.add(number, exc.message, key=key)
                        continue
                    if amount is None:
                        continue
                if year is None:
                    continue
                named = self.heading_years.get(key)
                expected = year + 1 if month == NEXT_JANUARY else year
                if named is not None and named != expected:
                    sheet.add(
                        number,
                        _("The column is headed {named}, but the row's plan year is {year}.").format(
                            named=named, year=year
                        ),
                        key=key,
                    )
                    continue
                day = _month_of(year, month)
                if day > self.this_month:
                    sheet.add(
                        number,
                        _("{month} has not begun: it has no disbursement yet.").format(
                            month=day.strftime("%m/%Y")
                        ),
                        key=key,
                    )
                    continue
                if project is None or source is None:
                    continue
                if self._duplicate(number, project, source, year, month, key):
                    continue
                out.append((project[0], SOURCES[source], year, day, amount))
        return out


# --- writing --------------------------------------------------------------------------------------

_FIELDS = ["organization", "project", "source", "plan_year", "month", "amount", "updated_at"]


class _Writer:
    """Upserts the figures a batch at a time: new ones inserted in one statement (core.bulk.insert), changed
    ones updated in one executemany, equal ones left alone; counted for the audit event."""

    def __init__(self, organization, now: dt.datetime):
        self.organization = organization
        self.now = now
        self.created = self.updated = self.unchanged = 0
        self.locked = False
        self.projects: set[int] = set()  # what the figures touched, for the yearly summary
        self.years: set[int] = set()
        table = connection.ops.quote_name(Disbursement._meta.db_table)
        self.update_sql = f"UPDATE {table} SET amount = %s, updated_at = %s WHERE id = %s"  # noqa: S608

    def write(self, figures: list[tuple]) -> None:
        if not figures:
            return
        if not self.locked:
            # Two imports of the organisation's figures run one after the other (the row lock is held
            # until the import commits): the second sees what the first wrote.
            PartyCommittee.objects.select_for_update().filter(pk=self.organization.pk).values_list(
                "pk"
            ).first()
            self.locked = True
        projects = {f[0] for f in figures}
        years = {f[2] for f in figures}
        months = {f[3] for f in figures}
        self.projects |= projects
        self.years |= years
        existing = {
            (project, source, year, month): (pk, amount)
            # By the projects (the organisation's own, checked when read): the unique index on (project,
            # source, plan year, month) answers, however many figures the organisation has.
            for project, source, year, month, pk, amount in Disbursement.objects.filter(
                project_id__in=projects, plan_year__in=years, month__in=months
            ).values_list("project_id", "source", "plan_year", "month", "pk", "amount")
        }
        now, org = self.now, self.organization.pk
        new, changed = [], []
        if existing:
            stamp = connection.ops.adapt_datetimefield_value(now)
            for project, source, year, month, amount in figures:
                found = existing.get((project, source, year, month))
                if found is None:
                    new.append([org, project, source, year, month, amount, now])
                elif found[1] != amount:
                    changed.append((amount, stamp, found[0]))
        else:
            new = [
                [org, project, source, year, month, amount, now]
                for project, source, year, month, amount in figures
            ]
        insert(Disbursement, _FIELDS, new)
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(self.update_sql, changed)
        self.created += len(new)
        self.updated += len(changed)
        self.unchanged += len(figures) - len(new) - len(changed)

    def refresh_totals(self) -> None:
        """The yearly summary of what the import touched, once at its end (in its transaction)."""
        if self.created or self.updated:
            disbursement_totals_refresh(
                organization_id=self.organization.pk, years=self.years, project_ids=self.projects
            )

    def written(self) -> Written:
        """The figures this import created or changed (they carry its time), read when iterated."""
        rows = Disbursement.objects.filter(organization=self.organization, updated_at=self.now)
        return Written(rows, self.created + self.updated)


def import_disbursements(*, actor, organization, file, progress=None, today: dt.date | None = None):
    """Import disbursement figures from an .xlsx sheet into an organisation's projects: all of them, or
    none and every error (core.excel.ImportResult).

    `file` is an uploaded file, bytes or a path. progress(done, total), if given, is called after each
    batch of rows. `today` (tests) fixes which months have begun. What it created or changed (`created`) is
    read from the database when iterated; its length is the number of figures new or changed, 0 for a sheet
    imported again as it was.
    """
    today = today or timezone.localdate()

    def handle(sheet: excel.Sheet, rows: excel.Rows, file_name: str):
        reader = _Reader(sheet, organization, today)
        if not reader.layout_ok():
            return []
        writer = _Writer(organization, timezone.now())
        figures = 0
        for batch, done in rows:
            found = reader.figures(batch)
            figures += len(found)
            if not sheet.count:  # once a row has an error nothing is written: the rest are only checked
                writer.write(found)
            if progress is not None:
                progress(done, rows.total)
        if sheet.count:
            return []
        writer.refresh_totals()
        params = {
            "rows": rows.total,
            "figures": figures,
            "created": writer.created,
            "updated": writer.updated,
            "unchanged": writer.unchanged,
            "layout": "months" if reader.wide else "rows",
            "file": file_name[:200],
            "sha256": sheet.sha256,
        }
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            organization=organization,
            changes=params,
            kind="disbursement.imported",
            params=params,
        )
        return writer.written()

    return excel.import_sheet(
        SHEET, actor=actor, file=file, audit_on={"organization": organization}, handle=handle
    )


# --- the registry's side ----------------------------------------------------------------------------


def disbursement_import_target(user, params: dict) -> ImportTarget:
    """The disbursement import of core.imports' registry: into the user's organisation, by the office only."""
    if not can_manage(user):
        raise Http404
    committee = org_selectors.committee_or_404(user)
    return ImportTarget(
        organization=committee,
        arguments={"organization": committee},
        result_url=_result_url(),
        form_url=reverse("investment:disbursement_import"),
    )


def _result_url() -> str:
    """The dashboard when the pages have it, else the import form."""
    from django.urls import NoReverseMatch

    try:
        return reverse("investment:dashboard")
    except NoReverseMatch:
        return reverse("investment:disbursement_import")


def disbursements_imported(count: int) -> str:
    return ngettext(
        "{count} disbursement figure recorded or corrected.",
        "{count} disbursement figures recorded or corrected.",
        count,
    ).format(count=formats.number_format(count, force_grouping=True))


def imported_sentence(r) -> str:
    """How the audit trail reads the import event."""
    return r.format(
        _(
            "{actor} imported the disbursement sheet {file}: {figures} figures, {created} new, {updated} "
            "corrected, {unchanged} unchanged"
        )
    )
