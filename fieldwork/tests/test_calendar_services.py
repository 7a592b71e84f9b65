"""Entries through their services: validation in Vietnamese with nothing saved, days laid out atomically,
audit, optimistic locking, the working calendar's changes, feeds and targets."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.errors import ConflictError
from core.models import AuditAction, AuditEvent, CalendarExceptionKind
from core.services import calendar_exception_archive, calendar_exception_create
from fieldwork.choices import EntryKind
from fieldwork.models import CalendarEntry, CalendarFeed, EntryDay
from fieldwork.services import calendar as services
from fieldwork.tests.conftest import at

pytestmark = pytest.mark.django_db


def events(record):
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


def test_create_lays_out_the_days_and_audits(add_entry, leader, office):
    entry = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12), place="  Phường Hoàn Kiếm ")
    assert entry.place == "Phường Hoàn Kiếm"
    assert EntryDay.objects.get(entry=entry).working_minutes == 240
    event = events(entry).get(action=AuditAction.CREATE)
    assert event.actor == office


@pytest.mark.parametrize(
    ("start", "end", "rule", "field", "words"),
    [
        (at(2026, 12, 3, 12), at(2026, 12, 3, 8), "", "ends_at", "kết thúc trước"),
        (at(2026, 12, 1, 8), at(2027, 1, 2, 8), "", "ends_at", "31 ngày"),
        (at(2026, 12, 1, 8), at(2026, 12, 1, 9), "FREQ=DAILY;COUNT=1001", "recurrence", "1.000"),
        (at(2026, 12, 1, 8), at(2026, 12, 1, 9), "FREQ=DAILY", "recurrence", "COUNT"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_saved(add_entry, leader, start, end, rule, field, words):
    with pytest.raises(ValidationError) as caught:
        add_entry(leader, start, end, recurrence=rule)
    assert words in " ".join(caught.value.message_dict[field])
    assert not CalendarEntry.objects.exists() and not EntryDay.objects.exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_repr__contains="Hoàn Kiếm"
    ).exists()


def test_an_all_day_entry_is_kept_midnight_to_midnight(add_entry, leader):
    entry = add_entry(leader, at(2026, 12, 7, 9), at(2026, 12, 8, 10), kind=EntryKind.LEAVE, all_day=True)
    assert (entry.starts_at, entry.ends_at) == (at(2026, 12, 7), at(2026, 12, 9))
    assert EntryDay.objects.filter(entry=entry).count() == 2


def test_update_lays_out_again_with_optimistic_locking(add_entry, leader, office):
    entry = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    services.entry_update(
        actor=office, entry=entry, version=1, ends_at=at(2026, 12, 4, 17), title="Chuyến đi dài"
    )
    entry.refresh_from_db()
    assert entry.version == 2 and entry.search_text.startswith("chuyen di dai")
    assert EntryDay.objects.filter(entry=entry).count() == 2
    with pytest.raises(ConflictError):
        services.entry_update(actor=office, entry=entry, version=1, title="Cũ")
    with pytest.raises(ValidationError):
        services.entry_update(actor=office, entry=entry, version=2, ends_at=at(2026, 12, 2, 8))
    assert EntryDay.objects.filter(entry=entry).count() == 2
    assert events(entry).filter(action=AuditAction.UPDATE).count() == 1


def test_archive_and_restore(add_entry, leader, office):
    entry = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    services.entry_archive(actor=office, entry=entry, version=1)
    assert not EntryDay.objects.filter(entry=entry).exists()
    assert CalendarEntry.objects.filter(pk=entry.pk).exists()
    services.entry_restore(actor=office, entry=entry, version=2)
    assert EntryDay.objects.filter(entry=entry).count() == 1
    actions = set(events(entry).values_list("action", flat=True))
    assert {AuditAction.ARCHIVE, AuditAction.RESTORE} <= actions


def test_an_office_exception_lays_the_days_out_again(add_entry, leader, office, hanoi):
    # A visit on Saturday 05/12/2026: no working time, until the office makes that Saturday a working day.
    entry = add_entry(leader, at(2026, 12, 5, 8), at(2026, 12, 5, 12))
    other = add_entry(leader, at(2026, 12, 8, 8), at(2026, 12, 8, 12))
    assert EntryDay.objects.get(entry=entry).working_minutes == 0
    exception = calendar_exception_create(
        actor=office,
        organization=hanoi,
        date=dt.date(2026, 12, 5),
        kind=CalendarExceptionKind.WORKING_DAY,
        name="Làm bù",
    )
    assert EntryDay.objects.get(entry=entry).working_minutes == 240
    assert EntryDay.objects.get(entry=other).working_minutes == 240
    calendar_exception_archive(actor=office, exception=exception, version=exception.version)
    assert EntryDay.objects.get(entry=entry).working_minutes == 0


def test_a_new_feed_revokes_the_old_one(leader, leader_user):
    first = services.feed_create(actor=leader_user, leader=leader)
    second = services.feed_create(actor=leader_user, leader=leader)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None and first.token != second.token
    services.feed_revoke(actor=leader_user, feed=second)
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert events(second).filter(action=AuditAction.ARCHIVE).exists()


def test_policy_update(office, hanoi):
    policy = services.policy_update(
        actor=office,
        organization=hanoi,
        version=None,
        share_target_numerator=2,
        share_target_denominator=5,
        meeting_reduction_percent=20,
    )
    assert str(policy) == "2/5"
    policy = services.policy_update(
        actor=office,
        organization=hanoi,
        version=policy.version,
        share_target_numerator=1,
        share_target_denominator=3,
        meeting_reduction_percent=10,
    )
    assert policy.version == 2
    with pytest.raises(ValidationError):
        services.policy_update(
            actor=office,
            organization=hanoi,
            version=2,
            share_target_numerator=4,
            share_target_denominator=3,
            meeting_reduction_percent=10,
        )
