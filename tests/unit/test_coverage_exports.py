"""The coverage return's CSV, workbook and one-page PDF, built from a Coverage made by hand."""

import csv
from datetime import date
from io import BytesIO, StringIO

import fastexcel
import polars as pl
import pytest

from organisations.models import Organisation
from pcnhub.pdf import latin1
from registrations.coverage import Coverage, MilestoneProgress, Network, UncoveredPractice
from registrations.exports import (
    NETWORK_HEADER,
    UNCOVERED_HEADER,
    coverage_pdf,
    coverage_xlsx,
    network_rows,
    networks_csv,
    uncovered_csv,
)
from registrations.models import Registration
from registrations.years import des_year
from tests.pdfs import page_count, pdf_text

YEAR = des_year("2019/20")
COMMISSIONER = Organisation(code="01X", name="Test Commissioner", kind="commissioner")


def network(code: str, name: str, practices: int, size: int, status: str = "approved"):
    pcn = Organisation(code=code, name=name, kind="pcn")
    registration = Registration(
        pcn=pcn, commissioner=COMMISSIONER, des_year="2019/20", status=status
    )
    return Network(
        registration=registration,
        status=status,
        practices=practices,
        list_size=size,
        under_minimum=size < 30_000,
        over_maximum=size > 50_000,
    )


def uncovered(i: int, patients: int | None = 4_321, ods_pcn: str = ""):
    practice = Organisation(code=f"P{i:05d}", name=f"Practice {i}", kind="practice")
    return UncoveredPractice(practice, patients, ods_pcn)


def make_coverage(area=COMMISSIONER, networks=None, uncovered_practices=None) -> Coverage:
    return Coverage(
        day=date(2019, 7, 1),
        area=area,
        year=YEAR,
        practices=5,
        practices_covered=4,
        practices_in_ods_pcn=5,
        patients=100_000,
        patients_covered=91_234,
        size_dates=(date(2019, 1, 1),),
        list_bases=[("QOF list size at 1 Jan 2019", 5)],
        list_sources=("PREVALENCE_1819.csv",),
        uncovered=[uncovered(1, ods_pcn="U00009")]
        if uncovered_practices is None
        else uncovered_practices,
        networks=[
            network("U00001", "Big PCN", 3, 61_000),
            network("U00002", "Middle PCN", 2, 35_000, status="submitted"),
            network("U00003", "Lone PCN", 1, 31_000),
        ]
        if networks is None
        else networks,
        progress=[
            MilestoneProgress("PCNs submit their registration", date(2019, 5, 15), 3, 3, 0),
            MilestoneProgress("Commissioners confirm", date(2019, 5, 31), 2, 3, 1),
        ],
        variations_signed=4,
        variations_total=6,
        minimum=30_000,
        maximum=50_000,
    )


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(text)))


def test_networks_csv_has_the_header_and_parses_back():
    text = networks_csv(make_coverage())
    assert text.splitlines()[0].split(",") == list(NETWORK_HEADER)
    assert "\r\n" in text
    rows = parse_csv(text)
    assert [r["PCN ODS code"] for r in rows] == ["U00001", "U00002", "U00003"]
    big = rows[0]
    assert big["Area code"] == "01X"
    assert big["Area name"] == "Test Commissioner"
    assert big["As at"] == "2019-07-01"
    assert big["DES year"] == "2019/20"
    assert big["Commissioner code"] == "01X"
    assert big["Status"] == "Approved"
    assert big["Member practices"] == "3"
    assert big["List size (1 January)"] == "61000"
    assert rows[1]["Status"] == "Submitted"


def test_networks_csv_writes_booleans_as_yes_no():
    rows = parse_csv(networks_csv(make_coverage()))
    flags = [(r["Under minimum"], r["Over guide maximum"], r["Single practice"]) for r in rows]
    assert flags == [("No", "Yes", "No"), ("No", "No", "No"), ("No", "No", "Yes")]


def test_england_uses_eng():
    rows = parse_csv(uncovered_csv(make_coverage(area=None)))
    assert (rows[0]["Area code"], rows[0]["Area name"]) == ("ENG", "England")


def test_uncovered_csv_leaves_unknown_patients_blank():
    coverage = make_coverage(
        uncovered_practices=[uncovered(1, 12_345, "U00009"), uncovered(2, None)]
    )
    text = uncovered_csv(coverage)
    assert text.splitlines()[0].split(",") == list(UNCOVERED_HEADER)
    rows = parse_csv(text)
    assert [(r["Practice ODS code"], r["Patients"], r["ODS PCN"]) for r in rows] == [
        ("P00001", "12345", "U00009"),
        ("P00002", "", ""),
    ]


def test_network_rows_can_take_a_subset():
    coverage = make_coverage()
    header, *rows = network_rows(coverage, coverage.outliers)
    assert header == NETWORK_HEADER
    assert [row[4] for row in rows] == ["U00001", "U00003"]


def test_workbook_has_the_five_sheets_with_their_rows():
    coverage = make_coverage(uncovered_practices=[uncovered(i) for i in range(1, 8)])
    data = coverage_xlsx(coverage)
    assert fastexcel.read_excel(data).sheet_names == [
        "Summary",
        "Networks",
        "Not covered",
        "PCN sizes",
        "Outliers",
    ]
    networks = pl.read_excel(BytesIO(data), sheet_name="Networks")
    assert networks.columns == list(NETWORK_HEADER)
    assert networks.height == 3
    assert networks["List size (1 January)"].to_list() == [61_000, 35_000, 31_000]
    assert networks["Single practice"].to_list() == ["No", "No", "Yes"]
    assert networks["As at"].to_list()[0] == date(2019, 7, 1)
    assert pl.read_excel(BytesIO(data), sheet_name="Not covered").height == 7
    outliers = pl.read_excel(BytesIO(data), sheet_name="Outliers")
    assert outliers["PCN ODS code"].to_list() == ["U00001", "U00003"]


def test_workbook_summary_stores_percentages_as_fractions():
    data = coverage_xlsx(make_coverage())
    summary = pl.read_excel(BytesIO(data), sheet_name="Summary", has_header=False)
    values = dict(zip(summary[:, 0].to_list(), summary[:, 1].to_list(), strict=True))
    assert float(values["% practices in an approved PCN"]) == pytest.approx(0.8)
    assert float(values["% patients in an approved PCN"]) == pytest.approx(0.912)
    assert values["Contract variations signed"] == "4 of 6"
    assert "Commissioners confirm" in values  # the progress table follows


def test_pdf_is_one_page():
    data = coverage_pdf(make_coverage())
    assert data.startswith(b"%PDF")
    assert page_count(data) == 1
    text = pdf_text(data)
    assert "PCN coverage: Test Commissioner" in text
    assert "As at 1 July 2019, DES year 2019/20" in text
    assert "80.0%" in text and "91.2%" in text
    assert "Networks outside the size rules (2 of 3)" in text
    assert "Practice 1" in text and "more" not in text
    # The footer names the lists counted, here QOF list sizes, not "NHS Digital extracts".
    assert "lists counted: QOF list size at 1 Jan 2019 (5 practices)" in text
    assert "from PREVALENCE_1819.csv" in text and "NHS Digital extracts" not in text


def test_pdf_stays_on_one_page_with_a_large_area():
    coverage = make_coverage(
        networks=[
            network(f"U{i:05d}", f"PCN {i}", 1 + i % 4, 20_000 + i * 200) for i in range(300)
        ],
        uncovered_practices=[uncovered(i) for i in range(200)],
    )
    coverage.size_dates = tuple(date(2019, m, 1) for m in range(1, 13))
    coverage.list_bases = [(f"registered list at 1 {m} 2019", 10) for m in range(1, 13)]
    coverage.list_warnings = tuple(f"stale figure {i}" for i in range(6))
    data = coverage_pdf(coverage)
    assert page_count(data) == 1
    text = pdf_text(data)
    assert "Practice 9" in text and "Practice 10" not in text
    assert "and 190 more" in text
    assert "and 9 more (dated 1 January 2019 to 1 December 2019 (12 dates))" in text
    assert "Note: stale figure 2" in text and "and 3 more notes" in text


def test_pdf_survives_text_outside_latin1():
    coverage = make_coverage(
        uncovered_practices=[uncovered(1)],
        networks=[network("U00001", "St Mary\u2019s \u2013 North \u2603", 2, 40_000)],
    )
    coverage.uncovered[0].practice.name = "The \u201cHealth\u201d Centre"
    assert page_count(coverage_pdf(coverage)) == 1


def test_latin1_replaces_typographic_characters():
    assert latin1("St Mary\u2019s \u2013 \u201cNorth\u201d\u2026 \u2603 £5") == (
        'St Mary\'s - "North"... ? £5'
    )


def test_an_empty_area_with_no_year_still_exports():
    empty = Coverage(day=date(2019, 1, 1), area=None, year=None)
    assert networks_csv(empty).splitlines() == [",".join(NETWORK_HEADER)]
    data = coverage_xlsx(empty)
    assert pl.read_excel(BytesIO(data), sheet_name="Networks").columns == list(NETWORK_HEADER)
    pdf = coverage_pdf(empty)
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    assert "PCN coverage: England" in text
    assert "n/a" in text
    assert "lists counted: no list on file" in text


def test_sizes_csv_and_paper_give_the_distribution_with_its_lists():
    from registrations.distribution import distribution
    from registrations.exports import sizes_csv

    coverage = make_coverage()
    coverage.sizes = distribution([(1, 20_000), (3, 40_000), (12, 60_000)])
    coverage.size_bases = [("QOF list size", 3)]
    coverage.sizes_dates = (date(2020, 1, 1),)
    figures = {row[4]: row[5] for row in csv.reader(StringIO(sizes_csv(coverage)))}
    assert [figures[k] for k in ("Below 30,000", "30,000 to 50,000", "Above 50,000")] == [
        "1",
        "1",
        "1",
    ]
    assert figures["50th percentile of PCN size"] == "40000.0"
    assert figures["Lists used"] == "QOF list size (3 PCNs)"
    assert figures["List dates"] == "2020-01-01"
    paper = pdf_text(coverage_pdf(coverage))
    assert "Percentiles of PCN size (Excel PERCENTILE.INC): 10th 24,000.0" in paper


def unsizable(code: str = "U00004"):
    """A network with a member without a list: no size, judged against neither threshold."""
    pcn = Organisation(code=code, name="Gap PCN", kind="pcn")
    registration = Registration(
        pcn=pcn, commissioner=COMMISSIONER, des_year="2019/20", status="approved"
    )
    note = "cannot be calculated: no registered list for P00042 on or before 1 Jan 2019"
    return Network(registration, "approved", 2, None, False, False, list_note=note)


def test_a_network_that_cannot_be_sized_is_blank_with_its_note_in_every_export():
    coverage = make_coverage(networks=[network("U00001", "Big PCN", 3, 61_000), unsizable()])
    rows = parse_csv(networks_csv(coverage))
    assert [
        (r["List size (1 January)"], r["List size note"][:20], r["Under minimum"]) for r in rows
    ] == [("61000", "", "No"), ("", "cannot be calculated", "")]
    data = coverage_xlsx(coverage)
    for sheet in ("Networks", "Outliers"):
        table = pl.read_excel(BytesIO(data), sheet_name=sheet)
        assert table["List size (1 January)"].to_list()[-1] is None, sheet
        assert table["List size note"].to_list()[-1].endswith("P00042 on or before 1 Jan 2019")
    assert coverage.networks_not_sized == coverage.networks[1:]
    assert sum(count for _, count in coverage.size_distribution()) == 1
    paper = pdf_text(coverage_pdf(coverage))
    assert "Networks outside the size rules (2 of 2)" in paper
    assert "List size cannot be calculated" in paper


def test_the_workbook_and_paper_give_the_list_warnings_the_page_gives():
    coverage = make_coverage()
    warning = "figure from 1 Jan 2018, 1 year 6 months older than 1 Jul 2019 (over 6 months)"
    coverage.list_warnings = (warning,)
    summary = pl.read_excel(
        BytesIO(coverage_xlsx(coverage)), sheet_name="Summary", has_header=False
    )
    assert [warning] == [row[1] for row in summary.iter_rows() if row[0] == "List warning"]
    assert f"Note: {warning}" in pdf_text(coverage_pdf(coverage))
