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
from pcnhub.nhs_calendar import financial_year, months, year_of

ARRS_FILE = Path(__file__).parent / "arrs.toml"
LONDON = ("", "outer_london", "inner_london")


MAIN = "main"
MAIN_LABEL = "ARR Sum"


@dataclass(frozen=True)
class Maximum:
    start: date
    amount: Decimal
    outer_london: Decimal | None
    inner_london: Decimal | None
    source: str
    status: str = "confirmed"
    note: str = ""

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
    eligible_source: str = ""

    def share_on(self, day: date) -> tuple[Decimal, str] | None:
        found = [(share, source) for start, share, source in self.shares if start <= day]
        return found[-1] if found else None

    def maximum_on(self, day: date) -> Maximum | None:
        found = [m for m in self.maxima if m.start <= day]
        return found[-1] if found else None


@dataclass(frozen=True)
class Pot:
    """A ring-fenced sum beside the ARR Sum: its roles claim against it alone."""

    key: str
    label: str
    rate: Decimal  # £ per weighted patient, for the year
    start: date
    roles: tuple[str, ...]
    source: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class YearRule:
    year: str
    sum_rate: Decimal | None  # £ per weighted patient; None: not found, entered by hand
    sum_source: str
    flat_roles: tuple[str, ...] = ()
    flat_wte: Decimal = Decimal(0)
    flat_double_above: int | None = None
    flat_from: date | None = None
    flat_source: str = ""
    go_live: date | None = None
    go_live_source: str = ""
    pots: tuple[Pot, ...] = ()


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
                status=m.get("status", "confirmed"),
                note=m.get("note", ""),
            )
            for m in item["maxima"]
        )
        roles[item["key"]] = Role(
            item["key"],
            item["label"],
            item["band"],
            item["eligible_from"],  # every role names the date its scheme started
            shares,
            maxima,
            note=item.get("note", ""),
            eligible_source=item.get("eligible_source", shares[0][2] if shares else ""),
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
            flat_from=y.get("flat_from"),
            flat_source=y.get("flat_source", ""),
            go_live=y.get("go_live"),
            go_live_source=y.get("go_live_source", ""),
            pots=tuple(
                Pot(
                    key=p["key"],
                    label=p["label"],
                    rate=Decimal(p["per_weighted_patient"]),
                    start=p["from"],
                    roles=tuple(p["roles"]),
                    source=p["source"],
                    status=p["status"],
                    note=p.get("note", ""),
                )
                for p in y.get("pots", ())
            ),
        )
        for y in data["years"]
    }
    return roles, years


def pot_of(role: str, year: str) -> str:
    """The budget a role's claims in the year count against: a ring-fenced pot's key, or
    MAIN (the ARR Sum, or the 2019/20 entitlement)."""
    rule = scheme()[1].get(year)
    for pot in rule.pots if rule else ():
        if role in pot.roles:
            return pot.key
    return MAIN


def pot_labels(year: str) -> dict[str, str]:
    """The year's budgets, MAIN first, with their names."""
    rule = scheme()[1].get(year)
    main = "2019/20 entitlement" if rule and rule.flat_roles else MAIN_LABEL
    return {MAIN: main, **{pot.key: pot.label for pot in (rule.pots if rule else ())}}


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
    role = scheme()[0].get(staff.role)
    if staff.in_baseline:
        return Claim(
            staff.ref, month, Decimal("0.00"), "in the workforce baseline", False, "not additional"
        )
    problem = eligibility_problem(staff.role, month)
    if problem:
        return Claim(staff.ref, month, Decimal("0.00"), "", False, problem)
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


def eligibility_problem(role_key: str, month: date) -> str:
    """Why nothing may be claimed for the role in the month, or '': before the year's go-live
    (2019/20: 1 July 2019), or before the role's scheme started."""
    roles, years = scheme()
    role = roles.get(role_key)
    if role is None:
        return f"{role_key!r} is not an ARRS role on file: not an eligible role in this month"
    rule = years.get(year_of(month))
    if rule is not None and rule.go_live is not None and month < rule.go_live:
        return (
            f"no ARRS claims before the scheme went live on {rule.go_live:%-d %B %Y} "
            f"({rule.go_live_source}): not an eligible role in this month"
        )
    if month < role.eligible_from:
        return (
            f"{role.label.lower()} claims start on {role.eligible_from:%-d %B %Y} "
            f"({role.eligible_source}): not an eligible role in this month"
        )
    return ""


def claim_problem(
    staff: Staff, month: date, amount: Decimal, override: Decimal | None = None
) -> str:
    """Why a claim of `amount` for the month is refused, or ''. `override` is an approved
    amount for the month above the role's maximum: up to it may be claimed, no more."""
    allowed = monthly_claim(staff, month)
    if allowed is None:
        return f"{staff.ref} was not employed in {month:%B %Y}"
    if allowed.problem:
        return f"{staff.ref}: {allowed.problem}"
    if amount > allowed.amount and (override is None or amount > override):
        also = f", and over the £{override:,.2f} override approved" if override is not None else ""
        return (
            f"£{amount:,.2f} is over the £{allowed.amount:,.2f} the role allows for {month:%B %Y} "
            f"({allowed.formula}){also}; a claim above the role's maximum needs an override "
            "approved by finance"
        )
    return ""


def no_maximum(role_key: str, month: date) -> bool:
    """True where the role is eligible in the month but no maximum is on file for it: its
    claims are not capped and are flagged for finance."""
    role = scheme()[0].get(role_key)
    return role is not None and role.maximum_on(month) is None


@dataclass(frozen=True)
class Budget:
    year: str
    sum: Decimal | None
    sum_formula: str
    claimed: Decimal
    committed: Decimal  # months to come for the staff in post
    key: str = MAIN
    label: str = MAIN_LABEL
    projected: Decimal | None = None  # claimed + the run rate to the year end
    projection_formula: str = ""

    @property
    def remaining(self) -> Decimal | None:
        return None if self.sum is None else self.sum - self.claimed - self.committed

    @property
    def over_committed(self) -> bool:
        return self.remaining is not None and self.remaining < 0

    @property
    def underspend(self) -> Decimal | None:
        """The sum less the projection (negative: a projected overspend)."""
        if self.sum is None or self.projected is None:
            return None
        return self.sum - self.projected

    @property
    def cannot(self) -> str:
        """'cannot be calculated: reason' where the sum has no amount, else ''."""
        return "" if self.sum is not None else f"cannot be calculated: {self.sum_formula}"

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.sum is not None and self.claimed > self.sum:
            found.append(
                f"£{self.claimed - self.sum:,.2f} more is claimed than the {self.label} "
                f"(£{self.sum:,.2f})"
            )
        elif self.over_committed:
            found.append(
                f"claims and the staff in post would cost £{-self.remaining:,.2f} more than the "
                f"{self.label} (£{self.sum:,.2f})"
            )
        return found


def projection(claims: dict[date, Decimal], year: str, on: date) -> tuple[Decimal, str]:
    """Claimed to date plus the current monthly claims (the latest month with any) for each
    month of the year after that month; once the year has ended, what is claimed."""
    first, last = financial_year(year)
    claimed = sum(claims.values(), Decimal("0.00"))
    if on > last:
        return claimed, f"£{claimed:,.2f} claimed; the year has ended"
    if not claims:
        return claimed, "nothing claimed yet: no current monthly claims to project"
    latest = max(claims)
    rate = claims[latest]
    left = len([m for m in months(first, last) if m > latest])
    total = claimed + rate * left
    return total, (
        f"£{claimed:,.2f} claimed + £{rate:,.2f} ({latest:%B %Y}'s claims) x {left} "
        f"month{'s' if left != 1 else ''} to 31 March = £{total:,.2f}"
    )


@dataclass(frozen=True)
class Entitlement:
    amount: Decimal | None
    formula: str  # the working, or why it cannot be calculated


def flat_entitlement(year: str, registered: Decimal | None) -> Entitlement | None:
    """2019/20: each flat role's maximum on the start date x its WTE (1; 2 where the DES list
    size is over 100,000) x the months from the start to 31 March / 12, summed and rounded
    once to the penny, half up. None for a year without a flat entitlement."""
    roles, years = scheme()
    rule = years.get(year)
    if rule is None or not rule.flat_roles or rule.flat_from is None:
        return None
    if registered is None:
        return Entitlement(None, "no DES list size (registered list at 1 January 2019) on file")
    _, last = financial_year(year)
    count = len(months(rule.flat_from, last))
    double = rule.flat_double_above is not None and registered > rule.flat_double_above
    wte = rule.flat_wte * (2 if double else 1)
    parts, total = [], Decimal(0)
    for key in rule.flat_roles:
        role = roles[key]
        maximum = role.maximum_on(rule.flat_from)
        if maximum is None:
            return Entitlement(
                None,
                f"no maximum reimbursable amount on file for {role.label.lower()} on "
                f"{rule.flat_from:%-d %B %Y}",
            )
        total += maximum.amount * wte * count / 12
        parts.append(f"£{maximum.amount:,} x {wte} WTE {role.label.lower()}")
    amount = to_pence(total)
    size = f"{registered:,} patients {'over' if double else 'not over'} {rule.flat_double_above:,}"
    return Entitlement(
        amount,
        f"({' + '.join(parts)}) x {count}/12 months from {rule.flat_from:%-d %B %Y} = "
        f"£{amount:,.2f} ({size}; {rule.flat_source})",
    )


def pot_sum(year: str, key: str, weighted: Decimal | None) -> tuple[Decimal | None, str]:
    """A ring-fenced pot's sum: its rate x the weighted population, to the penny."""
    rule = scheme()[1].get(year)
    pot = next((p for p in rule.pots if p.key == key), None) if rule else None
    if pot is None:
        return None, f"no {key} sum in {year}"
    if weighted is None:
        return None, "no weighted population on record for the PCN"
    total = to_pence(weighted * pot.rate)
    note = f"; {pot.status.replace('_', ' ')}: {pot.note}" if pot.note else ""
    return total, (
        f"{weighted:,} weighted patients x £{pot.rate} = £{total:,.2f}, from "
        f"{pot.start:%-d %B %Y} ({pot.source}{note})"
    )


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
    """2019/20: WTE allowed per role (1 each; 2 where the list is over 100,000). Without a
    list size only the single allowance is sure: 1 each."""
    _, years = scheme()
    rule = years.get(year)
    if rule is None or not rule.flat_roles:
        return {}
    double = (
        rule.flat_double_above is not None
        and registered is not None
        and registered > rule.flat_double_above
    )
    return dict.fromkeys(rule.flat_roles, rule.flat_wte * (2 if double else 1))


def budgets(
    year: str,
    sums: dict[str, tuple[Decimal | None, str]],
    staff: list[tuple[Staff, dict[date, Decimal]]],
    on: date,
) -> list[Budget]:
    """A network's budgets for the year, MAIN first: each pot's sum (amount or None, and its
    working or reason), what its roles have claimed in the year, what the records allow for
    the months not yet claimed (committed), and the projection to the year end."""
    first, last = financial_year(year)
    labels = pot_labels(year)
    claimed: dict[str, dict[date, Decimal]] = {key: {} for key in labels}
    committed = dict.fromkeys(labels, Decimal("0.00"))
    for facts, made in staff:
        key = pot_of(facts.role, year)
        by_month = claimed.setdefault(key, {})
        for month, amount in made.items():
            if first <= month <= last:
                by_month[month] = by_month.get(month, Decimal("0.00")) + amount
        for month in months(first, last):
            if month in made:
                continue
            due = monthly_claim(facts, month)
            if due is not None and not due.problem:
                committed[key] = committed.get(key, Decimal("0.00")) + due.amount
    found = []
    for key, label in labels.items():
        total, formula = sums.get(key, (None, f"no {label} worked out"))
        projected, how = projection(claimed[key], year, on)
        found.append(
            Budget(
                year=year,
                sum=total,
                sum_formula=formula,
                claimed=sum(claimed[key].values(), Decimal("0.00")),
                committed=committed[key],
                key=key,
                label=label,
                projected=projected,
                projection_formula=how,
            )
        )
    return found
