"""The entitlement calculator on plain inputs: published figures to the penny, and properties."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.engine import (
    Figure,
    NetworkInputs,
    NetworkMonth,
    Payee,
    network_lines,
    rates_in_force,
    to_pence,
)
from payments.rates import RateDataError, parse_year, rate_files
from pcnhub.nhs_calendar import financial_year, months

PCN = Payee("U00001", "This PCN")
PAYEE = Payee("A00001", "Surgery 1")


def network(
    registered=50_000,
    adjusted=None,
    weighted=None,
    beds=None,
    points=None,
    share=None,
    practices=None,
    year="2019/20",
):
    start, end = financial_year(year)

    def figure(value):
        return Figure(Decimal(value), date(start.year, 1, 1), "test") if value is not None else None

    month = NetworkMonth(
        registered=figure(registered),
        weighted=figure(weighted),
        adjusted=figure(adjusted),
        beds=Figure(Decimal(beds), None, "entered") if beds is not None else None,
    )
    return NetworkInputs(
        pcn=PCN,
        payee=PAYEE,
        by_month=dict.fromkeys(months(start, end), month),
        points=Figure(Decimal(points), None, "entered") if points is not None else None,
        assessed_share=Decimal(share) if share is not None else None,
        practices={m: practices for m in months(start, end)} if practices else {},
    )


def lines_of(year, inputs, entitlement, known_on=date(2030, 1, 1)):
    versions = rate_files()[year]
    return [
        line
        for line in network_lines(inputs, versions, year, known_on)
        if line.entitlement == entitlement
    ]


def test_the_2019_20_clinical_director_contribution_is_paid_over_nine_months():
    """£0.51430 per patient for July 2019 - March 2020: 50,000 patients, £25,715 in all."""
    found = lines_of("2019/20", network(50_000), "clinical_director")
    assert [line.month for line in found] == months(date(2019, 7, 1), date(2020, 3, 1))
    assert {line.amount for line in found} == {Decimal("2857.22")}  # 25,715 / 9 = 2,857.2222
    assert sum(line.amount for line in found) == Decimal("25714.98")
    assert (
        "50,000 registered patients x £0.5143 for Jul 2019-Mar 2020 / 9 months" in found[0].formula
    )


def test_core_funding_is_one_pound_fifty_a_year_paid_monthly():
    found = lines_of("2019/20", network(30_001), "core")
    assert len(found) == 12
    assert found[0].amount == Decimal("3750.13")  # 30,001 x 1.50 / 12 = 3,750.125, half up
    assert found[0].rate_source.startswith("[S14]")


def test_enhanced_access_for_a_50000_patient_network():
    """£7.46 a year per adjusted patient from October 2022: £373,000 a year, £31,083.33 a month."""
    found = lines_of("2022/23", network(50_000, adjusted=50_000, year="2022/23"), "enhanced_access")
    assert [line.month for line in found] == months(date(2022, 10, 1), date(2023, 3, 1))
    assert {line.amount for line in found} == {Decimal("31083.33")}
    assert found[0].rate_status == "conflict" and "3.764" in found[0].rate_note


def test_iif_points_are_paid_once_at_the_end_of_the_period():
    found = lines_of(
        "2020/21", network(40_000, points="150.5", year="2020/21"), "investment_impact_fund"
    )
    assert [(line.month, line.amount) for line in found] == [
        (date(2021, 3, 1), Decimal("16705.50"))
    ]


def test_the_improvement_payment_follows_the_assessed_share():
    inputs = network(40_000, adjusted=42_000, share="0.667", year="2023/24")
    found = lines_of("2023/24", inputs, "capacity_access_improvement")
    # 42,000 x £1.185 x 0.667 = £33,196.59
    assert [(line.month, line.amount) for line in found] == [
        (date(2024, 3, 1), Decimal("33196.59"))
    ]
    unassessed = lines_of(
        "2023/24", network(40_000, adjusted=42_000, year="2023/24"), "capacity_access_improvement"
    )
    # Not yet assessed: listed in the period's last month, with no amount and why.
    assert [(line.month, line.amount) for line in unassessed] == [(date(2024, 3, 1), None)]
    assert unassessed[0].missing == (
        "not yet assessed: no share of the Capacity and Access Improvement Payment entered for "
        "U00001"
    )


def test_care_home_premium_pays_per_bed_per_month():
    found = lines_of("2020/21", network(40_000, beds=87, year="2020/21"), "care_home_premium")
    assert [line.month for line in found][0] == date(2020, 8, 1)
    assert {line.amount for line in found} == {Decimal("652.50")}  # 87 x £7.50


def test_the_network_participation_payment_goes_to_each_practice():
    practices = {
        Payee("A00001", "Surgery 1"): Figure(Decimal("11000"), date(2019, 1, 1), "own"),
        Payee("A00002", "Surgery 2"): Figure(Decimal("9000"), date(2019, 1, 1), "own"),
    }
    found = lines_of("2019/20", network(20_000, practices=practices), "network_participation")
    april = {line.payee.code: line.amount for line in found if line.month == date(2019, 4, 1)}
    assert april == {"A00001": Decimal("1614.25"), "A00002": Decimal("1320.75")}  # x 1.761 / 12


def test_the_september_2024_revision_applies_only_to_calculations_made_after_it():
    inputs = network(40_000, adjusted=40_000, year="2024/25")
    before = lines_of("2024/25", inputs, "enhanced_access", known_on=date(2024, 9, 25))
    after = lines_of("2024/25", inputs, "enhanced_access", known_on=date(2024, 9, 26))
    assert before[0].amount == Decimal("25580.00")  # 40,000 x 7.674 / 12
    assert after[0].amount == Decimal("26583.33")  # 40,000 x 7.975 / 12, backdated to April
    assert after[0].month == date(2024, 4, 1) and "revision" in after[0].version


def missing_figure(reason):
    return Figure(None, None, "", reason=reason)


def test_a_basis_with_no_figure_gives_lines_that_cannot_be_calculated():
    """No adjusted population on file: every adjusted line is listed, with no amount and the
    population rule's reason; the registered lines are paid as before."""
    reason = "no PCN adjusted population for U00001 on or before 1 Jan 2024"
    start, end = financial_year("2024/25")
    month = NetworkMonth(
        registered=Figure(Decimal(40_000), date(2024, 1, 1), "test"),
        adjusted=missing_figure(reason),
    )
    inputs = NetworkInputs(
        pcn=PCN,
        payee=PAYEE,
        by_month=dict.fromkeys(months(start, end), month),
        assessed_share=Decimal("0.5"),
    )
    found = network_lines(inputs, rate_files()["2024/25"], "2024/25", date(2030, 1, 1))
    adjusted = [line for line in found if line.basis == "adjusted"]
    assert adjusted and all(line.amount is None and not line.calculable for line in adjusted)
    assert {line.missing for line in adjusted} == {reason}
    assert adjusted[0].formula == f"cannot be calculated: {reason}"
    assert adjusted[0].basis_source == f"cannot be calculated: {reason}"
    assert len([line for line in adjusted if line.entitlement == "enhanced_access"]) == 12
    registered = [line for line in found if line.basis == "registered"]
    assert registered and all(line.calculable and line.missing == "" for line in registered)


def test_a_member_practice_with_no_figure_gives_its_own_line_that_cannot_be_calculated():
    with_figure = Payee("A00001", "Surgery 1")
    without = Payee("A00002", "Surgery 2")
    reason = "no contractor weighted population for A00002 on or before 1 Jan 2019"
    found = lines_of(
        "2019/20",
        network(
            20_000,
            practices={
                with_figure: Figure(Decimal(10_000), date(2019, 1, 1), "test"),
                without: missing_figure(reason),
            },
        ),
        "network_participation",
    )
    april = {line.payee.code: line for line in found if line.month == date(2019, 4, 1)}
    assert april["A00001"].amount is not None
    assert april["A00002"].amount is None and april["A00002"].missing == reason


def test_a_figure_carries_its_warnings_into_the_line():
    stale = "figure from 1 Jan 2019, 5 years older than 1 Jan 2024 (over 6 months)"
    figure = Figure(
        Decimal(40_000),
        date(2019, 1, 1),
        "GP_LIST.csv",
        basis="sum of 2 practices' registered list at 1 Jan 2019",
        warnings=(stale,),
    )
    start, end = financial_year("2024/25")
    inputs = NetworkInputs(
        pcn=PCN, payee=PAYEE, by_month=dict.fromkeys(months(start, end), NetworkMonth(figure))
    )
    line = next(
        line
        for line in network_lines(inputs, rate_files()["2024/25"], "2024/25", date(2030, 1, 1))
        if line.basis == "registered"
    )
    assert line.basis_source == (
        "40,000 registered patients: sum of 2 practices' registered list at 1 Jan 2019 "
        f"(GP_LIST.csv) [{stale}]"
    )


@settings(max_examples=40, deadline=None)
@given(
    registered=st.integers(0, 400_000),
    year=st.sampled_from(["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]),
)
def test_a_missing_basis_never_changes_the_other_lines_and_never_gets_an_amount(registered, year):
    """Taking the adjusted and weighted figures away leaves every other line as it was, and
    every line on them is listed with no amount."""
    versions = rate_files()[year]
    whole = network_lines(
        network(registered, adjusted=registered, weighted=registered, share="0.5", year=year),
        versions,
        year,
        date(2030, 1, 1),
    )
    start, end = financial_year(year)
    gone = missing_figure("not on file")
    month = NetworkMonth(
        registered=Figure(Decimal(registered), date(start.year, 1, 1), "test"),
        weighted=gone,
        adjusted=gone,
    )
    partial = network_lines(
        NetworkInputs(
            pcn=PCN,
            payee=PAYEE,
            by_month=dict.fromkeys(months(start, end), month),
            assessed_share=Decimal("0.5"),
        ),
        versions,
        year,
        date(2030, 1, 1),
    )
    kept = {line.key: line.amount for line in partial if line.calculable}
    assert kept == {
        line.key: line.amount for line in whole if line.basis not in ("weighted", "adjusted")
    }
    assert all(
        line.amount is None and line.missing == "not on file"
        for line in partial
        if line.basis in ("weighted", "adjusted")
    )
    assert {line.key for line in partial if line.basis in ("weighted", "adjusted")} == {
        line.key for line in whole if line.basis in ("weighted", "adjusted")
    }


def test_rates_in_force_take_the_latest_known_version_for_each_entitlement():
    versions = rate_files()["2024/25"]
    found = rates_in_force(versions, date(2024, 6, 1), date(2025, 1, 1))
    assert found["enhanced_access"][0].value == Decimal("7.975")
    assert found["core_adjusted"][1].label == "2024/25 Network Contract DES"


def test_every_year_from_2019_20_to_2024_25_is_on_file_and_not_confirmed_figures_say_why():
    files = rate_files()
    assert list(files) == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    for versions in files.values():
        for rate in (r for v in versions for r in v.rates):
            assert rate.source
            assert rate.status == "confirmed" or rate.note


def test_a_version_published_before_the_one_it_follows_is_refused():
    data = {
        "year": "2099/00",
        "versions": [
            {
                "label": "a",
                "published": date(2099, 3, 1),
                "effective_from": date(2099, 4, 1),
                "source": "s",
            },
            {
                "label": "b",
                "published": date(2099, 2, 1),
                "effective_from": date(2099, 4, 1),
                "source": "s",
            },
        ],
    }
    with pytest.raises(RateDataError, match="must form a chain"):
        parse_year(data, "2099-00.toml")


def test_a_rate_flagged_single_source_without_a_note_is_refused():
    rate = {
        "entitlement": "core",
        "value": "1.5",
        "per": "year",
        "unit": "per_registered_patient",
        "period": [date(2099, 4, 1), date(2100, 3, 31)],
        "basis": "registered",
        "basis_date": date(2099, 1, 1),
        "payee": "pcn",
        "source": "s",
        "status": "single_source",
    }
    data = {
        "year": "2099/00",
        "versions": [
            {
                "label": "a",
                "published": date(2099, 3, 1),
                "effective_from": date(2099, 4, 1),
                "source": "s",
                "rates": [rate],
            }
        ],
    }
    with pytest.raises(RateDataError, match="must say why"):
        parse_year(data, "2099-00.toml")


@settings(max_examples=60, deadline=None)
@given(
    registered=st.integers(0, 400_000),
    year=st.sampled_from(["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]),
)
def test_months_sum_to_the_annual_entitlement_within_half_a_penny_a_line(registered, year):
    inputs = network(registered, adjusted=registered, weighted=registered, year=year)
    versions = rate_files()[year]
    lines = network_lines(inputs, versions, year, date(2030, 1, 1))
    by_entitlement: dict[str, list] = {}
    for line in lines:
        by_entitlement.setdefault(line.entitlement, []).append(line)
    for entitlement, found in by_entitlement.items():
        rate = found[0].rate
        n = len(found)
        per = found[0].per
        whole = {
            "year": Decimal(registered) * rate * n / 12,
            "month": Decimal(registered) * rate * n,
            "period": Decimal(registered) * rate,
        }.get(per)
        if whole is None:
            continue
        assert abs(sum(line.amount for line in found) - whole) <= Decimal("0.005") * n, entitlement
        assert all(line.amount >= 0 for line in found)


@given(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False))
def test_rounding_is_half_up_to_the_penny(amount):
    rounded = to_pence(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert rounded.as_tuple().exponent == -2


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(500, 30_000), min_size=2, max_size=8),
    moving=st.integers(0, 7),
    year=st.sampled_from(["2019/20", "2021/22", "2023/24"]),
)
def test_moving_a_practice_conserves_the_population_based_total(sizes, moving, year):
    """Two networks share the practices; moving one changes who is paid, not how much in all
    (within half a penny a line, the per-line rounding)."""
    moving %= len(sizes)
    versions = rate_files()[year]

    def total(first: list[int], second: list[int]) -> tuple[Decimal, int]:
        lines = [
            line
            for sizes_of in (first, second)
            for line in network_lines(
                network(sum(sizes_of), adjusted=sum(sizes_of), share="0.5", year=year),
                versions,
                year,
                date(2030, 1, 1),
            )
            if line.basis in ("registered", "adjusted")
        ]
        return sum(line.amount for line in lines), len(lines)

    before, n = total(sizes[: len(sizes) // 2], sizes[len(sizes) // 2 :])
    first = [s for i, s in enumerate(sizes) if i < len(sizes) // 2 and i != moving]
    second = [s for i, s in enumerate(sizes) if i >= len(sizes) // 2 or i == moving]
    after, m = total(first, second)
    assert abs(before - after) <= Decimal("0.01") * max(n, m)


def test_a_what_if_names_the_months_that_cannot_be_calculated_on_each_side():
    """A change that leaves a network without a population is not shown as a fall to nothing:
    the preview counts the months that cannot be calculated beside each total."""
    from payments.whatif import compare

    year = "2024/25"
    start, end = financial_year(year)
    whole = network(registered=40_000, adjusted=36_000, share="0.5", year=year)
    reason = "no PCN adjusted population for U00001 on or before 1 Jan 2024"
    month = NetworkMonth(
        registered=Figure(Decimal(40_000), date(2024, 1, 1), "test"),
        adjusted=missing_figure(reason),
    )
    short = NetworkInputs(
        pcn=PCN,
        payee=PAYEE,
        by_month=dict.fromkeys(months(start, end), month),
        assessed_share=Decimal("0.5"),
    )
    versions = rate_files()[year]
    before = network_lines(whole, versions, year, date(2030, 1, 1))
    after = network_lines(short, versions, year, date(2030, 1, 1))
    found = {d.label: d for d in compare(before, after)}
    access = next(d for label, d in found.items() if "Enhanced Access" in label)
    assert (access.uncalculable_before, access.uncalculable_after) == (0, 12)
    assert access.after == 0 and access.before > 0
    assert all(d.uncalculable_before == 0 for d in found.values())
