"""Fixtures of public investment: Ho Chi Minh City, two investors, a working group led by a member."""

import datetime as dt

import pytest

from accounts.choices import Role
from conftest import unit
from investment import services
from org.services import agency_create

SAI_GON, BEN_THANH = 26740, 26743


@pytest.fixture
def transport_board(hcmc):
    return agency_create(
        actor=None, organization=hcmc, code="BQLDA-GT", name="Ban Quản lý dự án Giao thông", kind="investor"
    )


@pytest.fixture
def civil_board(hcmc):
    return agency_create(
        actor=None,
        organization=hcmc,
        code="BQLDA-DDCN",
        name="Ban Quản lý dự án Dân dụng và Công nghiệp",
        kind="investor",
    )


@pytest.fixture
def make_project(hcmc, office_hcmc, transport_board):
    counter = {"n": 0}

    def make(investor=None, locality=SAI_GON, **kwargs):
        counter["n"] += 1
        values = {
            "code": f"DA-{counter['n']:03d}",
            "name": f"Dự án thử {counter['n']}",
            "group": "A",
            "is_key": True,
            "sector": "transport",
            "total_investment": 1_000_000_000_000,
        }
        values.update(kwargs)
        return services.project_create(
            actor=office_hcmc,
            organization=hcmc,
            investor=investor or transport_board,
            sites=[(unit(locality), None, None)] if locality else [],
            **values,
        )

    return make


@pytest.fixture
def group_leader(make_user, hcmc):
    """totruong: a Standing Committee member who leads working group 1."""
    return make_user(Role.STANDING_MEMBER, hcmc, "totruong", person=True, full_name="Châu Minh Triết")


@pytest.fixture
def outsider(make_user, hcmc):
    """A Standing Committee member of the same city on no working group."""
    return make_user(Role.STANDING_MEMBER, hcmc, "ngoaito", person=True, full_name="Kha Văn Dũng")


@pytest.fixture
def group_one(hcmc, office_hcmc, group_leader, make_project):
    project = make_project()
    group = services.group_create(
        actor=office_hcmc,
        organization=hcmc,
        number=1,
        name="Tổ công tác số 1",
        term_start=dt.date(2025, 10, 1),
        projects=[project],
    )
    services.group_member_add(
        actor=office_hcmc,
        group=group,
        person=group_leader.person,
        role="leader",
        valid_from=dt.date(2025, 10, 1),
    )
    group.test_project = project
    return group
