"""lanhdao in the browser: plan a visit to Phường Hoàn Kiếm (its briefing is ready at once), record three
opinions from different sides, carry the visit out and give a directive on it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fieldwork.models import CalendarEntry, Visit
from followup.models import Directive

from .conftest import login, shot

pytestmark = pytest.mark.browser


def _pick(page, select_id: str, typed: str, name: str) -> None:
    """Type into a remote select (without diacritics) and choose the record the server found."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(typed)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=name).first
    expect(option).to_be_visible()
    option.click()
    page.keyboard.press("Tab")  # leave the picker: its dropdown closes


def test_lanhdao_plans_carries_out_and_follows_up_a_visit(page):
    login(page, "lanhdao")
    purpose = f"Đi cơ sở Phường Hoàn Kiếm ({page.viewport_name})"
    day = timezone.localdate().strftime("%d/%m/%Y")

    # 1. plan the visit, the places chosen by typing without diacritics
    page.goto(page.base_url + "/fieldwork/visits/")
    page.get_by_test_id("visit-create").click()
    form = page.get_by_test_id("visit-form")
    form.locator("[name=purpose]").fill(purpose)
    form.locator("[name=starts_at]").fill(f"{day} 00:30")
    form.locator("[name=ends_at]").fill(f"{day} 03:30")
    _pick(page, "id_localities", "hoan kiem", "Phường Hoàn Kiếm")
    _pick(page, "id_agencies", "dang uy phuong hoan kiem", "Đảng ủy Phường Hoàn Kiếm")
    form.locator("button[type=submit]").click()

    # 2. the briefing is there, prepared from Cơ Sở's data on the ward
    expect(page.locator("h1")).to_contain_text(purpose)
    expect(page.get_by_test_id("briefing")).to_contain_text("Vụ việc đang xử lý")
    expect(page.get_by_test_id("briefing")).to_contain_text("Chỉ đạo quá hạn")
    shot(page, "visit-journey-1-planned")
    visit = Visit.objects.get(purpose=purpose)

    # 3. three opinions from three sides
    for speaker, kind, text in (
        ("citizen", "complaint", "Ngõ 12 ngập sau mưa lớn"),
        ("business", "proposal", "Rút ngắn thủ tục cấp phép sửa chữa nhà"),
        ("cadre", "information", "Phường đã rà soát 42 hộ bị ảnh hưởng"),
    ):
        opinion = page.get_by_test_id("opinion-form")
        opinion.locator("[name=speaker_kind]").select_option(speaker)
        opinion.locator("[name=kind]").select_option(kind)
        opinion.locator("[name=content]").fill(text)
        opinion.locator("button[type=submit]").click()
        expect(page.get_by_test_id("opinions")).to_contain_text(text)
    expect(page.get_by_test_id("sides-heard")).to_contain_text("Nghe 3/6 chiều ý kiến")

    # 3b. correct one opinion on its own page; archive another (two sides left), then restore it
    opinions = page.get_by_test_id("opinions")
    opinions.locator("[data-opinion]", has_text="Rút ngắn thủ tục").get_by_test_id("opinion-edit").click()
    edit = page.get_by_test_id("opinion-edit-form")
    edit.locator("[name=content]").fill("Rút ngắn thủ tục cấp phép sửa chữa nhà ở riêng lẻ")
    shot(page, "visit-journey-opinion-edit")
    edit.locator("button[type=submit]").click()
    expect(page.get_by_test_id("opinions")).to_contain_text("sửa chữa nhà ở riêng lẻ")
    opinions.locator("[data-opinion]", has_text="Phường đã rà soát").get_by_test_id("opinion-archive").click()
    expect(page.get_by_test_id("sides-heard")).to_contain_text("Nghe 2/6 chiều ý kiến")
    archived = page.get_by_test_id("archived-opinions")
    archived.locator("summary").click()
    shot(page, "visit-journey-opinion-archived")
    archived.get_by_test_id("opinion-restore").click()
    expect(page.get_by_test_id("sides-heard")).to_contain_text("Nghe 3/6 chiều ý kiến")

    # 4. carry it out, with what was found
    page.get_by_test_id("carry-out").click()
    page.locator("[name=findings]").fill("Thoát nước ngõ 12 xuống cấp; người dân đồng thuận cải tạo.")
    page.get_by_test_id("visit-status-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("visit-findings")).to_contain_text("Thoát nước ngõ 12")

    # 5. a directive from the visit, followed up in followup
    directive = page.get_by_test_id("directive-form")
    directive.locator("[name=content]").fill(f"Cải tạo cống ngõ 12 trước mùa mưa ({page.viewport_name})")
    _pick(page, "id_directive_lead_unit", "dang uy phuong hoan kiem", "Đảng ủy Phường Hoàn Kiếm")
    directive.locator("button[type=submit]").click()
    expect(page.get_by_test_id("directives")).to_contain_text("Cải tạo cống ngõ 12")
    shot(page, "visit-journey-2-carried-out")

    visit.refresh_from_db()
    assert visit.status == "carried_out" and visit.sides_heard == 3
    assert Directive.objects.get(source_id=visit.pk, source_kind="visit").lead_unit.code == "DU-HK"
    entry = CalendarEntry.objects.get(visit=visit)
    assert entry.days.get().minutes == 180  # its time counts in the share
