"""Monthly payment schedules: the calculator's lines for a scope and year, set against what was
already paid, with arrears for differences; and marking a month paid.

A line that cannot be calculated (no figure on file for its basis) has no amount: it is
listed everywhere with its reason, left out of every total, never stored as paid and never
the ground of arrears; totals say how many they exclude (`missing_note`).

A month once paid keeps the lines it was paid with. When the rates known today give another
amount for it (a revision backdated to April, published in September), the difference is
a new line, arrears (or a recovery when negative), in the first month not yet paid.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission
from organisations.models import Organisation
from payments import inputs
from payments.engine import Line, Payee, network_lines
from payments.models import ArrsClaim, PaidLine, PaidMonth
from payments.rates import ENTITLEMENTS
from payments.versions import first_year, versions_for
from pcnhub.nhs_calendar import financial_year, months, year_of


@dataclass(frozen=True)
class ScheduleLine:
    line: Line
    paid: bool
    arrears_for: date | None = None  # the month an arrears line makes good

    @property
    def is_recovery(self) -> bool:
        return self.line.amount is not None and self.line.amount < 0

    @property
    def calculable(self) -> bool:
        return self.line.amount is not None


def uncalculable_words(count: int) -> str:
    """'1 entitlement that cannot be calculated', '3 entitlements ...'."""
    noun = "entitlement" if count == 1 else "entitlements"
    return f"{count:,} {noun} that cannot be calculated"


def missing_words(count: int) -> str:
    """'excluding 1 entitlement that cannot be calculated', or '' for none."""
    return f"excluding {uncalculable_words(count)}" if count else ""


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

    def table(self) -> list[tuple[Payee, list[tuple[str, list[Decimal | None], Decimal]]]]:
        """Per payee, per entitlement (arrears apart): the amount of each month, and the total;
        the grid of the statement page and of each payee's sheet."""
        grid: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
        for item in self.lines:
            if not item.calculable:
                continue
            label = item.line.label + (" (arrears)" if item.arrears_for else "")
            grid[item.line.payee][label][item.line.month] += item.line.amount
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

    @property
    def total(self) -> Decimal:
        """The sum of the lines that can be calculated (see `missing_note`)."""
        return sum((s.line.amount for s in self.lines if s.calculable), Decimal("0.00"))

    @property
    def uncalculable(self) -> list[ScheduleLine]:
        """The lines that cannot be calculated, each with its reason in `line.missing`."""
        return [s for s in self.lines if not s.calculable]

    @property
    def missing_note(self) -> str:
        return missing_words(len(self.uncalculable))


def compute(pcns: list[Organisation], year: str, known_on: date) -> list[Line]:
    """The lines the rates known on `known_on` give, for the PCNs and their practices, and
    the ARRS claims made for the year, paid to the nominated payee."""
    versions = versions_for(year)
    lines = []
    networks = inputs.gather(pcns, year, versions)
    for network in networks:
        lines.extend(network_lines(network, versions, year, known_on))
    lines.extend(_claim_lines(networks, year))
    return lines


def _claim_lines(networks, year: str) -> list[Line]:
    start, end = financial_year(year)
    by_code = {n.pcn.code: n for n in networks}
    claims = ArrsClaim.objects.filter(
        staff__pcn__code__in=by_code, month__gte=start, month__lte=end
    ).select_related("staff__pcn")
    return [
        Line(
            payee=by_code[claim.staff.pcn.code].payee,
            pcn=by_code[claim.staff.pcn.code].pcn,
            entitlement="arrs",
            label=ENTITLEMENTS["arrs"],
            month=claim.month,
            amount=claim.amount,
            formula=f"{claim.staff.ref} ({claim.staff.role.replace('_', ' ')}): {claim.formula}",
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
            detail=claim.staff.ref,
        )
        for claim in claims
    ]


def _arrears(expected: Line, already: Decimal, versions: str, into: date) -> Line:
    difference = expected.amount - already
    kind = "Arrears" if difference > 0 else "Recovery"
    return replace(
        expected,
        month=into,
        amount=difference,
        formula=(
            f"{kind} for {expected.month:%B %Y}: now £{expected.amount:,.2f} "
            f"({expected.version}: {expected.formula}) less £{already:,.2f} paid ({versions})"
        ),
    )


def schedule(pcns: list[Organisation], year: str, known_on: date | None = None) -> Schedule:
    known_on = known_on or timezone.localdate()
    expected = compute(pcns, year, known_on)
    start, end = financial_year(year)
    paid_months = {
        (p.pcn.code, p.month): p
        for p in PaidMonth.objects.filter(pcn__in=pcns, month__gte=start, month__lte=end)
        .select_related("pcn")
        .prefetch_related("lines")
    }
    # What has been paid for each line's month so far, arrears paid later included.
    already: dict[tuple, Decimal] = defaultdict(Decimal)
    versions: dict[tuple, list[str]] = defaultdict(list)
    for (code, _), paid_month in paid_months.items():
        for stored in paid_month.lines.all():
            key = (stored.payee_code, code, stored.entitlement, stored.detail, stored.month)
            already[key] += stored.amount
            versions[key].append(stored.version)
    pcn_of = {pcn.code: pcn for pcn in pcns}
    next_unpaid = {
        code: next((m for m in months(start, end) if (code, m) not in paid_months), None)
        for code in pcn_of
    }
    result: list[ScheduleLine] = []
    for line in expected:
        if (line.pcn.code, line.month) not in paid_months or not line.calculable:
            # One that cannot be calculated stays listed in its month, paid or not.
            result.append(ScheduleLine(line, paid=False))
            continue
        into = next_unpaid[line.pcn.code]
        if line.amount != already[line.key] and into is not None:
            made = ", ".join(dict.fromkeys(versions[line.key])) or "nothing paid"
            arrears = _arrears(line, already[line.key], made, into)
            result.append(ScheduleLine(arrears, paid=False, arrears_for=line.month))
    # What was paid stands as paid.
    labels = {line.entitlement: line.label for line in expected}
    pcn_payees = {line.pcn.code: line.pcn for line in expected}
    for (code, when), paid_month in paid_months.items():
        for stored in paid_month.lines.all():
            shown = Line(
                payee=Payee(stored.payee_code, stored.payee_name),
                pcn=pcn_payees.get(code, Payee(code, pcn_of[code].name)),
                entitlement=stored.entitlement,
                label=labels.get(stored.entitlement, ENTITLEMENTS.get(stored.entitlement, "")),
                month=when,
                amount=stored.amount,
                formula=stored.formula,
                basis="",
                basis_value=None,
                basis_as_at=None,
                basis_source="as paid",
                rate=Decimal("0"),
                per="",
                version=stored.version,
                rate_status="",
                rate_note="",
                rate_source="",
                detail=stored.detail,
            )
            result.append(
                ScheduleLine(shown, paid=True, arrears_for=stored.month if stored.arrears else None)
            )
    result.sort(
        key=lambda s: (s.line.pcn.code, s.line.payee.code, s.line.month, s.line.entitlement)
    )
    return Schedule(year=year, known_on=known_on, lines=result)


@transaction.atomic
def mark_paid(*, pcn: Organisation, month: date, by, known_on: date | None = None) -> PaidMonth:
    """Store the month's lines for the PCN (and its practices) as paid: arrears included."""
    if by is not None and not has_permission(by, Permission.MANAGE_PAYMENTS, pcn):
        raise PermissionDenied(f"you may not mark payments for {pcn.code}")
    month = month.replace(day=1)
    if PaidMonth.objects.filter(pcn=pcn, month=month).exists():
        raise ValidationError(f"{month:%B %Y} is already marked paid for {pcn.code}")
    known_on = known_on or timezone.localdate()
    current = schedule([pcn], year_of(month), known_on)
    due = [s for s in current.lines if not s.paid and s.calculable and s.line.month == month]
    paid = PaidMonth.objects.create(pcn=pcn, month=month, known_on=known_on, marked_by=by)
    PaidLine.objects.bulk_create(_paid_lines(paid, due))
    return paid


@transaction.atomic
def mark_paid_through(*, pcns: list[Organisation], through: date, known_on: date, by) -> int:
    """Record every unpaid month of the PCNs up to `through` as paid, as the rates known on
    `known_on` give them: for taking on the history of payments made before PCN Hub."""
    stored = 0
    through = through.replace(day=1)
    first, _ = financial_year(first_year())
    years = sorted({year_of(m) for m in months(first, through)})
    for year in years:
        current = schedule(pcns, year, known_on)
        pcn_of = {pcn.code: pcn for pcn in pcns}
        due: dict[tuple[str, date], list[ScheduleLine]] = defaultdict(list)
        for item in current.lines:
            if not item.paid and item.calculable and item.line.month <= through:
                due[item.line.pcn.code, item.line.month].append(item)
        for (code, month), items in due.items():
            if by is not None and not has_permission(by, Permission.MANAGE_PAYMENTS, pcn_of[code]):
                raise PermissionDenied(f"you may not mark payments for {code}")
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
            entitlement=item.line.entitlement,
            detail=item.line.detail,
            month=item.arrears_for or item.line.month,
            arrears=item.arrears_for is not None,
            amount=item.line.amount,
            formula=item.line.formula,
            version=item.line.version,
        )
        for item in items
    ]
