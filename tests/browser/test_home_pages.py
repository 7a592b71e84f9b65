"""Every demo login lands, on a phone and in Vietnamese, on a home page that opens with what they must act
on today: the card is the first thing on the page, it fits the screen's width, its counts are more than
nothing, and its first line opens the record it names."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.demo import DEMO_LOGINS

from .conftest import CHROMIUM, PHONE, SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def full_demo(transactional_db, django_db_serialized_rollback):
    """The whole demo, every app's records included: what each login has to act on comes from them.

    An earlier transactional test on this worker may have flushed the database, and the content types came
    back under other ids than the ones cached in this process: the cache is dropped first, or the demo's audit
    events would point at content types that are gone and the load would fail at commit."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.demo import demo_load

    ContentType.objects.clear_cache()
    return demo_load(steps=True)


def test_every_login_lands_on_something_to_act_on_at_phone_width(
    browser, django_db_setup, live_server, full_demo
):
    assert CHROMIUM
    usernames = [login.username for login in DEMO_LOGINS]
    assert len(usernames) == 7
    for username in usernames:
        context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", settings.COSO_DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "vi"

        today = page.get_by_test_id("today-panel")
        expect(today).to_be_visible()
        expect(today.get_by_role("heading", name="Cần xử lý hôm nay")).to_be_visible()
        # It comes first: nothing of the page's content sits above it.
        top = today.bounding_box()["y"]
        for other in page.locator(".page-body .card").all()[:6]:
            assert other.bounding_box()["y"] >= top - 1, username
        counts = [int(c) for c in today.locator("[data-today-count]").all_inner_texts()]
        assert counts and all(c > 0 for c in counts), (username, counts)
        # Nothing wider than the phone: no sideways scrolling.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (username, width)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"home-{username}-phone.png"), full_page=True)

        first = today.locator("ul a").first
        target = first.get_attribute("href")
        first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(target), (username, page.url, target)
        expect(page.locator(".empty-header", has_text="404")).to_have_count(0)
        assert errors == [], (username, errors)
        context.close()
