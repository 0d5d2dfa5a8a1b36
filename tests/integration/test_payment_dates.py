"""Payment dates: each line has the month it is for and the month it is paid in (issue 11 s.1).

2019/20: core's first payment came at the end of July, covering April to July; the Clinical
Director contribution and Extended Hours Access start in July (payments/calendar)."""

import csv
import io
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from django.urls import reverse

from organisations.models import ListSize
from payments.models import PaidLine
from payments.reconcile import load_statement, reconcile
from payments.schedule import mark_paid, next_unpaid, schedule

pytestmark = pytest.mark.usefixtures("approved_networks")
YEAR = "2019/20"
APRIL, JULY, AUGUST = date(2019, 4, 1), date(2019, 7, 1), date(2019, 8, 1)


@pytest.fixture
def big(area):
    """This PCN with 50,000 patients: its two practices 25,000 each at 1 January 2019."""
    ListSize.objects.filter(organisation__in=area["practices"][:2]).update(patients=25_000)
    return area["this_pcn"]


def core_row(table, payee="A00001"):
    [rows] = [rows for each, rows in table if each.code == payee]
    [(_, values, total)] = [row for row in rows if row[0] == "Core PCN funding"]
    return values, total


def test_a_50000_patient_network_is_paid_april_to_july_core_in_july(big):
    found = schedule([big], YEAR)
    paid, paid_total = core_row(found.table("paid"))
    assert paid[:3] == [None, None, None]  # nothing is paid in April, May or June
    assert paid[3] == Decimal("25000.00")  # July: four months of core, 50,000 x £1.50 / 12 x 4
    assert paid[4:] == [Decimal("6250.00")] * 8
    earned, earned_total = core_row(found.table("earned"))
    assert earned == [Decimal("6250.00")] * 12  # by month earned, each month its twelfth
    assert paid_total == earned_total == Decimal("75000.00")
    # The whole statement: nothing at all is paid before July.
    [(_, rows)] = [(p, rows) for p, rows in found.table("paid") if p.code == "A00001"]
    assert all(values[i] is None for _, values, _ in rows for i in range(3))


def test_the_csv_names_both_months_and_the_excel_has_a_sheet_for_each_view(
    client, big, commissioner_user
):
    client.force_login(commissioner_user)
    url = reverse("payments_export", args=["U00001", "csv"])
    rows = list(
        csv.DictReader(io.StringIO(client.get(url, {"year": YEAR}).content.decode("utf-8-sig")))
    )
    core = [r for r in rows if r["Entitlement"] == "Core PCN funding"]
    assert [(r["for_month"], r["paid_month"]) for r in core[:5]] == [
        ("2019-04-01", "2019-07-01"),
        ("2019-05-01", "2019-07-01"),
        ("2019-06-01", "2019-07-01"),
        ("2019-07-01", "2019-07-01"),
        ("2019-08-01", "2019-08-01"),
    ]
    book = client.get(reverse("payments_export", args=["U00001", "xlsx"]), {"year": YEAR}).content
    by_paid = pl.read_excel(io.BytesIO(book), sheet_name="Summary")
    by_earned = pl.read_excel(io.BytesIO(book), sheet_name="By month earned")
    paid_row = by_paid.filter(pl.col("Payee ODS code") == "A00001").row(0, named=True)
    earned_row = by_earned.filter(pl.col("Payee ODS code") == "A00001").row(0, named=True)
    assert paid_row["Apr 2019"] == 0 and earned_row["Apr 2019"] == 6250
    assert paid_row["Jul 2019"] > 25000 and paid_row["Total"] == earned_row["Total"]


def test_the_statement_page_shows_by_month_paid_and_by_month_earned(client, big, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("payments", args=["U00001"])
    paid = client.get(url, {"year": YEAR}).text
    assert 'data-view="paid"' in paid and "25,000.00" in paid
    assert "Show by month earned" in paid
    earned = client.get(url, {"year": YEAR, "view": "earned"}).text
    assert 'data-view="earned"' in earned and "25,000.00" not in earned
    assert "Show by month paid" in earned
    assert 'data-view="paid"' in client.get(url, {"year": YEAR, "view": "nonsense"}).text


def test_marking_july_paid_pays_the_lines_paid_in_july(big, finance_user):
    july = mark_paid(pcn=big, month=JULY, by=finance_user)
    core = july.lines.filter(entitlement="core", pcn_code="U00001")
    assert sorted(core.values_list("month", flat=True)) == [date(2019, m, 1) for m in (4, 5, 6, 7)]
    assert not core.filter(arrears=True).exists()
    found = schedule([big], YEAR)
    assert not [s for s in found.lines if not s.paid and s.paid_month <= JULY and s.payable]
    # The next month to pay is the one after July, not April (nothing was paid in April).
    assert next_unpaid({JULY}, found.months) == AUGUST
    # A month paid before the latest one pays only what is paid in it: nothing in 2019's April.
    mark_paid(pcn=big, month=APRIL, by=finance_user)
    assert PaidLine.objects.filter(paid_month__month=APRIL).count() == 0


def test_a_statement_by_month_paid_reconciles_with_no_false_variance(big, finance_user, tmp_path):
    found = schedule([big], YEAR)
    totals: dict = {}
    for item in found.lines:
        if item.payable:
            key = (item.line.payee.code, item.paid_month)
            totals[key] = totals.get(key, Decimal(0)) + item.line.amount
    path = tmp_path / "statement.csv"
    path.write_text(
        "Payee ODS code,Month,Amount\r\n"
        + "".join(f"{code},{month:%Y-%m},{amount}\r\n" for (code, month), amount in totals.items()),
        encoding="utf-8",
    )
    load_statement(path=path, by=finance_user, first_month=APRIL, last_month=date(2020, 3, 1))
    variances, agreed = reconcile(found)
    assert variances == [] and agreed == len(totals)
    assert min(month for _, month in totals) == JULY


def test_arrears_for_the_catch_up_are_paid_in_the_next_unpaid_month(area, big, finance_user):
    """July pays core for April-July on 50,000 patients; a corrected list (51,000) then gives
    arrears for each of those months in August, the next month not yet paid."""
    mark_paid(pcn=big, month=JULY, by=finance_user)
    ListSize.objects.filter(organisation=area["practices"][0]).update(patients=26_000)
    found = schedule([big], YEAR)
    arrears = [s for s in found.lines if s.arrears_for and s.line.entitlement == "core"]
    assert [(s.for_month, s.paid_month, s.line.amount) for s in arrears] == [
        (date(2019, m, 1), AUGUST, Decimal("125.00")) for m in (4, 5, 6, 7)
    ]
    assert all(not s.paid for s in arrears)
    paid, _ = core_row(found.table("paid"))
    assert (paid[3], paid[4]) == (Decimal("25000.00"), Decimal("6375.00"))  # July as paid
    [(_, rows)] = [(p, r) for p, r in found.table("paid") if p.code == "A00001"]
    paid_arrears = {label: values for label, values, _ in rows}["Core PCN funding (arrears)"]
    assert paid_arrears[4] == Decimal("500.00")  # August: four months' arrears
    [(_, rows)] = [(p, r) for p, r in found.table("earned") if p.code == "A00001"]
    earned_arrears = {label: values for label, values, _ in rows}["Core PCN funding (arrears)"]
    assert earned_arrears[:4] == [Decimal("125.00")] * 4 and earned_arrears[4] is None
    august = mark_paid(pcn=big, month=AUGUST, by=finance_user)
    assert august.lines.filter(entitlement="core", arrears=True).count() == 4
    assert PaidLine.objects.filter(paid_month__month=JULY, entitlement="core").count() == 4


def test_the_rates_page_shows_when_each_month_is_paid_with_its_sources(client, commissioner_user):
    client.force_login(commissioner_user)
    shown = client.get(reverse("rates"), {"year": YEAR}).text
    assert "Core PCN funding for April 2019 to July 2019: paid in July 2019" in shown
    assert "Network Participation Payment for April 2019 to June 2019: paid in July 2019" in shown
    later = client.get(reverse("rates"), {"year": "2024/25"}).text
    assert "paid with the statement of the month it is for" in later and "unconfirmed" in later
