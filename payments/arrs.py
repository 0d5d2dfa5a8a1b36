"""The Additional Roles Reimbursement Scheme: roles, shares and maxima as data
(payments/arrs.toml), and the pure calculation of monthly claims and the PCN's budget.

A month's claim for a member of staff is their actual cost for the days employed in the month
(salary, employer NI and pension, a twelfth of the year's, pro-rated by days) times the
role's reimbursement share, capped at the role's maximum per WTE times their WTE for those
days. Rounded once, to the penny, half up. Staff in the PCN's workforce baseline are not
additional and are never claimed for.
"""

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from payments.engine import to_pence

ARRS_FILE = Path(__file__).parent / "arrs.toml"
LONDON = ("", "outer_london", "inner_london")


@dataclass(frozen=True)
class Maximum:
    start: date
    amount: Decimal
    outer_london: Decimal | None
    inner_london: Decimal | None
    source: str

    def for_area(self, london: str) -> Decimal:
        chosen = {"outer_london": self.outer_london, "inner_london": self.inner_london}.get(london)
        return chosen or self.amount


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    band: str
    eligible_from: date
    shares: tuple[tuple[date, Decimal, str], ...]
    maxima: tuple[Maximum, ...]
    note: str = ""

    def share_on(self, day: date) -> tuple[Decimal, str] | None:
        found = [(share, source) for start, share, source in self.shares if start <= day]
        return found[-1] if found else None

    def maximum_on(self, day: date) -> Maximum | None:
        found = [m for m in self.maxima if m.start <= day]
        return found[-1] if found else None


@dataclass(frozen=True)
class YearRule:
    year: str
    sum_rate: Decimal | None  # £ per weighted patient; None: not found, entered by hand
    sum_source: str
    flat_roles: tuple[str, ...] = ()
    flat_wte: Decimal = Decimal(0)
    flat_double_above: int | None = None


@cache
def scheme() -> tuple[dict[str, Role], dict[str, YearRule]]:
    data = tomllib.loads(ARRS_FILE.read_text("utf-8"))
    roles = {}
    for item in data["roles"]:
        shares = tuple((s["from"], Decimal(s["share"]), s["source"]) for s in item["shares"])
        maxima = tuple(
            Maximum(
                start=m["from"],
                amount=Decimal(m["amount"]),
                outer_london=Decimal(m["outer_london"]) if "outer_london" in m else None,
                inner_london=Decimal(m["inner_london"]) if "inner_london" in m else None,
                source=m["source"],
            )
            for m in item["maxima"]
        )
        roles[item["key"]] = Role(
            item["key"],
            item["label"],
            item["band"],
            item.get("eligible_from", date(2019, 4, 1)),
            shares,
            maxima,
        )
    years = {
        y["year"]: YearRule(
            year=y["year"],
            sum_rate=Decimal(y["sum_per_weighted_patient"])
            if y["sum_per_weighted_patient"]
            else None,
            sum_source=y["sum_source"],
            flat_roles=tuple(y.get("flat_roles", ())),
            flat_wte=Decimal(y.get("flat_wte", "0")),
            flat_double_above=y.get("flat_double_above"),
        )
        for y in data["years"]
    }
    return roles, years


@dataclass(frozen=True)
class Staff:
    ref: str
    role: str
    wte: Decimal
    start: date
    end: date | None
    annual_salary: Decimal
    annual_ni: Decimal
    annual_pension: Decimal
    london: str = ""
    in_baseline: bool = False


@dataclass(frozen=True)
class Claim:
    ref: str
    month: date
    amount: Decimal
    formula: str
    capped: bool
    problem: str = ""  # why nothing can be claimed, when it cannot


def days_employed(staff: Staff, month: date) -> tuple[int, int]:
    last = calendar.monthrange(month.year, month.month)[1]
    first_day = max(staff.start, month)
    last_day = min(
        staff.end or date(month.year, month.month, last), date(month.year, month.month, last)
    )
    return max((last_day - first_day).days + 1, 0), last


def monthly_claim(staff: Staff, month: date) -> Claim | None:
    """What may be claimed for the member of staff for the month, or None if not employed."""
    days, in_month = days_employed(staff, month)
    if days == 0:
        return None
    roles, _ = scheme()
    role = roles.get(staff.role)
    if staff.in_baseline:
        return Claim(
            staff.ref, month, Decimal("0.00"), "in the workforce baseline", False, "not additional"
        )
    if role is None or month < role.eligible_from:
        return Claim(
            staff.ref, month, Decimal("0.00"), "", False, "not an eligible role in this month"
        )
    share, _ = role.share_on(month)
    fraction = Decimal(days) / Decimal(in_month)
    cost = (staff.annual_salary + staff.annual_ni + staff.annual_pension) / 12 * fraction
    claimed = cost * share
    maximum = role.maximum_on(month)
    pro_rata = f"{days}/{in_month} days"
    text = f"£{cost:,.2f} cost ({pro_rata}) x {share:.0%}"
    if maximum is None:
        amount = to_pence(claimed)
        return Claim(
            staff.ref, month, amount, f"{text} = £{amount:,.2f}; no maximum on file", False
        )
    cap = maximum.for_area(staff.london) * staff.wte / 12 * fraction
    capped = claimed > cap
    amount = to_pence(min(claimed, cap))
    text += (
        f", capped at £{maximum.for_area(staff.london):,} a WTE year x {staff.wte} WTE ({pro_rata})"
    )
    return Claim(staff.ref, month, amount, f"{text} = £{amount:,.2f}", capped)


def claim_problem(staff: Staff, month: date, amount: Decimal) -> str:
    """Why a claim of `amount` for the month is refused, or ''."""
    allowed = monthly_claim(staff, month)
    if allowed is None:
        return f"{staff.ref} was not employed in {month:%B %Y}"
    if allowed.problem:
        return f"{staff.ref}: {allowed.problem}"
    if amount > allowed.amount:
        return (
            f"£{amount:,.2f} is over the £{allowed.amount:,.2f} the role allows for {month:%B %Y} "
            f"({allowed.formula})"
        )
    return ""


@dataclass(frozen=True)
class Budget:
    year: str
    sum: Decimal | None
    sum_formula: str
    claimed: Decimal
    committed: Decimal  # months to come for the staff in post

    @property
    def remaining(self) -> Decimal | None:
        return None if self.sum is None else self.sum - self.claimed - self.committed

    @property
    def over_committed(self) -> bool:
        return self.remaining is not None and self.remaining < 0


def arr_sum(year: str, weighted: Decimal | None) -> tuple[Decimal | None, str]:
    _, years = scheme()
    rule = years.get(year)
    if rule is None or rule.sum_rate is None:
        return None, rule.sum_source if rule else f"no ARRS rules for {year}"
    if weighted is None:
        return None, "no weighted population on record for the PCN"
    total = to_pence(weighted * rule.sum_rate)
    return (
        total,
        f"{weighted:,} weighted patients x £{rule.sum_rate} = £{total:,.2f} ({rule.sum_source})",
    )


def flat_allowance(year: str, registered: Decimal | None) -> dict[str, Decimal]:
    """2019/20: WTE allowed per role (1 each; 2 where the list is over 100,000)."""
    _, years = scheme()
    rule = years.get(year)
    if rule is None or not rule.flat_roles:
        return {}
    double = rule.flat_double_above is not None and (registered or 0) > rule.flat_double_above
    return dict.fromkeys(rule.flat_roles, rule.flat_wte * (2 if double else 1))
