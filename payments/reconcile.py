"""Reconciliation: load what was actually paid, and set it against the schedule, each variance
explained by the lines expected for that payee and month.

Statement layout (a CSV, or the first sheet of an .xlsx; columns by name, any order):

    Payee ODS code   the practice or PCN paid (or the nominated payee's provider code)
    Month            the month paid in (the statement's month, not the month earned):
                     2024-04, 2024-04-01, 04/2024 or Apr 2024
    Entitlement      optional: an entitlement's name as on the statement page, or its key
    Amount           pounds and pence, e.g. 1234.56 or £1,234.56 (a recovery is negative)

A file naming a payee PCN Hub does not pay, a month it cannot read, an entitlement it does
not know or an amount that is not money is refused whole, each problem with its row,
column, value and what was expected; nothing is saved.

A statement pays by the month it is paid in, so the schedule is set against it by each line's
paid month (payments.calendar): in 2019/20 core for April to July is expected in July.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from imports.problems import ImportRejected, Problems
from imports.source import SourceFile, read_table
from organisations.models import Organisation
from payments.models import PaymentStatement, Received
from payments.rates import ENTITLEMENTS
from payments.schedule import Schedule
from pcnhub.nhs_calendar import month_of
from registrations.models import Registration

REQUIRED = {
    "payee": ("Payee ODS code", "Payee code", "ODS code"),
    "month": ("Month", "Payment month", "Period"),
    "amount": ("Amount", "Amount paid", "Paid"),
}
OPTIONAL = {"entitlement": ("Entitlement", "Payment component", "Component")}
MONEY = re.compile(r"^-?£?-?[\d,]+(\.\d{1,2})?$")
BY_LABEL = {label.lower(): key for key, label in ENTITLEMENTS.items()} | {
    k: k for k in ENTITLEMENTS
}


def _money(text: str) -> Decimal | None:
    cleaned = text.strip().replace(" ", "")
    if not MONEY.match(cleaned):
        return None
    negative = cleaned.count("-") % 2 == 1
    try:
        value = Decimal(cleaned.replace("£", "").replace(",", "").replace("-", ""))
    except InvalidOperation:
        return None
    return -value if negative else value


def known_payees() -> set[str]:
    """Every code PCN Hub pays: practices, PCNs, and providers named as nominated payee."""
    codes = set(
        Organisation.objects.filter(kind__in=("practice", "pcn")).values_list("code", flat=True)
    )
    codes |= set(
        Registration.objects.exclude(payee_provider_code="").values_list(
            "payee_provider_code", flat=True
        )
    )
    return codes


@transaction.atomic
def load_statement(*, path: Path, by, first_month: date, last_month: date) -> PaymentStatement:
    """Check the whole file, then store it; months must fall in the rate years on file."""
    source = SourceFile.from_path(path)
    problems = Problems(path.name)
    frame = read_table(source, problems, required=REQUIRED, optional=OPTIONAL)
    rows = []
    if frame is not None:
        payees = known_payees()
        for record in frame.iter_rows(named=True):
            row = record["__row"]
            code = (record["payee"] or "").strip().upper()
            if code not in payees:
                problems.add(
                    row, "payee", record["payee"], "the ODS code of a practice or PCN PCN Hub pays"
                )
            month = month_of(record["month"] or "")
            if month is None:
                problems.add(row, "month", record["month"], "a month such as 2024-04 or Apr 2024")
            elif not first_month <= month <= last_month:
                problems.add(
                    row,
                    "month",
                    record["month"],
                    f"a month from {first_month:%b %Y} to {last_month:%b %Y}, the years with rates",
                )
            amount = _money(record["amount"] or "")
            if amount is None:
                problems.add(row, "amount", record["amount"], "pounds and pence, such as 1234.56")
            entitlement = ""
            if record.get("entitlement"):
                entitlement = BY_LABEL.get(record["entitlement"].strip().lower(), "")
                if not entitlement:
                    problems.add(
                        row,
                        "entitlement",
                        record["entitlement"],
                        "an entitlement's name, e.g. Core PCN funding",
                    )
            rows.append((row, code, month, entitlement, amount))
    if problems.total:
        raise ImportRejected(problems.items, problems.total)
    statement = PaymentStatement.objects.create(
        file_name=path.name, checksum=hashlib.sha256(source.data).hexdigest(), loaded_by=by
    )
    Received.objects.bulk_create(
        Received(
            statement=statement,
            row=row,
            payee_code=code,
            month=month,
            entitlement=ent,
            amount=amount,
        )
        for row, code, month, ent, amount in rows
    )
    return statement


@dataclass(frozen=True)
class Variance:
    payee_code: str
    payee_name: str
    month: date
    expected: Decimal
    received: Decimal
    explanation: tuple[str, ...]  # one line per entitlement that differs, or the lines expected

    @property
    def difference(self) -> Decimal:
        return self.received - self.expected


def reconcile(schedule: Schedule) -> tuple[list[Variance], int]:
    """Expected against received for every payee and month paid of the schedule that has any
    statement row: the variances, and how many payee-months agreed. Expected is grouped by
    the month each line is paid in, as the statement is."""
    payees = {s.line.payee.code: s.line.payee.name for s in schedule.lines}
    months = schedule.months
    expected: dict[tuple[str, date], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    no_amount: dict[tuple[str, date], dict[str, str]] = defaultdict(dict)
    for item in schedule.lines:
        if not item.payable:  # no amount to expect: withheld, or cannot be calculated
            why = "withheld" if item.line.withheld else "cannot be calculated"
            no_amount[item.line.payee.code, item.paid_month][item.line.entitlement] = why
            continue
        key = item.line.entitlement
        expected[item.line.payee.code, item.paid_month][key] += item.line.amount
    received: dict[tuple[str, date], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in Received.objects.filter(payee_code__in=payees, month__in=months):
        received[row.payee_code, row.month][row.entitlement] += row.amount
    variances, agreed = [], 0
    for (code, month), got in sorted(received.items()):
        want = expected.get((code, month), {})
        total_want, total_got = sum(want.values(), Decimal(0)), sum(got.values(), Decimal(0))
        if total_want == total_got:
            agreed += 1
            continue
        missing = no_amount.get((code, month), {})
        variances.append(
            Variance(code, payees[code], month, total_want, total_got, _explain(want, got, missing))
        )
    return variances, agreed


def _explain(
    want: dict[str, Decimal], got: dict[str, Decimal], missing: dict[str, str]
) -> tuple[str, ...]:
    """Per entitlement where the statement gives them; otherwise the lines that were expected.
    An entitlement with no amount (withheld, or one PCN Hub cannot calculate) is never
    'expected £0.00': it says which."""

    def expected(key: str) -> str:
        if key in missing and key not in want:
            return missing[key]
        return f"expected £{want.get(key, 0):,.2f}"

    if set(got) - {""}:
        return tuple(
            f"{ENTITLEMENTS.get(key, key)}: {expected(key)}, received £{got.get(key, 0):,.2f}"
            for key in sorted(set(want) | set(got) | set(missing))
            if key in missing or want.get(key, 0) != got.get(key, 0)
        )
    return tuple(
        f"{ENTITLEMENTS.get(key, key)}: {expected(key)}" for key in sorted(set(want) | set(missing))
    )
