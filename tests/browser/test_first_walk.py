"""What a new user first meets, in the browser, in Vietnamese: the focal point reports an incident from the
menu, and a leader's assignments keep their labels whole beside long agency names, at both widths."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import login, open_menu, shot

pytestmark = pytest.mark.browser


def test_the_focal_point_reports_an_incident_from_the_menu(page):
    login(page, "hoankiem")
    open_menu(page)  # at phone width, behind the menu button
    page.get_by_test_id("nav-incident_menu").click()
    entry = page.get_by_role("link", name="Phản ánh vụ việc")
    expect(entry).to_be_visible()
    page.wait_for_timeout(400)  # let the menu finish unfolding before the screenshot
    shot(page, "focal-point-menu")
    entry.click()
    expect(page).to_have_url(re.compile(r"/incidents/new/$"))
    expect(page.locator("select[name=source] option").first).to_have_text("— Chọn —")


def test_assignment_labels_stay_whole_beside_long_names(page):
    login(page, "totruong")  # in charge of two project boards with long names
    shot(page, "leader-home")
    badges = page.locator(".name-badge .badge")
    expect(badges.first).to_be_visible()
    assert badges.count() >= 10
    measures = badges.evaluate_all(
        """badges => badges.map(b => {
            const row = b.closest('.list-group-item').getBoundingClientRect();
            const box = b.getBoundingClientRect();
            return {text: b.textContent, clipped: b.scrollWidth > b.clientWidth + 1,
                    inside: box.left >= row.left && box.right <= row.right + 0.5,
                    name: b.previousElementSibling.getBoundingClientRect().right <= box.left + 0.5};
        })"""
    )
    long_names = page.locator(".name-badge > :first-child", has_text="Ban Quản lý dự án")
    assert long_names.count() >= 2
    for measure in measures:
        assert measure == {**measure, "clipped": False, "inside": True, "name": True}, measure
