"""Regulation 09 in the browser: a ward reports an incident and it lands on the leader in charge."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.calendar import WorkingCalendar
from incidents.models import Incident

from .conftest import login, shot

pytestmark = pytest.mark.browser


def test_hoankiem_reports_and_it_lands_on_lanhdao(page):
    login(page, "hoankiem")
    page.goto(page.base_url + "/incidents/new/")
    title = f"Sụt lún vỉa hè phố Đinh Tiên Hoàng ({page.viewport_name})"
    occurred = timezone.localtime() - dt.timedelta(hours=1)
    page.locator("[name=title]").fill(title)
    page.locator("[name=description]").fill("Hố sụt rộng 1 m trên vỉa hè, nguy hiểm cho người đi bộ.")
    page.locator("[name=locality]").select_option(label="Phường Hoàn Kiếm")
    page.locator("[name=occurred_at]").fill(occurred.strftime("%d/%m/%Y %H:%M"))
    page.locator("[name=source]").select_option("citizen")
    page.locator("[name=field]").select_option("urban_order")
    page.locator("input[name=severity][value=normal]").check()
    shot(page, "incident-form")
    page.locator("form button[type=submit]").last.click()

    expect(page.get_by_test_id("leader")).to_contain_text("Lương Đức Thịnh")
    shot(page, "incident-detail")
    incident = Incident.objects.get(title=title)
    assert incident.responsible_leader.user.username == "lanhdao"
    assert incident.focal_point.username == "hoankiem"
    # the resolution deadline is 80 working hours: counted on the working calendar, it skips at least one
    # weekend (and any holiday) between the report and the deadline
    calendar = WorkingCalendar.for_organization(incident.organization)
    assert incident.resolve_due_at == calendar.add_working_hours(incident.reported_at, 80)
    assert calendar.working_hours_between(incident.reported_at, incident.resolve_due_at) == 80
    days = (
        timezone.localtime(incident.resolve_due_at).date() - timezone.localtime(incident.reported_at).date()
    ).days
    skipped = [
        timezone.localtime(incident.reported_at).date() + dt.timedelta(days=i)
        for i in range(days)
        if not calendar.is_working_day(timezone.localtime(incident.reported_at).date() + dt.timedelta(days=i))
    ]
    assert any(day.weekday() >= 5 for day in skipped)

    page.context.clear_cookies()
    login(page, "lanhdao")
    page.goto(page.base_url + "/incidents/mine/")
    expect(page.get_by_test_id("incident-table")).to_contain_text(title)
    shot(page, "my-incidents")
