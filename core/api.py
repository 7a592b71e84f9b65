"""API of the working calendar: a year's summary, working-hour deadlines and the office's exceptions."""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core import services
from core.calendar import (
    WorkingCalendar,
    calendar_exception_list,
    get_calendar_exception_for_user,
    make_up_working_days,
    national_holidays,
    parse_day,
)
from core.pagination import PageNumberPagination

router = Router(tags=["calendar"])

MIN_YEAR, MAX_YEAR = 1995, 2100
# About twelve years of working time: enough for any deadline, and it bounds the work of one request.
MAX_HOURS = 25_000


class HolidayOut(Schema):
    date: dt.date
    name: str


class MonthOut(Schema):
    month: int
    working_days: int
    working_hours: float


class ExceptionOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    name: str
    version: int
    archived_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())


class SummaryOut(Schema):
    year: int
    workday: list[str]
    saturday: list[str]
    working_days: int
    working_hours: float
    months: list[MonthOut]
    holidays: list[HolidayOut]
    make_up_working_days: list[dt.date]
    exceptions: list[ExceptionOut]


class DeadlineOut(Schema):
    start: dt.datetime
    hours: float
    deadline: dt.datetime


class ExceptionIn(Schema):
    date: str = Field(..., description="dd/mm/yyyy or yyyy-mm-dd")
    kind: str = Field(..., description='"working" (a compensatory working day) or "off" (an extra day off)')
    name: str = Field(..., description="The reason, e.g. the decision that ordered it")


class ArchiveIn(Schema):
    version: int


class YearQuery(Schema):
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Default: this year")


class DeadlineQuery(Schema):
    start: str = Field(
        ..., description="ISO 8601 (2026-02-13T16:00+07:00) or dd/mm/yyyy HH:MM; local time without an offset"
    )
    hours: Decimal = Field(..., ge=0, le=MAX_HOURS, description="Working hours to add, e.g. 8 or 1.5")


def _organization_id(user) -> int:
    """The caller's organisation; 404 for a user without one (nothing to show)."""
    if not user.organization_id or not user.role:
        raise Http404
    return user.organization_id


def _office_organization_id(user) -> int:
    organization_id = _organization_id(user)
    if not user.is_office:
        raise Http404
    return organization_id


def _year(year: int | None) -> int:
    return timezone.localdate().year if year is None else year


def _spans(spans) -> list[str]:
    return [f"{start:%H:%M}-{end:%H:%M}" for start, end in spans]


def _parse_moment(raw: str) -> dt.datetime:
    """An ISO 8601 or dd/mm/yyyy HH:MM moment; without an offset it is local time."""
    raw = raw.strip()
    # An unencoded "+07:00" in a query string arrives as " 07:00".
    raw = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", raw)
    moment = None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"):
            try:
                moment = dt.datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValidationError(
            {
                "start": _(
                    "The start must be a date and time, e.g. 2026-02-13T16:00+07:00 or 13/02/2026 16:00."
                )
            }
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@router.get("/", response=SummaryOut, summary="Working days and holidays of a year")
def summary(request, filters: Query[YearQuery]):
    """The organisation's calendar for `year` (default this year): working days and hours per month,
    the public holidays, the weekend days worked by government decision, and the office's exceptions."""
    calendar = WorkingCalendar.for_organization(_organization_id(request.user))
    year = _year(filters.year)
    months = calendar.month_summaries(year)
    return {
        "year": year,
        "workday": _spans(calendar.weekday_spans),
        "saturday": _spans(calendar.saturday_spans),
        "working_days": sum(m.working_days for m in months),
        "working_hours": float(sum(m.working_hours for m in months)),
        "months": [
            {"month": m.month.month, "working_days": m.working_days, "working_hours": float(m.working_hours)}
            for m in months
        ],
        "holidays": [{"date": day, "name": name} for day, name in national_holidays(year)],
        "make_up_working_days": make_up_working_days(year),
        "exceptions": list(calendar_exception_list(user=request.user, year=year)),
    }


@router.get("/working-hours", response=DeadlineOut, summary="The deadline after a number of working hours")
def working_hours(request, params: Query[DeadlineQuery]):
    """The moment `hours` working hours after `start` (ISO 8601; local time when it has no offset).

    Counting starts at the next working period when `start` is outside working time."""
    calendar = WorkingCalendar.for_organization(_organization_id(request.user))
    moment = _parse_moment(params.start)
    deadline = calendar.add_working_hours(moment, params.hours)
    return {"start": timezone.localtime(moment), "hours": float(params.hours), "deadline": deadline}


@router.get("/exceptions", response=list[ExceptionOut], summary="The organisation's calendar exceptions")
@paginate(PageNumberPagination, page_size=50)
def list_exceptions(request, filters: Query[YearQuery]):
    """Active exceptions, by date; of one year when `year` is given (all years otherwise)."""
    _organization_id(request.user)
    return calendar_exception_list(user=request.user, year=filters.year)


@router.post("/exceptions", response={201: ExceptionOut}, summary="Add a calendar exception (the office)")
def create_exception(request, payload: ExceptionIn):
    """A compensatory working day or an extra day off; one active exception per date."""
    organization_id = _office_organization_id(request.user)
    exception = services.calendar_exception_create(
        actor=request.user,
        organization=organization_id,
        date=parse_day(payload.date),
        kind=payload.kind,
        name=payload.name,
    )
    return Status(201, exception)


@router.post(
    "/exceptions/{id:exception_id}/archive", response=ExceptionOut, summary="Archive a calendar exception"
)
def archive_exception(request, exception_id: int, payload: ArchiveIn):
    """The date follows the national rules again; `version` must be the one read (409 otherwise)."""
    _office_organization_id(request.user)
    exception = get_calendar_exception_for_user(user=request.user, pk=exception_id, action="archive")
    return services.calendar_exception_archive(
        actor=request.user, exception=exception, version=payload.version
    )
