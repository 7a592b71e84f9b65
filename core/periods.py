"""Periods that figures are read over: a week, a month, a quarter, a year or a range of days.

Accepted: "2027-W05" (an ISO week, Monday to Sunday), "2027-02" (a month), "2027-Q1" (a quarter), "2027"
(a year) and "2027-01-01..2027-03-31" (a range of days, both included, either side dd/mm/yyyy too). A
period is at most ten years long unless the caller asks for less (`max_years`): the field-time share takes
ten, the Standing Committee's briefing five (docs/decisions/0013-periods-in-core.md).
"""

import calendar as std_calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_YEARS = 10
_WEEK = re.compile(r"^(\d{4})-[Ww](\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(.+?)\s*(?:\.\.|–)\s*(.+)$")


@dataclass(frozen=True)
class Period:
    """The days from `first` to `last`, both included, and how the period was asked for."""

    first: dt.date
    last: dt.date
    code: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period of the same kind just before: the previous month, quarter or year, or the same number
        of days before a range."""
        if _WEEK.match(self.code):
            return week_period(self.first - dt.timedelta(days=7))
        if _MONTH.match(self.code):
            return month_period(_shift_months(self.first, -1))
        if _QUARTER.match(self.code):
            start = _shift_months(self.first, -3)
            return quarter_period(start.year, (start.month - 1) // 3 + 1)
        if _YEAR.match(self.code):
            return year_period(self.first.year - 1)
        last = self.first - dt.timedelta(days=1)
        first = last - dt.timedelta(days=self.days - 1)
        return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def week_period(day: dt.date) -> Period:
    """The ISO week (Monday to Sunday) that holds `day`."""
    year, week, weekday = day.isocalendar()
    first = day - dt.timedelta(days=weekday - 1)
    return Period(first, first + dt.timedelta(days=6), f"{year}-W{week:02d}")


def month_period(day: dt.date) -> Period:
    last = std_calendar.monthrange(day.year, day.month)[1]
    return Period(dt.date(day.year, day.month, 1), dt.date(day.year, day.month, last), f"{day:%Y-%m}")


def quarter_period(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    last = dt.date(year, last_month, std_calendar.monthrange(year, last_month)[1])
    return Period(first, last, f"{year}-Q{quarter}")


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))


def current_quarter(today: dt.date) -> Period:
    return quarter_period(today.year, (today.month - 1) // 3 + 1)


def last_months(today: dt.date, count: int = 12) -> list[Period]:
    """The `count` months up to the one holding `today`, oldest first."""
    return [month_period(_shift_months(today.replace(day=1), -n)) for n in range(count - 1, -1, -1)]


def _day(raw: str) -> dt.date:
    raw = raw.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _invalid() -> ValidationError:
    return ValidationError(
        _(
            "The period is not valid: write a week (2027-W05), a month (2027-02), a quarter (2027-Q1), a "
            "year (2027) or a range of days (2027-01-01..2027-03-31)."
        ),
        code="period",
    )


def parse_period(raw: str | None, *, max_years: int = MAX_YEARS) -> Period:
    """The period a text names; ValidationError (in the user's language) when malformed or longer than
    `max_years`."""
    text = (raw or "").strip()
    try:
        if match := _WEEK.match(text):
            year, week = int(match[1]), int(match[2])
            period = week_period(dt.date.fromisocalendar(year, week, 1))
        elif match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            period = month_period(dt.date(year, month, 1))
        elif match := _QUARTER.match(text):
            period = quarter_period(int(match[1]), int(match[2]))
        elif match := _YEAR.match(text):
            period = year_period(int(match[1]))
        elif match := _RANGE.match(text):
            first, last = _day(match[1]), _day(match[2])
            period = Period(first, last, f"{first.isoformat()}..{last.isoformat()}")
        else:
            raise _invalid()
    except ValueError as exc:
        raise _invalid() from exc
    if period.first.year < 1900 or period.last.year > 2200:
        raise _invalid()
    if period.last < period.first:
        raise ValidationError(_("The period ends before it starts."), code="period")
    if period.last >= dt.date(period.first.year + max_years, period.first.month, 1) + dt.timedelta(
        days=period.first.day - 1
    ):
        raise ValidationError(
            _("The period is longer than {years} years.").format(years=max_years), code="period"
        )
    return period
