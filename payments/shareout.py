"""A PCN's share-out of network money to its member practices, by the rules of its Network
Agreement: equal shares, registered or weighted lists, agreed percentages or points, one rule
per entitlement or one for all.

Each month's amount is shared among the practices that are members on the first of that
month, so joiners and leavers are pro-rated by their membership dates. Shares are rounded to
the penny by the largest remainder, so they add up exactly to the amount; where agreed
percentages do not make 100%, what they leave is shown, with a warning.

Registered and weighted lists are each practice's figure at the year's basis date by the
population rule (purpose "payment"). Where a member has no figure, the month's amount is not
shared by guesswork (never as if the practice had none): it is left unallocated and the
warning names the practice and why; lines that cannot be calculated are not received.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from organisations.models import Organisation
from organisations.population import Population, practice_populations
from payments.engine import PENNY, Payee
from payments.inputs import monthly_members
from payments.models import ShareMethod, ShareRule
from payments.schedule import Schedule
from payments.versions import basis_date


def split(amount: Decimal, weights: dict[Payee, Decimal]) -> dict[Payee, Decimal]:
    """`amount` in proportion to `weights`, to the penny, adding up exactly (largest remainder;
    ties to the lower ODS code). Sign-aware: a recovery (a negative amount) is split as its
    size and each part negated, so the parts add up exactly and each is rounded away from
    zero only where the largest remainders fall, as a payment's would be."""
    if amount < 0:
        return {payee: -part for payee, part in split(-amount, weights).items()}
    total = sum(weights.values(), Decimal(0))
    if total <= 0:
        return dict.fromkeys(weights, Decimal("0.00"))
    exact = {payee: amount * weight / total for payee, weight in weights.items()}
    floor = {payee: value.quantize(PENNY, rounding=ROUND_DOWN) for payee, value in exact.items()}
    left = int((amount - sum(floor.values())) / PENNY)
    order = sorted(exact, key=lambda p: (-(exact[p] - floor[p]), p.code))
    for payee in order[:left]:
        floor[payee] += PENNY
    return floor


@dataclass
class ShareOut:
    year: str
    months: list[date]
    shares: dict[Payee, dict[str, dict[date, Decimal]]] = field(default_factory=dict)
    unallocated: dict[str, dict[date, Decimal]] = field(default_factory=dict)
    received: Decimal = Decimal("0.00")
    warnings: list[str] = field(default_factory=list)

    @property
    def shared(self) -> Decimal:
        return sum(
            (
                a
                for by_label in self.shares.values()
                for by_month in by_label.values()
                for a in by_month.values()
            ),
            Decimal("0.00"),
        )

    def rows(self):
        """Per practice: its total for each month and for the year."""
        return [
            (
                practice,
                [
                    sum((by_month.get(m, Decimal(0)) for by_month in by_label.values()), Decimal(0))
                    for m in self.months
                ],
                sum((a for by_month in by_label.values() for a in by_month.values()), Decimal(0)),
            )
            for practice, by_label in sorted(self.shares.items(), key=lambda item: item[0].code)
        ]


def share_out(pcn: Organisation, schedule: Schedule) -> ShareOut:
    """Share the network lines paid to the PCN's nominated payee among its member practices."""
    year = schedule.year
    members = monthly_members([pcn], year)[pcn.pk]
    rules = {r.entitlement: r for r in ShareRule.objects.filter(pcn=pcn, year=year)}
    ids = {pid for ms in members.values() for pid, _ in ms}
    basis = basis_date(year)
    methods = {r.method for r in rules.values()}
    lists = {
        method: practice_populations(ids, basis, purpose="payment", kind=kind)
        for method, kind in (
            (ShareMethod.REGISTERED, "registered"),
            (ShareMethod.WEIGHTED, "weighted"),
        )
        if method in methods
    }
    result = ShareOut(year=year, months=schedule.months)
    shares: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    # Network money only, as kept: a practice's own entitlement (paid to the practice, e.g. the
    # participation payment) is never shared again, paid or not; nor are ARRS claims.
    network_lines = [
        s.line
        for s in schedule.lines
        if s.line.pcn.code == pcn.code
        and s.line.paid_to == "network"
        and s.line.basis not in ("practice_weighted", "staff_cost")
        and s.line.entitlement != "arrs"
    ]
    missing: dict[str, None] = {}
    uncalculable = withheld = 0
    for line in network_lines:
        if line.missing:
            uncalculable += 1
            continue
        if line.amount is None:
            withheld += 1
            continue
        result.received += line.amount
        rule = rules.get(line.entitlement) or rules.get("")
        current = members.get(line.month, [])
        if rule is None or not current:
            continue
        without = _without_figure(rule, current, lists)
        if without:
            missing.update(dict.fromkeys(p.reason for p in without))
            bucket = result.unallocated.setdefault(line.label, {})
            bucket[line.month] = bucket.get(line.month, Decimal(0)) + line.amount
            continue
        weights = _weights(rule, current, lists)
        portion = line.amount
        if rule.method == ShareMethod.PERCENTAGE:
            stated = sum(weights.values(), Decimal(0))
            portion = (line.amount * min(stated, Decimal(100)) / 100).quantize(PENNY)
            if portion != line.amount:
                bucket = result.unallocated.setdefault(line.label, {})
                bucket[line.month] = bucket.get(line.month, Decimal(0)) + line.amount - portion
        for practice, amount in split(portion, weights).items():
            shares[practice][line.label][line.month] += amount
    result.shares = {p: {label: dict(m) for label, m in by.items()} for p, by in shares.items()}
    for reason in missing:
        result.warnings.append(
            f"Not shared out where it depends on a figure that is not on file: {reason}."
        )
    if uncalculable:
        result.warnings.append(
            f"The amounts received exclude {uncalculable:,} network "
            f"line{'s' if uncalculable != 1 else ''} that cannot be calculated."
        )
    if withheld:
        result.warnings.append(
            f"The amounts received exclude {withheld:,} network "
            f"line{'s' if withheld != 1 else ''} withheld (not approved, or no nominated payee)."
        )
    if not rules:
        result.warnings.append("No share-out rule is recorded for this year.")
    elif result.shared != result.received:
        result.warnings.append(
            f"The distribution shares £{result.shared:,.2f} of the £{result.received:,.2f} "
            f"the network receives: £{result.received - result.shared:,.2f} is not shared out."
        )
    return result


def _without_figure(rule: ShareRule, current, lists) -> list[Population]:
    """The members whose list the rule needs and the population rule does not give."""
    if rule.method not in lists:
        return []
    return [lists[rule.method][pid] for pid, _ in current if lists[rule.method][pid].is_missing]


def _weights(rule: ShareRule, current, lists) -> dict[Payee, Decimal]:
    if rule.method == ShareMethod.EQUAL:
        return {payee: Decimal(1) for _, payee in current}
    if rule.method in lists:
        sizes = lists[rule.method]
        return {payee: sizes[pid].value for pid, payee in current}
    return {payee: Decimal(str(rule.weights.get(payee.code, 0))) for _, payee in current}
