"""The work calendar and the share page in a browser, in Vietnamese, on a desk and on a phone: FullCalendar
draws the leader's entries at the organisation's local times under the strict CSP (its style element
carries the page's nonce), overlaps are marked, the chart draws; screenshots under var/screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fieldwork.choices import EntryKind
from fieldwork.models import CalendarEntry
from fieldwork.services.calendar import entry_create
from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def _entries(demo):
    lanhdao = demo.people["lanhdao"]
    office = demo.users["vanphong"]
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    tz = timezone.get_default_timezone()

    def at(day, hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)

    for kind, title, start, end in (
        (
            EntryKind.FIELD_VISIT,
            "Đi cơ sở Phường Hoàn Kiếm",
            at(monday + dt.timedelta(days=1), 7, 30),
            at(monday + dt.timedelta(days=1), 11, 30),
        ),
        (
            EntryKind.MEETING,
            "Họp Ban Thường vụ",
            at(monday + dt.timedelta(days=1), 9),
            at(monday + dt.timedelta(days=1), 10),
        ),
        (
            EntryKind.CITIZEN_RECEPTION,
            "Tiếp công dân",
            at(monday + dt.timedelta(days=2), 14),
            at(monday + dt.timedelta(days=2), 16),
        ),
    ):
        entry_create(
            actor=office, organization=lanhdao.organization_id, leader=lanhdao, kind=kind, title=title,
            starts_at=start, ends_at=end,
        )  # fmt: skip


def test_the_calendar_and_the_share(page, demo):
    _entries(demo)
    login(page, "lanhdao")
    page.goto(page.base_url + "/fieldwork/calendar/")
    page.wait_for_selector("[data-fieldwork-calendar][data-drawn]")
    page.wait_for_selector(".fc-event")
    text = page.inner_text("[data-fieldwork-calendar]")
    assert "Đi cơ sở Phường Hoàn Kiếm" in text and "Tiếp công dân" in text
    assert "07:30" in text  # the organisation's local time
    assert page.locator(".fw-overlap-event").count() == 2  # the visit and the meeting overlap
    # FullCalendar's own style element was let in by the nonce: its layout applies.
    assert page.evaluate("document.querySelectorAll('style[data-fullcalendar]').length") >= 1
    shot(page, "fieldwork-calendar")
    page.goto(page.base_url + "/fieldwork/share/")
    page.wait_for_selector("[data-testid=my-share]")
    shot(page, "fieldwork-share-leader")
    page.context.clear_cookies()
    login(page, "vanphong")
    page.goto(page.base_url + "/fieldwork/share/")
    page.wait_for_selector("[data-share-chart][data-drawn]")
    assert page.locator("[data-testid=share-table] tbody tr").count() >= 1
    shot(page, "fieldwork-share-office")


def _pick(page, select_id: str, typed: str, name: str) -> None:
    """Type into a remote select (without diacritics), wait for the server's answer to those words, and choose
    the record it found; the picker is then closed."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    words = "q=" + typed.replace(" ", "%20")
    with page.expect_response(lambda response: words in response.url):
        control.fill(typed)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=name).first
    expect(option).to_be_visible()
    option.click()
    page.keyboard.press("Escape")
    expect(page.locator(f"#{select_id}-ts-dropdown")).to_be_hidden()


def test_an_entry_gets_its_locality_and_unit_by_typing(page, demo):
    """lanhdao puts a field visit on their calendar, choosing the ward and its Party committee by typing their
    names without diacritics; the entry's page and the list show them."""
    login(page, "lanhdao")
    title = f"Đi cơ sở Phường Hoàn Kiếm ({page.viewport_name})"
    day = timezone.localdate() + dt.timedelta(days=1)
    page.goto(page.base_url + "/fieldwork/entries/new/")
    form = page.get_by_test_id("entry-form")
    form.locator("[name=kind]").select_option("field_visit")
    form.locator("[name=title]").fill(title)
    form.locator("[name=starts_at]").fill(f"{day:%d/%m/%Y} 08:00")
    form.locator("[name=ends_at]").fill(f"{day:%d/%m/%Y} 11:30")
    _pick(page, "id_locality", "hoan kiem", "Phường Hoàn Kiếm")
    _pick(page, "id_agency", "dang uy phuong hoan kiem", "Đảng ủy Phường Hoàn Kiếm")
    shot(page, "fieldwork-entry-form-places")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/fieldwork/entries/*/")
    expect(page.get_by_test_id("entry-locality")).to_have_text("Phường Hoàn Kiếm")
    expect(page.get_by_test_id("entry-agency")).to_have_text("Đảng ủy Phường Hoàn Kiếm")
    shot(page, "fieldwork-entry-places")
    entry = CalendarEntry.objects.get(title=title)
    assert entry.locality.name == "Phường Hoàn Kiếm" and entry.agency.code == "DU-HK"
    page.goto(page.base_url + f"/fieldwork/entries/?q={title.split(' (')[0]}")
    expect(page.locator(f"[data-entry='{entry.pk}']")).to_contain_text("Phường Hoàn Kiếm")
