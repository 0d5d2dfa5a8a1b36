"""A commissioner's journey in headless Chromium: log in, find a practice by ODS code, climb
to its PCN, and see the members table and the list-size chart drawn from its data table.

Uses the system's Chromium (apt-get install chromium); never downloads a browser. Requests
leaving the live server are blocked, so the test needs no network (the NHS.UK stylesheet's
web fonts fall back to Arial)."""

import os
import shutil
from datetime import date

import pytest
from django.db import connections

from tests import factories as f

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told it is safe, which it is here (one thread drives the browser, one serves).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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

pytestmark = [
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
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def offline(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", offline)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def trend(area):
    """Snapshots after the practices joined their PCN (1 July 2019), so the PCN has a trend."""
    for practice in area["practices"]:
        for year in (2020, 2021, 2022):
            f.ListSizeFactory(organisation=practice, extract_date=date(year, 1, 1), patients=9_000)


def test_browser_commissioner_searches_practice_and_climbs_to_pcn(
    page, live_server, commissioner_user, trend
):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "commissioner")
    page.fill("#id_password", "correct horse battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # The stylesheet and scripts come from the live server's static files.
    assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')")
    header_colour = page.eval_on_selector(
        ".nhsuk-header", "e => getComputedStyle(e).backgroundColor"
    )
    assert header_colour == "rgb(0, 94, 184)"  # NHS blue: nhsuk-frontend.min.css loaded

    page.fill("#search-field", "A00001")
    page.press("#search-field", "Enter")
    page.wait_for_url(f"{live_server.url}/org/A00001/")
    assert page.locator("h1").inner_text().endswith("Surgery 1")

    page.locator("nav.nhsuk-breadcrumb").get_by_role("link", name="This PCN").click()
    page.wait_for_url(f"{live_server.url}/org/U00001/")
    members = page.locator("#members tbody tr")
    assert members.count() == 2
    assert "Surgery 1" in members.first.inner_text()

    canvas = page.locator("figure[data-chart='line'] canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    # The data stays available: the table is folded into its details, not removed.
    assert page.locator("#trend-table tbody tr").count() == 3
    assert not page.locator("figure[data-chart='line'] details").evaluate("d => d.open")
