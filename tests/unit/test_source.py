"""Reading helpers: extract dates in every NHS spelling, and field counting that respects
quoted commas."""

from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imports.catalogue import qof_date, qof_year_from_name
from imports.source import field_counts, normalise_header, parse_extract_date


@pytest.mark.parametrize(
    "text", ["01JAN2021", "01Jan2021", "01-Jan-21", "2021-01-01", "01-JAN-2021", "01/01/2021"]
)
def test_parse_extract_date_reads_each_publisher_spelling(text):
    assert parse_extract_date(text) == date(2021, 1, 1)


@pytest.mark.parametrize("text", ["", None, "JAN2021", "32JAN2021", "2021-13-01"])
def test_parse_extract_date_refuses_nonsense(text):
    assert parse_extract_date(text) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2068, 12, 31)))
def test_parse_extract_date_round_trips(day):
    for fmt in ("%d%b%Y", "%d-%b-%y", "%Y-%m-%d"):
        assert parse_extract_date(day.strftime(fmt).upper()) == day


field = st.text(
    alphabet=st.characters(exclude_characters='"\n\r', exclude_categories=["Cs"]), max_size=8
)


@given(st.lists(st.tuples(field, st.booleans()), min_size=1, max_size=30))
def test_field_counts_ignore_commas_inside_quotes(fields):
    line = ",".join(f'"{value}"' if quoted or "," in value else value for value, quoted in fields)
    assert field_counts(pl.Series([line]))[0] == len(fields)


def test_normalise_header_ignores_case_spacing_and_punctuation():
    assert normalise_header("Practice CCG and PCN CCG match?") == normalise_header(
        "Practice\nCCG and PCN\nCCG Match "
    )


def test_qof_year_and_dates_come_from_the_catalogue():
    assert qof_year_from_name("PREVALENCE_1819_v2.csv") == "2018/19"
    assert qof_year_from_name("MAPPING_NHS_GEOGRAPHIES_2021.csv") == "2020/21"
    assert qof_year_from_name("PREVALENCE.csv") is None
    assert qof_date("2019/20", "list_size_date") == date(2020, 1, 1)


def test_a_quoted_line_break_is_one_row_not_a_truncated_one():
    from imports.problems import Problems
    from imports.source import SourceFile, read_csv

    text = 'code,comment\nA81001,"first line\nsecond line"\nA81002,plain\n'
    problems = Problems("notes.csv")
    frame = read_csv(SourceFile("notes.csv", text.encode()), problems)
    assert problems.total == 0
    assert frame["comment"].to_list() == ["first line\nsecond line", "plain"]
    assert frame["__row"].to_list() == [2, 3]  # as Excel numbers the rows
    short = read_csv(SourceFile("notes.csv", (text + "A81003\n").encode()), problems)
    assert short is None and problems.total == 1
    assert (problems.items[0].row, problems.items[0].column) == (4, "(whole row)")
