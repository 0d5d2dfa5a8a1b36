"""Spreadsheet safety: no text cell a person typed ever runs as a formula, and our own CSVs
read back as they were typed."""

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imports.problems import Problems
from imports.source import SourceFile, read_csv
from pcnhub.spreadsheet import FORMULA_STARTS, SafeWriter, csv_text, safe_workbook

DANGEROUS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_each_formula_start_is_written_as_text(value):
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", ["-25.00", "+3", "120000.50", "Surgery = good", "it's"])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert csv_text(value) == value


@given(st.text())
def test_no_written_cell_starts_a_formula_unless_a_plain_number(value):
    written = csv_text(value)
    assert (
        not written.startswith(FORMULA_STARTS) or written.lstrip("+-").replace(".", "", 1).isdigit()
    )


def test_a_csv_of_dangerous_names_reads_back_as_typed():
    out = io.StringIO()
    names = DANGEROUS[:4]  # the importer strips leading tabs and carriage returns anyway
    SafeWriter(out).writerows([["name", "amount"], *[[name, "-25.00"] for name in names]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert all(row[0].startswith("'") for row in rows[1:]) and rows[1][1] == "-25.00"
    frame = read_csv(SourceFile("names.csv", out.getvalue().encode()), Problems("names.csv"))
    assert frame["name"].to_list() == names


def test_a_workbook_never_turns_text_into_a_formula():
    out = io.BytesIO()
    book = safe_workbook(out)
    sheet = book.add_worksheet()
    for row, value in enumerate(DANGEROUS):
        sheet.write(row, 0, value)
    book.close()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as xlsx:
        assert "<f>" not in xlsx.read("xl/worksheets/sheet1.xml").decode()
