"""Monthly payment schedules: the calculator's lines for a scope and year, set against what was
already paid, with arrears for differences; and marking a month paid.

A line that cannot be calculated (no figure on file for its basis) has no amount: it is
listed everywhere with its reason, left out of every total, never stored as paid and never
the ground of arrears; totals say how many they exclude (`missing_note`). So is a line that is
withheld (the network not approved on the first of the month, or no nominated payee with bank
details): once the cause is cleared, a withheld month already marked paid is made good as
arrears in the first month not yet paid, never by rewriting the paid month.

Marking a month paid needs a person with the permission to manage payments; a month already
paid is refused and nothing is saved. A paid line keeps what it was paid on (entitlement,
basis, the population with its date and source, the rate version, the payee and whether it
went to the network or a practice), and can never be changed (payments.models).

A month once paid keeps the lines it was paid with. When the rates known today give another
amount for it (a revision backdated to April, published in September), the difference is
a new line, arrears (or a recovery when negative), in the next month not yet paid: the first
month after the latest month paid (`next_unpaid`).

Month earned and month paid: each line is placed in the month it is for (`line.month`,
`ScheduleLine.for_month`; an arrears line's is the month it makes good) and is paid in the
month the payment calendar gives (payments.calendar; `ScheduleLine.paid_month`; an arrears
line's is the month it is added to). A PaidMonth is a statement: marking July paid pays
every line whose paid month is July, whatever month it is for (2019/20: core for April to
July). A line for a month that something has already been paid for is settled, whichever
statement paid it: any difference is arrears, never a second payment.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission
from organisations.models import Organisation
from payments import inputs
from payments.calendar import calendar_for, place
from payments.calendar import paid_month as calendar_paid_month
from payments.engine import Line, Payee, Terms, lines_for_year, withhold, year_rates
from payments.models import ArrsClaim, PaidLine, PaidMonth, RateVersion
from payments.rates import ENTITLEMENTS
from payments.versions import first_year, versions_for
from pcnhub.nhs_calendar import financial_year, months, year_of


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    line: Line
    paid: bool
    arrears_for: date | None = None  # the month an arrears line makes good

    @property
    def is_recovery(self) -> bool:
        return self.line.amount is not None and self.line.amount < 0

    @property
    def calculable(self) -> bool:
        """Its amount can be worked out (it may still be withheld)."""
        return self.line.calculable

    @property
    def payable(self) -> bool:
        """It has an amount: calculable and not withheld."""
        return self.line.amount is not None

    @property
    def withheld(self) -> bool:
        return bool(self.line.withheld) and self.line.calculable

    @property
    def for_month(self) -> date:
        """The month it is for (earned): an arrears line's is the month it makes good."""
        return self.arrears_for or self.line.month

    @property
    def paid_month(self) -> date:
        """The month it is paid in (the statement it is on)."""
        return self.line.paid_in

    def placed(self, by: str) -> date:
        """The month a view shows it in: "paid", the month it is paid in; "earned", the month
        it is for."""
        return self.paid_month if by == "paid" else self.for_month

    @property
    def heading(self) -> str:
        """Its row in a table of entitlements: arrears apart from the month's own money."""
        return self.line.label + (" (arrears)" if self.arrears_for else "")


VIEWS = {"paid": "by month paid", "earned": "by month earned"}


def check_view(by: str) -> None:
    if by not in VIEWS:
        raise ValueError(f"by must be one of {', '.join(VIEWS)}")


def next_unpaid(paid: set[date], year_months: list[date]) -> date | None:
    """The next month not yet paid: the first after the latest month paid (months before it
    with nothing to pay, such as April-June 2019, are passed over), or None."""
    latest = max((m for m in year_months if m in paid), default=None)
    return next((m for m in year_months if m not in paid and (latest is None or m > latest)), None)


def uncalculable_words(count: int) -> str:
    """'1 entitlement that cannot be calculated', '3 entitlements ...'."""
    noun = "entitlement" if count == 1 else "entitlements"
    return f"{count:,} {noun} that cannot be calculated"


def withheld_words(count: int) -> str:
    """'1 entitlement withheld', '3 entitlements withheld'."""
    noun = "entitlement" if count == 1 else "entitlements"
    return f"{count:,} {noun} withheld"


def missing_words(count: int, withheld: int = 0) -> str:
    """'excluding 1 entitlement that cannot be calculated and 2 entitlements withheld', or ''."""
    parts = [uncalculable_words(count)] if count else []
    if withheld:
        parts.append(withheld_words(withheld))
    return f"excluding {' and '.join(parts)}" if parts else ""


@dataclass
class Schedule:
    year: str
    known_on: date
    lines: list[ScheduleLine]

    @property
    def months(self) -> list[date]:
        start, end = financial_year(self.year)
        return months(start, end)

    def payees(self) -> list[Payee]:
        return sorted({s.line.payee for s in self.lines}, key=lambda p: (p.name, p.code))

    def table(
        self, by: str = "paid"
    ) -> list[tuple[Payee, list[tuple[str, list[Decimal | None], Decimal]]]]:
        """Per payee, per entitlement (arrears apart): the amount of each month, and the total;
        the grid of the statement page and of each payee's sheet. `by` "paid" puts each line
        in the month it is paid in (as a statement shows it), "earned" in the month it is
        for (an arrears line in the month it makes good)."""
        check_view(by)
        grid: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
        for item in self.lines:
            if not item.payable:
                continue
            grid[item.line.payee][item.heading][item.placed(by)] += item.line.amount
        return [
            (
                payee,
                [
                    (
                        label,
                        [grid[payee][label].get(m) for m in self.months],
                        sum(grid[payee][label].values()),
                    )
                    for label in sorted(grid[payee])
                ],
            )
            for payee in self.payees()
            if payee in grid  # a payee with only lines that cannot be calculated has no row
        ]

    def next_to_pay(self, paid: set[date]) -> date | None:
        """The next month not yet paid (`next_unpaid`), passing over months with nothing
        paid in them (2019/20: the first statement is July's); else the next month unpaid."""
        first = next_unpaid(paid, self.months)
        due = {s.paid_month for s in self.lines if not s.paid and s.payable}
        found = next((m for m in self.months if first and m >= first and m in due), None)
        return found or first

    @property
    def total(self) -> Decimal:
        """The sum of the lines with an amount (see `missing_note`)."""
        return sum((s.line.amount for s in self.lines if s.payable), Decimal("0.00"))

    @property
    def uncalculable(self) -> list[ScheduleLine]:
        """The lines that cannot be calculated, each with its reason in `line.missing`."""
        return [s for s in self.lines if not s.calculable]

    @property
    def withheld(self) -> list[ScheduleLine]:
        """The lines that could be calculated but are withheld, each with `line.withheld`."""
        return [s for s in self.lines if s.withheld]

    @property
    def missing_note(self) -> str:
        return missing_words(len(self.uncalculable), len(self.withheld))


def compute(pcns: list[Organisation], year: str, known_on: date) -> list[Line]:
    """The lines the rates known on `known_on` give, for the PCNs and their practices, and
    the ARRS claims made for the year, paid to the nominated payee."""
    versions = versions_for(year)
    calendar = calendar_for(year)
    due = year_rates(versions, year, known_on, partial(calendar_paid_month, calendar))
    lines = []
    networks = inputs.gather(pcns, year, versions)
    priced = {}  # the figures networks share priced once (lines_for_year); they outlive it
    for network in networks:
        lines.extend(lines_for_year(network, due, priced))
    lines.extend(place(_claim_lines(networks, year), calendar))
    return lines


def _claim_lines(networks, year: str) -> list[Line]:
    start, end = financial_year(year)
    by_code = {n.pcn.code: n for n in networks}
    claims = ArrsClaim.objects.filter(
        staff__pcn__code__in=by_code, month__gte=start, month__lte=end
    ).select_related("staff__pcn")
    return [
        withhold(
            _claim_line(claim, by_code[claim.staff.pcn.code]),
            by_code[claim.staff.pcn.code].withheld.get(claim.month),
        )
        for claim in claims
    ]


def _claim_line(claim: ArrsClaim, network) -> Line:
    """An ARRS claim as a line to the network's nominated payee of the claim's month."""
    return Line(
        payee=network.payee_on(claim.month),
        pcn=network.pcn,
        month=claim.month,
        amount=claim.amount,
        formula=f"{claim.staff.ref} ({claim.staff.role.replace('_', ' ')}): {claim.formula}",
        terms=Terms(
            entitlement="arrs",
            label=ENTITLEMENTS["arrs"],
            basis="staff_cost",
            basis_value=None,
            basis_as_at=None,
            basis_source=f"claim for {claim.staff.ref}, employed by {claim.staff.employer}",
            rate=Decimal("0"),
            per="claim",
            version="ARRS claim",
            rate_status="",
            rate_note="",
            rate_source="payments/arrs.toml: roles, shares and maxima by date",
        ),
        detail=claim.staff.ref,
    )


def _paid_key(payee_code, pcn_code, entitlement, detail, month, paid_to) -> tuple:
    """What a paid line is matched on: a practice's own payment by its practice; the
    network's money whoever its nominated payee was."""
    who = payee_code if paid_to == "practice" else ""
    return (who, pcn_code, entitlement, detail, month)


def _arrears(expected: Line, already: Decimal, versions: str, into: date) -> Line:
    difference = expected.amount - already
    kind = "Arrears" if difference > 0 else "Recovery"
    return replace(
        expected,
        month=into,
        paid_month=into,
        amount=difference,
        formula=(
            f"{kind} for {expected.month:%B %Y}: now £{expected.amount:,.2f} "
            f"({expected.version}: {expected.formula}) less £{already:,.2f} paid ({versions})"
        ),
    )


@contextmanager
def _cycles_collected_after():
    """Pause Python's cycle collector, as it was before afterwards. A schedule for England
    makes some 300,000 objects that hold no reference cycles, and the collector would
    otherwise walk the whole heap again and again as they are made (a fifth of the time).
    They are then counted as old (frozen, and unfrozen into the oldest generation): else
    the first young collection after the pause walks them all once more, to no end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def schedule(pcns: list[Organisation], year: str, known_on: date | None = None) -> Schedule:
    with _cycles_collected_after():
        return _schedule(pcns, year, known_on)


def _schedule(pcns: list[Organisation], year: str, known_on: date | None) -> Schedule:
    known_on = known_on or timezone.localdate()
    expected = compute(pcns, year, known_on)
    start, end = financial_year(year)
    paid_months = {
        (p.pcn.code, p.month): p
        for p in PaidMonth.objects.filter(
            pcn_id__in=[pcn.pk for pcn in pcns], month__gte=start, month__lte=end
        )
        .select_related("pcn")
        .prefetch_related("lines")
    }
    # What has been paid for each line's month so far, arrears paid later included. Network
    # money is matched whoever it went to, so a new nominated payee is never paid a month
    # the old one was already paid for.
    already: dict[tuple, Decimal] = defaultdict(Decimal)
    versions: dict[tuple, list[str]] = defaultdict(list)
    for (code, _), paid_month in paid_months.items():
        for stored in paid_month.lines.all():
            key = _paid_key(
                stored.payee_code,
                code,
                stored.entitlement,
                stored.detail,
                stored.month,
                stored.paid_to,
            )
            already[key] += stored.amount
            versions[key].append(stored.version)
    pcn_of = {pcn.code: pcn for pcn in pcns}
    year_months = months(start, end)
    into_month = {
        code: next_unpaid({m for c, m in paid_months if c == code}, year_months) for code in pcn_of
    }
    # Only a network with a month paid can have a line settled or arrears.
    paid_pcns = {code for code, _ in paid_months}
    # Arrears go to the network's payee of the month they are paid in, and are held back
    # while the network cannot be paid then.
    standing = {
        (line.pcn.code, line.month): (line.payee, line.withheld)
        for line in expected
        if line.pcn.code in paid_pcns and line.paid_to == "network" and line.entitlement != "arrs"
    }
    # The lines of networks with no month paid are due as they stand.
    result = [ScheduleLine(line, False) for line in expected if line.pcn.code not in paid_pcns]
    for line in expected:
        if line.pcn.code not in paid_pcns:
            continue
        key = _paid_key(*line.key, line.paid_to)
        settled = (line.pcn.code, line.paid_in) in paid_months or key in already
        if not settled or not line.payable:
            # One that cannot be calculated, or is withheld, stays listed in its month, paid
            # or not; once it can be paid, a paid month's difference is arrears below.
            result.append(ScheduleLine(line, paid=False))
            continue
        if line.amount == already[key]:
            continue
        made = ", ".join(dict.fromkeys(versions[key])) or "nothing paid"
        into = into_month[line.pcn.code]
        if into is None:
            # Every month of the year is paid: the difference is listed, never dropped.
            due = _arrears(line, already[key], made, end.replace(day=1))
            reason = (
                f"£{due.amount:,.2f} for {line.month:%B %Y} is due, but every month of "
                f"{year} is already paid: pay it with the next year's first statement"
            )
            result.append(ScheduleLine(withhold(due, reason), paid=False, arrears_for=line.month))
            continue
        arrears = _arrears(line, already[key], made, into)
        if line.paid_to == "network":
            payee, reason = standing.get((line.pcn.code, into), (arrears.payee, None))
            arrears = withhold(replace(arrears, payee=payee), reason)
        result.append(ScheduleLine(arrears, paid=False, arrears_for=line.month))
    # What was paid stands as paid, on what it was paid on.
    labels = {line.entitlement: line.label for line in expected if line.pcn.code in paid_pcns}
    for (code, _), paid_month in paid_months.items():
        for stored in paid_month.lines.all():
            result.append(
                ScheduleLine(
                    as_paid(stored, code, pcn_of[code].name, labels),
                    paid=True,
                    arrears_for=stored.month if stored.arrears else None,
                )
            )
    result.sort(key=_order)
    return Schedule(year=year, known_on=known_on, lines=result)


def _order(item: ScheduleLine) -> tuple:
    """By network, payee, month paid, month earned and entitlement: the properties'
    values, read straight from the line (it is the key of some 150,000 lines for England)."""
    line = item.line
    return (
        line.pcn.code,
        line.payee.code,
        line.paid_month or line.month,
        item.arrears_for or line.month,
        line.entitlement,
    )


def as_paid(stored: PaidLine, code: str, name: str, labels: dict[str, str]) -> Line:
    """A paid line as the engine's line, from what it kept (lines paid before they kept their
    basis say "as paid")."""
    return Line(
        payee=Payee(stored.payee_code, stored.payee_name),
        pcn=Payee(stored.pcn_code or code, stored.pcn_name or name),
        month=stored.paid_month.month if stored.arrears else stored.month,
        amount=stored.amount,
        formula=stored.formula,
        terms=Terms(
            entitlement=stored.entitlement,
            label=stored.label
            or labels.get(stored.entitlement, ENTITLEMENTS.get(stored.entitlement, "")),
            basis=stored.basis,
            basis_value=stored.basis_value,
            basis_as_at=stored.basis_as_at,
            basis_source=stored.basis_source or "as paid",
            rate=stored.rate if stored.rate is not None else Decimal("0"),
            per=stored.per,
            version=stored.version,
            rate_status=stored.rate_status,
            rate_note="",
            rate_source=stored.rate_source,
            paid_to=stored.paid_to,
        ),
        detail=stored.detail,
        paid_month=stored.paid_month.month,
    )


def _require_marker(by, pcn: Organisation) -> None:
    """Only a person with the permission to manage payments for the PCN marks it paid."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied("marking a month paid needs the person who marks it (by=)")
    if not has_permission(by, Permission.MANAGE_PAYMENTS, pcn):
        raise PermissionDenied(f"you may not mark payments for {pcn.code}")


def _require_payable_month(month: date, known_on: date) -> None:
    """A statement is marked paid in or after its month, and only in a year with rates: a
    typing slip (2099, 1919) must not store a paid month that can never be undone."""
    year = year_of(month)
    if not RateVersion.objects.filter(year=year).exists():
        raise ValidationError({"month": [f"no rates on file for {year}, so nothing to pay"]})
    if month > known_on.replace(day=1):
        raise ValidationError(
            {
                "month": [
                    f"{month:%B %Y} cannot be marked paid before it starts: the latest month "
                    f"that can be is {known_on:%B %Y}"
                ]
            }
        )


@transaction.atomic
def mark_paid(*, pcn: Organisation, month: date, by, known_on: date | None = None) -> PaidMonth:
    """Store the lines paid in the month (their paid month, whatever month they are for) for
    the PCN (and its practices) as paid: arrears included.
    Lines that cannot be calculated or are withheld are not stored; they are made good as
    arrears in a later month once they can be paid. A month already paid is refused."""
    _require_marker(by, pcn)
    month = month.replace(day=1)
    known_on = known_on or timezone.localdate()
    _require_payable_month(month, known_on)
    if PaidMonth.objects.filter(pcn=pcn, month=month).exists():
        raise ValidationError(
            f"{month:%B %Y} is already marked paid for {pcn.code}: paid months never change"
        )
    current = schedule([pcn], year_of(month), known_on)
    due = [s for s in current.lines if not s.paid and s.payable and s.paid_month == month]
    paid = PaidMonth.objects.create(pcn=pcn, month=month, known_on=known_on, marked_by=by)
    PaidLine.objects.bulk_create(_paid_lines(paid, due))
    return paid


@transaction.atomic
def mark_paid_through(*, pcns: list[Organisation], through: date, known_on: date, by) -> int:
    """Record every unpaid month of the PCNs up to `through` as paid, as the rates known on
    `known_on` give them: for taking on the history of payments made before PCN Hub. A month
    with any line paid in it is marked, even when all are withheld or cannot be calculated,
    so that what could not be paid then is arrears once it can be; a month nothing is paid
    in (April-June 2019, before the first statement) is not."""
    for pcn in pcns:
        _require_marker(by, pcn)
    stored = 0
    through = through.replace(day=1)
    _require_payable_month(through, known_on)
    first, _ = financial_year(first_year())
    years = sorted({year_of(m) for m in months(first, through)})
    for year in years:
        current = schedule(pcns, year, known_on)
        pcn_of = {pcn.code: pcn for pcn in pcns}
        start, end = financial_year(year)
        already = set(
            PaidMonth.objects.filter(pcn__in=pcns, month__gte=start, month__lte=end).values_list(
                "pcn__code", "month"
            )
        )
        due: dict[tuple[str, date], list[ScheduleLine]] = defaultdict(list)
        for item in current.lines:
            key = (item.line.pcn.code, item.paid_month)
            if not item.paid and item.paid_month <= through and key not in already:
                due[key].extend([item] if item.payable else [])
        for (code, month), items in sorted(due.items()):
            paid = PaidMonth.objects.create(
                pcn=pcn_of[code], month=month, known_on=known_on, marked_by=by
            )
            PaidLine.objects.bulk_create(_paid_lines(paid, items))
            stored += 1
    return stored


def _paid_lines(paid: PaidMonth, items: list[ScheduleLine]):
    return [
        PaidLine(
            paid_month=paid,
            payee_code=item.line.payee.code,
            payee_name=item.line.payee.name,
            paid_to=item.line.paid_to,
            pcn_code=item.line.pcn.code,
            pcn_name=item.line.pcn.name,
            entitlement=item.line.entitlement,
            label=item.line.label,
            detail=item.line.detail,
            month=item.arrears_for or item.line.month,
            arrears=item.arrears_for is not None,
            amount=item.line.amount,
            formula=item.line.formula,
            basis=item.line.basis,
            basis_value=item.line.basis_value,
            basis_as_at=item.line.basis_as_at,
            basis_source=item.line.basis_source,
            rate=item.line.rate,
            per=item.line.per,
            version=item.line.version,
            rate_status=item.line.rate_status,
            rate_source=item.line.rate_source,
        )
        for item in items
    ]
