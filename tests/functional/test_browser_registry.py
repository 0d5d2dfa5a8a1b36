"""A commissioner's journey in headless Chromium: log in, find a practice by ODS code, climb
to its PCN, and see the members table and the list-size chart drawn from its data table."""

from datetime import date

import pytest

from tests import factories as f
from tests.functional.conftest import BROWSER_TESTS

pytestmark = BROWSER_TESTS


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
