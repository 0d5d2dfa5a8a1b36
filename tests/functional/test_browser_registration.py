"""The registration journey in headless Chromium: a PCN manager submits the network's
registration; the commissioner's panel approves it with a population exception; the
commissioner's coverage figure moves from 0% to two practices in three."""

from tests.functional.conftest import BROWSER_TESTS, log_in

pytestmark = BROWSER_TESTS


def test_browser_pcn_submits_commissioner_approves_with_exception_coverage_rises(
    browser, page, live_server, drafted, commissioner_user
):
    log_in(page, live_server, "this_pcn_manager")
    page.get_by_role("link", name="Registrations").first.click()
    page.get_by_role("link", name="This PCN").click()
    assert "below the 30,000 minimum" in page.locator("#rules + table").inner_text()
    page.get_by_role("link", name="Submit to NHS Test CCG").click()
    page.fill("#id_reason", "Signed by all three partners")
    page.get_by_role("button", name="Continue").click()
    assert "Submitted" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Record the panel decision").count() == 0

    commissioner = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    second = commissioner.new_page()
    second.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    log_in(second, live_server, "commissioner")
    second.goto(f"{live_server.url}/coverage/01X/")
    assert second.locator("#practices-pct").inner_text() == "0.0%"

    second.goto(f"{live_server.url}/registrations/{drafted.pk}/")
    second.get_by_role("link", name="Record the panel decision").click()
    second.select_option("#id_outcome", "approved_exception")
    second.fill("#id_panel_date", "2019-05-16")
    second.fill("#id_decision_makers", "Primary Care Commissioning Committee")
    second.fill("#id_exception_reason", "Rural and remote natural community")
    second.get_by_role("button", name="Continue").click()
    assert "Approved with exception" in second.locator("main").inner_text()

    second.get_by_role("link", name="Coverage").first.click()
    second.wait_for_url(f"{live_server.url}/coverage/01X/")
    assert second.locator("#practices-pct").inner_text() == "66.7%"
    canvas = second.locator("figure[data-chart='bar'] canvas")
    canvas.wait_for()
    commissioner.close()
