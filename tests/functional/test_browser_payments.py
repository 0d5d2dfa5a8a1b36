"""A finance user's journey in headless Chromium: open a PCN's payment statement, open a line
to see why it is that amount, download the Excel schedule, and find the page's figures in it."""

from datetime import date
from decimal import Decimal

import fastexcel
import polars as pl

from organisations.models import Measure, PopulationFigure
from tests.functional.conftest import BROWSER_TESTS, log_in

pytestmark = BROWSER_TESTS


def test_browser_finance_downloads_the_excel_schedule_matching_the_page(
    page, live_server, area, approved_networks, finance_user, tmp_path
):
    # Weighted populations at 1 January 2019, so every line of the year can be calculated.
    for practice in area["practices"]:
        PopulationFigure.objects.create(
            organisation=practice, measure=Measure.WEIGHTED, as_at=date(2019, 1, 1), value=9_000
        )
    log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/payments/U00001/?year=2019/20")
    table = page.locator('table[data-payee="A00001"]')
    page_totals = [
        Decimal(cell.replace(",", ""))
        for cell in table.locator("tbody tr td:last-child").all_inner_texts()
    ]
    first_line = page.locator("#lines ~ ul details", has_text="Core PCN funding").first
    first_line.locator("summary").click()
    assert "rounded to" in first_line.inner_text()
    assert "Rate version" in first_line.inner_text()

    with page.expect_download() as waiting:
        page.click("#download-xlsx")
    download = waiting.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.name == "pcn-payments-U00001-2019-20.xlsx"
    summary = pl.read_excel(path, sheet_name="Summary")
    row = list(summary["Payee ODS code"]).index("A00001")  # the nominated payee
    assert Decimal(f"{summary['Total'][row]:.2f}") == sum(page_totals)
    [name] = [n for n in fastexcel.read_excel(path).sheet_names if n.startswith("A00001 ")]
    sheet = pl.read_excel(path, sheet_name=name, read_options={"header_row": 2})
    by_entitlement = dict(zip(sheet["Entitlement"], sheet["Total"], strict=True))
    assert by_entitlement["Core PCN funding"] == 30_000.0  # 20,000 patients x £1.50
    assert [Decimal(f"{t:.2f}") for t in sheet["Total"]] == page_totals
