"""`coso seed-scale` adds work calendars laid out in bulk exactly as the services lay them out, and the bench
scenarios answer within flat query counts."""

from django.test import Client

from accounts.models import User
from accounts.scale import BENCH_USER, seed_organisations
from fieldwork.layout import build_days
from fieldwork.models import CalendarEntry, EntryDay
from fieldwork.scale import SIZES, calendar_scenarios, seed_calendars


def test_small_scale_seeds_calendars_once(db):
    messages = []
    seed_organisations("small", messages.append)
    seed_calendars("small", messages.append)
    assert CalendarEntry.objects.count() == SIZES["small"]
    days = EntryDay.objects.count()
    assert days >= SIZES["small"]
    assert any("calendar entries" in m for m in messages)
    seed_calendars("small", messages.append)  # a second run adds nothing
    assert CalendarEntry.objects.count() == SIZES["small"] and EntryDay.objects.count() == days
    # The bulk layout is the services' layout.
    for entry in CalendarEntry.objects.exclude(recurrence="").order_by("pk")[:3]:
        stored = list(
            EntryDay.objects.filter(entry=entry)
            .order_by("day", "occurrence_start")
            .values_list("day", "working_minutes")
        )
        fresh = sorted((d.day, d.working_minutes) for d in build_days(entry))
        assert stored == fresh and len(stored) == 12


def test_the_scenarios_answer(db):
    seed_organisations("small", lambda m: None)
    seed_calendars("small", lambda m: None)
    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    scenarios = calendar_scenarios()
    assert len(scenarios) == 7
    for scenario in scenarios:
        assert scenario.url.startswith(("/fieldwork/", "/api/v1/fieldwork/")) and scenario.rows > 0
        assert client.get(scenario.url).status_code == 200, scenario.name
