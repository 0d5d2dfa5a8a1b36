"""A live figure against its target: met at or above a floor (direction up, the default), at
or below a ceiling (down); judged on the target date once it has passed, else on the day."""

from datetime import date
from decimal import Decimal

import pytest

from assurance.figures import Figure

DAY, BY = date(2019, 9, 30), date(2019, 12, 31)


def _figure(value, direction="up", on=DAY, at_target_date=None):
    return Figure("Share", value, on, Decimal(75), BY, at_target_date, direction)


@pytest.mark.parametrize(
    ("direction", "value", "met"),
    [
        ("up", Decimal("74.99"), False),
        ("up", Decimal(75), True),
        ("up", Decimal("75.01"), True),
        ("down", Decimal("74.99"), True),
        ("down", Decimal(75), True),
        ("down", Decimal("75.01"), False),
        ("up", None, None),
        ("down", None, None),
    ],
)
def test_figure_met_follows_the_direction_at_its_boundary(direction, value, met):
    assert _figure(value, direction).met is met


def test_figure_after_the_target_date_is_judged_on_that_day():
    late = _figure(Decimal(10), "down", on=date(2020, 1, 15), at_target_date=Decimal(80))
    assert late.target_passed and late.met is False
    assert late.text() == (
        "Share: 10 on 2020-01-15; target at most 75 by 2019-12-31 (80 on that day: not met)"
    )


def test_figure_direction_defaults_to_at_least():
    found = Figure("Share", Decimal(80), DAY, Decimal(75), BY, None)
    assert (found.bound, found.met) == ("at least", True)
