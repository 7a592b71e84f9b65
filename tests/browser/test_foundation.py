"""The foundation's journeys in the browser, in Vietnamese, at desktop and phone width."""

import re

import pytest
from playwright.sync_api import expect

from core.models import AuditEvent
from fieldwork.models import CalendarEntry
from org.models import Assignment

from .conftest import login, open_menu, shot

pytestmark = pytest.mark.browser


def test_office_finds_who_answers_for_hoan_kiem(page):
    login(page, "vanphong")
    shot(page, "home")
    open_menu(page)  # at phone width, behind the menu button
    page.get_by_test_id("nav-organisation").click()
    expect(page.get_by_role("link", name="Phân công phụ trách")).to_be_visible()  # grouped in a menu
    page.wait_for_timeout(400)  # let the menu finish unfolding before the screenshot
    shot(page, "navigation-menu")
    page.get_by_role("link", name="Địa bàn").click()
    expect(page).to_have_url(re.compile(r"/org/units/"))
    expect(page.locator("[data-testid=unit-table] tbody tr")).to_have_count(50)
    shot(page, "unit-tree")

    page.get_by_test_id("unit-search").fill("hoan kiem")
    rows = page.locator("[data-testid=unit-table] tbody tr")
    expect(rows).to_have_count(1)  # htmx replaced the table as the user typed
    expect(rows.first).to_contain_text("Phường Hoàn Kiếm")
    shot(page, "unit-search")

    rows.first.get_by_role("link", name="Phường Hoàn Kiếm").click()
    expect(page.get_by_role("heading", name="Phường Hoàn Kiếm")).to_be_visible()
    card = page.get_by_test_id("responsible-card")
    expect(card).to_contain_text("Đồng chí phụ trách")
    expect(page.get_by_test_id("responsible-leader")).to_have_text("Lương Đức Thịnh")
    expect(card).to_contain_text("Phụ trách từ 01/07/2025")
    shot(page, "unit-detail")


def test_office_edits_an_assignment_and_sees_it_in_the_history(page):
    if page.viewport_name == "phone":
        pytest.skip("the matrix editor journey is run at desktop width; the phone run covers reading")
    login(page, "vanphong")
    page.goto(page.base_url + "/org/assignments/?q=hoan+kiem")
    matrix = page.get_by_test_id("matrix")
    expect(matrix).to_contain_text("Phường Hoàn Kiếm")
    shot(page, "matrix")
    matrix.locator("a.badge").first.click()  # htmx loads the edit form above the matrix
    form = page.locator("#assignment-form")
    expect(form).to_be_visible()
    form.get_by_label("Vai trò").select_option("direct")
    form.get_by_label("Quyết định").fill("Quyết định số 123-QĐ/TU")
    shot(page, "assignment-form")
    form.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("heading", name="Phường Hoàn Kiếm")).to_be_visible()
    expect(page.locator(".alert-success")).to_be_visible()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Phụ trách")
    expect(history).to_contain_text("Trực tiếp phụ trách")
    shot(page, "unit-history")
    changed = Assignment.objects.get(locality__code=70, archived_at__isnull=True, valid_to__isnull=True)
    assert changed.role == "direct" and changed.decision == "Quyết định số 123-QĐ/TU"
    assert AuditEvent.objects.filter(
        object_id=str(changed.pk), action="update", actor__username="vanphong"
    ).exists()


def test_requests_arriving_together_are_all_answered(page):
    """A page's own requests overlap (a form's redirect, a picker's search, a save): every one is answered."""
    login(page, "lanhdao")
    page.goto(page.base_url + "/fieldwork/visits/")
    statuses = page.evaluate(
        """async () => {
            const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const save = (i) => fetch("/api/v1/fieldwork/entries/", {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify({kind: "office_work", title: `Làm việc ${i}`,
                    starts_at: "2026-12-07T08:00:00+07:00", ends_at: "2026-12-07T09:00:00+07:00"}),
            });
            const read = (i) => fetch(i % 3 === 1 ? "/api/v1/org/people/?q=nguyen" : "/fieldwork/visits/");
            const requests = Array.from({length: 30}, (_, i) => (i % 3 === 0 ? save(i) : read(i)));
            return (await Promise.all(requests)).map((response) => response.status);
        }"""
    )
    assert statuses == [201 if i % 3 == 0 else 200 for i in range(30)]
    assert CalendarEntry.objects.filter(title__startswith="Làm việc ").count() == 10
