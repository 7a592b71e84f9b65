"""The investment pages in a browser, in Vietnamese, on a desk and on a phone: the chart and the map draw,
no script error, and a screenshot of each page under var/screenshots/ for a person to look at."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from accounts.choices import Role
from accounts.services import user_create
from investment import services
from org.models import AdministrativeUnit
from org.services import agency_create, person_create
from tests.browser.conftest import login, shot

B = 1_000_000_000


def _city(demo):
    hcmc = demo.committees["hcmc"]
    office = user_create(
        actor=None, username="vp.dautu", password=settings.COSO_DEMO_PASSWORD, organization=hcmc,
        role=Role.OFFICE, full_name="Văn phòng Đầu tư", validate_password=False,
    )  # fmt: skip
    leader = user_create(
        actor=None, username="to.truong", password=settings.COSO_DEMO_PASSWORD, organization=hcmc,
        role=Role.STANDING_MEMBER, full_name="Châu Minh Triết", validate_password=False,
    )  # fmt: skip
    person_create(
        actor=None, organization=hcmc, full_name="Châu Minh Triết", position="Tổ trưởng", user=leader
    )
    leader.refresh_from_db()
    board = agency_create(
        actor=None, organization=hcmc, code="BQL-GT2", name="Ban QLDA Giao thông", kind="investor"
    )
    today = dt.date.today()
    year = today.year
    services.target_curve_set(
        actor=office, organization=hcmc, year=year,
        points={3: Decimal("7.5"), 6: Decimal(25), 9: Decimal(50), 12: Decimal(95)},
    )  # fmt: skip
    site = AdministrativeUnit.objects.get(code=26743)
    projects = []
    for n, (name, lat, lng, monthly) in enumerate(
        (
            ("Cầu Thủ Thiêm 4", Decimal("10.7769"), Decimal("106.7218"), 8),
            ("Vành đai 3 đoạn qua Thủ Đức", Decimal("10.8700"), Decimal("106.8000"), 2),
            ("Bệnh viện Ung bướu cơ sở 2", Decimal("10.8420"), Decimal("106.7690"), 5),
        ),
        start=1,
    ):
        project = services.project_create(
            actor=office, organization=hcmc, investor=board, sites=[(site, lat, lng)],
            code=f"DA-{n:02d}", name=name, group="A", is_key=True, sector="transport",
            total_investment=5_000 * B,
        )  # fmt: skip
        services.plan_set(
            actor=office, project=project, year=year, source="local",
            assigned_amount=100 * B, allocated_amount=120 * B,
        )  # fmt: skip
        for month in range(1, today.month + 1):
            services.disbursement_record(
                actor=office, project=project, source="local", plan_year=year,
                month=dt.date(year, month, 1), amount=monthly * B,
            )  # fmt: skip
        projects.append(project)
    group = services.group_create(
        actor=office, organization=hcmc, number=1, name="Tổ công tác số 1",
        term_start=dt.date(year - 1, 10, 1), projects=projects[:2],
    )  # fmt: skip
    services.group_member_add(
        actor=office, group=group, person=leader.person, role="leader", valid_from=dt.date(year - 1, 10, 1)
    )
    session = services.session_create(
        actor=leader, group=group, held_on=today, title="Kiểm tra tiến độ giải ngân",
        projects=projects[:2], participants=[leader.person], findings="Vướng mặt bằng ở đoạn 2.",
    )  # fmt: skip
    return {"projects": projects, "group": group, "session": session}


@pytest.mark.django_db(transaction=True)
def test_investment_pages_draw(page, demo):
    data = _city(demo)
    login(page, "vp.dautu")
    pages = {
        "investment-dashboard": "/investment/",
        "investment-projects": "/investment/projects/",
        "investment-project": f"/investment/projects/{data['projects'][0].pk}/",
        "investment-groups": "/investment/groups/",
        "investment-group": f"/investment/groups/{data['group'].pk}/",
        "investment-session": f"/investment/sessions/{data['session'].pk}/",
        "investment-session-form": f"/investment/groups/{data['group'].pk}/sessions/new/",
    }
    for name, url in pages.items():
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        if page.locator("[data-curve-chart]").count():
            page.wait_for_selector("[data-curve-chart][data-drawn]")
        if page.locator("[data-project-map]").count():
            page.wait_for_selector("[data-project-map][data-points='3']")
        shot(page, name)
