"""ARRS claims and budgets on plain figures: pro-rating, shares, caps, baseline, the ARR Sum."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from payments.arrs import Staff, arr_sum, claim_problem, flat_allowance, monthly_claim


def pharmacist(**changes):
    base = {
        "ref": "CP1",
        "role": "clinical_pharmacist",
        "wte": Decimal("1"),
        "start": date(2019, 4, 1),
        "end": None,
        "annual_salary": Decimal("45000"),
        "annual_ni": Decimal("5000"),
        "annual_pension": Decimal("6000"),
    }
    return Staff(**{**base, **changes})


def test_2019_20_pays_seventy_per_cent_of_a_clinical_pharmacists_cost_up_to_the_maximum():
    claim = monthly_claim(pharmacist(), date(2019, 7, 1))
    # £56,000 / 12 = £4,666.67 x 70% = £3,266.67; the maximum is £37,810 / 12 = £3,150.83
    assert claim.amount == Decimal("3150.83") and claim.capped
    assert "capped at £37,810 a WTE year" in claim.formula


def test_from_2020_21_the_full_cost_is_paid_up_to_the_maximum():
    below = pharmacist(
        annual_salary=Decimal("40000"), annual_ni=Decimal("4000"), annual_pension=Decimal("5000")
    )
    claim = monthly_claim(below, date(2020, 6, 1))
    assert claim.amount == Decimal("4083.33") and not claim.capped  # £49,000 / 12, all of it
    above = monthly_claim(pharmacist(), date(2020, 6, 1))
    assert above.amount == Decimal("4639.17") and above.capped  # £55,670 / 12, not £4,666.67


def test_a_part_month_is_pro_rated_by_days():
    claim = monthly_claim(
        pharmacist(
            start=date(2021, 6, 16),
            wte=Decimal("0.5"),
            annual_salary=Decimal("20000"),
            annual_ni=Decimal("0"),
            annual_pension=Decimal("0"),
        ),
        date(2021, 6, 1),
    )
    # 15 of 30 days: £20,000 / 12 x 15/30 = £833.33; cap £55,670 x 0.5 / 12 x 15/30 = £1,159.79
    assert claim.amount == Decimal("833.33")
    assert "15/30 days" in claim.formula


def test_baseline_staff_and_ineligible_roles_are_not_claimable():
    assert monthly_claim(pharmacist(in_baseline=True), date(2020, 5, 1)).problem == "not additional"
    paramedic_too_early = pharmacist(role="advanced_practitioner")
    assert "not an eligible role" in monthly_claim(paramedic_too_early, date(2020, 5, 1)).problem
    assert monthly_claim(pharmacist(end=date(2020, 3, 31)), date(2020, 5, 1)) is None


def test_a_claim_over_the_maximum_is_refused_with_the_reason():
    problem = claim_problem(pharmacist(), date(2019, 7, 1), Decimal("3200.00"))
    assert "is over the £3,150.83 the role allows for July 2019" in problem
    assert claim_problem(pharmacist(), date(2019, 7, 1), Decimal("3150.83")) == ""


def test_the_arr_sum_and_the_2019_20_flat_entitlement():
    total, formula = arr_sum("2024/25", Decimal("40000"))
    assert total == Decimal("915760.00") and "£22.894" in formula
    assert arr_sum("2021/22", Decimal("40000"))[0] is None  # not found: entered by hand
    assert flat_allowance("2019/20", Decimal("99999")) == {
        "clinical_pharmacist": Decimal(1),
        "social_prescribing_link_worker": Decimal(1),
    }
    assert set(flat_allowance("2019/20", Decimal("100001")).values()) == {Decimal(2)}


@given(
    wte=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("1.5"), places=2),
    salary=st.integers(15_000, 90_000),
    start_day=st.integers(1, 28),
)
def test_a_claim_is_never_negative_nor_over_the_cap(wte, salary, start_day):
    staff = pharmacist(wte=wte, annual_salary=Decimal(salary), start=date(2023, 5, start_day))
    claim = monthly_claim(staff, date(2023, 5, 1))
    assert Decimal(0) <= claim.amount
    cost = Decimal(salary + 11_000) / 12
    assert claim.amount <= cost + Decimal("0.01")


def test_a_role_without_a_maximum_on_file_is_claimed_in_full_and_says_so():
    claim = monthly_claim(pharmacist(role="paramedic", start=date(2021, 4, 1)), date(2021, 6, 1))
    assert claim.amount == Decimal("4666.67") and "no maximum on file" in claim.formula
    assert (
        "not an eligible role"
        in monthly_claim(pharmacist(role="paramedic"), date(2020, 6, 1)).problem
    )
