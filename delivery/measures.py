"""Outcome measures: trajectories, actuals (entered, or computed from PCN Hub's own data), and
RAG from tolerance against the plan.

RAG for a period with both a plan and an actual: green when the actual is no worse than the
plan by more than the tolerance; amber when no worse by more than twice the tolerance; red
beyond that. "Worse" follows the measure's direction (higher or lower is better).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from delivery.actions import require_editor
from delivery.models import Measure, MeasurePoint
from organisations.models import Organisation
from pcnhub.nhs_calendar import parse


def _coverage(attribute: str) -> Callable[[Organisation | None, date], Decimal | None]:
    def compute(area, day):
        from registrations.coverage import coverage

        value = getattr(coverage(area, day), attribute)
        return None if value is None else Decimal(str(value))

    return compute


def _arrs_wte(area, day) -> Decimal | None:
    """WTE of ARRS staff in post on the day, in the area's PCNs (baseline staff apart)."""
    from django.db.models import Q, Sum

    from payments.inputs import pcns_in
    from payments.models import StaffMember
    from pcnhub.nhs_calendar import year_of

    pcns = pcns_in(area, year_of(day))
    total = StaffMember.objects.filter(
        Q(end__isnull=True) | Q(end__gte=day), pcn__in=pcns, start__lte=day, in_baseline=False
    ).aggregate(wte=Sum("wte"))["wte"]
    return Decimal(total or 0)


# Computed measures: key -> (label, function of (area, day)).
COMPUTED = {
    "pcn_practices_pct": ("% of practices in an approved PCN", _coverage("practices_pct")),
    "pcn_patients_pct": ("% of patients in an approved PCN", _coverage("patients_pct")),
    "arrs_wte": ("ARRS staff in post (WTE)", _arrs_wte),
}


@dataclass(frozen=True)
class Row:
    period: str
    end: date
    planned: Decimal | None
    actual: Decimal | None
    rag: str  # "green", "amber", "red" or "" without both
    source: str  # "entered: evidence", "computed by PCN Hub", ""


def rag(measure_direction: str, tolerance: Decimal, planned: Decimal, actual: Decimal) -> str:
    behind = (planned - actual) if measure_direction == "up" else (actual - planned)
    if behind <= tolerance:
        return "green"
    if behind <= 2 * tolerance:
        return "amber"
    return "red"


def rows(measure: Measure, today: date) -> list[Row]:
    """Plan against actual by period; a computed measure's actual for each planned period
    that has ended (or is running) is worked out now from PCN Hub's data."""
    points = list(measure.points.all())
    plan = {p.period: p for p in points if p.planned}
    actual = {p.period: p for p in points if not p.planned}
    periods = sorted({(p.end, p.period) for p in points})
    found = []
    for end, period in periods:
        entered = actual.get(period)
        value, source = (entered.value, f"entered: {entered.evidence}") if entered else (None, "")
        if value is None and measure.computed and end and min(end, today) >= measure.baseline_date:
            computed = COMPUTED[measure.computed][1](measure.area, min(end, today))
            if computed is not None:
                value, source = computed.quantize(Decimal("0.01")), "computed by PCN Hub"
        planned = plan[period].value if period in plan else None
        status = (
            rag(measure.direction, measure.tolerance, planned, value)
            if planned is not None and value is not None
            else ""
        )
        found.append(Row(period, end, planned, value, status, source))
    return found


@transaction.atomic
def set_trajectory(*, measure: Measure, values: dict[str, Decimal], by) -> None:
    """The planned value for each period; two values for one period are refused."""
    require_editor(by, measure.programme)
    seen: dict[str, str] = {}
    errors = []
    parsed = {}
    for text, value in values.items():
        try:
            period = parse(text)
        except ValueError as error:
            errors.append(str(error))
            continue
        if period.label in seen:
            errors.append(
                f"{text!r} and {seen[period.label]!r} are both {period.label}: one value a period"
            )
        seen[period.label] = text
        parsed[period.label] = (period, value)
    if errors:
        raise ValidationError({"trajectory": errors})
    measure.points.filter(planned=True).delete()
    MeasurePoint.objects.bulk_create(
        MeasurePoint(measure=measure, planned=True, period=label, end=period.end, value=value)
        for label, (period, value) in parsed.items()
    )


@transaction.atomic
def record_actual(
    *, measure: Measure, period: str, value: Decimal, evidence: str, by
) -> MeasurePoint:
    require_editor(by, measure.programme)
    if measure.computed:
        raise ValidationError({"value": ["PCN Hub computes this measure; it takes no entries"]})
    if not evidence.strip():
        raise ValidationError({"evidence": ["say where the figure comes from"]})
    try:
        found = parse(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    point = MeasurePoint.objects.filter(measure=measure, planned=False, period=found.label).first()
    point = point or MeasurePoint(measure=measure, planned=False, period=found.label, end=found.end)
    point.value, point.evidence = value, evidence.strip()
    point._history_user = by
    point.save()
    return point
