"""Commissioners' own funds: allocation (a sum, or so much per registered patient), awards
from expression of interest through panel, MOU and transfer, spend reported by month, and
progress against the fund's trajectory (payments/local_funds.toml gives the defaults)."""

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.permissions import Permission, has_permission
from organisations.counted import gp_practices
from organisations.models import Organisation, Relationship
from organisations.population import combined, practice_populations
from organisations.queries import practices_under
from payments.engine import to_pence
from payments.models import AwardStage, FundAward, FundSpend, LocalFund
from payments.versions import basis_date
from pcnhub.nhs_calendar import financial_year, months

DEFAULTS_FILE = Path(__file__).parent / "local_funds.toml"
NEXT_STAGE = {
    AwardStage.EOI: (AwardStage.APPROVED, AwardStage.DECLINED),
    AwardStage.APPROVED: (AwardStage.MOU,),
    AwardStage.MOU: (AwardStage.TRANSFERRED,),
}
STAGE_DATES = {
    AwardStage.APPROVED: "panel_on",
    AwardStage.DECLINED: "panel_on",
    AwardStage.MOU: "mou_on",
    AwardStage.TRANSFERRED: "transferred_on",
}


@cache
def default_trajectories() -> dict[str, dict]:
    return tomllib.loads(DEFAULTS_FILE.read_text("utf-8"))


def trajectory_for(kind: str, year: str) -> list[list[str]]:
    """The kind's default trajectory as dates of the year: [["2019-12-31", "0.75"], ...]."""
    start, end = financial_year(year)
    found = []
    for month_day, share in default_trajectories()[kind]["trajectory"]:
        month, day = (int(x) for x in month_day.split("-"))
        when = date(start.year if month >= 4 else end.year, month, day)
        found.append([when.isoformat(), share])
    return found


def _save(obj, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _require(by, commissioner: Organisation) -> None:
    if not has_permission(by, Permission.ENTER_PAYMENT_INPUTS, commissioner):
        raise PermissionDenied(f"you may not manage {commissioner.code}'s funds")


@transaction.atomic
def create_fund(
    *,
    commissioner: Organisation,
    name: str,
    kind: str,
    year: str,
    by,
    allocation: Decimal | None = None,
    per_head: Decimal | None = None,
    source: str = "",
) -> LocalFund:
    """A fund of a set sum, or of so much per patient registered with the commissioner's
    practices at 1 January before the year."""
    _require(by, commissioner)
    if (allocation is None) == (per_head is None):
        raise ValidationError({"allocation": ["give either the sum or the amount per head"]})
    if per_head is not None:
        # The population rule, as for payments, over the commissioner's GP practices (not its
        # hubs and other sites); a practice without a list refuses the allocation, which is
        # never made on part of the population.
        basis = basis_date(year)
        lists = practice_populations(
            gp_practices(practices_under([commissioner], basis)[commissioner.pk]),
            basis,
            purpose="payment",
            kind="registered",
        )
        found = combined(
            commissioner.code, lists.values(), basis, purpose="payment", kind="registered"
        )
        if found.is_missing or found.missing:
            reason = found.reason or (
                f"no registered list on or before {basis:%-d %B %Y} for " + ", ".join(found.missing)
            )
            raise ValidationError({"per_head": [f"the allocation cannot be calculated: {reason}"]})
        allocation = to_pence(per_head * found.value)
        warnings = "".join(f" [{warning}]" for warning in found.warnings)
        source = source or (
            f"£{per_head} x {found.value:,} registered patients at {basis:%-d %B %Y} "
            f"({found.basis}; {found.source}){warnings}"
        )
    fund = LocalFund(
        commissioner=commissioner,
        name=name,
        kind=kind,
        year=year,
        allocation=allocation,
        per_head=per_head,
        trajectory=trajectory_for(kind, year),
        source=source,
    )
    _save(fund, by, "fund created")
    return fund


@transaction.atomic
def record_eoi(
    *, fund: LocalFund, recipient: Organisation, purpose: str, amount: Decimal, eoi_on: date, by
) -> FundAward:
    _require(by, fund.commissioner)
    if not Relationship.objects.filter(child=recipient, parent=fund.commissioner).exists():
        raise ValidationError(
            {
                "recipient": [
                    f"{recipient.code} is not a practice or PCN of {fund.commissioner.code}"
                ]
            }
        )
    award = FundAward(fund=fund, recipient=recipient, purpose=purpose, amount=amount, eoi_on=eoi_on)
    _save(award, by, "expression of interest received")
    return award


@transaction.atomic
def advance(*, award: FundAward, to: str, on: date, by) -> FundAward:
    """Move an award on one step: panel decision, MOU, transfer; never skipping one."""
    _require(by, award.fund.commissioner)
    if to not in NEXT_STAGE.get(award.stage, ()):
        now, then = award.get_stage_display(), AwardStage(to).label
        raise ValidationError({"stage": [f"an award at '{now}' cannot go to '{then}'"]})
    if to == AwardStage.APPROVED:
        others = award.fund.awards.exclude(pk=award.pk).exclude(
            stage__in=(AwardStage.EOI, AwardStage.DECLINED)
        )
        committed = sum((a.amount for a in others), Decimal(0)) + award.amount
        if committed > award.fund.allocation:
            raise ValidationError(
                {
                    "stage": [
                        f"approving £{award.amount:,.2f} would commit £{committed:,.2f} of a "
                        f"£{award.fund.allocation:,.2f} fund"
                    ]
                }
            )
    award.stage = to
    setattr(award, STAGE_DATES[to], on)
    _save(award, by, AwardStage(to).label)
    return award


@transaction.atomic
def record_spend(*, award: FundAward, month: date, amount: Decimal, by) -> FundSpend:
    _require(by, award.fund.commissioner)
    if award.stage != AwardStage.TRANSFERRED:
        raise ValidationError({"amount": ["spend is reported once the funds are transferred"]})
    month = month.replace(day=1)
    earlier = sum((s.amount for s in award.spend.exclude(month=month)), Decimal(0))
    if earlier + amount > award.amount:
        raise ValidationError(
            {
                "amount": [
                    f"spend of £{earlier + amount:,.2f} would exceed the £{award.amount:,.2f} award"
                ]
            }
        )
    spend = award.spend.filter(month=month).first() or FundSpend(award=award, month=month)
    spend.amount = amount
    _save(spend, by, "spend reported")
    return spend


@dataclass(frozen=True)
class Progress:
    fund: LocalFund
    awarded: Decimal
    transferred: Decimal
    spent: Decimal
    by_month: list[tuple[date, Decimal, Decimal]]  # cumulative share spent, and the target
    checkpoints: list[tuple[date, Decimal, Decimal | None]]  # date, target, spent by then

    @property
    def behind(self) -> list[tuple[date, Decimal, Decimal]]:
        return [(d, t, s) for d, t, s in self.checkpoints if s is not None and s < t]


def progress(fund: LocalFund, today: date) -> Progress:
    awards = list(fund.awards.prefetch_related("spend"))
    live = [a for a in awards if a.stage not in (AwardStage.EOI, AwardStage.DECLINED)]
    spend = [(s.month, s.amount) for a in awards for s in a.spend.all()]
    start, end = financial_year(fund.year)
    allocation = fund.allocation or Decimal(1)
    targets = sorted((date.fromisoformat(when), Decimal(share)) for when, share in fund.trajectory)
    running, by_month = Decimal(0), []
    for month in months(start, end):
        running += sum((amount for when, amount in spend if when == month), Decimal(0))
        due = [
            share for when, share in targets if (when.year, when.month) <= (month.year, month.month)
        ]
        by_month.append((month, running / allocation, due[-1] if due else Decimal(0)))
    checkpoints = []
    for when, share in fund.trajectory:
        day = date.fromisoformat(when)
        spent = (
            sum((a for m, a in spend if m <= day), Decimal(0)) / allocation
            if day <= today
            else None
        )
        checkpoints.append((day, Decimal(share), spent))
    return Progress(
        fund=fund,
        awarded=sum((a.amount for a in live), Decimal(0)),
        transferred=sum(
            (a.amount for a in awards if a.stage == AwardStage.TRANSFERRED), Decimal(0)
        ),
        spent=sum((amount for _, amount in spend), Decimal(0)),
        by_month=by_month,
        checkpoints=checkpoints,
    )
