"""Payment pages through HTTP: statements with every line explained, exports that match,
marking months paid, the rate tables and revisions, and scope."""

import csv
import io
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from django.urls import reverse

from payments.models import PaidMonth, RateVersion
from tests import factories as f

# The networks are approved and have a nominated payee (tests/conftest.py), so they are paid.
pytestmark = pytest.mark.usefixtures("approved_networks")


def get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def test_the_pcn_statement_shows_each_line_with_its_formula_and_source(
    client, area, this_pcn_manager
):
    shown = get(client, this_pcn_manager, "payments", "U00001", year="2019/20")
    assert shown.status_code == 200
    text = shown.text
    assert "Core PCN funding" in text and "Clinical Director contribution" in text
    assert (
        "20,000 registered patients x £1.50 a year / 12 = £2,500.0000, rounded to £2,500.00" in text
    )
    assert "sum of 2 practices&#x27; registered list at 1 Jan 2019" in text
    # No weighted populations on file: the practices' participation payments are listed, not
    # paid, and the total says so.
    assert "excluding 24 entitlements that cannot be calculated" in text
    assert (
        "cannot be calculated: no contractor weighted population for A00001 on or before "
        "1 Jan 2019" in text
    )
    assert "Seed 003 quotes £0.51 per patient" in text  # the seed's figure, noted on the rate
    assert "Mark" not in text  # only finance marks months paid


def test_a_pcn_manager_cannot_see_another_pcns_payments(client, area, this_pcn_manager):
    assert get(client, this_pcn_manager, "payments", "U00002").status_code == 404
    assert get(client, this_pcn_manager, "payments_export", "U00002", "csv").status_code == 404
    assert get(client, this_pcn_manager, "payments_england").status_code == 302


def test_the_excel_and_csv_exports_hold_the_page_figures(client, area, commissioner_user):
    xlsx = get(client, commissioner_user, "payments_export", "U00001", "xlsx", year="2019/20")
    assert xlsx["Content-Disposition"].endswith('2019-20.xlsx"')
    summary = pl.read_excel(io.BytesIO(xlsx.content), sheet_name="Summary")
    assert summary["Total"][0] == pytest.approx(20_000 * (1.5 + 0.5143 + 1.099), abs=0.1)
    rows = list(
        csv.DictReader(
            io.StringIO(
                get(
                    client, commissioner_user, "payments_export", "U00001", "csv", year="2019/20"
                ).content.decode("utf-8-sig")
            )
        )
    )
    core = [r for r in rows if r["Entitlement"] == "Core PCN funding"]
    assert len(core) == 12 and {r["Amount"] for r in core} == {"2500.00"}
    assert sum(Decimal(r["Amount"]) for r in rows if r["Amount"]) == Decimal(
        str(round(summary["Total"][0], 2))
    )
    missing = [r for r in rows if r["Cannot be calculated"]]
    assert len(missing) == 24 and not any(r["Amount"] for r in missing)
    assert rows[-1]["Entitlement"] == "Total, excluding 24 entitlements that cannot be calculated"


def test_finance_marks_the_next_month_paid(client, area, finance_user, commissioner_user):
    client.force_login(finance_user)
    page = client.get(reverse("payments", args=["U00001"]), {"year": "2019/20"})
    # Nothing is paid in April-June 2019: the first statement, July's, pays core for April-July.
    assert "Mark July 2019 paid" in page.text
    marked = client.post(reverse("payments_paid", args=["U00001"]), {"month": "2019-07-01"})
    assert marked.status_code == 302
    assert PaidMonth.objects.filter(pcn=area["this_pcn"], month=date(2019, 7, 1)).exists()
    page = client.get(reverse("payments", args=["U00001"]), {"year": "2019/20"})
    assert "Mark August 2019 paid" in page.text
    client.force_login(commissioner_user)
    refused = client.post(reverse("payments_paid", args=["U00001"]), {"month": "2019-05-01"})
    assert refused.status_code == 404


UPLIFT = {
    "entitlement": "core",
    "value": "1.55",
    "label": "2023/24 local uplift",
    "published": "2023-09-01",
    "effective_from": "2023-04-01",
    "source": "letter",
    "status": "confirmed",
    "note": "",
    "supersedes": "2023/24 Network Contract DES",
    "reason": "the uplift letter",
}


def test_rates_page_lists_versions_and_finance_proposes_a_revision(
    client, db, area, finance_user, commissioner_user
):
    shown = get(client, commissioner_user, "rates", year="2024/25")
    assert "2024/25 revision (September 2024)" in shown.text and "derived" in shown.text.lower()
    assert "Propose a revision" not in shown.text
    assert get(client, commissioner_user, "rate_revise").status_code == 404
    client.force_login(finance_user)
    url = reverse("rate_revise") + "?year=2023/24"
    bad = client.post(url, {**UPLIFT, "label": "x", "published": "2023-01-01"})
    assert "There is a problem" in bad.text and "published must be after" in bad.text
    good = client.post(url, UPLIFT)
    assert good.status_code == 302
    proposal = RateVersion.objects.get(label="2023/24 local uplift")
    assert (proposal.created_by, proposal.status) == (finance_user, "proposed")


def test_a_proposal_is_listed_and_decided_only_by_a_second_england_finance_user(
    client, area, finance_user, commissioner_user, england_finance, second_england_finance
):
    client.force_login(finance_user)
    client.post(
        reverse("rate_revise") + "?year=2019/20",
        {
            **UPLIFT,
            "value": "1.60",
            "label": "2019/20 local uplift",
            "published": "2019-06-01",
            "effective_from": "2019-04-01",
            "supersedes": "2019/20 Network Contract DES",
        },
    )
    proposal = RateVersion.objects.get(label="2019/20 local uplift")
    decide = reverse("rate_decide", args=[proposal.pk])
    for person in (commissioner_user, finance_user):  # a viewer; the proposer, local finance
        page = get(client, person, "rates", year="2019/20")
        assert "proposed, awaiting a second approver" in page.text
        assert "the uplift letter" in page.text and "Proposed by finance" in page.text
        assert decide not in page.text
        assert client.get(decide).status_code == 404
        assert client.post(decide, {"decision": "approve"}).status_code == 404
    client.force_login(england_finance)
    in_api = lambda: [v["label"] for v in client.get("/api/rates/?year=2019/20").json()]  # noqa: E731
    assert in_api() == ["2019/20 Network Contract DES"]
    assert decide in client.get(reverse("rates"), {"year": "2019/20"}).text
    confirm = client.get(decide)
    assert ">Approve</button>" in confirm.text and ">Reject</button>" in confirm.text
    # What it changes for every network in England: 20,000 patients at £1.60, not £1.50.
    assert "£30000.00" in confirm.text and "£32000.04" in confirm.text
    refused = client.post(decide, {"decision": "reject", "reason": ""})
    assert "say why the revision is rejected" in refused.text
    approved = client.post(decide, {"decision": "approve", "reason": "checked"})
    assert approved.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.approved_by) == ("approved", england_finance)
    assert in_api()[-1] == "2019/20 local uplift"
    page = get(client, second_england_finance, "rates", year="2019/20")
    assert "awaiting a second approver" not in page.text and "2019/20 local uplift" in page.text
    assert client.get(decide).status_code == 404  # decided once


def test_approving_a_stale_proposal_through_the_page_says_why_and_saves_nothing(
    client, area, finance_user, england_finance, second_england_finance
):
    client.force_login(finance_user)
    url = reverse("rate_revise") + "?year=2023/24"
    client.post(url, UPLIFT)
    client.post(url, {**UPLIFT, "label": "rival", "published": "2023-10-01"})
    first, rival = RateVersion.objects.filter(status="proposed").order_by("published")
    client.force_login(england_finance)
    client.post(reverse("rate_decide", args=[first.pk]), {"decision": "approve"})
    refused = client.post(reverse("rate_decide", args=[rival.pk]), {"decision": "approve"})
    assert (
        refused.status_code == 200 and "&#x27;rival&#x27; can no longer be approved" in refused.text
    )
    rival.refresh_from_db()
    assert rival.status == "proposed"


@pytest.mark.parametrize("extra", [0, 10])
def test_the_statement_takes_a_bounded_number_of_queries(
    client, area, commissioner_user, django_assert_max_num_queries, extra
):
    for i in range(extra):
        practice = f.PracticeFactory(code=f"B8{i:04d}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"])
        f.ListSizeFactory(organisation=practice, patients=5_000)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(25):
        assert (
            client.get(reverse("payments", args=["U00001"]), {"year": "2019/20"}).status_code == 200
        )


def test_the_pdf_statement_and_the_schedule_command(client, area, commissioner_user, tmp_path):
    from django.core.management import CommandError, call_command

    pdf = get(client, commissioner_user, "payments_export", "U00001", "pdf", year="2019/20")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    out = tmp_path / "u00001.xlsx"
    call_command(
        "schedule",
        "--year",
        "2019/20",
        "--scope",
        "U00001",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--allow-missing",  # the standing cast has no weighted populations
    )
    summary = pl.read_excel(out, sheet_name="Summary")
    assert summary["Total"][0] == pytest.approx(62_266, abs=1)
    with pytest.raises(CommandError, match="no rates for '2031/32'"):
        call_command("schedule", "--year", "2031/32")
    with pytest.raises(CommandError, match="no PCN, commissioner"):
        call_command("schedule", "--year", "2019/20", "--scope", "ZZZ")


def test_a_draft_revision_is_previewed_without_saving(client, area, finance_user):
    client.force_login(finance_user)
    url = reverse("rate_revise") + "?year=2019/20"
    preview = client.post(
        url,
        {
            "entitlement": "core",
            "value": "1.60",
            "label": "draft",
            "published": "2019-06-01",
            "effective_from": "2019-04-01",
            "source": "draft letter",
            "status": "confirmed",
            "note": "",
            "supersedes": "2019/20 Network Contract DES",
            "reason": "a draft",
            "preview": "1",
        },
    )
    assert preview.status_code == 200
    # 20,000 patients at £1.60: £2,666.67 a month (rounded once a line), £32,000.04 a year
    assert "£30000.00" in preview.text and "£32000.04" in preview.text
    assert not RateVersion.objects.filter(label="draft").exists()


def test_the_commissioner_enters_beds_points_and_the_assessed_share(
    client, area, commissioner_user, this_pcn_manager
):
    from payments.models import Achievement, CareHomeBeds

    url = reverse("payment_inputs", args=["U00001"]) + "?year=2023/24"
    assert get(client, this_pcn_manager, "payment_inputs", "U00001").status_code == 404
    client.force_login(commissioner_user)
    bad = client.post(url, {"beds_2023_05": "-3", "improvement_share": "120", "reason": "CQC"})
    assert "There is a problem" in bad.text
    assert not CareHomeBeds.objects.exists()
    saved = client.post(
        url, {"beds_2023_05": "40", "improvement_share": "75", "reason": "CQC directory, May"}
    )
    assert saved.status_code == 302
    beds = CareHomeBeds.objects.get(pcn=area["this_pcn"], month=date(2023, 5, 1))
    assert beds.beds == 40 and beds.history.first().history_user == commissioner_user
    assert Achievement.objects.get(
        pcn=area["this_pcn"], year="2023/24"
    ).improvement_share == Decimal("0.75")
    statement = client.get(reverse("payments", args=["U00001"]), {"year": "2023/24"})
    assert "40 care home beds x £120.00 a year / 12" in statement.text


def test_beds_load_from_a_spreadsheet_or_not_at_all(client, area, commissioner_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from payments.models import CareHomeBeds

    client.force_login(commissioner_user)
    url = reverse("payment_inputs", args=["U00001"]) + "?year=2023/24"
    header = "PCN ODS code,Month,Beds\r\n"
    refused = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "beds.csv", (header + "U00001,2023-05,12\r\nU00001,2023-06,many\r\n").encode()
            )
        },
    )
    assert "The beds file was not loaded" in refused.text and "many" in refused.text
    assert not CareHomeBeds.objects.exists()
    loaded = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "beds.csv", (header + "U00001,2023-05,12\r\nU00001,Jun 2023,14\r\n").encode()
            )
        },
    )
    assert loaded.status_code == 302
    assert sorted(CareHomeBeds.objects.values_list("beds", flat=True)) == [12, 14]


def test_the_pcn_records_its_share_out_and_sees_each_practice_by_month(
    client, area, this_pcn_manager, other_pcn_manager
):
    url = reverse("share_out", args=["U00001"]) + "?year=2019/20"
    client.force_login(this_pcn_manager)
    assert "No share-out rule is recorded" in client.get(url).text
    bad = client.post(url, {"entitlement": "", "method": "percentage", "weights": "A00001=sixty"})
    assert "expected CODE=number" in bad.text
    client.post(url, {"entitlement": "", "method": "percentage", "weights": "A00001=60, A00002=35"})
    shown = client.get(url).text
    assert "not shared out" in shown  # 95% agreed
    client.post(url, {"entitlement": "", "method": "registered", "weights": ""})
    shown = client.get(url)
    result = shown.context["result"]
    assert result.shared == result.received and not result.warnings
    totals = {practice.code: total for practice, _, total in result.rows()}
    # Equal lists, equal shares, but for odd pennies, which go to the lower code.
    assert Decimal(0) <= totals["A00001"] - totals["A00002"] <= Decimal("0.01") * 30
    client.force_login(other_pcn_manager)
    assert client.post(url, {"entitlement": "", "method": "equal"}).status_code == 404
