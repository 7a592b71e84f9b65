"""Fixtures of field work: Hanoi's leaders and the roles that read or keep their calendars (office, secretary,
leader, ward focal point, viewer), the other city's office, and a factory of visits to Phường Hoàn Kiếm."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from conftest import HOAN_KIEM, unit
from fieldwork.choices import EntryKind, OpinionKind
from fieldwork.services import calendar as services
from fieldwork.services import visits as visit_services
from org.services import field_create

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
def other_leader_user(make_user, hanoi):
    return make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True, full_name="Lê Văn Khác")


@pytest.fixture
def other_leader(other_leader_user):
    return other_leader_user.person


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


@pytest.fixture
def land(hanoi):
    return field_create(actor=None, organization=hanoi, name="Đất đai")


@pytest.fixture
def roles(office, secretary, leader_user, focal_user, viewer, office_hcmc):
    return {
        "vanphong": office,
        "bithu": secretary,
        "lanhdao": leader_user,
        "hoankiem": focal_user,
        "kiemtra": viewer,
        "vanphonghcm": office_hcmc,
    }


def moment(days_ago: int, hour: int = 8) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def make_visit(hanoi, office, leader_user, hoan_kiem_agency):
    """make_visit(days_ago=3, leader=lanhdao, carried_out=False, opinions=()) -> Visit to Phường Hoàn Kiếm."""

    def make(
        days_ago=3, leader=None, carried_out=False, opinions=(), localities=None, agencies=None, actor=None
    ):
        actor = actor or office
        visit = visit_services.visit_create(
            actor=actor,
            organization=hanoi,
            leader=(leader or leader_user).person,
            purpose="Kiểm tra giải phóng mặt bằng",
            starts_at=moment(days_ago),
            ends_at=moment(days_ago, 11),
            localities=[unit(HOAN_KIEM)] if localities is None else localities,
            agencies=[hoan_kiem_agency] if agencies is None else agencies,
        )
        for speaker in opinions:
            visit_services.opinion_add(
                actor=actor,
                visit=visit,
                speaker_kind=speaker,
                kind=OpinionKind.PROPOSAL,
                content=f"Đề nghị sớm giải quyết đền bù đất đai ({speaker})",
            )
        if carried_out:
            visit.refresh_from_db()
            visit = visit_services.visit_carry_out(
                actor=actor, visit=visit, version=visit.version, findings="Tình hình ổn định."
            )
        visit.refresh_from_db()
        return visit

    return make
