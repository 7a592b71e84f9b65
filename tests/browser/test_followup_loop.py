"""The accountability loop in the browser, in Vietnamese: obstacle → escalation → directive → progress →
re-supervision "partly implemented" → follow-up directive."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.models import Directive, Obstacle, ReSupervision

from .conftest import login, shot

pytestmark = pytest.mark.browser


def logout(page):
    page.context.clear_cookies()


def test_the_whole_loop_in_the_browser(page):
    if page.viewport_name == "phone":
        pytest.skip("the loop is walked once, at desktop width; reading pages is covered at phone width")
    today = timezone.localdate()
    deadline = (today + dt.timedelta(days=20)).strftime("%d/%m/%Y")

    # 1. lanhdao, in charge of Phường Hoàn Kiếm, raises an obstacle
    login(page, "lanhdao")
    page.goto(page.base_url + "/followup/obstacles/new/")
    form = page.get_by_test_id("obstacle-form")
    form.locator("[name=title]").fill("Vướng giải phóng mặt bằng phố Hàng Khay")
    form.locator("[name=description]").fill("Còn 3 hộ chưa đồng ý phương án bồi thường.")
    form.locator("[name=category]").select_option("site_clearance")
    form.locator("[name=locality]").select_option(label="Phường Hoàn Kiếm")
    form.locator("[name=resolution_level]").select_option("standing_committee")
    shot(page, "loop-1-obstacle-form")
    form.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Vướng giải phóng mặt bằng phố Hàng Khay")
    expect(page.get_by_test_id("obstacle-actions")).to_be_visible()
    obstacle = Obstacle.objects.get(title="Vướng giải phóng mặt bằng phố Hàng Khay")
    assert obstacle.raised_by.user.username == "lanhdao" and obstacle.locality.code == 70

    # 2. escalate it to the Standing Committee
    page.get_by_test_id("action-escalated").locator("summary").click()
    page.get_by_test_id("action-escalated").locator("button[type=submit]").click()
    expect(page.get_by_test_id("action-assigned")).to_be_attached()
    obstacle.refresh_from_db()
    assert obstacle.status == "escalated"
    shot(page, "loop-2-escalated")

    # 3. the office records the Committee's decision and assigns it, issuing a directive
    logout(page)
    login(page, "vanphong")
    page.goto(page.base_url + obstacle.get_absolute_url())
    action = page.get_by_test_id("action-assigned")
    action.locator("summary").click()
    action.locator("[name=responsible_agency]").select_option(label="Đảng ủy Phường Hoàn Kiếm")
    action.locator("[name=deadline]").fill(deadline)
    action.locator("[name=committee_decision]").fill(
        "Giao Đảng ủy phường vận động các hộ, hoàn thành trong tháng."
    )
    action.locator("[name=directive_content]").fill("Vận động 3 hộ bàn giao mặt bằng phố Hàng Khay.")
    action.locator("[name=issued_by]").select_option(
        label=obstacle.raised_by.full_name if obstacle.raised_by else "Lương Đức Thịnh"
    )
    shot(page, "loop-3-assign")
    action.locator("button[type=submit]").click()
    expect(page.get_by_test_id("chain")).to_be_visible()
    directive = Directive.objects.get(source_kind="obstacle", source_id=obstacle.pk)
    assert directive.lead_unit.name == "Đảng ủy Phường Hoàn Kiếm"

    # 4. the ward's focal point reports progress and claims completion, with evidence
    logout(page)
    login(page, "hoankiem")
    page.goto(page.base_url + directive.get_absolute_url())
    report = page.get_by_test_id("report-form")
    report.locator("[name=text]").fill("Đã vận động xong, các hộ đã ký biên bản bàn giao.")
    report.locator("[name=claims_done]").check()
    report.locator("[name=files]").set_input_files(
        files=[{"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 bien ban"}]
    )
    report.locator("button[type=submit]").click()
    expect(page.get_by_test_id("progress-reports")).to_contain_text("Đã vận động xong")
    expect(page.get_by_test_id("attachment")).to_contain_text("bien-ban.pdf")
    shot(page, "loop-4-progress")
    directive.refresh_from_db()
    assert directive.completed_on == timezone.localdate()

    # 5. the leader re-supervises: only partly implemented, so a follow-up directive is issued
    logout(page)
    login(page, "lanhdao")
    check = ReSupervision.objects.get(directive=directive)
    page.goto(page.base_url + f"/followup/resupervisions/{check.pk}/record/")
    page.locator("input[name=verdict][value=partly]").check()
    page.locator("[name=checked_on]").fill(today.strftime("%d/%m/%Y"))
    page.locator("[name=evidence]").fill("Còn 1 hộ chưa bàn giao trên thực địa.")
    page.locator("[name=place]").fill("Phố Hàng Khay")
    page.locator("[name=follow_up_content]").fill("Vận động hộ còn lại bàn giao mặt bằng trong tháng.")
    shot(page, "loop-5-record")
    page.locator("form.fu button[type=submit]").last.click()
    expect(page.get_by_test_id("follow-up")).to_be_visible()
    shot(page, "loop-6-follow-up")
    check.refresh_from_db()
    assert check.verdict == "partly" and check.follow_up is not None
    assert check.follow_up.parent == directive
    page.get_by_test_id("follow-up").click()
    expect(page.get_by_test_id("chain")).to_contain_text("Vận động 3 hộ")
