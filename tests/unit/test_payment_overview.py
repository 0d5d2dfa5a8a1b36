"""The area overview from small hand-made schedules: rows by network and payee, totals,
missing is not zero, a payee changing mid-year, the practices' row, what changed."""

from datetime import date
from decimal import Decimal

import pytest

from payments.engine import Line, Payee, Terms
from payments.overview import overview, signed
from payments.schedule import Schedule, ScheduleLine

YEAR = "2024/25"
ALPHA, BETA = Payee("U00001", "Alpha PCN"), Payee("U00002", "Beta PCN")
SURGERY_1, SURGERY_2, SURGERY_3 = (Payee(f"A0000{i}", f"Surgery {i}") for i in (1, 2, 3))
APRIL, MAY, JUNE, MARCH = date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1), date(2025, 3, 1)


def line(pcn, payee, month, amount, label="Core PCN funding", **fields) -> Line:
    shared = {name: fields.pop(name) for name in ("missing", "paid_to") if name in fields}
    terms = Terms(
        entitlement=label.lower().replace(" ", "_"),
        label=label,
        basis="registered",
        basis_value=None,
        basis_as_at=None,
        basis_source="",
        rate=Decimal("1"),
        per="year",
        version="v1",
        rate_status="confirmed",
        rate_note="",
        rate_source="",
        **shared,
    )
    return Line(
        payee=payee,
        pcn=pcn,
        month=month,
        amount=None if amount is None else Decimal(amount),
        formula="by hand",
        terms=terms,
        **fields,
    )


def item(*args, paid=False, arrears_for=None, **fields) -> ScheduleLine:
    return ScheduleLine(line(*args, **fields), paid=paid, arrears_for=arrears_for)


def months_of(*months):
    return [date(2025 if m < 4 else 2024, m, 1) for m in months]


def schedule(*items) -> Schedule:
    return Schedule(year=YEAR, known_on=date(2024, 6, 15), lines=list(items))


def core(pcn, payee, amount, months):
    return [item(pcn, payee, m, amount) for m in months_of(*months)]


def test_one_row_per_network_and_payee_then_its_practices_in_network_name_order():
    found = overview(
        schedule(
            *core(BETA, SURGERY_3, "100.00", [4, 5]),
            *core(ALPHA, SURGERY_1, "200.00", [4, 5]),
            item(ALPHA, SURGERY_1, APRIL, "10.00", "Participation", paid_to="practice"),
            item(ALPHA, SURGERY_2, APRIL, "20.00", "Participation", paid_to="practice"),
        ),
        paid=[],
    )
    assert [(r.network.code, r.label) for r in found.rows] == [
        ("U00001", "Surgery 1 (A00001)"),
        ("U00001", "Member practices' own payments (2 practices)"),
        ("U00002", "Surgery 3 (A00003)"),
    ]
    alpha, practices, beta = found.rows
    assert alpha.amounts[:3] == [Decimal("200.00"), Decimal("200.00"), None]
    assert (alpha.total, practices.total, beta.total) == (Decimal(400), Decimal(30), Decimal(200))
    assert practices.amounts[0] == Decimal("30.00")


def test_totals_by_month_year_and_entitlement_with_arrears_apart():
    found = overview(
        schedule(
            *core(ALPHA, SURGERY_1, "200.00", [4, 5]),
            *core(BETA, SURGERY_3, "100.00", [4]),
            item(ALPHA, SURGERY_1, MAY, "5.00", arrears_for=APRIL),
        ),
        paid=[],
    )
    assert found.month_totals[:3] == [Decimal("300.00"), Decimal("205.00"), None]
    assert found.total == Decimal("505.00")
    assert [(label, total) for label, _, total in found.entitlements] == [
        ("Core PCN funding", Decimal("500.00")),
        ("Core PCN funding (arrears)", Decimal("5.00")),
    ]


def test_by_month_earned_places_arrears_in_the_month_they_make_good():
    items = [item(ALPHA, SURGERY_1, MAY, "5.00", arrears_for=APRIL)]
    assert overview(schedule(*items), paid=[], view="paid").rows[0].amounts[:2] == [
        None,
        Decimal("5.00"),
    ]
    assert overview(schedule(*items), paid=[], view="earned").rows[0].amounts[:2] == [
        Decimal("5.00"),
        None,
    ]
    with pytest.raises(ValueError):
        overview(schedule(*items), paid=[], view="owed")


def test_a_network_not_approved_has_a_row_with_no_amounts_and_its_count():
    held = [
        item(BETA, BETA, m, None, withheld="not approved on 1 Apr 2024") for m in months_of(4, 5)
    ]
    missing = item(ALPHA, SURGERY_1, APRIL, None, "Participation", missing="no population")
    found = overview(
        schedule(*core(ALPHA, SURGERY_1, "200.00", [4]), missing, *held),
        paid=[],
    )
    beta = found.rows[-1]
    assert beta.network == BETA and beta.amounts == [None] * 12 and beta.total == 0
    assert (beta.withheld, beta.uncalculable) == (2, 0)
    assert beta.missing_note == "excluding 2 entitlements withheld"
    assert found.rows[0].uncalculable == 1
    assert found.total == Decimal("200.00")
    assert found.missing_note == (
        "excluding 1 entitlement that cannot be calculated and 2 entitlements withheld"
    )


def test_a_payee_changing_mid_year_gives_the_network_two_rows_in_the_order_paid():
    found = overview(
        schedule(*core(ALPHA, SURGERY_2, "200.00", [6, 7]), *core(ALPHA, SURGERY_1, "200.00", [4])),
        paid=[],
    )
    assert [r.payee for r in found.rows] == [SURGERY_1, SURGERY_2]
    assert found.rows[1].amounts[2:4] == [Decimal("200.00"), Decimal("200.00")]


def test_the_month_is_the_areas_next_statement_and_paid_states_count_networks():
    items = [
        *core(ALPHA, SURGERY_1, "200.00", range(1, 13)),
        *core(BETA, SURGERY_3, "1", range(1, 13)),
    ]
    found = overview(schedule(*items), paid=[("U00001", APRIL), ("U00001", MAY)])
    # Beta's April is not paid: the area's next statement is April, the year's first month.
    assert (found.current, found.previous) == (APRIL, None)
    assert [s.words for s in found.states[:3]] == [
        "part paid (1 of 2 networks)",
        "part paid (1 of 2 networks)",
        "not yet paid",
    ]
    assert found.states[0].short == "1 of 2 paid"
    assert found.rows[0].changes == [] and found.changed == []
    both = [(code, month) for code in ("U00001", "U00002") for month in (APRIL, MAY)]
    found = overview(schedule(*items), paid=both)
    assert (found.current, found.previous) == (JUNE, MAY)
    assert found.states[0].words == "paid"
    everything = [(code, m) for code in ("U00001", "U00002") for m in found.months]
    assert overview(schedule(*items), paid=everything).current == MARCH


def test_nothing_to_pay_in_a_month_with_no_lines():
    found = overview(schedule(*core(ALPHA, SURGERY_1, "1.00", [7])), paid=[])
    assert found.states[0].words == "nothing to pay"
    assert found.current == date(2024, 7, 1)


def test_what_changed_since_last_month_by_row_and_entitlement_in_words():
    items = [
        *core(ALPHA, SURGERY_1, "200.00", [4, 5, 6]),
        item(ALPHA, SURGERY_1, JUNE, "34.56", "Care homes"),
        item(ALPHA, SURGERY_1, JUNE, "12.00", arrears_for=MAY),
        *core(BETA, SURGERY_3, "100.00", [4, 5, 6]),
        *core(BETA, SURGERY_3, "0.50", [5]),
        item(BETA, SURGERY_3, JUNE, None, "Care homes", withheld="no payee on 1 Jun 2024"),
    ]
    found = overview(
        schedule(*items),
        paid=[(code, month) for code in ("U00001", "U00002") for month in (APRIL, MAY)],
    )
    assert (found.current, found.previous) == (JUNE, MAY)
    alpha, beta = found.rows
    assert (alpha.last, alpha.this, alpha.change) == (
        Decimal("200.00"),
        Decimal("246.56"),
        Decimal("46.56"),
    )
    assert alpha.changes == [
        "Care homes: +£34.56",
        "Core PCN funding, arrears for May 2024: +£12.00",
    ]
    assert beta.change == Decimal("-0.50")
    assert beta.changes == [
        "Core PCN funding: \u2212£0.50",
        "1 entitlement withheld: no payee on 1 Jun 2024",
    ]
    assert found.change_total == Decimal("46.06")


def test_cleared_reasons_and_unchanged_rows():
    items = [
        item(ALPHA, SURGERY_1, APRIL, None, withheld="not approved on 1 Apr 2024"),
        item(ALPHA, SURGERY_1, MAY, "200.00"),
        *core(BETA, SURGERY_3, "100.00", [4, 5]),
    ]
    found = overview(schedule(*items), paid=[("U00001", APRIL), ("U00002", APRIL)])
    alpha, beta = found.rows
    assert alpha.changes == ["Core PCN funding: +£200.00", "no longer withheld: Core PCN funding"]
    assert beta.changes == [] and found.changed == [alpha]


def test_rolled_up_rows_one_per_area():
    region = Payee("Y01", "North")
    found = overview(
        schedule(
            *core(ALPHA, SURGERY_1, "200.00", [4]),
            item(ALPHA, SURGERY_2, APRIL, "20.00", "Participation", paid_to="practice"),
            *core(BETA, SURGERY_3, "100.00", [4]),
        ),
        paid=[],
        areas={"U00001": region},
    )
    assert [(r.network.name, r.label, r.total) for r in found.rows] == [
        ("No area on record", "1 network and their practices", Decimal("100.00")),
        ("North", "1 network and their practices", Decimal("220.00")),
    ]


def test_signed_amounts():
    assert signed(Decimal("1234.56")) == "+£1,234.56"
    assert signed(Decimal("-25")) == "\u2212£25.00"
    assert signed(Decimal("0.00")) == "£0.00"
