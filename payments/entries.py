"""What people enter for the calculation: commissioners' care home beds by month, IIF points
and assessed shares (beds may be loaded from a spreadsheet, checked whole first); networks'
share-out rules, ARRS staff records and monthly claims. Each save records who and why."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission
from imports.problems import ImportRejected, Problems
from imports.source import SourceFile, read_table
from organisations.models import Organisation, OrgKind
from payments.arrs import (
    MAIN,
    Budget,
    Entitlement,
    Staff,
    arr_sum,
    budgets,
    claim_problem,
    flat_allowance,
    flat_entitlement,
    monthly_claim,
    no_maximum,
    pot_of,
    pot_sum,
    scheme,
)
from payments.models import (
    Achievement,
    ArrsClaim,
    ArrsOverride,
    CareHomeBeds,
    ShareMethod,
    ShareRule,
    StaffMember,
)
from pcnhub.nhs_calendar import financial_year, month_of, year_of

BEDS_COLUMNS = {
    "pcn": ("PCN ODS code", "PCN code"),
    "month": ("Month",),
    "beds": ("Beds", "Care home beds"),
}


def _require(by, pcn: Organisation) -> None:
    if not has_permission(by, Permission.ENTER_PAYMENT_INPUTS, pcn):
        raise PermissionDenied(f"you may not enter payment figures for {pcn.code}")


def _save(obj, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save()


@transaction.atomic
def save_inputs(
    *,
    pcn: Organisation,
    year: str,
    beds: dict[date, int | None],
    iif_points: Decimal | None,
    improvement_share: Decimal | None,
    by,
    reason: str,
) -> None:
    _require(by, pcn)
    errors = {}
    if any(v is not None and v < 0 for v in beds.values()):
        errors["beds"] = ["beds cannot be negative"]
    if iif_points is not None and iif_points < 0:
        errors["iif_points"] = ["points cannot be negative"]
    if improvement_share is not None and not Decimal(0) <= improvement_share <= Decimal(1):
        errors["improvement_share"] = ["the assessed share is from 0% to 100%"]
    if errors:
        raise ValidationError(errors)
    for month, count in beds.items():
        current = CareHomeBeds.objects.filter(pcn=pcn, month=month).first()
        if count is None:
            if current is not None:
                current._history_user = by
                current.delete()
        elif current is None or current.beds != count:
            row = current or CareHomeBeds(pcn=pcn, month=month)
            row.beds, row.source = count, "entered by the commissioner"
            _save(row, by, reason)
    achievement = Achievement.objects.filter(pcn=pcn, year=year).first() or Achievement(
        pcn=pcn, year=year
    )
    if (achievement.iif_points, achievement.improvement_share) != (iif_points, improvement_share):
        achievement.iif_points, achievement.improvement_share = iif_points, improvement_share
        _save(achievement, by, reason)


@transaction.atomic
def load_beds(*, path: Path, by) -> int:
    """Beds by PCN and month from a spreadsheet (PCN ODS code, Month, Beds); refused whole,
    with row, column, value and what was expected, when any row is wrong."""
    source = SourceFile.from_path(path)
    problems = Problems(path.name)
    frame = read_table(source, problems, required=BEDS_COLUMNS)
    rows = []
    if frame is not None:
        pcns = {o.code: o for o in Organisation.objects.filter(kind=OrgKind.PCN)}
        for record in frame.iter_rows(named=True):
            row, code = record["__row"], (record["pcn"] or "").strip().upper()
            pcn = pcns.get(code)
            if pcn is None:
                problems.add(row, "pcn", record["pcn"], "the ODS code of a PCN")
            elif not has_permission(by, Permission.ENTER_PAYMENT_INPUTS, pcn):
                problems.add(row, "pcn", record["pcn"], "a PCN you may enter figures for")
            month = month_of(record["month"] or "")
            if month is None:
                problems.add(row, "month", record["month"], "a month such as 2024-04 or Apr 2024")
            text = (record["beds"] or "").strip()
            if not text.isdigit():
                problems.add(row, "beds", record["beds"], "a whole number of beds, 0 or more")
            rows.append((pcn, month, int(text) if text.isdigit() else None))
    if problems.total:
        raise ImportRejected(problems.items, problems.total)
    for pcn, month, count in rows:
        row = CareHomeBeds.objects.filter(pcn=pcn, month=month).first() or CareHomeBeds(
            pcn=pcn, month=month
        )
        row.beds, row.source = count, f"loaded from {path.name}"
        _save(row, by, f"loaded from {path.name}")
    return len(rows)


def parse_weights(text: str) -> dict[str, Decimal]:
    """'A00001=40, A00002=60' -> {'A00001': 40, 'A00002': 60}; refused with what was expected."""
    weights = {}
    for part in text.replace("\n", ",").split(","):
        if not part.strip():
            continue
        code, _, value = part.partition("=")
        try:
            number = Decimal(value.strip())
        except (ArithmeticError, ValueError):
            raise ValidationError(
                {"weights": [f"{part.strip()!r}: expected CODE=number"]}
            ) from None
        if number < 0 or not code.strip():
            raise ValidationError(
                {"weights": [f"{part.strip()!r}: expected CODE=number, 0 or more"]}
            )
        weights[code.strip().upper()] = number
    return weights


@transaction.atomic
def record_share_rule(
    *, pcn: Organisation, year: str, entitlement: str, method: str, weights: dict, by
) -> ShareRule:
    """The PCN's agreed distribution for one entitlement (or all the others)."""
    if not has_permission(by, Permission.NETWORK_FINANCES, pcn):
        raise PermissionDenied(f"you may not record {pcn.code}'s share-out")
    needs = method in (ShareMethod.PERCENTAGE, ShareMethod.POINTS)
    if needs and not weights:
        raise ValidationError({"weights": ["give each practice's percentage or points"]})
    rule = ShareRule.objects.filter(
        pcn=pcn, year=year, entitlement=entitlement
    ).first() or ShareRule(pcn=pcn, year=year, entitlement=entitlement)
    rule.method = method
    rule.weights = {code: str(value) for code, value in weights.items()} if needs else {}
    _save(rule, by, "share-out agreed by the network")
    return rule


def staff_facts(member: StaffMember) -> Staff:
    return Staff(
        ref=member.ref,
        role=member.role,
        wte=member.wte,
        start=member.start,
        end=member.end,
        annual_salary=member.annual_salary,
        annual_ni=member.annual_ni,
        annual_pension=member.annual_pension,
        london=member.london,
        in_baseline=member.in_baseline,
    )


@transaction.atomic
def add_staff(*, pcn: Organisation, by, **fields) -> StaffMember:
    """A staff record for the ARRS (or the baseline), checked whole before it is saved."""
    if not has_permission(by, Permission.NETWORK_FINANCES, pcn):
        raise PermissionDenied(f"you may not record staff for {pcn.code}")
    roles, _ = scheme()
    errors: dict[str, list[str]] = {}
    if fields.get("role") not in roles:
        errors["role"] = [f"{fields.get('role')!r} is not an ARRS role on file"]
    if fields.get("wte") is None or fields["wte"] <= 0:
        errors["wte"] = ["the whole-time equivalent must be more than 0"]
    if fields.get("end") and fields.get("start") and fields["end"] < fields["start"]:
        errors["end"] = [f"the end date {fields['end']} is before the start date {fields['start']}"]
    for name in ("annual_salary", "annual_ni", "annual_pension"):
        if fields.get(name) is not None and fields[name] < 0:
            errors[name] = ["an amount cannot be negative"]
    if StaffMember.objects.filter(pcn=pcn, ref=fields.get("ref", "")).exists():
        errors["ref"] = [f"{pcn.code} already has a staff record {fields.get('ref')!r}"]
    if errors:
        raise ValidationError(errors)
    member = StaffMember(pcn=pcn, **fields)
    _save(member, by, "staff record added")
    return member


@transaction.atomic
def make_claim(
    *,
    member: StaffMember,
    month: date,
    by,
    amount: Decimal | None = None,
    evidence=None,
    over_budget_confirmed: bool = False,
    on: date | None = None,
) -> ArrsClaim:
    """A month's claim: the allowed amount by default; a stated amount must not exceed it
    unless finance approved an override for the month (then up to the override). A claim
    that takes its budget's claims over the sum (the ARR Sum, the 2019/20 entitlement or
    the GP ARRS sum) is refused with the figures until `over_budget_confirmed`."""
    if not has_permission(by, Permission.NETWORK_FINANCES, member.pcn):
        raise PermissionDenied(f"you may not claim for {member.pcn.code}")
    month = month.replace(day=1)
    override = ArrsOverride.objects.filter(staff=member, month=month).first()
    claim = _claim(member, month, by, amount, override)
    if ArrsClaim.objects.filter(staff=member, month=month).exists():
        raise ValidationError({"month": [f"{member.ref} already has a claim for {month:%B %Y}"]})
    if not over_budget_confirmed:
        warning = over_budget(member, month, claim.amount, on=on)
        if warning:
            raise ValidationError({"amount": [warning]})
    if evidence is not None:
        claim.evidence = evidence
    _save(claim, by, "claim made")
    return claim


def _claim(
    member: StaffMember, month: date, by, amount: Decimal | None, override: ArrsOverride | None
) -> ArrsClaim:
    """The claim, unsaved, for the allowed amount or `amount` within it (or the override);
    refused with the reason otherwise."""
    facts = staff_facts(member)
    allowed = monthly_claim(facts, month)
    if amount is not None and amount < 0:
        raise ValidationError({"amount": ["a claim cannot be negative"]})
    problem = claim_problem(
        facts,
        month,
        amount if amount is not None else Decimal(0),
        override.amount if override else None,
    )
    if problem:
        raise ValidationError({"amount": [problem]})
    value = allowed.amount if amount is None else amount
    formula = allowed.formula
    if value > allowed.amount:
        formula += (
            f"; £{value:,.2f} claimed under the override of £{override.amount:,.2f} approved "
            f"by {override.approved_by} ({override.reason})"
        )
    return ArrsClaim(staff=member, month=month, amount=value, formula=formula, claimed_by=by)


def over_budget(member: StaffMember, month: date, amount: Decimal, *, on=None) -> str:
    """The warning for a claim that would take its budget's claims over the sum, or ''."""
    year = year_of(month)
    key = pot_of(member.role, year)
    found = network_arrs([member.pcn], year, on=on)[member.pcn.pk]
    budget = next(b for b in found.budgets if b.key == key)
    return _over_words(member.pcn, budget, budget.claimed, amount)


def _over_words(pcn: Organisation, budget: Budget, claimed: Decimal, amount: Decimal) -> str:
    """The warning for `amount` more against the budget with `claimed` so far, or ''."""
    if budget.sum is None or claimed + amount <= budget.sum:
        return ""
    after = claimed + amount
    return (
        f"£{amount:,.2f} would take {pcn.code}'s claims against the {budget.label} to "
        f"£{after:,.2f}, £{after - budget.sum:,.2f} over its £{budget.sum:,.2f}: confirm that "
        "the claim is over budget to make it"
    )


@transaction.atomic
def approve_override(
    *, member: StaffMember, month: date, amount: Decimal, reason: str, by
) -> ArrsOverride:
    """Finance allows a month's claim above the role's maximum, up to `amount`."""
    if not has_permission(by, Permission.MANAGE_PAYMENTS, member.pcn):
        raise PermissionDenied(f"you may not approve overrides for {member.pcn.code}")
    month = month.replace(day=1)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["give the reason the maximum may be exceeded"]
    allowed = monthly_claim(staff_facts(member), month)
    if allowed is None or allowed.problem:
        errors["month"] = [
            f"{member.ref} cannot be claimed for in {month:%B %Y}"
            + (f": {allowed.problem}" if allowed else "")
        ]
    elif amount <= allowed.amount:
        errors["amount"] = [
            f"£{amount:,.2f} is within the £{allowed.amount:,.2f} the role allows: no override "
            "is needed"
        ]
    if ArrsOverride.objects.filter(staff=member, month=month).exists():
        errors["month"] = [f"{member.ref} already has an override for {month:%B %Y}"]
    if errors:
        raise ValidationError(errors)
    override = ArrsOverride(
        staff=member, month=month, amount=amount, reason=reason.strip(), approved_by=by
    )
    _save(override, by, reason.strip())
    return override


def budget_for(
    pcn: Organisation, year: str, weighted: Decimal | None, *, on: date | None = None
) -> Budget:
    """The year's ARR Sum against what is claimed and what the staff in post will cost (the
    ARR Sum pot only; GP claims from October 2024 count against the GP ARRS sum)."""
    staff = list(StaffMember.objects.filter(pcn=pcn).prefetch_related("claims"))
    sums = {MAIN: arr_sum(year, weighted)}
    return budgets(year, sums, _staff_claims(staff), on or timezone.localdate())[0]


def _staff_claims(staff: list[StaffMember]) -> list[tuple[Staff, dict[date, Decimal]]]:
    return [(staff_facts(m), {c.month: c.amount for c in m.claims.all()}) for m in staff]


@transaction.atomic
def claim_month(
    *, pcn: Organisation, month: date, by, over_budget_confirmed: bool = False
) -> list[ArrsClaim]:
    """The month's claims for every member of staff not yet claimed for, as their records
    allow (baseline and ineligible staff are left out). All or nothing: one claim over its
    budget, unconfirmed, refuses them all. A fixed number of queries however many staff: the
    budgets are read once, each claim counted against its own in turn, and the claims
    written together with their history."""
    from simple_history.utils import bulk_create_with_history

    if not has_permission(by, Permission.NETWORK_FINANCES, pcn):
        raise PermissionDenied(f"you may not claim for {pcn.code}")
    month = month.replace(day=1)
    year = year_of(month)
    staff = list(StaffMember.objects.filter(pcn=pcn).exclude(claims__month=month))
    overrides = {o.staff_id: o for o in ArrsOverride.objects.filter(staff__in=staff, month=month)}
    made = []
    for member in staff:
        due = monthly_claim(staff_facts(member), month)
        if due is not None and not due.problem:
            made.append(_claim(member, month, by, None, overrides.get(member.pk)))
    if made and not over_budget_confirmed:
        budgets = {b.key: b for b in network_arrs([pcn], year)[pcn.pk].budgets}
        claimed = {key: budget.claimed for key, budget in budgets.items()}
        for claim in made:
            key = pot_of(claim.staff.role, year)
            warning = _over_words(pcn, budgets[key], claimed[key], claim.amount)
            if warning:
                raise ValidationError({"amount": [warning]})
            claimed[key] += claim.amount
    return bulk_create_with_history(
        made, ArrsClaim, default_user=by, default_change_reason="claim made"
    )


def flat_warnings(pcn: Organisation, year: str, allowance: dict) -> list[str]:
    """2019/20: more WTE in post in a role than the flat entitlement pays for."""
    first, last = financial_year(year)
    warnings = []
    for role, allowed in allowance.items():
        in_post = sum(
            (
                m.wte
                for m in StaffMember.objects.filter(pcn=pcn, role=role, in_baseline=False)
                if m.start <= last and (m.end is None or m.end >= first)
            ),
            Decimal(0),
        )
        if in_post > allowed:
            label = scheme()[0][role].label.lower()
            warnings.append(f"{year} pays for {allowed} WTE {label}; {in_post} WTE are in post")
    return warnings


@dataclass
class NetworkArrs:
    """A network's ARRS for a year: its budgets (MAIN first; the GP ARRS sum from October
    2024), the 2019/20 WTE allowance, the claims for roles with no maximum on file (for
    finance), and the population figures used, in words."""

    pcn: Organisation
    year: str
    budgets: list[Budget]
    flat: dict[str, Decimal]
    entitlement: Entitlement | None
    unmaximised: list[tuple[StaffMember, ArrsClaim]] = field(default_factory=list)

    @property
    def main(self) -> Budget:
        return self.budgets[0]

    @property
    def warnings(self) -> list[str]:
        return [w for b in self.budgets for w in b.warnings]


def network_arrs(
    pcns: list[Organisation], year: str, *, on: date | None = None
) -> dict[int, NetworkArrs]:
    """Each network's ARRS budgets for the year, in a fixed number of queries however many
    networks: populations through payments.inputs.gather (the population rule, purpose
    payment: members on the first of the month, figures at 1 January before the year, never
    a later one), staff with their claims in two more."""
    from payments.inputs import gather
    from payments.versions import versions_for

    pcns = list(pcns)
    first, _ = financial_year(year)
    rule = scheme()[1].get(year)
    inputs = {n.pcn.code: n for n in gather(pcns, year, versions_for(year))} if pcns else {}
    staff_of: dict[int, list[StaffMember]] = {p.pk: [] for p in pcns}
    for member in StaffMember.objects.filter(pcn__in=pcns).prefetch_related("claims"):
        staff_of[member.pcn_id].append(member)
    last = financial_year(year)[1]
    found = {}
    for pcn in pcns:
        network = inputs.get(pcn.code)

        def figure(month, kind, network=network):
            got = network.by_month.get(month) if network else None
            value = getattr(got, kind, None) if got else None
            return value.value if value is not None else None

        entitlement = None
        registered = None
        if rule is not None and rule.flat_roles and rule.flat_from:
            registered = figure(rule.flat_from, "registered")
            entitlement = flat_entitlement(year, registered)
            sums = {MAIN: (entitlement.amount, entitlement.formula)}
        else:
            sums = {MAIN: arr_sum(year, figure(first, "weighted"))}
        for pot in rule.pots if rule else ():
            sums[pot.key] = pot_sum(year, pot.key, figure(pot.start, "weighted"))
        staff = staff_of[pcn.pk]
        unmaximised = [
            (m, c)
            for m in staff
            for c in m.claims.all()
            if first <= c.month <= last and no_maximum(m.role, c.month)
        ]
        found[pcn.pk] = NetworkArrs(
            pcn=pcn,
            year=year,
            budgets=budgets(year, sums, _staff_claims(staff), on or timezone.localdate()),
            flat=flat_allowance(year, registered),
            entitlement=entitlement,
            unmaximised=unmaximised,
        )
    return found


def network_budget(pcn: Organisation, year: str) -> tuple[Budget, dict]:
    """The network's main budget (ARR Sum, or the 2019/20 entitlement) and its 2019/20 WTE
    allowance; network_arrs has every budget."""
    found = network_arrs([pcn], year)[pcn.pk]
    return found.main, found.flat
