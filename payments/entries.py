"""What commissioners enter for the calculation: care home beds by month, IIF points achieved
and the assessed share of the improvement payment. Each save is recorded with who and why;
beds may also be loaded from a spreadsheet, checked whole first."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.permissions import Permission, has_permission
from imports.problems import ImportRejected, Problems
from imports.source import SourceFile, read_table
from organisations.models import Organisation, OrgKind
from payments.models import Achievement, CareHomeBeds, ShareMethod, ShareRule
from payments.reconcile import month_of

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
    if not has_permission(by, Permission.RECORD_SHARE_OUT, pcn):
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
