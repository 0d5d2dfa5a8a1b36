"""ARRS across an area: each network's budgets for a year (the 2019/20 entitlement or the ARR
Sum, and the GP ARRS sum where there is one) with claimed, committed, remaining and projected
to the year end, and totals; for the area page and `pcnhub arrs`.

A total adds the networks whose figure can be calculated; those that cannot are counted
beside it and never taken as 0. The projection rule is payments.arrs.projection: claimed to
date plus the latest month's claims for each month of the year after it.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from accounts.permissions import Permission, has_permission
from organisations.models import Organisation, OrgKind
from payments.arrs import MAIN, Budget, pot_labels
from payments.entries import NetworkArrs, network_arrs
from pcnhub.spreadsheet import SafeWriter

COLUMNS = ("sum", "claimed", "committed", "remaining", "projected", "underspend")
PROJECTION_RULE = (
    "Projected to 31 March: claimed to date plus the latest month's claims (the current "
    "monthly claims) for each month of the year after it; once the year has ended, what is "
    "claimed. Projected underspend: the sum less the projection."
)


@dataclass
class Total:
    key: str
    label: str
    figures: dict[str, Decimal] = field(default_factory=dict)
    cannot: int = 0  # networks whose sum cannot be calculated (left out of sum-based totals)

    def add(self, budget: Budget) -> None:
        for name in COLUMNS:
            value = getattr(budget, name)
            if value is not None:
                self.figures[name] = self.figures.get(name, Decimal("0.00")) + value
        if budget.sum is None:
            self.cannot += 1


@dataclass
class AreaArrs:
    year: str
    labels: dict[str, str]
    networks: list[NetworkArrs]
    totals: dict[str, Total]

    @property
    def unmaximised(self):
        return [(n.pcn, m, c) for n in self.networks for m, c in n.unmaximised]


def may_see(user, scope: Organisation) -> bool:
    """A network's own budget is for whoever may view the network (its ARRS page); an area's
    for the commissioners and finance over it."""
    if scope.kind == OrgKind.PCN:
        return has_permission(user, Permission.VIEW_REGISTRY, scope)
    return has_permission(user, Permission.MANAGE_PAYMENTS, scope) or has_permission(
        user, Permission.ENTER_PAYMENT_INPUTS, scope
    )


def area_arrs(pcns: list[Organisation], year: str, *, on: date | None = None) -> AreaArrs:
    found = network_arrs(pcns, year, on=on)
    labels = pot_labels(year)
    totals = {key: Total(key, label) for key, label in labels.items()}
    networks = [found[p.pk] for p in pcns]
    for network in networks:
        for budget in network.budgets:
            totals[budget.key].add(budget)
    return AreaArrs(year, labels, networks, totals)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def rows(report: AreaArrs) -> list[list[str]]:
    """One row a network and budget, then a total row a budget: code, name, budget, the
    COLUMNS in pounds (blank where missing), and the note (the reason it cannot be
    calculated, or the warnings)."""
    found = []
    for network in report.networks:
        for budget in network.budgets:
            note = budget.cannot or "; ".join(budget.warnings)
            found.append(
                [network.pcn.code, network.pcn.name, budget.label]
                + [_money(getattr(budget, name)) for name in COLUMNS]
                + [note]
            )
    for key, total in report.totals.items():
        note = (
            f"{total.cannot} network{'s' if total.cannot != 1 else ''} cannot be calculated "
            "and are left out of the sum, remaining and underspend"
            if total.cannot
            else ""
        )
        found.append(
            ["Total", f"{len(report.networks)} networks", report.labels[key]]
            + [
                _money(total.figures.get(name))
                if not (total.cannot and name in ("sum", "remaining", "underspend"))
                else ""
                for name in COLUMNS
            ]
            + [note]
        )
    return found


HEADER = [
    "PCN code",
    "PCN",
    "Budget",
    "Sum (£)",
    "Claimed (£)",
    "Committed (£)",
    "Remaining (£)",
    "Projected (£)",
    "Projected underspend (£)",
    "Note",
]


def as_csv(report: AreaArrs) -> str:
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return out.getvalue()


def as_text(report: AreaArrs, scope: str) -> str:
    """One line a network and budget, then the totals; a sum that cannot be calculated says
    "cannot be calculated: reason" where its amount would be."""
    lines = [f"ARRS {report.year}, {scope}", ""]
    for row in rows(report):
        code, name, label, *figures, note = row
        parts = []
        for heading, value in zip(HEADER[3:9], figures, strict=True):
            words = heading.removesuffix(" (£)").lower()
            if value:
                parts.append(f"{words} £{Decimal(value):,.2f}")
            elif heading == "Sum (£)" and note.startswith("cannot be calculated"):
                parts.append(f"sum {note}")
        lines.append(f"{code} {name} - {label}: " + "; ".join(parts))
        if note and not note.startswith("cannot be calculated"):
            lines.append(f"    {note}")
    lines += ["", PROJECTION_RULE]
    return "\n".join(lines) + "\n"


__all__ = [
    "MAIN",
    "PROJECTION_RULE",
    "AreaArrs",
    "area_arrs",
    "as_csv",
    "as_text",
    "may_see",
    "rows",
]
