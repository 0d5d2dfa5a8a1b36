"""What-if: the difference a change would make to the payments, per payee, entitlement and
month, worked out by making the change inside a transaction that is then rolled back, so
the calculation is the real one and nothing is saved."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from organisations.models import Organisation
from payments.engine import Line, Payee
from payments.schedule import compute


@dataclass(frozen=True)
class Difference:
    payee: Payee
    label: str
    before: Decimal
    after: Decimal
    by_month: tuple[tuple[date, Decimal], ...]  # the months that change, and by how much
    # Months of the entitlement that cannot be calculated on each side (no population on
    # file): their amounts are in neither total, and the preview says so rather than show a
    # fall to nothing.
    uncalculable_before: int = 0
    uncalculable_after: int = 0

    @property
    def change(self) -> Decimal:
        return self.after - self.before


def compare(before: list[Line], after: list[Line]) -> list[Difference]:
    """Per payee and entitlement: the year's totals before and after, the months that move,
    and how many lines on each side cannot be calculated."""
    totals: dict[tuple[Payee, str], list] = defaultdict(
        lambda: [Decimal(0), Decimal(0), defaultdict(Decimal), [0, 0]]
    )
    for index, lines in enumerate((before, after)):
        for line in lines:
            entry = totals[line.payee, line.label]
            if line.amount is None:
                entry[3][index] += 1
                continue
            entry[index] += line.amount
            entry[2][line.month] += line.amount if index else -line.amount
    found = [
        Difference(
            payee=payee,
            label=label,
            before=entry[0],
            after=entry[1],
            by_month=tuple(sorted((m, d) for m, d in entry[2].items() if d)),
            uncalculable_before=entry[3][0],
            uncalculable_after=entry[3][1],
        )
        for (payee, label), entry in totals.items()
        if entry[0] != entry[1] or entry[3][0] != entry[3][1]
    ]
    return sorted(found, key=lambda d: (d.payee.name, d.label))


def what_if(
    *,
    pcns: list[Organisation],
    year: str,
    known_on: date,
    change: Callable[[], list[Organisation]],
) -> list[Difference]:
    """Compute the PCNs' year, make the change (which returns any PCNs it creates), compute
    again, undo everything, and compare."""
    before = compute(pcns, year, known_on)
    with transaction.atomic():
        undo = transaction.savepoint()
        try:
            created = change()
            after = compute([*pcns, *created], year, known_on)
        finally:
            transaction.savepoint_rollback(undo)
    return compare(before, after)
