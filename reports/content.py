"""The shape of a report, shared by every format: numbered sections of paragraphs, tables and charts.

The selectors fill it with figures (integers of đồng, counts, percentages, hours); the page, the DOCX, the
XLSX, the PDF and the JSON each render the same object, so every format prints the same numbers.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.money import group

# How a column's values read: a text, a count, an amount (stored in đồng, printed in millions), a
# percentage, hours, a date.
TEXT, COUNT, MONEY, PERCENT, HOURS, DATE = "text", "count", "money", "percent", "hours", "date"
NUMERIC = (COUNT, MONEY, PERCENT, HOURS)


@dataclass
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    number: int = 0
    # The documents print the first `shown` rows (the annex and the JSON hold them all).
    shown: int | None = None
    note: str = ""
    total_row: bool = False  # the last row is the total (printed in bold, always printed)

    @property
    def printed_rows(self) -> list[dict]:
        """The rows the documents print: the first `shown`, and the total row whenever there is one."""
        if not self.cut:
            return self.rows
        if self.total_row:
            return [*self.rows[: self.shown], self.rows[-1]]
        return self.rows[: self.shown]

    @property
    def data_count(self) -> int:
        """The rows besides the total."""
        return len(self.rows) - (1 if self.total_row and self.rows else 0)

    @property
    def cut(self) -> bool:
        limit = None if self.shown is None else self.shown + (1 if self.total_row else 0)
        return limit is not None and len(self.rows) > limit

    def cells(self, row: dict) -> list[str]:
        return [display(row.get(c.key), c.kind) for c in self.columns]

    @property
    def rendered(self) -> list[list["Cell"]]:
        """The printed rows as the documents show them, each cell with whether it is a number."""
        return [
            [Cell(display(row.get(c.key), c.kind), c.kind in NUMERIC) for c in self.columns]
            for row in self.printed_rows
        ]


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass
class Series:
    label: str
    values: list[float | None]
    kind: str = "bar"  # "bar" or "line"


@dataclass
class Chart:
    key: str
    title: str
    labels: list[str]
    series: list[Series]
    unit: str = "%"
    number: int = 0

    @property
    def script_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def data(self) -> dict:
        """What the page's chart script reads: the same labels and series the documents draw."""
        return {
            "labels": self.labels,
            "unit": self.unit,
            "series": [{"label": s.label, "kind": s.kind, "values": s.values} for s in self.series],
        }


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    number: int = 0


@dataclass
class Organisation:
    code: str
    name: str
    superior_body: str  # "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    issuing_body: str  # "THÀNH ỦY"
    symbol: str  # "TU"
    place: str  # "Hà Nội"


@dataclass
class Report:
    kind: str
    title: str
    subject: str  # under the kind of document in the Party format: "Tình hình, kết quả … tháng 11/2026"
    organisation: Organisation
    period_code: str
    first: dt.date
    last: dt.date
    at: dt.date  # the day the figures stand at: the period's end, or today while it runs
    sections: list[Section]
    generated_at: dt.datetime

    def number(self) -> None:
        """Number the sections, and the tables and charts across the whole report (Bảng 1, Biểu đồ 1)."""
        tables = charts = 0
        for n, section in enumerate(self.sections, start=1):
            section.number = n
            for table in section.tables:
                tables += 1
                table.number = tables
            for chart in section.charts:
                charts += 1
                chart.number = charts

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]


def decimal1(value) -> str:
    """One decimal, with a decimal comma and grouped thousands: 1234.56 -> "1.234,6"; 12.0 -> "12"."""
    number = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    whole, _sep, frac = f"{abs(number):f}".partition(".")
    text = group(int(whole)) + ("," + frac if frac and frac != "0" else "")
    return ("-" if number < 0 else "") + text


def display(value, kind: str) -> str:
    """A cell as the documents print it: "—" for no value; 1.234; 1.234,6 (millions); 45,3%; dd/mm/yyyy."""
    if value is None or value == "":
        return "—"
    if kind == COUNT:
        return group(value)
    if kind == MONEY:
        return decimal1(Decimal(value) / Decimal(1_000_000))
    if kind == PERCENT:
        return f"{decimal1(value)}%"
    if kind == HOURS:
        return decimal1(value)
    if kind == DATE:
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def plain(value):
    """A value as JSON carries it: numbers as numbers (amounts in đồng), dates ISO, the rest as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def as_json(report: Report) -> dict:
    """Every number the documents print, with the columns that say what each is."""
    return {
        "kind": report.kind,
        "title": report.title,
        "subject": report.subject,
        "organization": {
            "code": report.organisation.code,
            "name": report.organisation.name,
        },
        "period": {
            "code": report.period_code,
            "first": report.first.isoformat(),
            "last": report.last.isoformat(),
            "figures_at": report.at.isoformat(),
        },
        "generated_at": report.generated_at.isoformat(),
        "sections": [
            {
                "number": s.number,
                "key": s.key,
                "title": s.title,
                "paragraphs": s.paragraphs,
                "tables": [
                    {
                        "number": t.number,
                        "key": t.key,
                        "title": t.title,
                        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
                        "rows": [{c.key: plain(row.get(c.key)) for c in t.columns} for row in t.rows],
                    }
                    for t in s.tables
                ],
                "charts": [
                    {
                        "number": c.number,
                        "key": c.key,
                        "title": c.title,
                        "unit": c.unit,
                        "labels": c.labels,
                        "series": [{"label": x.label, "kind": x.kind, "values": x.values} for x in c.series],
                    }
                    for c in s.charts
                ],
            }
            for s in report.sections
        ],
    }
