"""ARRS as it was, on plain figures: the 2019/20 entitlement in pounds, the 100,000 doubling,
each role's start date, the GP ARRS sum kept apart from 1 October 2024, and the projection."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.arrs import (
    MAIN,
    Staff,
    budgets,
    claim_problem,
    flat_entitlement,
    monthly_claim,
    no_maximum,
    pot_labels,
    pot_of,
    pot_sum,
    projection,
)


def staff(role="clinical_pharmacist", start=date(2019, 7, 1), **changes):
    base = {
        "ref": "S1",
        "role": role,
        "wte": Decimal("1"),
        "start": start,
        "end": None,
        "annual_salary": Decimal("45000"),
        "annual_ni": Decimal("5000"),
        "annual_pension": Decimal("6000"),
    }
    return Staff(**{**base, **changes})


def test_flat_entitlement_2019_20_to_the_penny():
    """By hand: the clinical pharmacist's maximum £37,810 (already the 70% share: 70% of about
    £54,000, [S39] [S76] [S90]) plus the SPLW's £34,113 (100%) = £71,923 a year; for the nine
    months 1 July 2019 - 31 March 2020, x 9/12 = £53,942.25 (£28,357.50 + £25,584.75)."""
    found = flat_entitlement("2019/20", Decimal("30000"))
    assert found.amount == Decimal("53942.25")
    assert "9/12 months from 1 July 2019" in found.formula
    assert "£37,810 x 1 WTE clinical pharmacist" in found.formula


def test_flat_entitlement_doubles_only_over_100000():
    """100,000 patients is not over 100,000: £53,942.25. 100,001 is: 2 WTE of each,
    £71,923 x 2 x 9/12 = £107,884.50."""
    assert flat_entitlement("2019/20", Decimal("100000")).amount == Decimal("53942.25")
    assert flat_entitlement("2019/20", Decimal("100001")).amount == Decimal("107884.50")


def test_flat_entitlement_without_a_list_size_cannot_be_calculated():
    found = flat_entitlement("2019/20", None)
    assert found.amount is None and "no DES list size" in found.formula
    assert flat_entitlement("2024/25", Decimal("50000")) is None  # an ARR Sum year
    assert pot_labels("2019/20")[MAIN] == "2019/20 entitlement"


@pytest.mark.parametrize(
    ("role", "refused", "allowed", "words"),
    [
        ("clinical_pharmacist", date(2019, 6, 1), date(2019, 7, 1), "went live on 1 July 2019"),
        ("social_prescribing_link_worker", date(2019, 4, 1), date(2019, 7, 1), "went live"),
        ("first_contact_physiotherapist", date(2020, 3, 1), date(2020, 4, 1), "1 April 2020"),
        ("physician_associate", date(2020, 3, 1), date(2020, 4, 1), "1 April 2020"),
        ("nursing_associate", date(2020, 9, 1), date(2020, 10, 1), "1 October 2020"),
        ("paramedic", date(2021, 3, 1), date(2021, 4, 1), "1 April 2021"),
        ("enhanced_practice_nurse", date(2024, 3, 1), date(2024, 4, 1), "1 April 2024"),
        ("gp", date(2024, 9, 1), date(2024, 10, 1), "1 October 2024"),
    ],
)
def test_each_role_is_claimable_from_its_schemes_start(role, refused, allowed, words):
    member = staff(role=role, start=date(2019, 4, 1))
    problem = claim_problem(member, refused, Decimal(0))
    assert words in problem
    assert monthly_claim(member, allowed).problem == ""


def test_the_gp_arrs_sum_is_kept_apart_from_1_october_2024():
    assert pot_of("gp", "2024/25") == "gp" and pot_of("clinical_pharmacist", "2024/25") == MAIN
    # 40,000 weighted patients x £1.303 = £52,120.00; the ARR Sum is 40,000 x £22.894
    total, formula = pot_sum("2024/25", "gp", Decimal("40000"))
    assert total == Decimal("52120.00") and "single source" in formula
    assert pot_sum("2024/25", "gp", None)[0] is None
    gp = staff(role="gp", start=date(2024, 10, 1), ref="GP1")
    cp = staff(start=date(2024, 4, 1), ref="CP1")
    claims = {date(2024, 10, 1): Decimal("4000.00")}
    found = budgets(
        "2024/25",
        {MAIN: (Decimal("915760.00"), "ARR Sum"), "gp": (total, formula)},
        [(gp, claims), (cp, {date(2024, 4, 1): Decimal("4666.67")})],
        date(2024, 10, 20),
    )
    main, ring_fenced = found
    assert (main.key, main.claimed) == (MAIN, Decimal("4666.67"))
    assert (ring_fenced.label, ring_fenced.claimed) == ("GP ARRS sum", Decimal("4000.00"))
    # GP committed: November to March at the GP's cost (£56,000 / 12 = £4,666.67) x 5
    assert ring_fenced.committed == Decimal("23333.35")
    assert ring_fenced.remaining == Decimal("52120.00") - Decimal("4000.00") - Decimal("23333.35")
    assert "GP ARRS sum" not in pot_labels("2023/24").values()


def test_a_claim_over_budget_warns_and_an_over_maximum_claim_needs_an_override():
    member = staff(start=date(2024, 4, 1), annual_salary=Decimal("70000"))
    allowed = monthly_claim(member, date(2024, 5, 1)).amount  # capped at £62,340 / 12
    assert allowed == Decimal("5195.00")
    assert "needs an override" in claim_problem(member, date(2024, 5, 1), Decimal("5500"))
    assert claim_problem(member, date(2024, 5, 1), Decimal("5500"), Decimal("5600")) == ""
    assert "over the £5,600.00 override" in claim_problem(
        member, date(2024, 5, 1), Decimal("5700"), Decimal("5600")
    )
    budget = budgets(
        "2024/25",
        {MAIN: (Decimal("1000.00"), "x")},
        [(member, {date(2024, 4, 1): allowed})],
        date(2024, 5, 1),
    )[0]
    assert budget.warnings == ["£4,195.00 more is claimed than the ARR Sum (£1,000.00)"]


def test_roles_without_a_maximum_are_flagged():
    assert no_maximum("paramedic", date(2021, 6, 1))
    assert not no_maximum("clinical_pharmacist", date(2021, 6, 1))


def test_projection_is_the_current_monthly_claims_to_the_year_end():
    claims = {date(2024, m, 1): Decimal("5000.00") for m in (4, 5, 6)}
    claims[date(2024, 6, 1)] = Decimal("6000.00")
    total, formula = projection(claims, "2024/25", date(2024, 7, 15))
    # claimed £16,000 + June's £6,000 x 9 months (July to March) = £70,000
    assert total == Decimal("70000.00")
    assert "x 9 months to 31 March" in formula
    assert projection(claims, "2024/25", date(2025, 4, 1))[0] == Decimal("16000.00")
    assert projection({}, "2024/25", date(2024, 7, 1))[0] == Decimal("0.00")


@given(
    amounts=st.lists(st.decimals(min_value=0, max_value=10_000, places=2), min_size=1, max_size=12),
    day=st.dates(min_value=date(2024, 4, 1), max_value=date(2025, 6, 30)),
)
def test_a_projection_is_never_below_what_is_claimed(amounts, day):
    claims = {date(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1): a for i, a in enumerate(amounts)}
    total, _ = projection(claims, "2024/25", day)
    assert total >= sum(claims.values())
    if day > date(2025, 3, 31) or len(amounts) == 12:
        assert total == sum(claims.values())
