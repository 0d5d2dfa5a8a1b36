"""Finance's month end in headless Chromium: mark a network's next month paid on its
statement, see the region's overview say so, and download the region's PDF once its progress
bar, fed by the background worker, completes."""

from django.core.management import call_command

from tests import factories as f
from tests.functional.conftest import BROWSER_TESTS, log_in
from tests.pdfs import page_texts

pytestmark = BROWSER_TESTS


def test_browser_finance_marks_a_month_paid_and_downloads_the_region_pdf(
    page, live_server, area, approved_networks, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    regional = f.UserFactory(username="region_finance")
    f.RoleAssignmentFactory(user=regional, role="commissioner_finance", organisation=area["region"])
    log_in(page, live_server, "region_finance")
    overview = f"{live_server.url}/payments/Y01/?year=2019/20"
    page.goto(overview)
    july = page.locator('#overview-table thead th[data-month="2019-07"] [data-state]')
    assert july.inner_text() == "not yet paid"
    first_row = page.locator("#overview-table tbody tr").first
    first_row.locator("a").click()  # each row opens its network's statement
    page.wait_for_url("**/payments/U00002/**")

    page.goto(f"{live_server.url}/payments/U00001/?year=2019/20")
    page.get_by_role("button", name="Mark July 2019 paid").click()
    page.get_by_text("July 2019 marked paid for This PCN").wait_for()

    page.goto(overview)
    assert july.inner_text() == "part paid (1 of 2 networks)"
    assert page.locator("#changes-list").get_by_text("Core PCN funding: +£").count() == 2
    total = page.locator("#overview-table tfoot [data-total]").inner_text()

    page.get_by_role("button", name="Download region PDF").click()
    bar = page.locator('#area-export [role="progressbar"]')
    bar.wait_for()
    assert bar.get_attribute("aria-valuenow") == "0"
    assert "Waiting for the export worker" in page.locator("#area-export").inner_text()
    call_command("db_worker", batch=True, verbosity=0, startup_delay=False)
    link = page.locator("#download-area-pdf")
    link.wait_for(timeout=10_000)
    assert bar.get_attribute("aria-valuenow") == "100"

    with page.expect_download() as waiting:
        link.click()
    path = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(path)
    assert path.name == "pcn-overview-Y01-2019-20-paid.pdf"
    first = page_texts(path.read_bytes())[0]
    assert f"Total £{total}" in first
    assert "1 of 2 paid" in first  # July, under its month
