"""Nothing missing in silence: an entitlement whose population is not on file is listed with
the population rule's reason and no amount, left out of every total, and every total (page,
CSV, Excel, PDF, API, the schedule command) says how many it excludes."""

import csv
import io
from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from django.core.management import call_command
from django.urls import reverse

from organisations.models import ListSize, Measure, PopulationFigure
from payments.models import Achievement, PaidLine
from payments.schedule import mark_paid, schedule
from tests import factories as f
from tests.pdfs import pdf_text

# The networks are approved and have a nominated payee (tests/conftest.py), so they are paid.
pytestmark = pytest.mark.usefixtures("approved_networks")

JAN_2024 = date(2024, 1, 1)
NO_ADJUSTED = "no PCN adjusted population for U00002 on or before 1 Jan 2024 (none for A00003)"
# 2024/25 on adjusted populations: core (adjusted part), enhanced access and capacity and
# access support monthly, and the improvement payment once.
ADJUSTED_LINES = 12 * 3 + 1


@pytest.fixture
def year_2024(area):
    """2024 lists and populations for every practice, except no adjusted population for the
    other PCN's one practice; both networks assessed."""
    for practice in area["practices"]:
        f.ListSizeFactory(organisation=practice, extract_date=JAN_2024, patients=10_000)
        PopulationFigure.objects.create(
            organisation=practice, measure=Measure.WEIGHTED, as_at=JAN_2024, value=10_000
        )
    for practice in area["practices"][:2]:
        PopulationFigure.objects.create(
            organisation=practice, measure=Measure.ADJUSTED, as_at=JAN_2024, value=9_000
        )
    for pcn in (area["this_pcn"], area["other_pcn"]):
        Achievement.objects.create(pcn=pcn, year="2024/25", improvement_share=Decimal("0.5"))


def test_a_pcn_without_an_adjusted_population_gets_lines_that_cannot_be_calculated(area, year_2024):
    found = schedule([area["other_pcn"]], "2024/25", known_on=date(2025, 1, 1))
    missing = found.uncalculable
    assert len(missing) == ADJUSTED_LINES
    assert {s.line.missing for s in missing} == {NO_ADJUSTED}
    assert {s.line.basis for s in missing} == {"adjusted"}
    assert all(s.line.amount is None for s in missing)
    assert found.total == sum(s.line.amount for s in found.lines if s.calculable)
    assert found.total > 0  # the registered and weighted lines are still paid
    assert (
        found.missing_note == f"excluding {ADJUSTED_LINES} entitlements that cannot be calculated"
    )
    # The PCN next door, with its populations, is whole.
    assert not schedule([area["this_pcn"]], "2024/25", known_on=date(2025, 1, 1)).uncalculable


def test_a_member_without_a_population_leaves_the_network_line_uncalculated(area, year_2024):
    """Money is never paid on part of a network: one member of two without an adjusted
    population makes the network's adjusted lines cannot-be-calculated, naming it."""
    PopulationFigure.objects.filter(
        organisation=area["practices"][1], measure=Measure.ADJUSTED
    ).delete()
    found = schedule([area["this_pcn"]], "2024/25", known_on=date(2025, 1, 1))
    assert len(found.uncalculable) == ADJUSTED_LINES
    assert {s.line.missing for s in found.uncalculable} == {
        "no PCN adjusted population for U00001 on or before 1 Jan 2024 (none for A00002)"
    }


def test_every_output_lists_the_reason_and_says_what_the_total_excludes(
    client, area, year_2024, commissioner_user
):
    client.force_login(commissioner_user)
    note = f"excluding {ADJUSTED_LINES} entitlements that cannot be calculated"
    page = client.get(reverse("payments", args=["U00002"]), {"year": "2024/25"}).text
    assert note in page and f"cannot be calculated: {NO_ADJUSTED}" in page

    def export(fmt):
        return client.get(
            reverse("payments_export", args=["U00002", fmt]), {"year": "2024/25"}
        ).content

    rows = list(csv.DictReader(io.StringIO(export("csv").decode("utf-8-sig"))))
    missing = [r for r in rows if r["Cannot be calculated"]]
    assert len(missing) == ADJUSTED_LINES and {r["Amount"] for r in missing} == {""}
    assert {r["Cannot be calculated"] for r in missing} == {NO_ADJUSTED}
    assert rows[-1]["Entitlement"] == f"Total, {note}"

    book = io.BytesIO(export("xlsx"))
    summary = pl.read_excel(book, sheet_name="Summary", has_header=False)
    assert any(note in str(cell) for cell in summary.to_series(0).to_list())
    listed = pl.read_excel(book, sheet_name="Cannot be calculated", has_header=False)
    reasons = listed.to_series(listed.width - 1).to_list()
    assert reasons.count(NO_ADJUSTED) == ADJUSTED_LINES

    text = " ".join(pdf_text(export("pdf")).split())
    assert note in text and "cannot be calculated: no PCN adjusted population for U00002" in text

    body = client.get("/api/payments/U00002/", {"year": "2024/25"}).json()
    assert body["cannot_be_calculated_count"] == ADJUSTED_LINES
    assert body["total_note"] == note
    assert {line["cannot_be_calculated"] for line in body["cannot_be_calculated"]} == {NO_ADJUSTED}
    assert all(line["amount"] is None for line in body["cannot_be_calculated"])
    assert Decimal(body["total"]) == sum(
        Decimal(line["amount"]) for line in body["lines"] if line["amount"] is not None
    )


def test_one_entitlement_not_yet_assessed_is_one_that_cannot_be_calculated(
    client, area, year_2024, commissioner_user
):
    """The improvement payment waits for the commissioner's assessment: listed, not paid."""
    Achievement.objects.filter(pcn=area["this_pcn"]).delete()
    note = "excluding 1 entitlement that cannot be calculated"
    client.force_login(commissioner_user)
    page = client.get(reverse("payments", args=["U00001"]), {"year": "2024/25"}).text
    assert note in page and "not yet assessed" in page
    body = client.get("/api/payments/U00001/", {"year": "2024/25"}).json()
    assert body["total_note"] == note and body["cannot_be_calculated_count"] == 1
    (line,) = body["cannot_be_calculated"]
    assert line["entitlement"] == "capacity_access_improvement" and line["month"] == "2025-03-01"


def test_the_schedule_command_exits_3_unless_missing_figures_are_allowed(
    area, year_2024, tmp_path, capsys
):
    out = tmp_path / "u00002.csv"
    args = ["schedule", "--year", "2024/25", "--scope", "U00002", "--out", str(out)]
    with pytest.raises(SystemExit) as exited:
        call_command(*args)
    assert exited.value.code == 3
    warned = capsys.readouterr().err
    assert f"excluding {ADJUSTED_LINES} entitlements that cannot be calculated" in warned
    assert NO_ADJUSTED in warned
    assert out.exists()  # the file is written all the same, with the lines and reasons
    call_command(*args, "--allow-missing")  # exits 0
    assert NO_ADJUSTED in capsys.readouterr().err
    call_command("schedule", "--year", "2024/25", "--scope", "U00001", "--out", str(out))


def test_a_month_paid_without_a_figure_is_made_good_when_it_arrives(area, year_2024, finance_user):
    other = area["other_pcn"]
    mark_paid(pcn=other, month=date(2024, 4, 1), by=finance_user, known_on=date(2024, 6, 1))
    stored = set(PaidLine.objects.values_list("entitlement", flat=True))
    assert "enhanced_access" not in stored and "core_registered" in stored
    still = schedule([other], "2024/25", known_on=date(2024, 6, 1))
    april = [s for s in still.uncalculable if s.line.month == date(2024, 4, 1)]
    assert april and not any(s.paid for s in april)  # listed in its month, never stored
    PopulationFigure.objects.create(
        organisation=area["practices"][2], measure=Measure.ADJUSTED, as_at=JAN_2024, value=9_000
    )
    later = schedule([other], "2024/25", known_on=date(2024, 6, 1))
    arrears = [s for s in later.lines if s.arrears_for and s.line.entitlement == "enhanced_access"]
    assert [(s.arrears_for, s.line.month) for s in arrears] == [
        (date(2024, 4, 1), date(2024, 5, 1))
    ]
    assert arrears[0].line.amount == Decimal("5755.50")  # 9,000 x 7.674 / 12, nothing paid


def test_an_old_list_is_used_with_a_stale_warning(area, settings):
    """The standing cast's lists are of 1 Jan 2019: 2020/21 pays on them and says so."""
    settings.POPULATION_STALE_MONTHS = 6
    found = schedule([area["this_pcn"]], "2020/21", known_on=date(2021, 1, 1))
    core = next(s.line for s in found.lines if s.line.entitlement == "core")
    assert core.amount == Decimal("2500.00")
    assert (
        "[figure from 1 Jan 2019, 1 year older than 1 Jan 2020 (over 6 months)]"
        in core.basis_source
    )


def test_a_later_list_is_never_used_for_payments(area):
    """Lists only from after the basis date: the line cannot be calculated, rather than being
    paid on a figure the rates do not name."""
    ListSize.objects.update(extract_date=date(2024, 6, 1))
    found = schedule([area["this_pcn"]], "2024/25", known_on=date(2025, 1, 1))
    core = [s.line for s in found.lines if s.line.entitlement == "core_registered"]
    assert core and all(line.amount is None for line in core)
    assert core[0].missing == (
        "no registered list for U00001 on or before 1 Jan 2024 (none for A00001, A00002)"
    )
