"""Laying out entries into days, on fixed dates checked against the `holidays` package for Vietnam:
Tết 2027 is Thu 04/02 to Wed 10/02; Sat 22/08/2026 is a worked day paying for Mon 31/08/2026 off.
A working day is 08:00-12:00 and 13:00-17:00 (480 working minutes)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import CalendarExceptionKind
from core.services import calendar_exception_create
from fieldwork.choices import EntryKind
from fieldwork.layout import MAX_OCCURRENCES, lay_out_entry, occurrences
from fieldwork.models import CalendarEntry, EntryDay

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=HCM)


@pytest.fixture
def leader(leader_user):
    return leader_user.person


@pytest.fixture
def make_entry(hanoi, leader):
    def make(starts_at, ends_at, kind=EntryKind.FIELD_VISIT, **kwargs):
        return CalendarEntry.objects.create(
            organization=hanoi,
            leader=leader,
            kind=kind,
            title="Đi cơ sở",
            starts_at=starts_at,
            ends_at=ends_at,
            **kwargs,
        )

    return make


def days_of(entry):
    return [
        (d.day, d.minutes, d.working_minutes, d.is_first_day)
        for d in EntryDay.objects.filter(entry=entry).order_by("day", "occurrence_start")
    ]


def test_a_morning_visit_on_a_working_day(make_entry):
    entry = make_entry(at(2026, 12, 3, 7, 30), at(2026, 12, 3, 12, 30), chaired=True)
    assert lay_out_entry(entry) == 1
    # 07:30-12:30 holds 08:00-12:00 of working time.
    assert days_of(entry) == [(dt.date(2026, 12, 3), 300, 240, True)]
    row = EntryDay.objects.get(entry=entry)
    assert (row.leader_id, row.organization_id, row.kind, row.chaired) == (
        entry.leader_id,
        entry.organization_id,
        EntryKind.FIELD_VISIT,
        True,
    )


def test_tet_2027_gives_minutes_but_no_working_time(make_entry):
    # Wed 03/02 is worked; Tết runs Thu 04/02 to Wed 10/02; Thu 11/02 is worked again.
    entry = make_entry(at(2027, 2, 3, 8), at(2027, 2, 11, 17))
    assert lay_out_entry(entry) == 9
    days = days_of(entry)
    assert days[0] == (dt.date(2027, 2, 3), 16 * 60, 480, True)
    assert [d[2] for d in days[1:8]] == [0] * 7
    assert days[-1] == (dt.date(2027, 2, 11), 17 * 60, 480, False)


def test_a_compensatory_saturday_is_working_time(make_entry):
    # Sat 22/08/2026 is worked, paying for Mon 31/08/2026, which is a day off.
    saturday = make_entry(at(2026, 8, 22, 8), at(2026, 8, 22, 17))
    monday = make_entry(at(2026, 8, 31, 8), at(2026, 8, 31, 17))
    lay_out_entry(saturday)
    lay_out_entry(monday)
    assert days_of(saturday) == [(dt.date(2026, 8, 22), 540, 480, True)]
    assert days_of(monday) == [(dt.date(2026, 8, 31), 540, 0, True)]


def test_a_trip_across_a_weekend(make_entry):
    # Fri 04/12/2026 14:00 to Mon 07/12/2026 11:00.
    entry = make_entry(at(2026, 12, 4, 14), at(2026, 12, 7, 11), kind=EntryKind.BUSINESS_TRIP)
    assert lay_out_entry(entry) == 4
    assert days_of(entry) == [
        (dt.date(2026, 12, 4), 600, 180, True),
        (dt.date(2026, 12, 5), 1440, 0, False),
        (dt.date(2026, 12, 6), 1440, 0, False),
        (dt.date(2026, 12, 7), 660, 180, False),
    ]


def test_an_entry_across_midnight_is_cut_at_local_midnight(make_entry):
    # 22:00 on Thu 03/12 to 02:00 on Fri 04/12, local time (15:00-19:00 UTC).
    entry = make_entry(at(2026, 12, 3, 22), at(2026, 12, 4, 2), kind=EntryKind.MEETING)
    assert lay_out_entry(entry) == 2
    assert days_of(entry) == [(dt.date(2026, 12, 3), 120, 0, True), (dt.date(2026, 12, 4), 120, 0, False)]
    first = EntryDay.objects.get(entry=entry, is_first_day=True)
    assert timezone.localtime(first.ends_at, HCM) == at(2026, 12, 4)


def test_an_all_day_entry_covers_whole_days(make_entry):
    # Stored as midnight to midnight after the last day; a Thursday and a Friday.
    entry = make_entry(at(2026, 12, 3), at(2026, 12, 5), all_day=True)
    assert lay_out_entry(entry) == 2
    assert days_of(entry) == [
        (dt.date(2026, 12, 3), 1440, 480, True),
        (dt.date(2026, 12, 4), 1440, 480, False),
    ]
    # An all-day entry whose end is inside its last day still covers that day whole.
    one = make_entry(at(2026, 12, 3, 9), at(2026, 12, 3, 10), all_day=True)
    assert days_of(one) == [] and lay_out_entry(one) == 1
    assert days_of(one) == [(dt.date(2026, 12, 3), 1440, 480, True)]


def test_leave_is_laid_out_with_its_working_time(make_entry):
    # Leave from Mon 07/12 to Wed 09/12: three working days taken out of the available time.
    entry = make_entry(at(2026, 12, 7), at(2026, 12, 10), kind=EntryKind.LEAVE, all_day=True)
    assert lay_out_entry(entry) == 3
    rows = EntryDay.objects.filter(entry=entry)
    assert {r.kind for r in rows} == {EntryKind.LEAVE}
    assert sum(r.working_minutes for r in rows) == 3 * 480


def test_the_office_exceptions_count(make_entry, hanoi):
    calendar_exception_create(
        actor=None,
        organization=hanoi,
        date=dt.date(2026, 12, 5),
        kind=CalendarExceptionKind.WORKING_DAY,
        name="Làm bù",
    )
    calendar_exception_create(
        actor=None,
        organization=hanoi,
        date=dt.date(2026, 12, 7),
        kind=CalendarExceptionKind.DAY_OFF,
        name="Nghỉ",
    )
    saturday = make_entry(at(2026, 12, 5, 8), at(2026, 12, 5, 12))
    monday = make_entry(at(2026, 12, 7, 8), at(2026, 12, 7, 12))
    lay_out_entry(saturday)
    lay_out_entry(monday)
    assert days_of(saturday)[0][2] == 240
    assert days_of(monday)[0][2] == 0


def test_a_weekly_series_skips_tet(make_entry):
    # Every Thursday 08:00-10:00 from 28/01/2027, four times: the Thursday 04/02 falls in Tết.
    entry = make_entry(
        at(2027, 1, 28, 8), at(2027, 1, 28, 10), kind=EntryKind.MEETING, recurrence="FREQ=WEEKLY;COUNT=4"
    )
    assert lay_out_entry(entry) == 4
    assert [d[2] for d in days_of(entry)] == [120, 0, 120, 120]
    assert all(d[3] for d in days_of(entry))


def test_until_in_local_time_and_in_utc(make_entry):
    local = make_entry(
        at(2026, 12, 1, 8), at(2026, 12, 1, 9), recurrence="RRULE:FREQ=DAILY;UNTIL=20261203T080000"
    )
    utc = make_entry(at(2026, 12, 1, 8), at(2026, 12, 1, 9), recurrence="FREQ=DAILY;UNTIL=20261203T010000Z")
    assert lay_out_entry(local) == 3
    assert lay_out_entry(utc) == 3
    assert [s for s, _e in occurrences(utc)][-1] == at(2026, 12, 3, 8)


def test_laying_out_again_replaces_the_days(make_entry):
    entry = make_entry(at(2026, 12, 3, 8), at(2026, 12, 3, 9), recurrence="FREQ=DAILY;COUNT=5")
    assert lay_out_entry(entry) == 5
    entry.recurrence = "FREQ=DAILY;COUNT=2"
    assert lay_out_entry(entry) == 2
    assert EntryDay.objects.filter(entry=entry).count() == 2


def test_an_archived_entry_has_no_days(make_entry):
    entry = make_entry(at(2026, 12, 3, 8), at(2026, 12, 3, 9))
    lay_out_entry(entry)
    entry.archived_at = timezone.now()
    assert lay_out_entry(entry) == 0
    assert not EntryDay.objects.filter(entry=entry).exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY", "COUNT"),
        (f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}", "1.000"),
        ("FREQ=HOURLY;UNTIL=20300101T000000", "1.000"),
        ("FREQ=SOMETIMES;COUNT=3", "RFC 5545"),
        ("COUNT=3", "FREQ"),
        ("nonsense", "RFC 5545"),
    ],
)
def test_bad_rules_are_refused_in_vietnamese_and_nothing_changes(make_entry, rule, message):
    entry = make_entry(at(2026, 12, 3, 8), at(2026, 12, 3, 9))
    lay_out_entry(entry)
    entry.recurrence = rule
    with pytest.raises(ValidationError) as caught:
        lay_out_entry(entry)
    text = caught.value.message_dict["recurrence"][0]
    assert message in text and "Quy tắc lặp lại" in text
    assert EntryDay.objects.filter(entry=entry).count() == 1


def test_a_thousand_occurrences_are_accepted(make_entry):
    entry = make_entry(
        at(2026, 12, 3, 8), at(2026, 12, 3, 9), recurrence=f"FREQ=DAILY;COUNT={MAX_OCCURRENCES}"
    )
    assert lay_out_entry(entry) == MAX_OCCURRENCES
