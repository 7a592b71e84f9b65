"""The shared working calendar: which days and hours of one organisation are working time.

For a date, the first rule that applies decides:

1. an active office-made `CalendarException` of the organisation ("working" or "off");
2. a Vietnamese public holiday from the `holidays` package, which already includes the observed days
   ("nghỉ bù") and the days off the government swapped with a Saturday;
3. a weekend day the government made a working day to pay for such a swap (the package's
   `weekend_workdays`);
4. Monday to Friday work `COSO_WORKDAY`, Saturday works `COSO_SATURDAY_MORNING` when it is set, and
   Sunday is off.

A working day (rules 1, 3, and a working day under 4) has the weekday spans. All arithmetic is done on
aware datetimes in UTC, so it stays right whatever `TIME_ZONE` is.
"""

import calendar as std_calendar
import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.models import CalendarException, CalendarExceptionKind
from core.scoping import visible

Span = tuple[dt.time, dt.time]

COUNTRY = "VN"
HOUR = dt.timedelta(hours=1)
MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
# add_working_hours gives up after this many days in a row without working time (a misconfiguration).
MAX_IDLE_DAYS = 3660

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

# Every member of an organisation may read its calendar exceptions: deadlines depend on them.


def parse_spans(value: str, setting: str = "COSO_WORKDAY") -> tuple[Span, ...]:
    """ "08:00-12:00,13:00-17:00" -> ((08:00, 12:00), (13:00, 17:00)); spans must be ordered and disjoint."""
    spans: list[Span] = []
    for part in (value or "").split(","):
        if not part.strip():
            continue
        match = _SPAN.match(part)
        if match is None:
            raise ImproperlyConfigured(f"{setting}: {part.strip()!r} does not read HH:MM-HH:MM.")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{setting}: {part.strip()!r} is not a valid time span.") from exc
        if start >= end:
            raise ImproperlyConfigured(f"{setting}: {part.strip()!r} ends before it starts.")
        if spans and start < spans[-1][1]:
            raise ImproperlyConfigured(f"{setting}: spans must be in order and must not overlap.")
        spans.append((start, end))
    return tuple(spans)


def _holiday_language(language: str | None = None) -> str:
    """The `holidays` package's language for a Django language code (Vietnamese unless English)."""
    code = (language or get_language() or "vi").lower()
    return "en_US" if code.startswith("en") else "vi"


@dataclass(frozen=True)
class NationalYear:
    """What the `holidays` package says about one year."""

    holidays: tuple[tuple[dt.date, str], ...]  # (date, name), by date
    days_off: frozenset[dt.date]
    make_up: frozenset[dt.date]  # weekend days made working days


@functools.lru_cache(maxsize=128)
def national_year(year: int, language: str = "vi") -> NationalYear:
    """The package's public holidays of one year, and its weekend days made working days that year.

    A make-up Saturday can pay for a day off in the next year (27/12/2014 for 02/01/2015), so the next
    year is loaded too and both results are cut to `year`.
    """
    data = holidays.country_holidays(COUNTRY, language=language, years=[year, year + 1])
    named = tuple(sorted((day, str(name)) for day, name in data.items() if day.year == year))
    return NationalYear(
        holidays=named,
        days_off=frozenset(day for day, _name in named),
        make_up=frozenset(day for day in data.weekend_workdays if day.year == year),
    )


def national_holidays(year: int, language: str | None = None) -> list[tuple[dt.date, str]]:
    """Vietnam's public holidays of a year as (date, name), names in the active language."""
    return list(national_year(year, _holiday_language(language)).holidays)


def make_up_working_days(year: int) -> list[dt.date]:
    """Weekend days of a year that the government made working days to pay for a swapped day off."""
    return sorted(national_year(year).make_up)


def _as_date(day) -> dt.date:
    if isinstance(day, dt.datetime):
        return timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    if isinstance(day, dt.date):
        return day
    raise TypeError(f"Expected a date, got {type(day).__name__}.")


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}.")
    if timezone.is_naive(value):
        raise ValueError(f"{name} must be an aware datetime.")
    return value.astimezone(dt.UTC)


def hours_to_timedelta(hours) -> dt.timedelta:
    """An exact duration for a number of hours (int, float, Decimal or timedelta), to the microsecond."""
    if isinstance(hours, dt.timedelta):
        return hours
    if isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise TypeError(f"hours must be a number, got {type(hours).__name__}.")
    # str() of a float is its shortest exact decimal form: 0.1 -> Decimal("0.1"), not 0.1000000000000000055.
    value = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    if not value.is_finite():
        raise ValueError("hours must be a finite number.")
    micro = (value * MICROSECONDS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_EVEN)
    return dt.timedelta(microseconds=int(micro))


def timedelta_to_hours(duration: dt.timedelta) -> Decimal:
    """A duration as a Decimal number of hours (28 significant digits: exact for 15 or 30 minutes)."""
    return Decimal(duration // dt.timedelta(microseconds=1)) / MICROSECONDS_PER_HOUR


def hours_per_working_day() -> Decimal:
    """The length of a full working day (Monday to Friday, `COSO_WORKDAY`) in hours: 8 by default."""
    spans = parse_spans(settings.COSO_WORKDAY, "COSO_WORKDAY")
    if not spans:
        raise ImproperlyConfigured("COSO_WORKDAY must give at least one HH:MM-HH:MM span.")
    minutes = sum((e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in spans)
    return Decimal(minutes) / 60


def describe_hours(hours, *, working: bool = True) -> str:
    """A number of hours as a person reads it, in the active language: "12 ngày 2 giờ làm việc".

    Working time (`working=True`) counts in working days of `hours_per_working_day()` (8 hours by default);
    calendar time (`working=False`) in days of 24 hours and without "working". The rules:

    - nothing (None, or not a number) reads "" and a negative number reads as 0;
    - 0 reads "0 giờ làm việc"; more than 0 and under 1 hour reads "dưới 1 giờ làm việc";
    - otherwise the whole days come first, and what is left is rounded to the nearest hour, a half hour
      up: 96.2 hours are 12 days and 0.2 hours, "12 ngày làm việc"; 97.5 read "12 ngày 2 giờ làm việc";
      7.6 round to 8 hours, a whole day: "1 ngày làm việc";
    - a part that is zero is left out ("12 ngày", not "12 ngày 0 giờ").
    """
    if hours is None or isinstance(hours, bool):
        return ""
    try:
        value = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    except (ArithmeticError, TypeError, ValueError):
        return ""
    if not value.is_finite():
        return ""
    value = max(value, Decimal(0))
    per_day = hours_per_working_day() if working else Decimal(24)
    if 0 < value < 1:
        return _("under 1 working hour") if working else _("under 1 hour")
    days = int((value / per_day).to_integral_value(rounding=ROUND_FLOOR))
    rest = int((value - days * per_day).to_integral_value(rounding=ROUND_HALF_UP))
    if rest >= per_day:
        days, rest = days + 1, 0
    if working:
        if not days:
            return ngettext("{n} working hour", "{n} working hours", rest).format(n=rest)
        if not rest:
            return ngettext("{n} working day", "{n} working days", days).format(n=days)
        return _("{days} and {hours} of working time").format(
            days=ngettext("{n} day", "{n} days", days).format(n=days),
            hours=ngettext("{n} hour", "{n} hours", rest).format(n=rest),
        )
    day_part = ngettext("{n} day", "{n} days", days).format(n=days)
    hour_part = ngettext("{n} hour", "{n} hours", rest).format(n=rest)
    if not days:
        return hour_part
    if not rest:
        return day_part
    return _("{days} and {hours}").format(days=day_part, hours=hour_part)


@dataclass(frozen=True)
class MonthSummary:
    """Working days and hours of one month."""

    month: dt.date  # the first day of the month
    working_days: int
    working_hours: Decimal


class WorkingCalendar:
    """Working days and working hours of one organisation: national rules plus the office's exceptions.

    Exceptions are read once per calendar year, in one query for all the years a call needs, and kept on
    the instance: build one calendar per request or task, not one per date.
    """

    def __init__(self, *, organization=None, workday: str | None = None, saturday: str | None = None):
        self.organization_id = getattr(organization, "pk", organization)
        self.weekday_spans = parse_spans(
            settings.COSO_WORKDAY if workday is None else workday, "COSO_WORKDAY"
        )
        if not self.weekday_spans:
            raise ImproperlyConfigured("COSO_WORKDAY must give at least one HH:MM-HH:MM span.")
        self.saturday_spans = parse_spans(
            settings.COSO_SATURDAY_MORNING if saturday is None else saturday, "COSO_SATURDAY_MORNING"
        )
        self.tz = timezone.get_default_timezone()
        self._exceptions: dict[int, dict[dt.date, str]] = {}

    @classmethod
    def for_organization(cls, organization) -> "WorkingCalendar":
        """The calendar of one organisation (a PartyCommittee or its id), with today's settings."""
        if organization is None:
            raise ValueError("An organisation is required; use WorkingCalendar() for the national calendar.")
        return cls(organization=organization)

    # --- the office's exceptions -------------------------------------------------------------------

    def preload(self, first: dt.date, last: dt.date) -> None:
        """Read the exceptions of every calendar year from `first` to `last` not read yet, in one query."""
        missing = [y for y in range(first.year, last.year + 1) if y not in self._exceptions]
        if not missing:
            return
        for year in missing:
            self._exceptions[year] = {}
        if self.organization_id is None:
            return
        rows = (
            CalendarException.objects.active()
            .filter(
                organization_id=self.organization_id,
                date__gte=dt.date(missing[0], 1, 1),
                date__lte=dt.date(missing[-1], 12, 31),
            )
            .values_list("date", "kind")
            .order_by()  # read into a dict by date: the model's ordering would only cost a sort
        )
        wanted = set(missing)
        for day, kind in rows:
            if day.year in wanted:
                self._exceptions[day.year][day] = kind

    def exception_kind(self, day: dt.date) -> str | None:
        """The kind of the organisation's active exception on a date ("working" or "off"), if any."""
        day = _as_date(day)
        if day.year not in self._exceptions:
            self.preload(day, day)
        return self._exceptions[day.year].get(day)

    # --- days --------------------------------------------------------------------------------------

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the national public holiday on a date (ignoring the office's exceptions)."""
        day = _as_date(day)
        return dict(national_year(day.year, _holiday_language()).holidays).get(day)

    def working_periods(self, day: dt.date) -> list[Span]:
        """The working spans of a date as (start time, end time), in local time; [] on a day off."""
        day = _as_date(day)
        kind = self.exception_kind(day)
        if kind == CalendarExceptionKind.WORKING_DAY:
            return list(self.weekday_spans)
        if kind == CalendarExceptionKind.DAY_OFF:
            return []
        national = national_year(day.year)
        if day in national.make_up:
            return list(self.weekday_spans)
        if day in national.days_off:
            return []
        weekday = day.weekday()
        if weekday < 5:
            return list(self.weekday_spans)
        if weekday == 5:
            return list(self.saturday_spans)
        return []

    def is_working_day(self, day: dt.date) -> bool:
        """Whether a date has any working time (a Saturday morning counts when it is enabled)."""
        return bool(self.working_periods(day))

    def working_time_on(self, day: dt.date) -> dt.timedelta:
        """The length of a date's working time."""
        return sum((e - s for s, e in self._intervals(_as_date(day))), dt.timedelta())

    def working_days(self, period: tuple[dt.date, dt.date]) -> list[dt.date]:
        """The working dates from start to end, both included; [] when end is before start."""
        start, end = (_as_date(d) for d in period)
        if end < start:
            return []
        self.preload(start, end)
        return [day for day in _dates(start, end) if self.is_working_day(day)]

    def working_day_count(self, period: tuple[dt.date, dt.date]) -> int:
        """How many working dates lie from start to end, both included."""
        return len(self.working_days(period))

    def next_working_day(self, day: dt.date) -> dt.date:
        """The date itself when it is a working day, else the first working day after it."""
        day = _as_date(day)
        for _n in range(MAX_IDLE_DAYS):
            if day.year not in self._exceptions:
                self.preload(day, dt.date(min(day.year + 1, dt.MAXYEAR), 12, 31))
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError(f"No working day found within {MAX_IDLE_DAYS} days.")

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (`start` itself is not counted); `start` for zero."""
        if days < 0:
            raise ValueError("days must not be negative.")
        day = _as_date(start)
        for _n in range(days):
            day = self.next_working_day(day + dt.timedelta(days=1))
        return day

    def default_deadline(self, start: dt.date, days: int, *, working_days: bool = False) -> dt.date:
        """A default deadline: `days` calendar days (or working days) after `start`, moved on to the next
        working day when it falls on a weekend, a public holiday or the office's day off."""
        if working_days:
            return self.add_working_days(start, days)
        return self.next_working_day(_as_date(start) + dt.timedelta(days=days))

    def month_summaries(self, year: int) -> list[MonthSummary]:
        """Working days and hours of each month of a year."""
        self.preload(dt.date(year, 1, 1), dt.date(year, 12, 31))
        result = []
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            last = dt.date(year, month, std_calendar.monthrange(year, month)[1])
            days = self.working_days((first, last))
            hours = sum((self.working_time_on(d) for d in days), dt.timedelta())
            result.append(MonthSummary(first, len(days), timedelta_to_hours(hours)))
        return result

    # --- hours -------------------------------------------------------------------------------------

    def _intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """A date's working spans as aware UTC datetimes."""
        return [
            (
                dt.datetime.combine(day, s, tzinfo=self.tz).astimezone(dt.UTC),
                dt.datetime.combine(day, e, tzinfo=self.tz).astimezone(dt.UTC),
            )
            for s, e in self.working_periods(day)
        ]

    def _local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()

    def add_working_hours(self, start: dt.datetime, hours) -> dt.datetime:
        """The moment `hours` of working time after `start` (an aware datetime), in local time.

        Counting starts at `start` if it is working time, otherwise at the next working period. A deadline
        that uses up a period exactly ends at that period's end (17:00, not 08:00 the next day). Zero hours
        give `start` back.
        """
        cursor = _aware(start, "start")
        remaining = hours_to_timedelta(hours)
        if remaining < dt.timedelta():
            raise ValueError("hours must not be negative.")
        if not remaining:
            return cursor.astimezone(self.tz)
        day = self._local_date(cursor)
        idle = 0
        while idle < MAX_IDLE_DAYS:
            if day.year not in self._exceptions:
                # Read this year and the next in one query rather than one query per day.
                self.preload(day, dt.date(min(day.year + 1, dt.MAXYEAR), 12, 31))
            intervals = self._intervals(day)
            idle = idle + 1 if not intervals else 0
            for begin, end in intervals:
                if end <= cursor:
                    continue
                begin = max(begin, cursor)
                available = end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(self.tz)
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError(f"No working time found within {MAX_IDLE_DAYS} days.")

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """The working time from `a` to `b` (aware datetimes), exactly; zero when b <= a."""
        a, b = _aware(a, "a"), _aware(b, "b")
        if b <= a:
            return dt.timedelta()
        first, last = self._local_date(a), self._local_date(b)
        self.preload(first, last)
        total = dt.timedelta()
        for day in {first, last}:
            for begin, end in self._intervals(day):
                overlap = min(end, b) - max(begin, a)
                if overlap > dt.timedelta():
                    total += overlap
        if last - first > dt.timedelta(days=1):
            total += self._whole_days(first + dt.timedelta(days=1), last - dt.timedelta(days=1))
        return total

    def _whole_days(self, start: dt.date, end: dt.date) -> dt.timedelta:
        """The working time of the dates from start to end, both included, counted whole.

        Weekdays and Saturdays are counted by arithmetic, then each date that the national calendar or
        the office makes special is corrected: an incident a year overdue no longer adds up 365 days one
        by one on its page. Working periods lie inside a day, so a change of summer time, at night, never
        shortens one."""
        weekday, saturday = _spans_length(self.weekday_spans), _spans_length(self.saturday_spans)
        days = (end - start).days + 1
        weeks, rest = divmod(days, 7)
        rest_days = [(start.weekday() + n) % 7 for n in range(rest)]
        total = weekday * (5 * weeks + sum(1 for d in rest_days if d < 5))
        total += saturday * (weeks + rest_days.count(5))
        special: set[dt.date] = set()
        for year in range(start.year, end.year + 1):
            national = national_year(year)
            special |= national.days_off | national.make_up | set(self._exceptions.get(year, {}))
        for day in special:
            if start <= day <= end:
                usual = weekday if day.weekday() < 5 else saturday if day.weekday() == 5 else dt.timedelta()
                total += _spans_length(tuple(self.working_periods(day))) - usual
        return total

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> Decimal:
        """The working hours from `a` to `b` as a Decimal; 0 when b <= a."""
        return timedelta_to_hours(self.working_time_between(a, b))


def default_deadline(
    organization, days: int, *, start: dt.date | None = None, working_days: bool = False
) -> dt.date:
    """The default deadline every form and service proposes: `days` calendar days (or working days) after
    `start` (today, in local time), on a working day of the organisation's calendar (the national calendar
    when `organization` is None). 02/12/2026 plus 30 days is 01/01/2027, New Year's Day: 04/01/2027."""
    calendar = WorkingCalendar(organization=organization)
    return calendar.default_deadline(start or timezone.localdate(), days, working_days=working_days)


@functools.cache
def _spans_length(spans: tuple[Span, ...]) -> dt.timedelta:
    """How long some working spans of one day last together."""
    day = dt.date(2000, 1, 3)
    return sum((dt.datetime.combine(day, e) - dt.datetime.combine(day, s) for s, e in spans), dt.timedelta())


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    for n in range((end - start).days + 1):
        yield start + dt.timedelta(days=n)


# --- reads of the office's exceptions (the selectors of this module) ---------------------------------


def calendar_exception_list(*, user, year: int | None = None) -> QuerySet[CalendarException]:
    """The active exceptions of the user's organisation, by date; of one year when `year` is given."""
    qs = visible(CalendarException.objects.active(), user)
    if year is not None:
        qs = qs.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    return qs.order_by("date", "id")


def get_calendar_exception_for_user(*, user, pk, action: str = "view") -> CalendarException:
    """One exception of the user's organisation: 404 for missing, archived, not-yours and not-allowed."""
    exception = calendar_exception_list(user=user).filter(pk=pk).first()
    if exception is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return exception


def parse_day(raw: str, field: str = "date") -> dt.date:
    """A date typed dd/mm/yyyy (or ISO yyyy-mm-dd); a ValidationError on `field` otherwise."""
    raw = (raw or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValidationError({field: _("The date must read dd/mm/yyyy.")})
