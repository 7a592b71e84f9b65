"""The incident page's pickers in the browser: the directive form opens on demand, and its units are found by
typing part of a name without diacritics (tom-select, searching the org API), then posted as ids."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from followup.models import Directive
from incidents import services
from org.models import AdministrativeUnit, Agency

from .conftest import login, shot

pytestmark = pytest.mark.browser


def _pick(page, select_id: str, typed: str, name: str) -> None:
    """Type into a remote select and choose the record the server found."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(typed)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=name)
    expect(option).to_have_count(1)
    option.click()


def test_lanhdao_issues_a_directive_choosing_units_by_typing_without_diacritics(page):
    focal = User.objects.get(username="hoankiem")
    incident = services.incident_create(
        actor=focal,
        organization=focal.organization,
        title=f"Lấn chiếm vỉa hè phố Hàng Bài ({page.viewport_name})",
        description="Tập kết vật liệu xây dựng trên vỉa hè.",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        source="citizen",
        field="urban_order",
        locality=AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm"),
    )
    login(page, "lanhdao")
    page.goto(page.base_url + incident.get_absolute_url())
    section = page.get_by_test_id("issue-directive")
    section.locator("summary").click()
    form = page.get_by_test_id("directive-form")
    expect(form).to_be_visible()  # fetched when the section opened
    form.locator("[name=content]").fill("Kiểm tra, xử lý dứt điểm việc lấn chiếm vỉa hè.")
    expect(form.locator(".ts-wrapper").first).to_contain_text("Đảng ủy Phường Hoàn Kiếm")  # the handling unit
    _pick(page, "id_directive_cooperating_units", "so xay", "Sở Xây dựng")
    control = page.locator("#id_directive_cooperating_units-ts-control")
    control.fill("cong an")
    police = page.locator("#id_directive_cooperating_units-ts-dropdown .option", has_text="Công an Thành phố")
    expect(police).to_have_count(1)  # among the units whose names hold "công" and "an" (dân, ...)
    shot(page, "incident-picker-open")
    police.click()
    page.keyboard.press("Escape")
    form.locator("button[type=submit]").click()

    expect(page.get_by_test_id("directives")).to_contain_text("Kiểm tra, xử lý dứt điểm")
    directive = Directive.objects.get(source_id=incident.pk)
    assert directive.lead_unit.name == "Đảng ủy Phường Hoàn Kiếm"
    assert set(directive.cooperating_units.all()) == set(
        Agency.objects.filter(
            name__in=["Sở Xây dựng", "Công an Thành phố Hà Nội"], organization=focal.organization
        )
    )
    shot(page, "incident-directive-issued")


def test_a_late_answer_never_replaces_the_search_typed_after_it(page):
    """A picker loads its first page when it gets the focus; when that answer comes after the one to the
    words typed since, the list keeps what was typed for."""
    login(page, "lanhdao")
    held = []

    def hold_the_first_page(route):
        if route.request.url.endswith("&q="):
            held.append(route)  # answered late, below
        else:
            route.continue_()

    page.route("**/api/v1/org/units/**", hold_the_first_page)
    page.goto(page.base_url + "/fieldwork/visits/new/")
    control = page.locator("#id_localities-ts-control")
    control.click()
    control.fill("hoan kiem")
    typed_for = page.locator("#id_localities-ts-dropdown .option", has_text="Phường Hoàn Kiếm")
    expect(typed_for).to_have_count(1)
    assert len(held) == 1
    held[0].fulfill(json={"items": [{"id": 999999, "name": "Đơn vị trả lời muộn"}], "count": 1})
    page.wait_for_timeout(300)
    expect(page.locator("#id_localities-ts-dropdown .option", has_text="Đơn vị trả lời muộn")).to_have_count(
        0
    )
    expect(typed_for).to_have_count(1)
