"""Fixtures of incidents: lanhdao answers for Phường Hoàn Kiếm, whose party committee unit has the focal
point hoankiem; helpers to report incidents at a given local time."""

import datetime as dt
import zoneinfo

import pytest

from accounts.choices import Role
from conftest import BA_DINH, HCMC, HOAN_KIEM, unit
from incidents import services
from org.services import agency_create

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> dt.datetime:
    """A local (Asia/Ho_Chi_Minh) time."""
    return dt.datetime(*args, tzinfo=VN)


def report(
    organization, actor, *, title="Sụt lún mặt đường phố Tràng Tiền", when=None, reported=None, **extra
):
    """An incident through the service; Phường Hoàn Kiếm unless `locality` says otherwise."""
    extra.setdefault("locality", unit(HOAN_KIEM))
    extra.setdefault("severity", "normal")
    extra.setdefault("source", "citizen")
    extra.setdefault("field", "urban_order")
    return services.incident_create(
        actor=actor,
        organization=organization,
        title=title,
        description="Hố sụt sâu 1 m trước số 12.",
        occurred_at=when or at(2026, 3, 6, 9, 0),
        reported_at=reported or at(2026, 3, 6, 9, 30),
        **extra,
    )


@pytest.fixture
def routed(hanoi, leader_user, assign, hoan_kiem_agency, focal_user):
    """lanhdao answers for Phường Hoàn Kiếm; its party committee unit has the focal point hoankiem."""
    return assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))


@pytest.fixture
def board(make_user, hanoi):
    """The Secretary, on the Standing Board, with a login."""
    return make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True, full_name="Trịnh Quang Khải")


@pytest.fixture
def other_leader(make_user, hanoi, assign):
    """A Standing Committee member in charge of Phường Ba Đình, not of Hoàn Kiếm."""
    user = make_user(Role.STANDING_MEMBER, hanoi, "lanhdaokhac", person=True, full_name="Phan Thị Khác")
    assign(user.person, unit(BA_DINH), dt.date(2025, 7, 1))
    return user


@pytest.fixture
def no_role(make_user, hanoi):
    return make_user("", hanoi, "norole")


@pytest.fixture
def hcmc_ward():
    return unit(HCMC, level=1).children.order_by("code").first()


@pytest.fixture
def hcmc_incident(hcmc, office_hcmc, hcmc_ward):
    """An incident of Ho Chi Minh City, which nobody in Hanoi may see."""
    agency_create(
        actor=None,
        organization=hcmc,
        code="DU-X",
        name="Đảng ủy phường thử",
        kind="party_committee",
        locality=hcmc_ward,
    )
    return report(hcmc, office_hcmc, title="Ngập nước sau mưa lớn", locality=hcmc_ward)
