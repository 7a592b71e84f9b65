"""What the office keeps, in a browser, in Vietnamese, on a desk and on a phone: the project form with its
remote selects (investor, localities), the project page with its forms open, the target curve and the group
form; a screenshot of each under var/screenshots/."""

import pytest

from investment.models import Project
from tests.browser.conftest import login, shot
from tests.browser.test_investment_pages import _city


@pytest.mark.django_db(transaction=True)
def test_the_office_pages_draw_and_the_pickers_search(page, demo):
    data = _city(demo)
    project, group = data["projects"][0], data["group"]
    login(page, "vp.dautu")

    page.goto(page.base_url + "/investment/projects/new/")
    page.wait_for_load_state("networkidle")
    shot(page, "investment-project-form")
    page.fill("#id_code", "DA-99")
    page.fill("#id_name", "Cầu Cần Giờ")
    page.select_option("#id_group", "A")
    for selector, typed, picked in (
        ("id_investor", "giao thong", "Ban QLDA Giao thông"),
        ("id_site1_locality", "ben thanh", "Bến Thành"),
    ):
        control = page.locator(f"#{selector}-ts-control")
        control.click()
        control.fill(typed)
        page.locator(f"#{selector}-ts-dropdown .option", has_text=picked).first.click()
    page.click("[data-testid=project-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    created = Project.objects.get(code="DA-99")
    assert page.url.endswith(created.get_absolute_url())
    assert created.sites.get().locality.name.endswith("Bến Thành")

    page.goto(page.base_url + f"/investment/projects/{project.pk}/")
    page.wait_for_load_state("networkidle")
    for summary in page.locator("[data-testid=project-office] summary").all():
        summary.click()
    shot(page, "investment-project-office")
    assert page.locator("[data-move=implementation]").count() == 1  # in preparation: it may start
    assert page.locator("[data-move=completed]").count() == 0

    page.goto(page.base_url + "/investment/target-curve/")
    page.wait_for_load_state("networkidle")
    shot(page, "investment-target-curve")

    page.goto(page.base_url + f"/investment/groups/{group.pk}/edit/")
    page.wait_for_load_state("networkidle")
    shot(page, "investment-group-form")
    page.goto(page.base_url + f"/investment/groups/{group.pk}/")
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=member-form] summary").click()
    shot(page, "investment-group-office")
