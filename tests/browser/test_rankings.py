"""The monthly rankings in the browser: the chart is drawn by the reports' chart script before the table, at
desk and phone width, with no error, and a row opens the incidents it counts."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from incidents import services
from incidents.choices import IncidentStatus
from org.models import AdministrativeUnit
from reports.periods import last_complete_month

from .conftest import login, shot

pytestmark = pytest.mark.browser


def test_the_office_ranks_the_localities_of_last_month(page):
    office = User.objects.get(username="vanphong")
    month = last_complete_month()
    occurred = timezone.make_aware(dt.datetime.combine(month.first + dt.timedelta(days=3), dt.time(9)))
    wards = AdministrativeUnit.objects.filter(name__in=["Phường Hoàn Kiếm", "Phường Ba Đình"]).order_by(
        "name"
    )
    for n, ward in enumerate(wards):
        for i in range(n + 2):
            incident = services.incident_create(
                actor=office,
                organization=office.organization,
                title=f"Lấn chiếm vỉa hè số {i}",
                description="Người dân phản ánh.",
                locality=ward,
                occurred_at=occurred,
                source="citizen",
                field="urban_order",
            )
            if i == 0:
                incident = services.incident_set_status(
                    actor=office, incident=incident, version=incident.version, status=IncidentStatus.HANDLING
                )
                services.incident_set_status(
                    actor=office,
                    incident=incident,
                    version=incident.version,
                    status=IncidentStatus.RESOLVED,
                    resolution="Đã giải tỏa.",
                )
    login(page, "vanphong")
    page.goto(page.base_url + "/reports/rankings/?kind=localities")
    chart = page.get_by_test_id("ranking-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart).to_contain_text("Phường Ba Đình")
    table = page.get_by_test_id("ranking-table")
    expect(table).to_contain_text("Phường Hoàn Kiếm")
    shot(page, "rankings-localities")
    page.get_by_test_id("row-link").filter(has_text="Phường Ba Đình").click()
    page.wait_for_load_state("networkidle")
    assert "/incidents/?locality=" in page.url
    # Phường Ba Đình's two incidents of the month, and not Phường Hoàn Kiếm's third.
    expect(page.locator("body")).to_contain_text("Lấn chiếm vỉa hè số 1")
    expect(page.locator("body")).not_to_contain_text("Lấn chiếm vỉa hè số 2")
