"""Excel out for public investment: the filtered project list, the disbursement analytics, and the template
of the disbursement import.

The project export takes the queryset the list shows (scoped by investment.selectors.project_list and
filtered by the list's ProjectFilterSet), so it holds exactly the rows the user may see. Money is written as
integer đồng with the number format "#,##0", which Excel shows with the reader's separators (1.234.567 in a
Vietnamese Excel); rates are numbers in % with one decimal. User text goes through core.xlsx: always text,
never a formula.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import xlsx
from core.exports import BOLD, CHUNK, TITLE, instructions_sheet
from investment import analytics
from investment.choices import CapitalSource, ProjectGroup, ProjectStatus, Rag, Sector
from investment.periods import month_start

VND_FORMAT = "#,##0"  # whole đồng, grouped: Excel shows the reader's separators (1.234.567 in Vietnamese)
PERCENT_FORMAT = "0.0"  # a rate in %, one decimal
GAP_FORMAT = "+0.0;-0.0;0.0"  # percentage points above or below the floor
MONTH_FORMAT = "mm/yyyy"


@dataclass(frozen=True)
class Column:
    """A column of an investment sheet: heading, width, value, and the number format of its cells."""

    heading: str
    width: int
    value: Callable[[object], object]
    number_format: str = ""
    wrap: bool = False


def _cell(ws, value, column: Column):
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    if column.number_format and isinstance(value, int | float) and not isinstance(value, bool):
        written = WriteOnlyCell(ws, value=value)
        written.number_format = column.number_format
        return written
    return xlsx.cell(ws, value, wrap=column.wrap)


def _sheet(
    wb: Workbook, *, name: str, title: str, subtitle: str, columns: list[Column], rows: Iterable
) -> int:
    """A sheet of a write-only workbook: title, subtitle, the headings on row 3, then one row a record."""
    ws = wb.create_sheet(title=name[:31])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "C4"
    ws.append([xlsx.cell(ws, title, font=TITLE)])
    ws.append([xlsx.cell(ws, subtitle)])
    ws.append([xlsx.cell(ws, column.heading, font=BOLD, wrap=True) for column in columns])
    count = 0
    for record in rows:
        ws.append([_cell(ws, column.value(record), column) for column in columns])
        count += 1
    ws.auto_filter.ref = f"A3:{get_column_letter(len(columns))}{count + 3}"
    return count


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _exported() -> str:
    return _("Exported on {date}").format(date=timezone.localtime().strftime("%d/%m/%Y %H:%M"))


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


# --- the project list -----------------------------------------------------------------------------------


def _localities(project) -> str:
    return ", ".join(str(site.locality) for site in project.sites.all())


def project_columns() -> list[Column]:
    return [
        Column(_("No."), 6, lambda p: p.row_number),
        Column(_("Project code"), 16, lambda p: p.code),
        Column(_("Name"), 48, lambda p: p.name, wrap=True),
        Column(_("Project group"), 14, lambda p: _label(ProjectGroup, p.group)),
        Column(_("Key project"), 10, lambda p: _("Yes") if p.is_key else ""),
        Column(_("Sector"), 16, lambda p: _label(Sector, p.sector)),
        Column(_("Investor"), 36, lambda p: str(p.investor), wrap=True),
        Column(_("Localities"), 30, _localities, wrap=True),
        Column(_("Status"), 16, lambda p: _label(ProjectStatus, p.status)),
        Column(_("Total investment (đồng)"), 22, lambda p: p.total_investment, VND_FORMAT),
        Column(_("Planned start"), 13, lambda p: p.planned_start),
        Column(_("Planned completion"), 13, lambda p: p.planned_end),
        Column(_("Actual start"), 13, lambda p: p.actual_start),
        Column(_("Actual completion"), 13, lambda p: p.actual_end),
        Column(_("Physical progress (%)"), 12, lambda p: p.progress_percent, PERCENT_FORMAT),
        Column(_("Progress observed on"), 13, lambda p: p.progress_on),
        Column(_("ID"), 8, lambda p: p.pk),
    ]


def _numbered(rows):
    for number, record in enumerate(rows, start=1):
        record.row_number = number
        yield record


def project_workbook(qs) -> bytes:
    """The projects of a (scoped, filtered, sorted) list, one a row, streamed in chunks."""
    organisation = qs.order_by().values_list("organization__name", flat=True).first() or ""
    wb = Workbook(write_only=True)
    _sheet(
        wb,
        name=_("Projects"),
        title=" — ".join(part for part in (organisation, _("Public investment projects")) if part),
        subtitle=_exported(),
        columns=project_columns(),
        rows=_numbered(qs.iterator(chunk_size=CHUNK)),
    )
    return _save(wb)


# --- the supervision sessions ---------------------------------------------------------------------------


def session_columns() -> list[Column]:
    return [
        Column(_("No."), 6, lambda s: s.row_number),
        Column(_("Held on"), 13, lambda s: s.held_on),
        Column(_("Working group"), 30, lambda s: f"{s.group.number}. {s.group.name}", wrap=True),
        Column(_("Title"), 44, lambda s: s.title, wrap=True),
        Column(_("Place"), 24, lambda s: s.place, wrap=True),
        Column(_("Projects visited"), 36, lambda s: ", ".join(p.code for p in s.projects.all()), wrap=True),
        Column(_("Findings"), 60, lambda s: s.findings, wrap=True),
        Column(_("ID"), 8, lambda s: s.pk),
    ]


def session_workbook(qs) -> bytes:
    """The supervision sessions of a (scoped, filtered, sorted) list, one a row, streamed in chunks."""
    organisation = qs.order_by().values_list("group__organization__name", flat=True).first() or ""
    wb = Workbook(write_only=True)
    _sheet(
        wb,
        name=_("Supervision sessions"),
        title=" — ".join(part for part in (organisation, _("Supervision sessions")) if part),
        subtitle=_exported(),
        columns=session_columns(),
        rows=_numbered(qs.iterator(chunk_size=CHUNK)),
    )
    return _save(wb)


# --- the analytics --------------------------------------------------------------------------------------


def figure_columns(name_heading: str, *, ranked: bool) -> list[Column]:
    """The columns of a table of Figures (investment.analytics), its rows named by `label`."""
    columns = [Column(_("Rank"), 7, lambda f: f.extra.get("rank"))] if ranked else []
    return [
        *columns,
        Column(name_heading, 40, lambda f: f.label, wrap=True),
        Column(_("Plan assigned by the Prime Minister (đồng)"), 22, lambda f: f.assigned, VND_FORMAT),
        Column(_("Plan allocated by the locality (đồng)"), 22, lambda f: f.allocated, VND_FORMAT),
        Column(_("Disbursed in the month (đồng)"), 20, lambda f: f.disbursed_month, VND_FORMAT),
        Column(_("Disbursed to date (đồng)"), 22, lambda f: f.disbursed, VND_FORMAT),
        Column(_("Rate against the assigned plan (%)"), 14, lambda f: f.rate_assigned, PERCENT_FORMAT),
        Column(_("Rate against the allocated plan (%)"), 14, lambda f: f.rate_allocated, PERCENT_FORMAT),
        Column(_("Target floor (%)"), 12, lambda f: f.target, PERCENT_FORMAT),
        Column(_("Gap to the floor (points)"), 12, lambda f: f.gap, GAP_FORMAT),
        Column(_("Status"), 12, lambda f: _label(Rag, f.rag)),
        Column(_("Projected by 31 December (đồng)"), 22, lambda f: f.projection, VND_FORMAT),
        Column(_("Projected rate (%)"), 12, lambda f: f.projected_rate, PERCENT_FORMAT),
        Column(_("Months without disbursement"), 12, lambda f: f.idle_months),
    ]


def _ranked(figures: Iterable[analytics.Figures]) -> list[analytics.Figures]:
    """By rate, highest first (no plan last), then by name; each given its rank."""
    rows = sorted(figures, key=lambda f: (f.rate is None, -(f.rate or 0), f.label))
    for rank, f in enumerate(rows, start=1):
        f.extra["rank"] = rank
    return rows


@dataclass(frozen=True)
class AnalyticsTables:
    """What the analytics export holds, computed by investment.analytics' SQL aggregates."""

    organisation: str
    at: dt.date
    year: int
    city: analytics.Figures
    sources: list[analytics.Figures]
    groups: list[analytics.Figures]
    investors: list[analytics.Figures]
    projects: list[analytics.Figures]


def analytics_tables(
    projects, *, organization, groups, investors: dict, at: dt.date, year: int
) -> AnalyticsTables:
    """The figures of the city, each source, each group, each investor and each project among `projects`
    (already scoped to the reader): a fixed number of grouped aggregates, whatever the number of rows."""
    kwargs = {"organization_id": organization.pk, "at": at, "year": year}
    # One grouped read by project; the city, the groups and the investors are folded from it.
    by_project = analytics.project_figures(projects, **kwargs)
    city = analytics.figures(projects, by_project=by_project, **kwargs)
    city.label = str(organization)
    by_source = analytics.figures_by(projects, "source", keep=CapitalSource.values, **kwargs)
    sources = []
    for value, label in CapitalSource.choices:
        f = by_source[value]
        f.label = str(label)
        sources.append(f)
    by_group = analytics.figures_by_group(projects, groups, by_project=by_project, **kwargs)
    group_rows = []
    for group in groups:
        if group.pk in by_group:
            f = by_group[group.pk]
            f.label = str(group)
            group_rows.append(f)
    by_investor = analytics.figures_by(projects, "investor", by_project=by_project, **kwargs)
    investor_rows = []
    for pk, f in by_investor.items():
        f.label = investors.get(pk, f"#{pk}")
        investor_rows.append(f)
    names = dict(projects.filter(pk__in=list(by_project)).order_by().values_list("pk", "code"))
    project_rows = []
    for pk, f in by_project.items():
        f.label = names.get(pk, f"#{pk}")
        project_rows.append(f)
    return AnalyticsTables(
        organisation=str(organization),
        at=at,
        year=year,
        city=city,
        sources=sources,
        groups=_ranked(group_rows),
        investors=_ranked(investor_rows),
        projects=_ranked(project_rows),
    )


def analytics_workbook(tables: AnalyticsTables) -> bytes:
    """Five sheets: the city, by source, the ranking of the working groups, of the investors, and each
    project; every figure at the same date and plan year."""
    wb = Workbook(write_only=True)
    subtitle = _("Plan year {year}, figures at {date}. {exported}").format(
        year=tables.year, date=tables.at.strftime("%d/%m/%Y"), exported=_exported()
    )
    heading = tables.organisation
    _sheet(
        wb,
        name=_("City"),
        title=" — ".join(p for p in (heading, _("Disbursement of public investment")) if p),
        subtitle=subtitle,
        columns=figure_columns(_("Scope"), ranked=False),
        rows=[tables.city],
    )
    _sheet(
        wb,
        name=_("By source"),
        title=_("Disbursement by capital source"),
        subtitle=subtitle,
        columns=figure_columns(_("Capital source"), ranked=False),
        rows=tables.sources,
    )
    _sheet(
        wb,
        name=_("Working groups"),
        title=_("Ranking of the working groups by disbursement rate"),
        subtitle=subtitle,
        columns=figure_columns(_("Working group"), ranked=True),
        rows=tables.groups,
    )
    _sheet(
        wb,
        name=_("Investors"),
        title=_("Ranking of the investors by disbursement rate"),
        subtitle=subtitle,
        columns=figure_columns(_("Investor"), ranked=True),
        rows=tables.investors,
    )
    _sheet(
        wb,
        name=_("Projects"),
        title=_("Disbursement of each project"),
        subtitle=subtitle,
        columns=figure_columns(_("Project code"), ranked=True),
        rows=tables.projects,
    )
    return _save(wb)


# --- the import template ----------------------------------------------------------------------------------

# The demo's projects in Ho Chi Minh City (`coso demo`): the template's examples import into them as they are.
TEMPLATE_PROJECTS = ("HCM-TD-01", "HCM-TD-02")


def disbursement_import_template(today: dt.date | None = None) -> bytes:
    """The sheet investment.importers.import_disbursements reads, in its one-figure-a-row layout: the
    headings, example rows for the current month (they import as they are into the demo data), a drop-down
    of the sources, and a sheet explaining each column and the month-columns layout."""
    from investment.importers import COLUMNS, LONG_KEYS, MAX_ROWS

    today = today or timezone.localdate()
    month = month_start(today)
    year = today.year
    central, local = str(CapitalSource.CENTRAL.label), str(CapitalSource.LOCAL.label)
    examples = [
        (TEMPLATE_PROJECTS[0], local, year, month, 12_500_000_000),
        (TEMPLATE_PROJECTS[0], central, year, month, 30_000_000_000),
        (TEMPLATE_PROJECTS[1], local, year, month, 4_750_000_000),
    ]
    columns = [c for c in COLUMNS if c.key in LONG_KEYS]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Disbursement")[:31]
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([column.heading() for column in columns])
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = xlsx.WRAP
    for example in examples:
        ws.append(list(example))
    for row in ws.iter_rows(min_row=2, max_row=1 + len(examples)):
        project, source, _year, month_cell, amount = row
        xlsx.as_text(project, project.value)
        xlsx.as_text(source, source.value)
        month_cell.number_format = MONTH_FORMAT
        amount.number_format = VND_FORMAT
    lists = wb.create_sheet(_("Lists")[:31])
    lists.cell(row=1, column=1, value=_("Capital source")).font = BOLD
    lists.column_dimensions["A"].width = 36
    for offset, (_value, label) in enumerate(CapitalSource.choices, start=2):
        lists.cell(row=offset, column=1, value=str(label))
    validation = DataValidation(
        type="list",
        formula1=f"'{lists.title}'!$A$2:$A${len(CapitalSource.choices) + 1}",
        allow_blank=True,
        showErrorMessage=False,  # other spellings (NSTW, NSĐP, ODA, the codes) are accepted too
    )
    validation.add(f"B2:B{MAX_ROWS + 1}")
    ws.add_data_validation(validation)

    instructions_sheet(
        wb,
        intro=_(
            "One figure a row, below the heading row of the first sheet: the amount disbursed on a "
            "project from a source in a month. Replace the example rows. A figure already recorded is "
            "replaced by the sheet's; importing the same sheet again changes nothing. If any row has an "
            "error, nothing is imported."
        ),
        columns=columns,
        all_required=True,
        notes=[
            _(
                "The other layout: one project (and source) a row, with the columns {months} for the months "
                "of the plan year and {next} for January of the next year; an empty month cell means no "
                "figure. Without a source column, the figures are the local budget's."
            ).format(
                months=", ".join(f"T{m}" for m in range(1, 13)),
                next="T1/(Y+1)",
            )
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
