"""The incident statistics in the browser: the charts are drawn from the page's own script and data, at
desk and phone width, with no error, before the tables."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from incidents import services
from incidents.choices import IncidentStatus
from org.models import AdministrativeUnit

from .conftest import login, shot

pytestmark = pytest.mark.browser


def test_the_office_sees_charts_first(page):
    office = User.objects.get(username="vanphong")
    wards = AdministrativeUnit.objects.filter(name__in=["Phường Hoàn Kiếm", "Phường Ba Đình"])
    for n, ward in enumerate(wards):
        for i in range(n + 2):
            incident = services.incident_create(
                actor=office,
                organization=office.organization,
                title=f"Lấn chiếm vỉa hè số {i}",
                description="Người dân phản ánh.",
                locality=ward,
                occurred_at=services.timezone.now(),
                source="citizen",
                field="urban_order" if i % 2 else "environment",
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
    page.goto(page.base_url + "/incidents/statistics/")
    for chart in ("chart-field", "chart-locality", "chart-leader"):
        expect(page.get_by_test_id(chart)).to_have_attribute("data-drawn", "1")
    expect(page.get_by_test_id("chart-locality")).to_contain_text("Phường Ba Đình")
    expect(page.get_by_test_id("statistics-summary")).to_contain_text("5")
    expect(page.get_by_test_id("chart-leader")).to_contain_text("Lương Đức Thịnh")
    shot(page, "incident-statistics")
