"""Fixtures of the follow-up loop: a Hanoi ward, its party committee unit and its focal point, a leader."""

import datetime as dt

import pytest

from accounts.choices import Role
from conftest import HOAN_KIEM, unit
from org.services import agency_create


@pytest.fixture
def hk():
    return unit(HOAN_KIEM)


@pytest.fixture
def construction(hanoi):
    return agency_create(actor=None, organization=hanoi, code="SXD", name="Sở Xây dựng", kind="department")


@pytest.fixture
def finance(hanoi):
    return agency_create(actor=None, organization=hanoi, code="STC", name="Sở Tài chính", kind="department")


@pytest.fixture
def construction_focal(make_user, hanoi, construction):
    return make_user(Role.FOCAL_POINT, hanoi, "dauMoiSXD", agency=construction)


@pytest.fixture
def in_charge(leader_user, hk, assign):
    """lanhdao answers for Phường Hoàn Kiếm from 01/07/2025."""
    assign(leader_user.person, hk, dt.date(2025, 7, 1))
    return leader_user
