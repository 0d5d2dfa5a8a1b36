"""Browser fixtures: Debian's Chromium driven by Playwright, offline, against the live server.

Uses the system's Chromium (apt-get install chromium); never downloads a browser. Requests
leaving the live server are blocked, so the tests need no network (the NHS.UK stylesheet's
web fonts fall back to Arial)."""

import os
import shutil

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told it is safe, which it is here (one thread drives the browser, one serves).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery"  # noqa: S105 - the factories' test password
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and os.path.exists("/usr/bin/chromium"):
    CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="no chromium binary (apt-get install chromium)"),
]


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Playwright runs the test in a greenlet, where Django's ORM opens a connection of its
        # own; close it here or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, blocked = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser reports what the Content-Security-Policy refused on the console.
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def offline(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", offline)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert blocked == [], f"Refused by the Content-Security-Policy: {blocked}"


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
