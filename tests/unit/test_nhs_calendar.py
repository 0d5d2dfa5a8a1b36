"""The NHS financial calendar: years, quarters and halves, their boundaries, and parsing."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcnhub.nhs_calendar import (
    financial_year,
    half,
    half_of,
    months,
    parse,
    periods,
    quarter,
    quarter_of,
    year_of,
)


def test_quarters_and_halves_of_a_year():
    assert quarter("2019/20", 1).start == date(2019, 4, 1) and quarter("2019/20", 1).end == date(
        2019, 6, 30
    )
    assert (quarter("2019/20", 3).start, quarter("2019/20", 3).end) == (
        date(2019, 10, 1),
        date(2019, 12, 31),
    )
    assert (quarter("2019/20", 4).start, quarter("2019/20", 4).end) == (
        date(2020, 1, 1),
        date(2020, 3, 31),
    )
    assert (half("2020/21", 1).end, half("2020/21", 2).start) == (
        date(2020, 9, 30),
        date(2020, 10, 1),
    )


def test_year_boundaries():
    assert year_of(date(2024, 3, 31)) == "2023/24" and year_of(date(2024, 4, 1)) == "2024/25"
    assert year_of(date(1999, 12, 31)) == "1999/00"
    assert financial_year("1999/00") == (date(1999, 4, 1), date(2000, 3, 31))
    assert quarter_of(date(2020, 1, 1)).label == "Q4 2019/20"
    assert half_of(date(2019, 9, 30)).label == "H1 2019/20"
    assert half_of(date(2019, 10, 1)).label == "H2 2019/20"
    with pytest.raises(ValueError, match="not a financial year"):
        financial_year("2019/21")


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("Q1 2019/20", "Q1 2019/20", date(2019, 4, 1), date(2019, 6, 30)),
        ("2019/20 q4", "Q4 2019/20", date(2020, 1, 1), date(2020, 3, 31)),
        ("H2 2020/21", "H2 2020/21", date(2020, 10, 1), date(2021, 3, 31)),
        ("2021/22", "2021/22", date(2021, 4, 1), date(2022, 3, 31)),
        ("Feb 2020", "Feb 2020", date(2020, 2, 1), date(2020, 2, 29)),
        ("2019-07", "Jul 2019", date(2019, 7, 1), date(2019, 7, 31)),
        ("2019-07-15", "15 Jul 2019", date(2019, 7, 15), date(2019, 7, 15)),
    ],
)
def test_periods_are_parsed_as_plans_write_them(text, label, start, end):
    period = parse(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["Q5 2019/20", "H3 2019/20", "2019/21", "someday", "2019-13"])
def test_a_period_that_is_not_one_is_refused_with_what_is_expected(text):
    with pytest.raises(ValueError):
        parse(text)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_every_day_is_in_exactly_one_quarter_and_half_of_its_year(day):
    q, h = quarter_of(day), half_of(day)
    assert day in q and day in h
    assert q.label.endswith(year_of(day)) and h.label.endswith(year_of(day))
    assert q.start >= h.start and q.end <= h.end


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 1, 1)),
    st.integers(0, 900),
    st.sampled_from(["month", "quarter", "half", "year"]),
)
def test_periods_tile_a_span_without_gaps_or_overlaps(start, length, kind):
    end = start + timedelta(days=length)
    found = periods(start, end, kind)
    assert found[0].start <= start and found[-1].end >= end
    for before, after in zip(found, found[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert len(months(start, end)) == len(periods(start, end, "month"))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("07/2019", date(2019, 7, 1), date(2019, 7, 31)),
        ("15/07/2019", date(2019, 7, 15), date(2019, 7, 15)),
        ("15 Jul 2019", date(2019, 7, 15), date(2019, 7, 15)),
        ("15 July 2019", date(2019, 7, 15), date(2019, 7, 15)),
    ],
)
def test_parse_reads_days_and_months_as_people_write_them(text, start, end):
    found = parse(text)
    assert (found.start, found.end) == (start, end)
    assert parse(found.label) == found  # a label reads back as its period
