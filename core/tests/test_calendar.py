"""The working calendar: national rules on real dates, working-hour arithmetic, exceptions, page and API.

Every holiday date below was checked against what the `holidays` package returns for Vietnam:
2025: 01/01; Tết 27–31/01 (and Sat 01/02); Giỗ Tổ 07/04; 30/04, 01/05, 02/05 (swapped for Sat 26/04,
which is worked); 01–02/09. 2026: 01/01; Tết 16–20/02; Giỗ Tổ Sun 26/04 with Mon 27/04 in lieu;
30/04, 01/05; 31/08 (swapped for Sat 22/08, worked); 01–02/09; 24/11. 2027: 01/05 is a Saturday,
Mon 03/05 in lieu.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.choices import Role
from accounts.services import token_create, user_create
from core import audit
from core.calendar import (
    WorkingCalendar,
    default_deadline,
    hours_to_timedelta,
    make_up_working_days,
    national_holidays,
    parse_spans,
)
from core.errors import ConflictError
from core.models import AuditAction, AuditEvent, CalendarException
from core.services import calendar_exception_archive, calendar_exception_create

D = dt.date
T = dt.time
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAY = [(T(8), T(12)), (T(13), T(17))]


def at(*args) -> dt.datetime:
    """An aware datetime in Vietnam's time zone."""
    return dt.datetime(*args, tzinfo=TZ)


def events(instance, action):
    """The audit events of one record with one action."""
    return audit.history_for(instance).filter(action=action)


@pytest.fixture
def national() -> WorkingCalendar:
    """The calendar without an organisation: national rules only, no database."""
    return WorkingCalendar()


@pytest.fixture
def add_exception(office):
    def make(day, kind="working", name="Quyết định của Thường trực", organization=None, actor=None):
        return calendar_exception_create(
            actor=actor or office,
            organization=organization or office.organization,
            date=day,
            kind=kind,
            name=name,
        )

    return make


# --- the package's holidays, as the calendar uses them ------------------------------------------------


def test_package_holidays_2026_are_the_dates_we_rely_on():
    names = dict(national_holidays(2026, language="vi"))
    assert [d for d in names if d.month == 2] == [D(2026, 2, d) for d in (16, 17, 18, 19, 20)]
    assert names[D(2026, 2, 17)] == "Tết Nguyên Đán"
    assert names[D(2026, 4, 27)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert {D(2026, 9, 1), D(2026, 9, 2), D(2026, 8, 31)} <= set(names)
    assert make_up_working_days(2026) == [D(2026, 8, 22)]
    assert make_up_working_days(2025) == [D(2025, 4, 26)]


def test_holiday_names_follow_the_language():
    assert dict(national_holidays(2026, language="en"))[D(2026, 9, 2)] == "National Day"
    assert dict(national_holidays(2026, language="vi"))[D(2026, 9, 2)] == "Quốc khánh"


# --- days ---------------------------------------------------------------------------------------------


def test_weekdays_work_and_weekends_do_not(national):
    assert national.working_periods(D(2026, 3, 9)) == WEEKDAY  # Monday
    assert national.working_periods(D(2026, 3, 13)) == WEEKDAY  # Friday
    assert national.working_periods(D(2026, 3, 14)) == []  # Saturday
    assert national.working_periods(D(2026, 3, 15)) == []  # Sunday
    assert national.is_working_day(D(2026, 3, 11))
    assert not national.is_working_day(D(2026, 3, 14))


def test_tet_2026(national):
    assert national.is_working_day(D(2026, 2, 13))  # the last Friday before Tết
    for day in range(14, 23):  # Sat 14/02 to Sun 22/02: nine days off
        assert not national.is_working_day(D(2026, 2, day)), day
    assert national.is_working_day(D(2026, 2, 23))
    # February 2026 has 20 weekdays, Tết takes five of them.
    assert national.working_day_count((D(2026, 2, 1), D(2026, 2, 28))) == 15


def test_reunification_and_labour_day(national):
    assert not national.is_working_day(D(2026, 4, 30))  # Thursday
    assert not national.is_working_day(D(2026, 5, 1))  # Friday
    assert national.is_working_day(D(2026, 4, 29))
    assert national.is_working_day(D(2026, 5, 4))
    # 2025: 02/05 (Friday) was given off in exchange for working Saturday 26/04.
    assert not national.is_working_day(D(2025, 5, 2))
    assert national.working_periods(D(2025, 4, 26)) == WEEKDAY
    assert national.working_days((D(2025, 4, 26), D(2025, 5, 4))) == [
        D(2025, 4, 26),
        D(2025, 4, 28),
        D(2025, 4, 29),
    ]


def test_national_day_is_two_days_since_2025(national):
    assert national.working_days((D(2025, 8, 29), D(2025, 9, 3))) == [D(2025, 8, 29), D(2025, 9, 3)]
    # 2026: Mon 31/08 is off (swapped for Sat 22/08), then Tue 01/09 and Wed 02/09.
    assert national.working_days((D(2026, 8, 28), D(2026, 9, 4))) == [
        D(2026, 8, 28),
        D(2026, 9, 3),
        D(2026, 9, 4),
    ]
    assert national.is_working_day(D(2026, 8, 22))


def test_holiday_on_a_weekend_gives_one_day_in_lieu_not_two(national):
    # Giỗ Tổ 2026 falls on Sunday 26/04: Monday 27/04 is off, Tuesday 28/04 works.
    assert national.working_days((D(2026, 4, 24), D(2026, 4, 28))) == [D(2026, 4, 24), D(2026, 4, 28)]
    # April 2026 has 22 weekdays; 27/04 and 30/04 are off.
    assert national.working_day_count((D(2026, 4, 1), D(2026, 4, 30))) == 20
    # 2027: Labour Day is Saturday 01/05; Monday 03/05 is off, Tuesday 04/05 works.
    assert not national.is_working_day(D(2027, 5, 3))
    assert national.is_working_day(D(2027, 5, 4))


def test_whole_years(national):
    # 2026: 261 weekdays, 13 of them holidays, plus Saturday 22/08 worked.
    assert national.working_day_count((D(2026, 1, 1), D(2026, 12, 31))) == 249
    # 2025: 261 weekdays, 12 of them holidays, plus Saturday 26/04 worked.
    assert national.working_day_count((D(2025, 1, 1), D(2025, 12, 31))) == 250
    months = national.month_summaries(2026)
    assert [m.working_days for m in months] == [21, 15, 22, 20, 20, 22, 23, 21, 20, 22, 20, 23]
    assert sum(m.working_hours for m in months) == Decimal(249 * 8)


def test_working_days_of_an_empty_or_reversed_period(national):
    assert national.working_days((D(2026, 3, 10), D(2026, 3, 9))) == []
    assert national.working_days((D(2026, 3, 9), D(2026, 3, 9))) == [D(2026, 3, 9)]


# --- add_working_hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at(2026, 3, 9, 9, 0), 2, at(2026, 3, 9, 11, 0)),  # within a morning
        (at(2026, 3, 9, 11, 0), 2, at(2026, 3, 9, 14, 0)),  # across the lunch break
        (at(2026, 3, 9, 16, 0), 1, at(2026, 3, 9, 17, 0)),  # ends exactly at the end of the day
        (at(2026, 3, 9, 11, 0), 1, at(2026, 3, 9, 12, 0)),  # ends exactly at lunch
        (at(2026, 3, 10, 16, 0), 3, at(2026, 3, 11, 10, 0)),  # overnight
        (at(2026, 3, 13, 15, 30), 4, at(2026, 3, 16, 10, 30)),  # over a weekend
        (at(2026, 2, 13, 16, 0), 8, at(2026, 2, 23, 16, 0)),  # over Tết 2026
        (at(2026, 4, 29, 16, 0), 2, at(2026, 5, 4, 9, 0)),  # over 30/04 and 01/05
        (at(2026, 3, 9, 8, 0), 40, at(2026, 3, 13, 17, 0)),  # a whole week
        (at(2026, 3, 9, 8, 0), Decimal("1.25"), at(2026, 3, 9, 9, 15)),
        (at(2026, 3, 9, 8, 0), 0.1, at(2026, 3, 9, 8, 6)),  # a float is taken at its decimal value
        (at(2026, 3, 9, 8, 0), dt.timedelta(minutes=90), at(2026, 3, 9, 9, 30)),
    ],
)
def test_add_working_hours(national, start, hours, expected):
    result = national.add_working_hours(start, hours)
    assert result == expected
    assert result.utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 3, 9, 6, 0), at(2026, 3, 9, 9, 0)),  # before work: starts at 08:00
        (at(2026, 3, 9, 12, 30), at(2026, 3, 9, 14, 0)),  # at lunch: starts at 13:00
        (at(2026, 3, 9, 17, 0), at(2026, 3, 10, 9, 0)),  # at closing time
        (at(2026, 3, 9, 20, 0), at(2026, 3, 10, 9, 0)),  # in the evening
        (at(2026, 3, 14, 10, 0), at(2026, 3, 16, 9, 0)),  # on a Saturday
        (at(2026, 2, 17, 10, 0), at(2026, 2, 23, 9, 0)),  # on the first day of Tết
    ],
)
def test_counting_starts_at_the_next_working_period(national, start, expected):
    assert national.add_working_hours(start, 1) == expected


def test_add_working_hours_accepts_any_time_zone_and_answers_in_local_time(national):
    start = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hanoi
    result = national.add_working_hours(start, 1)
    assert result == at(2026, 3, 9, 9, 0)
    assert result.tzinfo == TZ


def test_add_working_hours_zero_and_bad_input(national):
    assert national.add_working_hours(at(2026, 3, 14, 10, 0), 0) == at(2026, 3, 14, 10, 0)
    with pytest.raises(ValueError, match="aware"):
        national.add_working_hours(dt.datetime(2026, 3, 9, 8, 0), 1)
    with pytest.raises(ValueError, match="negative"):
        national.add_working_hours(at(2026, 3, 9, 8, 0), -1)
    with pytest.raises(TypeError):
        national.add_working_hours(at(2026, 3, 9, 8, 0), "1")


def test_hours_are_converted_exactly():
    assert hours_to_timedelta(Decimal("0.5")) == dt.timedelta(minutes=30)
    assert hours_to_timedelta(1 / 3) == dt.timedelta(minutes=20)
    assert hours_to_timedelta(8) == dt.timedelta(hours=8)


# --- working_hours_between ----------------------------------------------------------------------------


def test_working_hours_between(national):
    assert national.working_hours_between(at(2026, 3, 9), at(2026, 3, 10)) == 8
    assert national.working_hours_between(at(2026, 3, 9, 8), at(2026, 3, 16, 8)) == 40
    assert national.working_hours_between(at(2026, 3, 9, 11, 30), at(2026, 3, 9, 13, 30)) == Decimal("1")
    assert national.working_hours_between(at(2026, 3, 13, 16), at(2026, 3, 16, 9)) == 2
    assert national.working_hours_between(at(2026, 2, 14), at(2026, 2, 23)) == 0  # Tết
    assert national.working_hours_between(at(2026, 1, 1), at(2027, 1, 1)) == 249 * 8
    assert national.working_time_between(at(2026, 3, 9, 8), at(2026, 3, 9, 8, 20)) == dt.timedelta(minutes=20)


def test_working_hours_between_is_zero_when_the_end_is_not_after_the_start(national):
    assert national.working_hours_between(at(2026, 3, 9, 10), at(2026, 3, 9, 10)) == 0
    assert national.working_hours_between(at(2026, 3, 9, 15), at(2026, 3, 9, 10)) == 0


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        (at(2026, 3, 9, 11, 0), Decimal(2)),
        (at(2026, 3, 13, 15, 30), Decimal(4)),
        (at(2026, 2, 13, 16, 0), Decimal(8)),
        (at(2026, 8, 21, 10, 0), Decimal(16)),  # over the make-up Saturday 22/08/2026
        (at(2026, 12, 31, 16, 0), Decimal(3)),  # over the new year
    ],
)
def test_between_undoes_add(national, start, hours):
    deadline = national.add_working_hours(start, hours)
    assert national.working_hours_between(start, deadline) == hours
    assert national.working_hours_between(deadline, start) == 0


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(min_value=0, max_value=300 * 60),
)
def test_property_between_and_add_agree(start, minutes):
    calendar = WorkingCalendar()
    start = start.replace(tzinfo=TZ)
    hours = Decimal(minutes) / 60
    deadline = calendar.add_working_hours(start, dt.timedelta(minutes=minutes))
    assert deadline >= start
    assert calendar.working_time_between(start, deadline) == dt.timedelta(minutes=minutes)
    assert abs(calendar.working_hours_between(start, deadline) - hours) < Decimal("1e-20")
    if minutes:
        # The deadline is the earliest such moment: it lies inside or at the end of a working period.
        local = deadline.astimezone(TZ)
        assert any(s < local.time() <= e for s, e in calendar.working_periods(local.date()))


# --- settings -----------------------------------------------------------------------------------------


@override_settings(COSO_SATURDAY_MORNING="08:00-12:00")
def test_saturday_morning():
    calendar = WorkingCalendar()
    assert calendar.working_periods(D(2026, 3, 14)) == [(T(8), T(12))]
    assert calendar.is_working_day(D(2026, 3, 14))
    assert not calendar.is_working_day(D(2026, 3, 15))  # Sunday stays off
    assert not calendar.is_working_day(D(2027, 5, 1))  # a Saturday holiday stays off
    assert calendar.working_periods(D(2026, 8, 22)) == WEEKDAY  # a make-up Saturday is a full day
    assert calendar.add_working_hours(at(2026, 3, 13, 16, 0), 3) == at(2026, 3, 14, 10, 0)
    assert calendar.working_hours_between(at(2026, 3, 9), at(2026, 3, 16)) == 44


@override_settings(COSO_WORKDAY="07:30-11:30, 13:30-17:30")
def test_working_hours_come_from_the_setting():
    calendar = WorkingCalendar()
    assert calendar.working_periods(D(2026, 3, 9)) == [(T(7, 30), T(11, 30)), (T(13, 30), T(17, 30))]
    assert calendar.add_working_hours(at(2026, 3, 9, 11, 0), 1) == at(2026, 3, 9, 14, 0)


@pytest.mark.parametrize("value", ["", "8-12", "12:00-08:00", "08:00-12:00,11:00-17:00", "25:00-26:00"])
def test_bad_workday_setting_is_refused(value):
    with override_settings(COSO_WORKDAY=value), pytest.raises(ImproperlyConfigured):
        WorkingCalendar()


def test_parse_spans():
    assert parse_spans("08:00-12:00,13:00-17:00") == ((T(8), T(12)), (T(13), T(17)))
    assert parse_spans("") == ()


# --- the office's exceptions --------------------------------------------------------------------------


def test_exceptions_override_the_national_rules(hanoi, add_exception):
    add_exception(D(2026, 3, 14), "working", "Làm bù cho ngày 27/04")  # a Saturday
    add_exception(D(2026, 3, 9), "off", "Nghỉ thêm")  # a Monday
    add_exception(D(2026, 2, 17), "working", "Trực Tết")  # a holiday
    calendar = WorkingCalendar.for_organization(hanoi)
    assert calendar.working_periods(D(2026, 3, 14)) == WEEKDAY
    assert calendar.working_periods(D(2026, 3, 9)) == []
    assert calendar.is_working_day(D(2026, 2, 17))
    assert calendar.add_working_hours(at(2026, 3, 6, 16, 0), 2) == at(2026, 3, 10, 9, 0)
    assert calendar.working_day_count((D(2026, 2, 1), D(2026, 2, 28))) == 16
    assert calendar.working_day_count((D(2026, 1, 1), D(2026, 12, 31))) == 249 + 1 - 1 + 1


# --- default deadlines: on a working day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 02/12/2026 plus 30 days is New Year's Day 2027, a Friday: the Monday after.
        (D(2026, 12, 2), 30, D(2027, 1, 4)),
        # Into Tết 2027 (Thu 04/02 to Wed 10/02): the Thursday after.
        (D(2027, 1, 6), 30, D(2027, 2, 11)),
        # Tết 2026 (Mon 16/02 to Fri 20/02): the Monday after.
        (D(2026, 1, 18), 30, D(2026, 2, 23)),
        # A Saturday: the Monday; a weekend day made a working day (Sat 22/08/2026) stays.
        (D(2026, 5, 1), 15, D(2026, 5, 18)),
        (D(2026, 7, 23), 30, D(2026, 8, 22)),
        # A working day stays where it is.
        (D(2026, 3, 2), 30, D(2026, 4, 1)),
    ],
)
def test_a_default_deadline_lands_on_a_working_day(national, start, days, expected):
    assert national.default_deadline(start, days) == expected
    assert default_deadline(None, days, start=start) == expected
    assert national.is_working_day(expected)


def test_a_default_deadline_in_working_days_skips_weekends_and_holidays(national):
    # Ten working days from Wed 30/12/2026: 31/12, then 04/01 to 08/01 and 11/01 to 14/01 …
    assert national.default_deadline(D(2026, 12, 30), 10, working_days=True) == D(2027, 1, 14)
    # … and across Tết 2027: from Tue 02/02, Wed 03/02 is the first working day, Thu 11/02 the second.
    assert national.add_working_days(D(2027, 2, 2), 2) == D(2027, 2, 11)
    assert national.add_working_days(D(2027, 2, 2), 0) == D(2027, 2, 2)
    assert national.next_working_day(D(2027, 2, 4)) == D(2027, 2, 11)
    with pytest.raises(ValueError):
        national.add_working_days(D(2027, 2, 2), -1)


def test_a_default_deadline_follows_the_offices_own_days(hanoi, add_exception):
    add_exception(D(2027, 1, 4), "off", "Nghỉ thêm")  # the Monday after New Year
    add_exception(D(2027, 1, 9), "working", "Làm bù")  # a Saturday
    assert default_deadline(hanoi, 30, start=D(2026, 12, 2)) == D(2027, 1, 5)
    assert default_deadline(hanoi, 38, start=D(2026, 12, 2)) == D(2027, 1, 9)
    assert default_deadline(None, 30, start=D(2026, 12, 2)) == D(2027, 1, 4)


def test_a_default_deadline_starts_today_in_local_time(national):
    # 23:30 UTC on 01/12/2026 is already 02/12 in Hanoi: 30 days later is New Year's Day, so 04/01/2027.
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        assert default_deadline(None, 30) == D(2027, 1, 4)


def test_exceptions_belong_to_one_organisation_and_archived_ones_do_not_count(
    hanoi, hcmc, office, office_hcmc, add_exception
):
    add_exception(D(2026, 3, 9), "off", "Nghỉ ở TP.HCM", organization=hcmc, actor=office_hcmc)
    archived = add_exception(D(2026, 3, 10), "off", "Đã hủy")
    calendar_exception_archive(actor=office, exception=archived, version=archived.version)
    calendar = WorkingCalendar.for_organization(hanoi)
    assert calendar.is_working_day(D(2026, 3, 9))
    assert calendar.is_working_day(D(2026, 3, 10))
    assert not WorkingCalendar.for_organization(hcmc).is_working_day(D(2026, 3, 9))


def test_exceptions_are_read_once_per_year_not_once_per_day(hanoi, add_exception, django_assert_num_queries):
    add_exception(D(2026, 3, 9), "off")
    add_exception(D(2027, 3, 9), "off")
    calendar = WorkingCalendar.for_organization(hanoi)
    with django_assert_num_queries(1):
        assert (
            calendar.working_day_count((D(2026, 1, 1), D(2027, 12, 31))) == 249 + 249 - 2
        )  # 2027 also has 249
    with django_assert_num_queries(0):
        calendar.working_hours_between(at(2026, 1, 1), at(2027, 6, 1))
        calendar.add_working_hours(at(2026, 3, 6, 16), 100)
    with django_assert_num_queries(1):
        calendar.add_working_hours(at(2028, 3, 6, 16), 100)  # reads 2028 and 2029 at once
    assert set(calendar._exceptions) == {2026, 2027, 2028, 2029}


# --- services -----------------------------------------------------------------------------------------


def test_create_and_archive_write_the_audit_trail(hanoi, office, add_exception):
    exception = add_exception(D(2026, 8, 29), "working", "Làm bù")
    created = events(exception, AuditAction.CREATE).get()
    assert created.actor == office
    assert created.organization == hanoi
    assert created.changes["kind"] == "working"
    assert created.changes["date"] == "2026-08-29"

    archived = calendar_exception_archive(actor=office, exception=exception, version=exception.version)
    assert archived.archived_at is not None
    assert archived.version == 2
    event = events(exception, AuditAction.ARCHIVE).get()
    assert event.actor == office
    assert "archived_at" in event.changes
    assert CalendarException.objects.active().filter(pk=exception.pk).count() == 0


def test_a_second_active_exception_on_the_same_date_is_refused(hanoi, hcmc, office_hcmc, add_exception):
    first = add_exception(D(2026, 5, 4), "off", "Nghỉ bù")
    with pytest.raises(ValidationError) as info:
        add_exception(D(2026, 5, 4), "working", "Trùng")
    assert "date" in info.value.message_dict
    assert "04/05/2026" in info.value.message_dict["date"][0]
    assert CalendarException.objects.filter(organization=hanoi, date=D(2026, 5, 4)).count() == 1
    # another organisation may use the date, and after archiving so may this one
    add_exception(D(2026, 5, 4), "off", "TP.HCM", organization=hcmc, actor=office_hcmc)
    calendar_exception_archive(actor=None, exception=first, version=first.version)
    again = add_exception(D(2026, 5, 4), "working", "Làm lại")
    assert again.kind == "working"
    assert events(again, AuditAction.CREATE).exists()


def test_a_concurrent_duplicate_is_turned_into_the_same_clear_error(hanoi, add_exception, monkeypatch):
    """When two saves race past the checks, the partial unique index refuses the second one."""
    from core.models import ArchivableQuerySet

    add_exception(D(2026, 5, 4), "off", "Người thứ nhất")
    monkeypatch.setattr(ArchivableQuerySet, "active", lambda self: self.none())
    monkeypatch.setattr(CalendarException, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as info:
        add_exception(D(2026, 5, 4), "working", "Người thứ hai")
    assert "04/05/2026" in info.value.message_dict["date"][0]
    monkeypatch.undo()
    # the transaction is still usable, and nothing of the second save remains
    assert list(CalendarException.objects.values_list("name", flat=True)) == ["Người thứ nhất"]


def test_invalid_exceptions_are_refused(hanoi, add_exception):
    with pytest.raises(ValidationError) as info:
        add_exception(D(2026, 5, 4), "holiday", "Sai loại")
    assert "kind" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        add_exception(D(2026, 5, 4), "off", "  ")
    assert "name" in info.value.message_dict
    assert not CalendarException.objects.exists()


def test_archiving_with_a_stale_version_is_a_conflict(hanoi, office, add_exception):
    exception = add_exception(D(2026, 5, 4), "off")
    with pytest.raises(ConflictError):
        calendar_exception_archive(actor=office, exception=exception, version=exception.version + 1)
    exception.refresh_from_db()
    assert exception.archived_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.ARCHIVE).exists()


# --- the page -----------------------------------------------------------------------------------------

PAGE = reverse("core:calendar")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_office_sees_the_year(hanoi, office, add_exception):
    add_exception(D(2026, 3, 14), "working", "Làm bù ngày thứ Bảy")
    add_exception(D(2025, 3, 14), "working", "Năm trước")
    response = client_for(office).get(PAGE, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "17/02/2026" in html and "Tết Nguyên Đán" in html
    assert "27/04/2026" in html
    assert "22/08/2026" in html  # the make-up Saturday
    assert "Làm bù ngày thứ Bảy" in html
    assert "Năm trước" not in html
    months = response.context["months"]
    assert months[1].working_days == 15
    assert months[2].working_days == 23  # March, with the extra working Saturday
    assert response.context["total_days"] == 250
    assert 'data-testid="total-days">250<' in html
    assert "<script>" not in html and 'style="' not in html


def test_a_bad_year_shows_this_year(office):
    response = client_for(office).get(PAGE, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


@pytest.mark.parametrize("role", [Role.STANDING_BOARD, Role.STANDING_MEMBER, Role.GROUP_MEMBER, Role.VIEWER])
def test_other_roles_get_404(make_user, hanoi, role):
    user = make_user(role, hanoi)
    client = client_for(user)
    assert client.get(PAGE).status_code == 404
    response = client.post(PAGE, {"date": "04/05/2026", "kind": "off", "name": "Không được"})
    assert response.status_code == 404
    assert not CalendarException.objects.exists()


def test_focal_point_gets_404_and_anonymous_is_sent_to_sign_in(focal_user):
    assert client_for(focal_user).get(PAGE).status_code == 404
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_office_adds_an_exception_typed_dd_mm_yyyy(hanoi, office):
    response = client_for(office).post(
        PAGE + "?year=2026", {"date": "04/05/2026", "kind": "off", "name": "Nghỉ thêm sau lễ"}
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE + "?year=2026"
    exception = CalendarException.objects.get()
    assert exception.date == D(2026, 5, 4)  # 4 May, not 5 April
    assert exception.organization == hanoi
    assert exception.kind == "off"
    assert events(exception, AuditAction.CREATE).count() == 1


def test_a_duplicate_or_malformed_date_shows_the_form_again(hanoi, office, add_exception):
    add_exception(D(2026, 5, 4), "off", "Đã có")
    client = client_for(office)
    response = client.post(PAGE + "?year=2026", {"date": "04/05/2026", "kind": "working", "name": "Trùng"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert "04/05/2026" in response.context["form"].errors["date"][0]
    response = client.post(PAGE, {"date": "2026-13-45", "kind": "off", "name": "Sai ngày"})
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert CalendarException.objects.count() == 1


def test_the_office_archives_an_exception(hanoi, office, add_exception):
    exception = add_exception(D(2026, 5, 4), "off")
    response = client_for(office).post(
        PAGE, {"action": "archive", "exception": exception.pk, "version": exception.version}
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE + "?year=2026"
    exception.refresh_from_db()
    assert exception.archived_at is not None
    assert events(exception, AuditAction.ARCHIVE).count() == 1


def test_a_stale_archive_is_refused_with_a_message(hanoi, office, add_exception):
    exception = add_exception(D(2026, 5, 4), "off")
    response = client_for(office).post(
        PAGE, {"action": "archive", "exception": exception.pk, "version": exception.version + 5}, follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    exception.refresh_from_db()
    assert exception.archived_at is None


def test_another_organisations_office_cannot_see_or_archive(hanoi, office_hcmc, add_exception):
    exception = add_exception(D(2026, 5, 4), "off", "Chỉ của Hà Nội")
    client = client_for(office_hcmc)
    response = client.get(PAGE, {"year": 2026})
    assert response.status_code == 200
    assert "Chỉ của Hà Nội" not in response.content.decode()
    assert response.context["months"][4].working_days == 20  # May in HCMC keeps 04/05 as a working day
    response = client.post(PAGE, {"action": "archive", "exception": exception.pk, "version": 1})
    assert response.status_code == 404
    exception.refresh_from_db()
    assert exception.archived_at is None


def test_the_exception_list_is_paginated(hanoi, office, add_exception, settings):
    settings.COSO_PAGE_SIZE = 5
    for n in range(7):
        add_exception(D(2026, 3, 2 + n), "off", f"Ngày nghỉ {n}")
    response = client_for(office).get(PAGE, {"year": 2026, "page": 2})
    page = response.context["page"]
    assert page.paginator.count == 7
    assert [e.name for e in page] == ["Ngày nghỉ 5", "Ngày nghỉ 6"]


def test_the_page_query_count_does_not_grow_with_the_exceptions(hanoi, office, add_exception):
    client = client_for(office)
    start = D(2026, 1, 5)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PAGE, {"year": 2026})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        add_exception(start + dt.timedelta(days=n), "off", f"Nghỉ {n}")
    small = count()
    for n in range(2, 40):
        add_exception(start + dt.timedelta(days=n), "off", f"Nghỉ {n}")
    assert CalendarException.objects.active().count() == 40
    assert count() == small


# --- the API ------------------------------------------------------------------------------------------

API = "/api/v1/calendar/"


def test_api_summary(hanoi, leader_user, add_exception):
    add_exception(D(2026, 3, 14), "working", "Làm bù")
    response = client_for(leader_user).get(API, {"year": 2026})
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2026
    assert data["workday"] == ["08:00-12:00", "13:00-17:00"]
    assert data["saturday"] == []
    assert data["working_days"] == 250
    assert data["working_hours"] == 2000
    assert data["months"][1] == {"month": 2, "working_days": 15, "working_hours": 120}
    assert {"date": "2026-02-17", "name": "Tết Nguyên Đán"} in data["holidays"]
    assert data["make_up_working_days"] == ["2026-08-22"]
    assert [e["date"] for e in data["exceptions"]] == ["2026-03-14"]


def test_api_working_hours(hanoi, viewer):
    client = client_for(viewer)
    response = client.get(API + "working-hours", {"start": "2026-02-13T16:00:00+07:00", "hours": "8"})
    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-02-23T16:00:00+07:00"
    # an unencoded "+" arrives as a space; a start without an offset is local time
    response = client.get(API + "working-hours?start=2026-03-09T11:00:00+07:00&hours=2")
    assert response.json()["deadline"] == "2026-03-09T14:00:00+07:00"
    response = client.get(API + "working-hours", {"start": "13/03/2026 15:30", "hours": "4"})
    assert response.json()["deadline"] == "2026-03-16T10:30:00+07:00"
    response = client.get(API + "working-hours", {"start": "2026-03-09T01:00:00Z", "hours": "1.5"})
    assert response.json()["deadline"] == "2026-03-09T09:30:00+07:00"


def test_api_working_hours_counts_the_organisations_exceptions(
    hanoi, hcmc, focal_user, office_hcmc, add_exception
):
    add_exception(D(2026, 3, 9), "off", "Nghỉ")
    params = {"start": "2026-03-06T16:00:00+07:00", "hours": "2"}
    assert client_for(focal_user).get(API + "working-hours", params).json()["deadline"] == (
        "2026-03-10T09:00:00+07:00"
    )
    assert client_for(office_hcmc).get(API + "working-hours", params).json()["deadline"] == (
        "2026-03-09T09:00:00+07:00"
    )


@pytest.mark.parametrize(
    "params",
    [{"start": "yesterday", "hours": "1"}, {"start": "2026-03-09T08:00", "hours": "-1"}, {"hours": "1"}],
)
def test_api_working_hours_refuses_bad_input(hanoi, viewer, params):
    response = client_for(viewer).get(API + "working-hours", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_api_exceptions_list_is_scoped(hanoi, hcmc, office_hcmc, viewer, add_exception):
    add_exception(D(2026, 3, 9), "off", "Hà Nội")
    add_exception(D(2025, 3, 10), "off", "Hà Nội năm trước")
    add_exception(D(2026, 3, 9), "off", "TP.HCM", organization=hcmc, actor=office_hcmc)
    data = client_for(viewer).get(API + "exceptions", {"year": 2026}).json()
    assert data["count"] == 1
    assert data["items"][0]["name"] == "Hà Nội"
    assert data["items"][0]["kind_label"]
    assert client_for(viewer).get(API + "exceptions").json()["count"] == 2
    assert [e["name"] for e in client_for(office_hcmc).get(API + "exceptions").json()["items"]] == ["TP.HCM"]


def test_api_office_creates_and_archives(hanoi, office):
    client = client_for(office)
    response = client.post(
        API + "exceptions",
        {"date": "29/08/2026", "kind": "working", "name": "Làm bù"},
        content_type="application/json",
    )
    assert response.status_code == 201
    created = response.json()
    exception = CalendarException.objects.get(pk=created["id"])
    assert exception.date == D(2026, 8, 29) and exception.organization == hanoi
    assert events(exception, AuditAction.CREATE).exists()

    response = client.post(
        API + "exceptions",
        {"date": "2026-08-29", "kind": "off", "name": "Trùng"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "29/08/2026" in response.json()["detail"]
    assert "date" in response.json()["errors"]

    url = API + f"exceptions/{exception.pk}/archive"
    response = client.post(url, {"version": 7}, content_type="application/json")
    assert response.status_code == 409
    response = client.post(url, {"version": created["version"]}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["archived_at"]
    assert events(exception, AuditAction.ARCHIVE).exists()
    # archived: gone from the lists, and archiving again is 404
    assert client.post(url, {"version": 2}, content_type="application/json").status_code == 404


def test_api_bad_date_is_422(hanoi, office):
    response = client_for(office).post(
        API + "exceptions",
        {"date": "31/02/2026", "kind": "off", "name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "date" in response.json()["errors"]
    assert not CalendarException.objects.exists()


@pytest.mark.parametrize("role", [Role.STANDING_BOARD, Role.STANDING_MEMBER, Role.FOCAL_POINT, Role.VIEWER])
def test_api_writes_are_404_for_everyone_but_the_office(
    make_user, hanoi, hoan_kiem_agency, add_exception, role
):
    exception = add_exception(D(2026, 5, 4), "off")
    user = make_user(role, hanoi, agency=hoan_kiem_agency if role == Role.FOCAL_POINT else None)
    client = client_for(user)
    response = client.post(
        API + "exceptions",
        {"date": "05/05/2026", "kind": "off", "name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        API + f"exceptions/{exception.pk}/archive", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(API, {"year": 2026}).status_code == 200  # reading is allowed
    assert CalendarException.objects.active().count() == 1


def test_api_another_organisations_office_cannot_archive(hanoi, office_hcmc, add_exception):
    exception = add_exception(D(2026, 5, 4), "off")
    response = client_for(office_hcmc).post(
        API + f"exceptions/{exception.pk}/archive", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    exception.refresh_from_db()
    assert exception.archived_at is None


def test_api_needs_a_sign_in_or_a_token(hanoi, viewer):
    anonymous = Client()
    assert anonymous.get(API).status_code == 401
    assert (
        anonymous.get(API + "working-hours", {"start": "2026-03-09T08:00", "hours": "1"}).status_code == 401
    )
    _token, raw = token_create(actor=viewer, user=viewer)
    response = anonymous.get(
        API + "working-hours",
        {"start": "2026-03-09T08:00", "hours": "1"},
        headers={"Authorization": "Bearer " + raw},
    )
    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-03-09T09:00:00+07:00"


def test_api_user_without_organisation_gets_404(db):
    loner = user_create(
        actor=None, username="loner", password="x", organization=None, role="", validate_password=False
    )
    assert client_for(loner).get(API).status_code == 404


@pytest.mark.parametrize(
    ("workday", "saturday"), [("08:00-12:00,13:00-17:00", ""), ("07:30-11:30,13:00-16:30", "08:00-11:30")]
)
def test_long_spans_count_whole_days_as_the_days_one_by_one(hanoi, add_exception, workday, saturday):
    """Months and years between two moments are counted by weeks and corrected on the special dates (Tết,
    make-up Saturdays, the office's exceptions): the same as adding up every date's working time."""
    add_exception(dt.date(2025, 3, 8), kind="working")  # a Saturday worked
    add_exception(dt.date(2025, 6, 16), kind="off")  # a Monday off
    calendar = WorkingCalendar(organization=hanoi, workday=workday, saturday=saturday)
    for first, last in [
        (dt.date(2024, 12, 30), dt.date(2026, 2, 20)),  # two Tết holidays and the exceptions
        (dt.date(2025, 3, 7), dt.date(2025, 3, 10)),
        (dt.date(2025, 4, 25), dt.date(2025, 5, 6)),
        (dt.date(2025, 6, 13), dt.date(2025, 6, 17)),
    ]:
        start = dt.datetime.combine(first, dt.time(10, 15), tzinfo=TZ)
        end = dt.datetime.combine(last, dt.time(14, 40), tzinfo=TZ)
        day_by_day = sum(
            (calendar.working_time_on(first + dt.timedelta(days=n)) for n in range(1, (last - first).days)),
            dt.timedelta(),
        )
        day_by_day += calendar.working_time_between(
            start, dt.datetime.combine(first, dt.time(23, 59), tzinfo=TZ)
        )
        day_by_day += calendar.working_time_between(dt.datetime.combine(last, dt.time(0, 0), tzinfo=TZ), end)
        assert calendar.working_time_between(start, end) == day_by_day
