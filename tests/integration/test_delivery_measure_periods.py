"""A computed measure has an actual for periods that have ended (at their end) and for the
one running (so far), and none for periods still to come."""

from datetime import date
from decimal import Decimal

from delivery.actions import create_programme
from delivery.measures import COUNTED_BASIS, define_measure, rows, set_trajectory


def test_periods_to_come_have_no_computed_actual(area, commissioner_user):
    programme = create_programme(
        name="Coverage",
        start=date(2019, 4, 1),
        end=date(2021, 3, 31),
        organisations=[area["commissioner"]],
        by=commissioner_user,
    )
    measure = define_measure(
        programme=programme,
        descriptor="Practices in an approved PCN",
        unit="",
        direction="up",
        baseline_value=Decimal("0"),
        baseline_date=date(2019, 4, 1),
        target_value=Decimal("100"),
        target_date=date(2021, 3, 31),
        tolerance=Decimal("0"),
        computed="pcn_practices_pct",
        area=area["commissioner"],
        by=commissioner_user,
    )
    plan = {"Q1 2019/20": Decimal("50"), "Q3 2019/20": Decimal("80"), "Q4 2020/21": Decimal("100")}
    set_trajectory(measure=measure, values=plan, by=commissioner_user)
    ended, running, coming = rows(measure, date(2019, 11, 15))
    assert (ended.actual, ended.source) == (
        Decimal("0.00"),
        f"computed by PCN Hub; {COUNTED_BASIS}",
    )
    assert (running.actual, running.source) == (
        Decimal("0.00"),
        f"computed by PCN Hub, so far; {COUNTED_BASIS}",
    )
    assert (coming.actual, coming.rag, coming.source) == (None, "", "")
