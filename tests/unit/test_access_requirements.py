"""The weekly access requirement's arithmetic (services/requirements.py), to the quarter hour,
and the scheme in force by date (services/services.toml [[schemes]])."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.catalogue import Window, network_scheme_on, schemes
from services.requirements import (
    exact_minutes,
    hours_and_minutes,
    met,
    required_minutes,
    window_checks,
)


@pytest.mark.parametrize(
    ("patients", "exact", "required", "words"),
    [
        (30_000, "900", 900, "15 h"),
        (31_234, "937.02", 930, "15 h 30 min"),  # 62.47 quarter hours: down to 62
        (50_000, "1500", 1500, "25 h"),  # facts.md 4: a 50,000 PCN needs at least 25 h
        (30_250, "907.5", 915, "15 h 15 min"),  # 60.5 quarter hours: half-way goes up
        (30_249, "907.47", 900, "15 h"),
        (30_251, "907.53", 915, "15 h 15 min"),
        (0, "0", 0, "0 min"),
        (1, "0.03", 0, "0 min"),
        (250, "7.5", 15, "15 min"),  # half a quarter hour: up
    ],
)
def test_extended_hours_to_the_nearest_quarter_hour(patients, exact, required, words):
    assert exact_minutes(patients, 30) == Decimal(exact)
    assert required_minutes(patients, 30, "quarter_hour") == required
    assert hours_and_minutes(required_minutes(patients, 30, "quarter_hour")) == words


def test_enhanced_access_keeps_the_exact_figure():
    assert required_minutes(Decimal("31234.56"), 60, "none") == Decimal("1874.0736")
    assert hours_and_minutes(Decimal("1874.0736")) == "31 h 15 min"  # a part minute counts


def test_an_unknown_rounding_is_refused():
    with pytest.raises(ValueError, match="unknown rounding 'nearest'"):
        required_minutes(1000, 30, "nearest")


@given(st.integers(min_value=0, max_value=2_000_000))
def test_rounding_never_moves_more_than_seven_and_a_half_minutes(patients):
    moved = required_minutes(patients, 30, "quarter_hour") - exact_minutes(patients, 30)
    assert abs(moved) <= Decimal("7.5")
    assert required_minutes(patients, 30, "quarter_hour") % 15 == 0


@given(st.integers(min_value=0, max_value=2_000_000), st.integers(min_value=0, max_value=5000))
def test_the_requirement_never_falls_as_the_population_rises(patients, more):
    for per_1000, rounding in ((30, "quarter_hour"), (60, "none")):
        assert required_minutes(patients, per_1000, rounding) <= required_minutes(
            patients + more, per_1000, rounding
        )


def test_network_standard_hours_short_minutes_cannot_cover_the_window():
    windows = schemes()["enhanced_access"].standard_hours
    assert [(w.part, w.minutes) for w in windows] == [("evening", 450), ("weekend", 480)]
    checks = window_checks(windows, evening=449, weekend=2000)
    assert [c.short for c in checks] == [True, False]
    assert checks[0].text == (
        "449 evening minutes a week cannot cover 18:30 to 20:00 Monday to Friday (450 minutes)"
    )
    assert not met(Decimal(600), 2449, checks)
    assert met(Decimal(600), 930, window_checks(windows, evening=450, weekend=480))
    assert not met(Decimal("930.01"), 930, window_checks(windows, evening=450, weekend=480))
    assert Window("weekend", 1, "09:00", "17:00", "Saturday").minutes == 480


@pytest.mark.parametrize(
    ("day", "scheme"),
    [
        (date(2019, 6, 30), None),
        (date(2019, 7, 1), "extended_hours"),
        (date(2022, 9, 30), "extended_hours"),
        (date(2022, 10, 1), "enhanced_access"),
        (date(2030, 1, 1), "enhanced_access"),
    ],
)
def test_the_network_scheme_in_force(day, scheme):
    found = network_scheme_on(day)
    assert (found.key if found else None) == scheme


def test_the_schemes_on_file_and_their_list_dates():
    found = schemes()
    assert list(found) == ["ccg_extended_access", "extended_hours", "enhanced_access"]
    assert found["ccg_extended_access"].in_force(date(2022, 9, 30))
    assert not found["ccg_extended_access"].in_force(date(2022, 10, 1))
    assert found["extended_hours"].list_date("2019/20").on == date(2019, 4, 1)
    assert found["extended_hours"].minutes_per_1000 == 30
    assert found["enhanced_access"].minutes_per_1000 == 60
    assert found["enhanced_access"].population == "adjusted"
    assert found["enhanced_access"].list_date("2023/24").on == date(2023, 1, 1)
    assert found["extended_hours"].providers == ("pcn",)
