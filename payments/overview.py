"""The area overview a finance team works from: one table for a commissioner, ICS, region or
England, built from a `Schedule` without recomputing anything it knows.

Rows: one per network and payee. A network's own money is one row per nominated payee it had
in the year (normally one; two when the payee changed); its member practices' own payments
(lines paid to a practice, such as the Network Participation Payment) are one row more.
Rows are grouped by network, in network name order. With `areas` (a PCN's code to the area it
rolls up into) there is one row per area instead: England's page shows its regions.

Columns: the twelve months of the financial year, placed by month paid or month earned as
the statement places them (`ScheduleLine.placed`), then the row's total. Totals by month, for
the year and by entitlement (arrears apart, as on the statement).

Missing is not zero: a line withheld or that cannot be calculated has no amount; each row
counts them, and the totals say what they exclude. A row with nothing payable but such lines
is still a row, so a network not approved is seen, not silently absent.

What changed since last month: the overview's month is the month of the area's next
statement (the earliest next month to pay over its networks; the year's last month once
all is paid); each row has last month's amount, this month's and the change, and the
changes in words by entitlement, withheld and cannot be calculated.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from payments.engine import Payee
from payments.schedule import (
    Schedule,
    ScheduleLine,
    check_view,
    missing_words,
    uncalculable_words,
    withheld_words,
)

ZERO = Decimal("0.00")


def signed(amount: Decimal) -> str:
    """A change in words: '+£1,234.56', '−£25.00' (a true minus sign), '£0.00'."""
    sign = "+" if amount > 0 else "\u2212" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def practices_label(count: int) -> str:
    noun = "practice" if count == 1 else "practices"
    return f"Member practices' own payments ({count:,} {noun})"


@dataclass(frozen=True)
class MonthState:
    """Whether a month is marked paid: by how many of the area's networks."""

    month: date
    paid: int
    of: int
    due: bool  # any line is placed in it (April-June 2019 had none by month paid)

    @property
    def words(self) -> str:
        if self.of and self.paid == self.of:
            return "paid"
        if self.paid:
            return f"part paid ({self.paid:,} of {self.of:,} networks)"
        return "not yet paid" if self.due else "nothing to pay"

    @property
    def short(self) -> str:
        """The words for a narrow column: 'paid', '1 of 2 paid', 'not yet paid'."""
        if self.paid and self.paid < self.of:
            return f"{self.paid:,} of {self.of:,} paid"
        return self.words


@dataclass
class Row:
    network: Payee  # the PCN (or, rolled up, the area) whose statement the row opens
    payee: Payee | None  # the nominated payee; None: member practices' own, or an area's all
    label: str
    amounts: list[Decimal | None]  # one a month; None: nothing with an amount placed there
    total: Decimal
    withheld: int
    uncalculable: int
    last: Decimal | None
    this: Decimal | None
    changes: list[str] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.last is None and self.this is None:
            return None
        return (self.this or ZERO) - (self.last or ZERO)

    @property
    def missing_note(self) -> str:
        return missing_words(self.uncalculable, self.withheld)


@dataclass
class Overview:
    year: str
    view: str
    known_on: date
    months: list[date]
    rows: list[Row]
    month_totals: list[Decimal | None]
    total: Decimal
    entitlements: list[tuple[str, list[Decimal | None], Decimal]]
    states: list[MonthState]
    current: date
    previous: date | None  # None when the current month is the year's first
    networks: int
    missing_note: str

    @property
    def changed(self) -> list[Row]:
        return [row for row in self.rows if row.changes]

    @property
    def last_total(self) -> Decimal | None:
        return self._month_total(self.previous)

    @property
    def this_total(self) -> Decimal | None:
        return self._month_total(self.current)

    @property
    def change_total(self) -> Decimal | None:
        if self.previous is None:
            return None
        return (self.this_total or ZERO) - (self.last_total or ZERO)

    def _month_total(self, month: date | None) -> Decimal | None:
        return None if month is None else self.month_totals[self.months.index(month)]


def overview(
    schedule: Schedule,
    paid: Iterable[tuple[str, date]],
    view: str = "paid",
    areas: Mapping[str, Payee] | None = None,
) -> Overview:
    """The overview of a schedule; `paid` the (PCN code, month) pairs marked paid."""
    check_view(view)
    months = schedule.months
    paid_by_pcn: dict[str, set[date]] = defaultdict(set)
    for code, month in paid:
        paid_by_pcn[code].add(month)
    by_pcn: dict[str, list[ScheduleLine]] = defaultdict(list)
    groups: dict[tuple, list[ScheduleLine]] = defaultdict(list)
    for item in schedule.lines:
        by_pcn[item.line.pcn.code].append(item)
        groups[_row_key(item, areas)].append(item)
    current = _current(schedule, by_pcn, paid_by_pcn)
    at = months.index(current)
    previous = months[at - 1] if at else None
    rows = [
        _row(network, payee, items, months, view, current, previous, _label(payee, items, areas))
        for (network, payee), items in sorted(groups.items(), key=_order)
    ]
    placed = {item.placed(view) for item in schedule.lines}
    return Overview(
        year=schedule.year,
        view=view,
        known_on=schedule.known_on,
        months=months,
        rows=rows,
        month_totals=[_sum(row.amounts[i] for row in rows) for i in range(len(months))],
        total=schedule.total,
        entitlements=_entitlements(schedule.lines, months, view),
        states=[
            MonthState(
                month=month,
                paid=sum(1 for code in by_pcn if month in paid_by_pcn[code]),
                of=len(by_pcn),
                due=month in placed,
            )
            for month in months
        ],
        current=current,
        previous=previous,
        networks=len(by_pcn),
        missing_note=schedule.missing_note,
    )


NO_AREA = Payee("", "No area on record")


def _row_key(item: ScheduleLine, areas: Mapping[str, Payee] | None) -> tuple:
    line = item.line
    if areas is not None:
        return (areas.get(line.pcn.code, NO_AREA), None)
    return (line.pcn, line.payee if line.paid_to == "network" else None)


def _order(group: tuple) -> tuple:
    """Networks by name; a network's payees in the order they were paid; practices last."""
    (network, payee), items = group
    first = min(item.line.month for item in items)
    return (network.name, network.code, payee is None, first, payee.name if payee else "")


def _current(schedule: Schedule, by_pcn: dict, paid_by_pcn: dict) -> date:
    """The month of the area's next statement: the earliest next month to pay over its
    networks, or the year's last month once everything is paid."""
    due = [
        Schedule(schedule.year, schedule.known_on, items).next_to_pay(paid_by_pcn[code])
        for code, items in by_pcn.items()
    ]
    return min((month for month in due if month), default=schedule.months[-1])


def _sum(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the amounts there are; None when there are none (missing is not zero)."""
    present = [amount for amount in amounts if amount is not None]
    return sum(present, ZERO) if present else None


def _by_month(items: list[ScheduleLine], months: list[date], view: str) -> list[Decimal | None]:
    found: dict[date, list[Decimal]] = defaultdict(list)
    for item in items:
        if item.payable:
            found[item.placed(view)].append(item.line.amount)
    return [_sum(found[month]) if month in found else None for month in months]


def _label(payee: Payee | None, items: list[ScheduleLine], areas) -> str:
    if payee is not None:
        return f"{payee.name} ({payee.code})"
    if areas is None:
        return practices_label(len({item.line.payee.code for item in items}))
    count = len({item.line.pcn.code for item in items})
    return f"{count:,} network{'' if count == 1 else 's'} and their practices"


def _row(network, payee, items, months, view, current, previous, label) -> Row:
    amounts = _by_month(items, months, view)
    return Row(
        network=network,
        payee=payee,
        label=label,
        amounts=amounts,
        total=sum((item.line.amount for item in items if item.payable), ZERO),
        withheld=sum(1 for item in items if item.withheld),
        uncalculable=sum(1 for item in items if not item.calculable),
        last=amounts[months.index(previous)] if previous else None,
        this=amounts[months.index(current)],
        changes=_changes(items, view, current, previous) if previous else [],
    )


def _entitlements(items, months, view) -> list[tuple[str, list[Decimal | None], Decimal]]:
    """Totals by entitlement (arrears apart) and month, with the year's."""
    by_heading: dict[str, list[ScheduleLine]] = defaultdict(list)
    for item in items:
        if item.payable:
            by_heading[item.heading].append(item)
    return [
        (
            heading,
            _by_month(by_heading[heading], months, view),
            sum((item.line.amount for item in by_heading[heading]), ZERO),
        )
        for heading in sorted(by_heading)
    ]


def _what(item: ScheduleLine) -> str:
    """What a line is, in a list of changes: its entitlement, arrears with their month."""
    if item.arrears_for:
        kind = "recovery" if item.is_recovery else "arrears"
        return f"{item.line.label}, {kind} for {item.arrears_for:%B %Y}"
    return item.line.label


@dataclass
class _Month:
    """One row's lines placed in one month: amounts by what, and why the others have none."""

    amounts: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    withheld: dict[str, str] = field(default_factory=dict)
    uncalculable: dict[str, str] = field(default_factory=dict)


def _month(items: list[ScheduleLine], view: str, month: date) -> _Month:
    found = _Month()
    for item in items:
        if item.placed(view) != month:
            continue
        if item.payable:
            found.amounts[_what(item)] += item.line.amount
        elif item.withheld:
            found.withheld[_what(item)] = item.line.withheld
        else:
            found.uncalculable[_what(item)] = item.line.missing
    return found


def _changes(items, view, current: date, previous: date) -> list[str]:
    """This month against last, in words: each entitlement whose amount changed, then what is
    newly withheld or cannot be calculated (by reason) and what no longer is."""
    now, before = _month(items, view, current), _month(items, view, previous)
    words = []
    for what in sorted(set(now.amounts) | set(before.amounts)):
        difference = now.amounts.get(what, ZERO) - before.amounts.get(what, ZERO)
        if difference:
            words.append(f"{what}: {signed(difference)}")
    for reasons_now, reasons_before, count_words, cleared in (
        (now.withheld, before.withheld, withheld_words, "no longer withheld"),
        (
            now.uncalculable,
            before.uncalculable,
            uncalculable_words,
            "can now be calculated",
        ),
    ):
        new = Counter(reason for what, reason in reasons_now.items() if what not in reasons_before)
        words.extend(f"{count_words(count)}: {reason}" for reason, count in sorted(new.items()))
        gone = sorted(set(reasons_before) - set(reasons_now))
        if gone:
            words.append(f"{cleared}: {', '.join(gone)}")
    return words
