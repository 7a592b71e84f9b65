"""A working group's leader in the browser, on the demo data: open the group, see which projects lag the
curve, record a supervision session that raises a site-clearance obstacle, escalate it to the Standing
Committee."""

from django.utils import timezone
from playwright.sync_api import expect

from followup.models import Obstacle
from investment.demo import investment as investment_demo
from investment.models import Project, SupervisionSession
from tests.browser.conftest import login, shot

LAGGING = "HCM-QL13-01"  # no disbursement since June in the demo


def test_group_leader_records_a_session_and_escalates_its_obstacle(page, demo):
    investment_demo(demo)
    login(page, "totruong")

    # 1. open the group from the menu's list of groups
    page.goto(page.base_url + "/investment/groups/")
    page.get_by_role("link", name="Tổ công tác số 1", exact=False).first.click()
    expect(page.locator("h2, h1").first).to_be_visible()
    projects = page.get_by_test_id("group-projects")

    # 2. the lagging project is red on the group's page
    expect(projects.locator(f"tr[data-project='{LAGGING}']")).to_contain_text("Chậm nghiêm trọng")
    shot(page, "investment-journey-1-group")

    # 3. record a session on that project, then raise a site-clearance obstacle from it
    page.get_by_test_id("record-session").click()
    form = page.get_by_test_id("session-form")
    today = timezone.localdate()
    form.locator("[name=held_on]").fill(today.strftime("%d/%m/%Y"))
    form.locator("[name=title]").fill("Kiểm tra mặt bằng Quốc lộ 13")
    form.locator("[name=place]").fill("Công trường cầu Bình Triệu")
    project = Project.objects.get(code=LAGGING)
    form.locator(f"input[name=projects][value='{project.pk}']").check()
    form.locator("[name=findings]").fill("Còn 17 hộ chưa nhận tiền bồi thường, chưa bàn giao mặt bằng.")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1, h2").first).to_contain_text("Kiểm tra mặt bằng Quốc lộ 13")
    expect(page.get_by_test_id("session-details")).to_contain_text("Công trường cầu Bình Triệu")
    session = SupervisionSession.objects.get(title="Kiểm tra mặt bằng Quốc lộ 13")
    assert session.group.number == 1 and list(session.projects.all()) == [project]

    obstacle_form = page.get_by_test_id("obstacle-form")
    obstacle_form.locator("[name=project]").select_option(str(project.pk))
    obstacle_form.locator("[name=title]").fill("17 hộ chưa bàn giao mặt bằng Quốc lộ 13")
    obstacle_form.locator("[name=description]").fill("Chưa thống nhất đơn giá bồi thường đất nông nghiệp.")
    obstacle_form.locator("[name=category]").select_option("site_clearance")
    obstacle_form.locator("[name=resolution_level]").select_option("standing_committee")
    shot(page, "investment-journey-2-session")
    obstacle_form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("obstacles")).to_contain_text("17 hộ chưa bàn giao mặt bằng Quốc lộ 13")
    obstacle = Obstacle.objects.get(title="17 hộ chưa bàn giao mặt bằng Quốc lộ 13")
    assert obstacle.subject == project and obstacle.origin == session
    assert obstacle.category == "site_clearance" and obstacle.raised_by.user.username == "totruong"

    # 4. escalate it to the Standing Committee, on the obstacle's own page
    page.get_by_test_id("obstacles").get_by_role(
        "link", name="17 hộ chưa bàn giao mặt bằng Quốc lộ 13"
    ).click()
    page.get_by_test_id("action-escalated").locator("summary").click()
    page.get_by_test_id("action-escalated").locator("button[type=submit]").click()
    expect(page.get_by_test_id("action-assigned")).to_be_attached()
    obstacle.refresh_from_db()
    assert obstacle.status == "escalated" and obstacle.escalated_on == today
    shot(page, "investment-journey-3-escalated")
