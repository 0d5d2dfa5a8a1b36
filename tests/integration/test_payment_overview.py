"""The area overview through HTTP: commissioner, ICS, region and England pages (a row per
network and payee, each opening its statement), scope, a bounded number of queries; and the
area's PDF and Excel built by the background worker, served again while nothing changes and
built anew once a month is marked paid."""

import io
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from django.core.management import call_command
from django.urls import reverse

from payments.area_exports import build
from payments.inputs import pcns_in
from payments.models import AreaExport
from payments.schedule import mark_paid, schedule
from tests import factories as f
from tests.pdfs import page_texts

pytestmark = pytest.mark.usefixtures("approved_networks")
YEAR = "2019/20"
JULY = date(2019, 7, 1)


def page(client, user, *code, **query):
    client.force_login(user)
    name = "payments" if code else "payments_england"
    return client.get(reverse(name, args=code), {"year": YEAR, **query})


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def test_the_commissioners_page_is_its_overview_with_a_row_per_network_and_payee(
    client, area, finance_user
):
    shown = page(client, finance_user, "01X")
    assert shown.status_code == 200
    text = shown.text
    assert 'id="overview-table"' in text and "data-payee=" in text
    assert "nhsuk-table pcnhub-money" not in text  # the per-payee tables are gone
    rows = shown.context["overview"].rows
    assert [(r.network.code, r.label) for r in rows] == [
        ("U00002", "Surgery 3 (A00003)"),
        ("U00002", "Member practices' own payments (1 practice)"),
        ("U00001", "Surgery 1 (A00001)"),
        ("U00001", "Member practices' own payments (2 practices)"),
    ]
    for code in ("U00001", "U00002"):
        assert f'href="/payments/{code}/?year=2019/20&amp;view=paid"' in text
    total = schedule(pcns_in(area["commissioner"], YEAR), YEAR).total
    assert (
        f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-total>{money(total)}'
        in (text)
    )
    # The practices' participation payments have no weighted population: counted, not zero.
    assert "excluding 36 entitlements that cannot be calculated" in text
    assert "12 cannot be calculated" in text
    # July 2019 is the first statement: nothing paid yet, the changes are against June.
    assert "What changed in July 2019" in text
    assert "Core PCN funding: +£" in text
    assert "Totals by entitlement" in text and "Download commissioner PDF" in text


def test_a_finance_users_payments_link_lands_on_their_overview(client, area, finance_user):
    client.force_login(finance_user)
    landed = client.get(reverse("payments_england"), follow=True)
    assert landed.redirect_chain == [("/payments/01X/", 302)]
    assert 'id="overview-table"' in landed.text


def test_the_ics_and_region_pages_are_overviews_too(
    client, area, programme_office_user, assurance_user
):
    assert "Download STP/ICS PDF" in page(client, programme_office_user, "Q01").text
    shown = page(client, assurance_user, "Y01")
    assert len(shown.context["overview"].rows) == 4
    assert "Download region Excel" in shown.text


def test_englands_page_has_a_row_per_region_opening_its_overview(client, area):
    viewer = f.UserFactory(username="national")
    f.RoleAssignmentFactory(user=viewer, role="national_viewer")
    shown = page(client, viewer)
    [row] = shown.context["overview"].rows
    assert (row.network.code, row.label) == ("Y01", "2 networks and their practices")
    assert 'href="/payments/Y01/?year=2019/20&amp;view=paid"' in shown.text
    assert "Download England PDF" in shown.text


def test_by_month_earned_is_the_same_total_spread_otherwise(client, area, finance_user):
    paid = page(client, finance_user, "01X").context["overview"]
    earned = page(client, finance_user, "01X", view="earned").context["overview"]
    assert paid.total == earned.total
    assert paid.month_totals[0] is None and earned.month_totals[0] is not None


def test_a_network_not_approved_is_a_row_with_its_withheld_count(client, area, finance_user):
    from registrations.models import Registration

    Registration.objects.filter(pcn=area["other_pcn"]).delete()
    rows = page(client, finance_user, "01X").context["overview"].rows
    other = [r for r in rows if r.network.code == "U00002" and r.payee]
    assert other and all(r.total == 0 and r.withheld for r in other)


def test_out_of_scope_users_get_404(client, area, this_pcn_manager, outsider):
    for user in (this_pcn_manager, outsider):
        assert page(client, user, "01X").status_code == 404
        assert client.post(reverse("area_export", args=["01X", "pdf"])).status_code == 404
    assert page(client, this_pcn_manager, "U00001").status_code == 200  # its own statement


@pytest.mark.parametrize("extra", [0, 8])
def test_the_overview_makes_a_bounded_number_of_queries(
    client, area, finance_user, django_assert_max_num_queries, extra
):
    f.more_networks(area["commissioner"], extra)
    client.force_login(finance_user)
    with django_assert_max_num_queries(30):
        shown = client.get(reverse("payments", args=["01X"]), {"year": YEAR})
    assert len({r.network for r in shown.context["overview"].rows}) == 2 + extra


def test_the_area_pdf_and_excel_hold_the_overview(area):
    pdf, _ = build(area["commissioner"], YEAR, "paid", "pdf")
    found = schedule(pcns_in(area["commissioner"], YEAR), YEAR)
    first = page_texts(pdf)[0]
    assert "Payment overview 2019/20: NHS Test CCG (01X)" in first
    assert f"Total £{money(found.total)}" in first
    assert "Surgery 1 (A00001)" in first and "Member practices' own payments" in first
    xlsx, _ = build(area["commissioner"], YEAR, "paid", "xlsx")
    sheet = pl.read_excel(io.BytesIO(xlsx), sheet_name="Overview", read_options={"header_row": 3})
    [total] = sheet.filter(pl.col("Paid to") == "Total")["Total"]
    assert Decimal(f"{total:.2f}") == found.total
    entitlements = pl.read_excel(io.BytesIO(xlsx), sheet_name="Entitlements")
    assert "Core PCN funding" in list(entitlements["Entitlement"])


@pytest.mark.django_db(transaction=True)
def test_an_export_is_built_in_the_background_and_kept_until_a_month_is_paid(
    client, area, finance_user, outsider, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(finance_user)
    start = reverse("area_export", args=["01X", "pdf"]) + f"?year={YEAR}&view=paid"
    asked = client.post(start, headers={"HX-Request": "true"})
    export = AreaExport.objects.get()
    assert (export.status, export.requested_by) == ("queued", finance_user)
    assert 'role="progressbar"' in asked.text and "hx-get" in asked.text
    assert "Waiting for the export worker" in asked.text
    progress = reverse("area_export_progress", args=[export.pk])
    download = reverse("area_export_download", args=[export.pk])
    assert client.get(download).status_code == 404  # not built yet

    call_command("db_worker", batch=True, verbosity=0, startup_delay=False)
    done = client.get(progress, headers={"HX-Request": "true"})
    assert "hx-get" not in done.text and 'aria-valuenow="100"' in done.text
    assert 'id="download-area-pdf"' in done.text
    got = client.get(download)
    assert got["Content-Type"] == "application/pdf"
    assert 'filename="pcn-overview-01X-2019-20-paid.pdf"' in got["Content-Disposition"]
    assert page_texts(b"".join(got.streaming_content))[0].startswith("Payment overview")

    # Nothing changed: the same file, at once, with no new build.
    again = client.post(start, headers={"HX-Request": "true"})
    assert AreaExport.objects.count() == 1 and 'id="download-area-pdf"' in again.text
    # Without htmx the page is shown with the export's progress.
    plain = client.post(start)
    assert plain.url == f"/payments/01X/?year={YEAR}&view=paid&export={export.pk}#area-export"
    assert 'id="download-area-pdf"' in client.get(plain.url).text

    # Someone who may not see the area can neither follow nor fetch it.
    client.force_login(outsider)
    assert client.get(progress).status_code == 404
    assert client.get(download).status_code == 404

    # A month marked paid changes the fingerprint: a new file is built.
    mark_paid(pcn=area["this_pcn"], month=JULY, by=finance_user)
    client.force_login(finance_user)
    client.post(start, headers={"HX-Request": "true"})
    assert AreaExport.objects.count() == 2
    newer = AreaExport.objects.first()
    assert newer.status == "queued" and newer.fingerprint != export.fingerprint
