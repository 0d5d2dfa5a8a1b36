"""A plan's journey in headless Chromium: the STP programme office imports its implementation
plan from Excel, an owner reports one of their key actions at risk with a comment, and the
board highlight report's PDF lists that action with the comment among its exceptions."""

from pathlib import Path

from delivery.models import Programme
from tests.functional.conftest import BROWSER_TESTS, log_in
from tests.pdfs import pdf_text
from tests.plans import add_stp_owners

pytestmark = BROWSER_TESTS

PLAN_FILE = Path(__file__).parent.parent / "data" / "plans" / "stp-implementation-plan.xlsx"
ACTION = "A home visiting service for urgent and complex patients, every day of the week"


def log_out(page):
    page.click("button.nhsuk-header__account-button")


def test_browser_a_plan_imported_from_excel_reports_an_owners_risk(
    page, live_server, area, programme_office_user, this_pcn_manager
):
    add_stp_owners(this_pcn_manager)  # this_pcn_manager is Rachel Vyas, an owner in the file
    log_in(page, live_server, "programme_office")
    page.goto(f"{live_server.url}/plans/")
    page.click("text=Import a plan from a spreadsheet")
    page.fill("#id_name", "LLR primary care 2017-2021")
    page.fill("#id_start", "2017-04-01")
    page.fill("#id_end", "2021-03-31")
    page.fill("#id_organisations", "Q01")
    page.set_input_files("#id_file", PLAN_FILE)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('LLR primary care 2017-2021')")
    assert "Imported 5 new deliverables" in page.inner_text(".nhsuk-notification-banner")
    programme = Programme.objects.get(name="LLR primary care 2017-2021")
    assert programme.deliverables.count() == 5
    log_out(page)

    log_in(page, live_server, "this_pcn_manager")
    page.goto(f"{live_server.url}/plans/mine/")
    row = page.locator("tr", has_text=ACTION)
    row.locator("a", has_text="Report status").click()
    page.select_option("#id_status", "at_risk")
    page.fill("#id_commentary", "Weekend rota has two gaps from January")
    page.fill("#id_decision_needed", "Agree locum cover for the weekend gaps")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Status recorded")
    assert "Weekend rota has two gaps from January" in page.inner_text("main")
    log_out(page)

    log_in(page, live_server, "programme_office")
    page.goto(f"{live_server.url}/plans/{programme.pk}/report/")
    assert ACTION in page.inner_text("main")
    link = page.locator("a", has_text="Download this report as a PDF")
    # The browser opens the PDF itself; fetch it as that signed-in browser does.
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "home visiting service" in text and "Weekend rota has two gaps" in text
    assert "Agree locum cover for the weekend gaps" in text
