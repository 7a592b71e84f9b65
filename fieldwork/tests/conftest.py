"""Fixtures of the work calendar: Hanoi's leaders and the roles that read or keep their calendars."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client

from accounts.choices import Role
from fieldwork.choices import EntryKind
from fieldwork.services import calendar as services

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=HCM)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader(leader_user):
    return leader_user.person


@pytest.fixture
def secretary(make_user, hanoi):
    return make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True, full_name="Trần Thị Bí Thư")


@pytest.fixture
def other_leader(make_user, hanoi):
    return make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True, full_name="Lê Văn Khác").person


@pytest.fixture
def add_entry(hanoi, office):
    def add(leader, starts_at, ends_at, kind=EntryKind.FIELD_VISIT, actor=None, **kwargs):
        kwargs.setdefault("title", "Đi cơ sở phường Hoàn Kiếm")
        return services.entry_create(
            actor=actor or office,
            organization=hanoi,
            leader=leader,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            **kwargs,
        )

    return add
