"""Synthetic work calendars for benchmarks (`coso seed-scale`), and the calendar's bench scenarios.

At city scale, 300,000 entries over the 80 leaders `accounts.scale` seeded, about two years of five entries
a working day each (field visits, meetings, receiving citizens, office work, a few weekly series and
leave), their days laid out in bulk with the same layout as the services. Deterministic."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios, register_seeder
from core.calendar import WorkingCalendar
from core.periods import current_quarter
from fieldwork.choices import EntryKind
from fieldwork.layout import build_days
from fieldwork.models import CalendarEntry, EntryDay
from org.models import PartyCommittee, Person

SIZES = {"small": 3_000, "city": 300_000, "national": 300_000}
SEED = 20261203
BATCH = 5_000
SLOTS = ((7, 30, 11, 30), (8, 0, 10, 0), (10, 0, 11, 30), (13, 30, 17, 0), (14, 0, 16, 0), (19, 0, 21, 0))
KINDS = (
    [EntryKind.FIELD_VISIT] * 4
    + [EntryKind.MEETING] * 4
    + [EntryKind.CITIZEN_RECEPTION, EntryKind.OFFICE_WORK, EntryKind.BUSINESS_TRIP]
)


def _flush(entries: list[CalendarEntry], calendar: WorkingCalendar) -> int:
    CalendarEntry.objects.bulk_create(entries)
    if entries and entries[0].pk is None:  # a backend that does not return ids
        ids = dict(
            CalendarEntry.objects.filter(search_text__in=[e.search_text for e in entries]).values_list(
                "search_text", "pk"
            )
        )
        for entry in entries:
            entry.pk = ids[entry.search_text]
    days = [day for entry in entries for day in build_days(entry, calendar)]
    EntryDay.objects.bulk_create(days, batch_size=BATCH)
    return len(days)


@register_seeder
@transaction.atomic
def seed_calendars(scale: str, progress) -> None:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None or CalendarEntry.objects.filter(organization=committee).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    leaders = list(Person.objects.filter(organization=committee).order_by("pk").values_list("pk", flat=True))
    if not leaders:
        return
    calendar = WorkingCalendar.for_organization(committee)
    today = timezone.localdate()
    total = SIZES[scale]
    per_leader = max(1, total // len(leaders))
    # Enough working days back that each leader's entries come to about five a working day.
    span_days = max(30, int(per_leader / 5 * 7 / 5) + 30)
    first = today - dt.timedelta(days=span_days - 21)
    calendar.preload(first, today + dt.timedelta(days=21))
    days = calendar.working_days((first, today + dt.timedelta(days=21)))
    tz = timezone.get_default_timezone()
    entries: list[CalendarEntry] = []
    written = day_rows = 0
    for number in range(total):
        leader = leaders[number % len(leaders)]
        day = rng.choice(days)
        kind = rng.choice(KINDS)
        h1, m1, h2, m2 = rng.choice(SLOTS)
        start = dt.datetime.combine(day, dt.time(h1, m1), tzinfo=tz)
        end = dt.datetime.combine(day, dt.time(h2, m2), tzinfo=tz)
        recurrence = ""
        all_day = False
        if number % 500 == 0:
            kind, recurrence = EntryKind.MEETING, "FREQ=WEEKLY;COUNT=12"
        elif number % 997 == 0:
            kind, all_day = EntryKind.LEAVE, True
            start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
            end = start + dt.timedelta(days=3)
        elif kind == EntryKind.BUSINESS_TRIP:
            end = end + dt.timedelta(days=rng.randint(1, 3))
        title = f"Lịch số {number + 1}: {'đi cơ sở' if kind == EntryKind.FIELD_VISIT else 'công tác'}"
        entry = CalendarEntry(
            organization=committee,
            leader_id=leader,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=end,
            all_day=all_day,
            place=f"Phường {rng.randint(1, 126)}",
            chaired=kind == EntryKind.MEETING and rng.random() < 0.3,
            recurrence=recurrence,
        )
        entry.search_text = f"lich so {number + 1}"
        entries.append(entry)
        if len(entries) == BATCH:
            day_rows += _flush(entries, calendar)
            written += len(entries)
            entries = []
    day_rows += _flush(entries, calendar)
    written += len(entries)
    progress(f"{written:,} calendar entries, {day_rows:,} calendar days")


@register_scenarios
def calendar_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    count = CalendarEntry.objects.filter(organization=committee).count()
    if not count:
        return []
    leader = Person.objects.filter(organization=committee).order_by("pk").first()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    week = f"from={monday.isoformat()}&to={(monday + dt.timedelta(days=6)).isoformat()}"
    quarter = current_quarter(today).code
    return [
        Scenario("page: calendar of a leader", BENCH_USER, f"/fieldwork/calendar/?leader={leader.pk}", count),
        Scenario(
            "api: calendar week of a leader",
            BENCH_USER,
            f"/api/v1/fieldwork/calendar?leader={leader.pk}&{week}",
            count,
        ),
        Scenario("page: calendar entries", BENCH_USER, "/fieldwork/entries/", count),
        Scenario(
            "page: share dashboard (80 leaders)", BENCH_USER, f"/fieldwork/share/?period={quarter}", count
        ),
        Scenario("api: shares", BENCH_USER, f"/api/v1/fieldwork/shares?period={quarter}", count),
        Scenario(
            "api: share of a leader",
            BENCH_USER,
            f"/api/v1/fieldwork/share?leader={leader.pk}&period={quarter}",
            count,
        ),
        Scenario("api: meetings", BENCH_USER, f"/api/v1/fieldwork/meetings?period={quarter}", count),
    ]


# --- visits and opinions
from fieldwork import scale_visits  # noqa: E402, F401  (registers the seeder and the scenarios)
