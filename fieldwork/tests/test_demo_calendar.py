"""The demo's work calendars: twelve months for every leader, Tết included, some leaders meeting the
one-third target and some short of it, `lanhdao` just under it this quarter."""

import time

import pytest
from django.db import transaction

from accounts.demo import demo_load
from core.periods import current_quarter, parse_period
from fieldwork.choices import EntryKind
from fieldwork.demo import load_calendars
from fieldwork.models import CalendarEntry, EntryDay
from fieldwork.selectors import calendar as selectors


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The organisation without the other apps' steps, then the calendars, rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            context = demo_load(steps=False)
            started = time.perf_counter()
            count = load_calendars(context)
            print(f"\n{count} calendar entries loaded in {time.perf_counter() - started:.1f} s")
            yield context
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(loaded, db):
    return loaded


def test_every_leader_has_twelve_months(demo):
    loaded = demo
    assert load_calendars(loaded) == 0  # once per load: the visits demo may call it again
    for members in loaded.standing_committee.values():
        for leader in members:
            days = EntryDay.objects.filter(leader=leader)
            first = days.order_by("day").values_list("day", flat=True).first()
            assert (loaded.today - first).days >= 330
            assert days.filter(kind=EntryKind.MEETING, is_first_day=True).exists()


def test_tet_is_on_the_calendars(demo):
    tet = EntryDay.objects.filter(entry__title__startswith="Thăm, chúc Tết")
    assert tet.exists() and set(tet.values_list("working_minutes", flat=True)) == {0}


def test_some_meet_the_target_and_lanhdao_is_just_under_it(demo):
    loaded = demo
    office = loaded.users["vanphong"]
    quarter = current_quarter(loaded.today)
    shares = selectors.share_table(user=office, period=quarter, today=loaded.today)
    if (
        sum(
            1
            for _d in selectors.WorkingCalendar.for_organization(office.organization_id).working_days(
                (quarter.first, loaded.today)
            )
        )
        >= 10
    ):
        lanhdao = next(s for s in shares if s.leader == loaded.people["lanhdao"])
        assert 0.30 <= float(lanhdao.share) < 1 / 3
    year = selectors.share_table(user=office, period=parse_period(f"{loaded.today.year}"), today=loaded.today)
    assert any(s.meets_target for s in year) and any(not s.meets_target for s in year)
    assert CalendarEntry.objects.filter(recurrence__contains="COUNT").exists()
