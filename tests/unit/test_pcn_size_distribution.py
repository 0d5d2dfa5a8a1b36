"""The PCN size distribution's arithmetic, checked by hand (PERCENTILE.INC, the DES bands)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrations.distribution import distribution, percentile_inc


def test_percentile_inc_matches_excel_by_hand():
    # Excel: =PERCENTILE.INC({10,20,30,40},0.1) = 13; 0.5 -> 25; 0.9 -> 37.
    values = [40, 10, 30, 20]
    assert percentile_inc(values, 10) == Decimal("13.0")
    assert percentile_inc(values, 50) == Decimal("25.0")
    assert percentile_inc(values, 90) == Decimal("37.0")
    assert percentile_inc([5], 90) == Decimal("5.0")
    assert percentile_inc([], 50) is None
    # 0.1 x 2 = 0.2 of the way from 1 to 2: 1.2; rounded half up to one place.
    assert percentile_inc([1, 2, 3], 10) == Decimal("1.2")
    assert percentile_inc([0, 1], 5) == Decimal("0.1")  # 0.05 rounds up


def test_percentile_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile_inc([1], 101)


def test_bands_at_their_boundaries_and_practice_counts():
    found = distribution([(1, 29_999), (2, 30_000), (5, 50_000), (11, 50_001), (10, 40_000)])
    assert (found.pcns, found.below, found.within, found.above) == (5, 1, 3, 1)
    assert found.single_practice == 1 and found.over_ten_practices == 1
    assert found.percentile(50) == Decimal("40000.0")
    assert ("Below 30,000", 1) in found.rows()


def test_an_empty_distribution_has_no_percentiles():
    found = distribution([])
    assert found.pcns == 0 and found.percentile(10) is None


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 120_000)), max_size=40))
def test_bands_partition_the_pcns_and_percentiles_are_ordered(sizes):
    found = distribution(sizes)
    assert found.below + found.within + found.above == found.pcns == len(sizes)
    if sizes:
        p10, p50, p90 = (found.percentile(p) for p in (10, 50, 90))
        low, high = min(n for _, n in sizes), max(n for _, n in sizes)
        assert low <= p10 <= p50 <= p90 <= high
