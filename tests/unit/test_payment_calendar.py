"""The payment calendar: which month each month's entitlement is paid in, as checked data."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from payments.calendar import (
    CalendarError,
    calendar_files,
    calendar_for,
    paid_month,
    parse_calendar,
    place,
)
from payments.engine import Figure, NetworkInputs, NetworkMonth, Payee, network_lines
from payments.rates import rate_files
from pcnhub.nhs_calendar import financial_year, months

PCN = Payee("U00001", "This PCN")
PAYEE = Payee("A00001", "Surgery 1")
USUAL = {"rule": "same_month", "source": "[S14]", "status": "confirmed"}


def calendar(**extra):
    return parse_calendar({"year": "2019/20", "usual": USUAL, **extra}, "test.toml")


def test_every_year_with_rates_has_a_checked_calendar_with_sources():
    files = calendar_files()
    assert set(files) == set(rate_files())
    for year in files.values():
        assert year.usual.source
        assert year.usual.status == "confirmed" or year.usual.note


def test_2019_20_catch_ups_and_the_usual_rule():
    year = calendar_for("2019/20")
    for month in (4, 5, 6, 7):
        assert paid_month(year, "core", date(2019, month, 1)) == date(2019, 7, 1)
        assert paid_month(year, "clinical_director", date(2019, month, 1)) == date(2019, month, 1)
    for month in (4, 5, 6):
        assert paid_month(year, "network_participation", date(2019, month, 1)) == date(2019, 7, 1)
    assert paid_month(year, "network_participation", date(2019, 7, 1)) == date(2019, 7, 1)
    assert paid_month(year, "core", date(2019, 8, 1)) == date(2019, 8, 1)
    assert paid_month(year, "core", date(2020, 3, 1)) == date(2020, 3, 1)


def test_a_year_without_a_file_is_same_month_and_says_it_is_unconfirmed():
    year = calendar_for("2031/32")
    assert paid_month(year, "core", date(2031, 5, 1)) == date(2031, 5, 1)
    assert year.usual.status == "unconfirmed" and "no file" in year.usual.note


def test_following_month_and_a_rule_for_one_entitlement():
    year = calendar(
        usual_for=[
            {
                "entitlement": "care_home_premium",
                "rule": "following_month",
                "source": "x",
                "status": "unconfirmed",
                "note": "a test",
            }
        ],
        catch_up=[
            {
                "entitlement": "care_home_premium",
                "first": date(2020, 2, 1),
                "last": date(2020, 3, 1),
                "paid": date(2020, 3, 1),
                "source": "x",
                "status": "confirmed",
            }
        ],
    )
    assert paid_month(year, "care_home_premium", date(2019, 4, 1)) == date(2019, 5, 1)
    assert paid_month(year, "care_home_premium", date(2020, 3, 1)) == date(2020, 3, 1)
    assert paid_month(year, "core", date(2019, 4, 1)) == date(2019, 4, 1)


@pytest.mark.parametrize(
    "extra, words",
    [
        (  # paid before the months it pays for
            {
                "catch_up": [
                    {
                        "entitlement": "core",
                        "first": date(2019, 4, 1),
                        "last": date(2019, 7, 1),
                        "paid": date(2019, 6, 1),
                        "source": "x",
                        "status": "confirmed",
                    }
                ]
            },
            "before July 2019 that it pays for",
        ),
        (  # March paid in April of the next year
            {"usual": {**USUAL, "rule": "following_month"}},
            "after 2019/20 ends",
        ),
        ({"usual": {**USUAL, "rule": "whenever"}}, "is not one of"),
        ({"usual": {**USUAL, "status": "derived"}}, "must say why in its note"),
        (
            {
                "catch_up": [
                    {
                        "entitlement": "nonsense",
                        "first": date(2019, 4, 1),
                        "last": date(2019, 4, 1),
                        "paid": date(2019, 4, 1),
                        "source": "x",
                        "status": "confirmed",
                    }
                ]
            },
            "is not known",
        ),
    ],
)
def test_a_calendar_that_cannot_be_used_is_refused(extra, words):
    with pytest.raises(CalendarError, match=words):
        calendar(**extra)


def _network(registered: int) -> NetworkInputs:
    start, end = financial_year("2019/20")
    figure = Figure(Decimal(registered), date(2019, 1, 1), "test")
    return NetworkInputs(
        pcn=PCN,
        payee=PAYEE,
        by_month={m: NetworkMonth(registered=figure) for m in months(start, end)},
    )


def test_a_50000_patient_network_is_paid_core_for_april_to_july_in_july():
    """By month paid: nothing in April-June and four months of core in July; by month
    earned: each month its twelfth."""
    versions = rate_files()["2019/20"]
    lines = place(
        network_lines(_network(50_000), versions, "2019/20", date(2020, 3, 31)),
        calendar_for("2019/20"),
    )
    core = [line for line in lines if line.entitlement == "core"]
    earned, paid = defaultdict(Decimal), defaultdict(Decimal)
    for line in core:
        earned[line.for_month] += line.amount
        paid[line.paid_in] += line.amount
    start, end = financial_year("2019/20")
    assert all(earned[m] == Decimal("6250.00") for m in months(start, end))  # 50,000 x 1.50 / 12
    assert [paid.get(date(2019, m, 1)) for m in (4, 5, 6)] == [None, None, None]
    assert paid[date(2019, 7, 1)] == Decimal("25000.00")
    assert paid[date(2019, 8, 1)] == Decimal("6250.00")
    assert sum(paid.values()) == sum(earned.values()) == Decimal("75000.00")
    # Nothing at all is paid before July; the Clinical Director contribution starts in July.
    assert min(line.paid_in for line in lines) == date(2019, 7, 1)
    assert {line.paid_in for line in lines if line.entitlement == "clinical_director"} == {
        date(y, m, 1) for y, m in [(2019, 7), (2019, 8), (2019, 9), (2019, 10), (2019, 11)]
    } | {date(2019, 12, 1), date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)}
