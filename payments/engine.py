"""The entitlement calculator: rates and populations in, monthly payment lines out. No database.

Rounding: each monthly line is computed exactly in Decimal and rounded once, to the penny,
half up (ROUND_HALF_UP). A year's twelve lines may therefore differ from the annual figure
by up to half a penny a line; nothing is carried between months.

Per: a "year" rate pays basis x value / 12 a month; a "month" rate basis x value a month; a
"period" rate basis x value over the period, in equal monthly parts; a "point" rate pays the
points achieved x value, and an "assessed" rate basis x value x the commissioner's assessed
share, each once, in the period's last month.

Nothing missing in silence: where the rate's basis has no figure (a figure that is there but
has no value, with the population rule's reason), or an assessed rate has no assessment yet,
the line is still made, with no amount and the reason it cannot be calculated. A basis that
is absent altogether (no members that month, no beds or points entered) makes no line.

Who may be paid: a line that is due but may not be paid in its month (the network not
approved then, or no nominated payee with bank details on record) is still made, with no
amount and the reason it is withheld (`Line.withheld`), apart from "cannot be calculated"
(`Line.missing`). `calculable` says whether the amount could be worked out; `payable`
whether the line has an amount to pay. The schedule pays a withheld month as arrears once
the cause is cleared.

When paid: a line is placed in the month it is for (`month`, also `for_month`); the month it
is paid in (`paid_month`) is the payment calendar's (payments.calendar, a pure function the
schedule passes in as `paid_in`), so this calculator knows nothing of statements.

Speed: a schedule for England is some 150,000 lines, so each line is made once, whole (never
made and then replaced), the rates due in each month are worked out once for every network
(`year_rates`), and a network's figure that stands for several months is priced and put in
words once, in the `Terms` its months' lines share: a line itself holds only what differs
from month to month (payee, month, amount, whether it is withheld).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import attrgetter
from types import MappingProxyType

from payments.rates import RateSpec, VersionSpec
from pcnhub.nhs_calendar import financial_year, months

PENNY = Decimal("0.01")
ONE_OFF = ("point", "assessed")


def to_pence(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Figure:
    """A population (or beds, or points) with where it came from, and what a reader must be
    told beside it. A value of None is a figure that is not on file: `reason` says why."""

    value: Decimal | None
    as_at: date | None  # the extract date of the figure, None when entered by hand
    source: str  # e.g. "GP_LIST_2019-01.csv", "entered by the commissioner"
    basis: str = ""  # e.g. "sum of 2 practices' registered list at 1 Jan 2019"
    warnings: tuple[str, ...] = ()  # e.g. stale, synthetic, members without a figure
    reason: str = ""  # why there is no value, e.g. "no PCN adjusted population for U00001 ..."


@dataclass(frozen=True, slots=True)
class Payee:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class NetworkMonth:
    """What one PCN is paid on for one month: its members' populations at each basis date,
    counted over the practices that are members on the first of the month."""

    registered: Figure | None = None
    weighted: Figure | None = None
    adjusted: Figure | None = None
    beds: Figure | None = None


@dataclass(frozen=True, slots=True)
class NetworkInputs:
    pcn: Payee
    payee: Payee  # the nominated payee
    by_month: Mapping[date, NetworkMonth]
    points: Figure | None = None  # IIF points achieved in the year
    assessed_share: Decimal | None = None  # CAIP: the share of the maximum assessed
    practices: Mapping[date, Mapping[Payee, Figure]] = field(default_factory=dict)
    # practice -> its weighted population, for the members on the first of each month
    payees: Mapping[date, Payee] = field(default_factory=dict)
    # the nominated payee on record on the first of each month (else `payee`)
    withheld: Mapping[date, str] = field(default_factory=dict)
    # month -> why the network's lines may not be paid then ("not approved ...")
    practices_withheld: Mapping[date, str] = field(default_factory=dict)
    # month -> why the practices' own lines may not be paid then (network not paid)

    def payee_on(self, month: date) -> Payee:
        return self.payees.get(month, self.payee)


@dataclass(frozen=True, slots=True)
class Terms:
    """What the lines of one rate on one figure share: the rate with its version and source,
    the figure it is paid on, in words, and why it cannot be calculated. A line reads these
    as its own attributes (`line.rate`, `line.basis_source`); the engine makes them once for
    all the months a figure stands for, so each of a schedule's lines is small to make."""

    entitlement: str
    label: str
    basis: str
    basis_value: Decimal | None
    basis_as_at: date | None
    basis_source: str
    rate: Decimal
    per: str
    version: str
    rate_status: str
    rate_note: str
    rate_source: str
    missing: str = ""  # why the lines cannot be calculated; their amount is then None
    paid_to: str = "network"  # "network": the nominated payee; "practice": each practice


@dataclass(frozen=True, slots=True)
class Line:
    payee: Payee
    pcn: Payee
    month: date
    amount: Decimal | None  # None: cannot be calculated (`missing`) or withheld (`withheld`)
    formula: str
    terms: Terms
    detail: str = ""  # tells apart lines of one entitlement and month: an ARRS claim's staff
    withheld: str = ""  # why the line may not be paid (not approved, no payee); amount None
    paid_month: date | None = None  # the month it is paid in (payments.calendar); None: `month`

    entitlement = property(attrgetter("terms.entitlement"))
    label = property(attrgetter("terms.label"))
    basis = property(attrgetter("terms.basis"))
    basis_value = property(attrgetter("terms.basis_value"))
    basis_as_at = property(attrgetter("terms.basis_as_at"))
    basis_source = property(attrgetter("terms.basis_source"))
    rate = property(attrgetter("terms.rate"))
    per = property(attrgetter("terms.per"))
    version = property(attrgetter("terms.version"))
    rate_status = property(attrgetter("terms.rate_status"))
    rate_note = property(attrgetter("terms.rate_note"))
    rate_source = property(attrgetter("terms.rate_source"))
    missing = property(attrgetter("terms.missing"))
    paid_to = property(attrgetter("terms.paid_to"))

    @property
    def for_month(self) -> date:
        """The month the line is for (earned), where it is placed: `month`."""
        return self.month

    @property
    def paid_in(self) -> date:
        """The month the line is paid in: the calendar's, else the month it is for."""
        return self.paid_month or self.month

    @property
    def calculable(self) -> bool:
        """The amount can be worked out (it may still be withheld)."""
        return not self.missing

    @property
    def payable(self) -> bool:
        """There is an amount to pay: calculable and not withheld."""
        return self.amount is not None

    @property
    def status(self) -> str:
        if self.missing:
            return "cannot be calculated"
        if self.withheld:
            return "withheld"
        return "due"

    @property
    def key(self) -> tuple:
        return (self.payee.code, self.pcn.code, self.entitlement, self.detail, self.month)


def rates_in_force(
    versions: Iterable[VersionSpec], month: date, known_on: date
) -> dict[str, tuple[RateSpec, VersionSpec]]:
    """Each entitlement's rate for the month, as known on `known_on`: the latest version
    published by then and effective by the month, for each entitlement it names."""
    found: dict[str, tuple[RateSpec, VersionSpec]] = {}
    for version in versions:
        if version.published > known_on or version.effective_from > month:
            continue
        for rate in version.rates:
            if rate.start <= month <= rate.end:
                found[rate.entitlement] = (rate, version)
    return found


@lru_cache(maxsize=4096)
def _money(value: Decimal) -> str:
    """£1.50, £0.5143, £120.00: pence always, more places only where the rate has them."""
    value = value.normalize()
    return f"£{value:,.2f}" if value.as_tuple().exponent >= -2 else f"£{value:,f}"


def _figure_text(figure: Figure, unit: str) -> str:
    if figure.basis:
        text = f"{figure.value:,} {unit}: {figure.basis} ({figure.source or 'source not recorded'})"
    else:
        when = f" at {figure.as_at:%-d %b %Y}" if figure.as_at else ""
        text = f"{figure.value:,} {unit}{when} ({figure.source})"
    return " ".join([text, *(f"[{warning}]" for warning in figure.warnings)])


UNIT_WORDS = {
    "registered": "registered patients",
    "weighted": "weighted patients",
    "adjusted": "adjusted patients",
    "practice_weighted": "weighted patients",
    "beds": "care home beds",
    "points": "IIF points",
}


@dataclass(frozen=True, slots=True)
class Due:
    """A rate due in a month, worked out once for every network (`year_rates`)."""

    rate: RateSpec
    version: VersionSpec
    n_months: int  # the months of the rate's period: a "period" rate pays a part of each
    paid_month: date | None  # the month it is paid in, where a calendar was given


PaidIn = Callable[[str, date], date]  # entitlement, month it is for -> month it is paid in


def year_rates(
    versions: Iterable[VersionSpec], year: str, known_on: date, paid_in: PaidIn | None = None
) -> list[tuple[date, list[Due]]]:
    """Each month of the year with the rates due in it as known on `known_on` (a one-off
    rate in its period's last month only) and, given `paid_in` (the payment calendar's
    rule, payments.calendar), the month each is paid in. The same for every network, so a
    schedule works it out once."""
    start, end = financial_year(year)
    periods: dict[tuple[date, date], list[date]] = {}
    found = []
    for month in months(start, end):
        due = []
        for rate, version in rates_in_force(versions, month, known_on).values():
            period = periods.setdefault((rate.start, rate.end), months(rate.start, rate.end))
            if rate.per in ONE_OFF and month != period[-1]:
                continue
            paid = paid_in(rate.entitlement, month) if paid_in else None
            due.append(Due(rate, version, len(period), paid))
        found.append((month, due))
    return found


def network_lines(
    inputs: NetworkInputs, versions: list[VersionSpec], year: str, known_on: date
) -> list[Line]:
    """Every monthly line for one PCN and its member practices over the financial year."""
    return lines_for_year(inputs, year_rates(versions, year, known_on))


NO_FIGURES = NetworkMonth()
NO_PRACTICES: Mapping[Payee, Figure] = MappingProxyType({})


Priced = dict[tuple[int, int, Decimal | None], tuple[Terms, Decimal | None, str]]


def lines_for_year(
    inputs: NetworkInputs, due: list[tuple[date, list[Due]]], priced: Priced | None = None
) -> list[Line]:
    """Every line for one PCN and its member practices for the rates due (`year_rates`), each
    made once with its payee, whether it is withheld and the month it is paid in. A figure
    unchanged from month to month is priced and put in words once (`_terms`), and so is one
    that other networks share (a count of beds) where the caller keeps `priced` across
    networks: by rate, figure (while both exist: by identity) and, for an assessed rate, the
    network's assessed share."""
    lines: list[Line] = []
    priced = {} if priced is None else priced
    pcn = inputs.pcn
    in_order: dict[int, list] = {}  # each practices' mapping by code, once for its months
    for month, rates in due:
        network = inputs.by_month.get(month, NO_FIGURES)
        practices = None
        for item in rates:
            rate = item.rate
            share = inputs.assessed_share if rate.per == "assessed" else None
            if rate.payee == "practice":
                if practices is None:
                    mapping = inputs.practices.get(month, NO_PRACTICES)
                    practices = in_order.get(id(mapping))
                    if practices is None:
                        practices = in_order[id(mapping)] = sorted(
                            mapping.items(), key=lambda pair: pair[0].code
                        )
                withheld = inputs.practices_withheld.get(month, "")
                paid_to = "practice"
                payees = practices
            else:
                figure = inputs.points if rate.basis == "points" else getattr(network, rate.basis)
                if figure is None:
                    continue
                withheld = inputs.withheld.get(month, "")
                paid_to = "network"
                payees = ((inputs.payee_on(month), figure),)
            for payee, figure in payees:
                key = (id(rate), id(figure), share)
                found = priced.get(key)
                if found is None:
                    found = _terms(item, inputs, payee, figure, paid_to)
                    if not found[0].missing:  # a reason may name the payee: made per line
                        priced[key] = found
                terms, amount, formula = found
                if withheld and not terms.missing:
                    amount, formula = None, f"withheld: {withheld}; due: {formula}"
                lines.append(
                    Line(payee, pcn, month, amount, formula, terms, "", withheld, item.paid_month)
                )
    return lines


def withhold(line: Line, reason: str | None) -> Line:
    """The line with no amount and why it is withheld; unchanged when there is no reason. What
    it would be is kept in the formula, so the reader sees what is held back."""
    if not reason:
        return line
    formula = line.formula if line.missing else f"withheld: {reason}; due: {line.formula}"
    return replace(line, amount=None, withheld=reason, formula=formula)


def _terms(
    due: Due, inputs: NetworkInputs, payee: Payee, figure: Figure, paid_to: str
) -> tuple[Terms, Decimal | None, str]:
    """The terms of the rate's lines on a figure, with the amount due a month and its formula;
    no amount where it cannot be calculated (`Terms.missing` says why)."""
    rate, missing = due.rate, ""
    if figure.value is None:
        missing = figure.reason or f"no {UNIT_WORDS[rate.basis]} on file for {payee.code}"
    elif rate.per == "assessed" and inputs.assessed_share is None:
        missing = f"not yet assessed: no share of the {rate.label} entered for {inputs.pcn.code}"
    if missing:
        amount, formula = None, f"cannot be calculated: {missing}"
        basis_source = (
            formula if figure.value is None else _figure_text(figure, UNIT_WORDS[rate.basis])
        )
    else:
        amount, formula, basis_source = _price(rate, due.n_months, figure, inputs.assessed_share)
    terms = Terms(
        entitlement=rate.entitlement,
        label=rate.label,
        basis=rate.basis,
        basis_value=figure.value,
        basis_as_at=figure.as_at,
        basis_source=basis_source,
        rate=rate.value,
        per=rate.per,
        version=due.version.label,
        rate_status=rate.status,
        rate_note=rate.note,
        rate_source=rate.source,
        missing=missing,
        paid_to=paid_to,
    )
    return terms, amount, formula


def _price(
    rate: RateSpec, n_months: int, figure: Figure, share: Decimal | None
) -> tuple[Decimal, str, str]:
    """A month's amount of the rate on a figure, its formula and the figure in words."""
    unit = UNIT_WORDS[rate.basis]
    value = figure.value
    if rate.per == "year":
        exact = value * rate.value / 12
        formula = f"{value:,} {unit} x {_money(rate.value)} a year / 12"
    elif rate.per == "month":
        exact = value * rate.value
        formula = f"{value:,} {unit} x {_money(rate.value)} a month"
    elif rate.per == "period":
        exact = value * rate.value / n_months
        formula = (
            f"{value:,} {unit} x {_money(rate.value)} for {rate.start:%b %Y}-{rate.end:%b %Y} "
            f"/ {n_months} months"
        )
    elif rate.per == "point":
        exact = value * rate.value
        formula = f"{value:,} {unit} x {_money(rate.value)} a point"
    else:  # assessed
        exact = value * rate.value * share
        formula = f"{value:,} {unit} x {_money(rate.value)} x {share:.0%} assessed"
    amount = to_pence(exact)
    return (
        amount,
        f"{formula} = £{exact:,.4f}, rounded to {_money(amount)}",
        _figure_text(figure, unit),
    )
