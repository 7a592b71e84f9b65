"""Browser tests: Playwright driving the machine's Chromium against a live server with the demo data."""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the test database is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


class OneRequestAtATimeOnSharedConnection(ThreadedWSGIServer):
    """The live server, answering one request at a time when it shares the tests' in-memory SQLite connection.

    On SQLite every request thread of the live server uses that one connection; a page's redirect and a
    picker's search arriving together then fail inside sqlite3 ("bad parameter or other API misuse") and
    the page answers 503. Connections stay threaded (a browser keeps several open); only the application
    call, with its response read to the end and closed, is taken one at a time. On PostgreSQL each request
    has its own connection and nothing is serialised.
    """

    application_lock = threading.Lock()

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)

        def one_at_a_time(environ, start_response):
            with self.application_lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeOnSharedConnection


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs it with apt-get (package chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    """The demo organisations and logins (without the other apps' demo records, which the journeys create
    themselves), loaded into the live server's database."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.demo import demo_load

    ContentType.objects.clear_cache()  # a flush before may have brought the content types back under new ids
    return demo_load(steps=False)


@pytest.fixture(params=["desktop", "phone"])
def page(request, browser, django_db_setup, live_server, demo):
    # The test database is set up before the live server starts: on SQLite the server then shares its
    # in-memory connection (started first, each of its threads would open its own, and lock the others out).
    viewport = DESKTOP if request.param == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.base_url = live_server.url
    page.viewport_name = request.param
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str | None = None):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or settings.COSO_DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def open_menu(page):
    """At phone width the navigation folds behind the menu button: open it, and wait until it has finished
    unfolding (a menu clicked while the fold still animates may not open)."""
    toggle = page.locator(".navbar-toggler")
    if toggle.is_visible():
        toggle.click()
        expect(page.locator("#navbar-menu")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(page.locator("#navbar-menu.collapsing")).to_have_count(0)
