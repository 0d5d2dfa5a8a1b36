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

from accounts.permissions import Permission, has_permission
from delivery.actions import require_editor
from delivery.models import Measure, MeasurePoint, Programme
from organisations.models import KIND_NAMES, Organisation, OrgKind
from pcnhub.nhs_calendar import parse

AREA_KINDS = (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER)  # and None: England
NETWORK_KINDS = (*AREA_KINDS, OrgKind.PCN)


@dataclass(frozen=True)
class Computed:
    """A measure PCN Hub works out from its own data for an area (None: England) on a day.
    `kinds` are the organisations it means something for."""

    key: str
    label: str
    unit: str
    compute: Callable[[Organisation | None, date], Decimal | None]
    kinds: tuple[str, ...] = NETWORK_KINDS
    basis: str = ""  # what populations it counts, by which rule, in words


# The measures that count patients take them through the population rule, never a later list;
# coverage counts only GP practices with registered patients (organisations.counted).
PATIENTS_BASIS = (
    "patients are each practice's registered list (an NHS Digital extract or a QOF list size) "
    "latest on or before the day, never a later one (organisations.population)"
)
COUNTED_BASIS = (
    "practices counted are GP practices with a registered list on or before the day "
    "(organisations.counted)"
)


def _coverage(attribute: str) -> Callable[[Organisation | None, date], Decimal | None]:
    def compute(area, day):
        from registrations.coverage import coverage

        value = getattr(coverage(area, day), attribute)
        return None if value is None else Decimal(str(value))

    return compute


def _arrs_wte(role: str | None = None) -> Callable[[Organisation | None, date], Decimal]:
    """WTE of ARRS staff (of one role, or all) in post on the day in the area's PCNs of the
    day's financial year (payments.inputs.pcns_in), baseline staff apart."""

    def compute(area, day) -> Decimal:
        from django.db.models import Q, Sum

        from payments.inputs import pcns_in
        from payments.models import StaffMember
        from pcnhub.nhs_calendar import year_of

        staff = StaffMember.objects.filter(
            Q(end__isnull=True) | Q(end__gte=day),
            pcn__in=pcns_in(area, year_of(day)),
            start__lte=day,
            in_baseline=False,
        )
        if role is not None:
            staff = staff.filter(role=role)
        return Decimal(staff.aggregate(wte=Sum("wte"))["wte"] or 0)

    return compute


def _extended_access(attribute: str) -> Callable[[Organisation | None, date], Decimal | None]:
    def compute(area, day):
        from services.queries import extended_access

        return getattr(extended_access(area, day), attribute)

    return compute


def _service_pct(service: str) -> Callable[[Organisation | None, date], Decimal | None]:
    def compute(area, day):
        from services.queries import service_pct

        return service_pct(area, day, service)

    return compute


def _funds_spent_pct(area, day) -> Decimal | None:
    """Local funds of the day's financial year spent by the day (spend is reported by
    month: a month counts from its first day), as a % of their allocation, across the
    commissioners under the area on the day (None: every commissioner). None with no fund."""
    from django.db.models import Sum

    from organisations.queries import commissioners_under
    from payments.models import FundSpend, LocalFund
    from pcnhub.nhs_calendar import year_of

    funds = LocalFund.objects.filter(year=year_of(day))
    if area is not None:
        funds = funds.filter(commissioner_id__in=commissioners_under([area], day)[area.pk])
    allocation = funds.aggregate(total=Sum("allocation"))["total"]
    if not allocation:
        return None
    spent = FundSpend.objects.filter(award__fund__in=funds, month__lte=day).aggregate(
        total=Sum("amount")
    )["total"]
    return Decimal(100) * (spent or 0) / allocation


_FIXED = [
    Computed(
        "pcn_practices_pct",
        "% of practices in an approved PCN",
        "%",
        _coverage("practices_pct"),
        AREA_KINDS,
        COUNTED_BASIS,
    ),
    Computed(
        "pcn_patients_pct",
        "% of patients in an approved PCN",
        "%",
        _coverage("patients_pct"),
        AREA_KINDS,
        f"{COUNTED_BASIS}; {PATIENTS_BASIS}",
    ),
    Computed("arrs_wte", "ARRS staff in post, all roles (WTE)", "WTE", _arrs_wte()),
    Computed(
        "extended_access_pct",
        "% of patients in practices with extended access",
        "%",
        _extended_access("pct"),
        basis=PATIENTS_BASIS,
    ),
    Computed(
        "extended_access_minutes",
        "Extended access minutes per 1,000 patients a week",
        "minutes per 1,000 a week",
        _extended_access("per_1000"),
        basis=PATIENTS_BASIS,
    ),
    Computed(
        "funds_spent_pct",
        "% of local funds spent against allocation",
        "%",
        _funds_spent_pct,
        AREA_KINDS,
    ),
]


def _families() -> dict[str, Callable[[str], Computed | None]]:
    """Keys written family:parameter, e.g. service_pct:online_consultation or
    arrs_wte:clinical_pharmacist; the parameter must be on file."""
    from payments.arrs import scheme
    from services.catalogue import services

    def service(key: str) -> Computed | None:
        found = services().get(key)
        return found and Computed(
            f"service_pct:{key}",
            f"% of practices signed up or live: {found.name}",
            "%",
            _service_pct(key),
        )

    def role(key: str) -> Computed | None:
        found = scheme()[0].get(key)
        return found and Computed(
            f"arrs_wte:{key}", f"ARRS staff in post: {found.label} (WTE)", "WTE", _arrs_wte(key)
        )

    return {"service_pct": service, "arrs_wte": role}


def computed(key: str) -> Computed | None:
    """The computed measure a key names, or None when PCN Hub computes nothing by it."""
    fixed = {c.key: c for c in _FIXED}
    if key in fixed:
        return fixed[key]
    family, _, parameter = key.partition(":")
    make = _families().get(family)
    return make(parameter) if make and parameter else None


def computed_measures() -> list[Computed]:
    """Every key a measure may use: the fixed ones, then each service and ARRS role on file."""
    from payments.arrs import scheme
    from services.catalogue import services

    keys = [f"service_pct:{key}" for key in services()]
    keys += [f"arrs_wte:{key}" for key in scheme()[0]]
    return [*_FIXED, *(computed(key) for key in keys)]


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


def rows(measure: Measure, today: date, cache: dict | None = None) -> list[Row]:
    """Plan against actual by period; a computed measure's actual for each period that has
    ended is worked out from PCN Hub's data at its end, and for the period running, so far
    (today). Periods still to come have no actual yet. `cache` keeps each (measure key, area,
    day) worked out once across the measures of a page."""
    points = list(measure.points.all())
    plan = {p.period: p for p in points if p.planned}
    actual = {p.period: p for p in points if not p.planned}
    periods = sorted({(p.end, p.period) for p in points})
    cache = {} if cache is None else cache
    found = []
    for end, period in periods:
        entered = actual.get(period)
        value, source = (entered.value, f"entered: {entered.evidence}") if entered else (None, "")
        day = min(end, today)
        if (
            value is None
            and measure.computed
            and _begun(period, today)
            and (day >= measure.baseline_date)
        ):
            calculation = computed(measure.computed)
            key = (measure.computed, measure.area_id, day)
            if calculation is not None and key not in cache:
                cache[key] = calculation.compute(measure.area, day)
            result = cache.get(key)
            if result is not None:
                so_far = ", so far" if end > today else ""
                basis = f"; {calculation.basis}" if calculation and calculation.basis else ""
                value = result.quantize(Decimal("0.01"))
                source = f"computed by PCN Hub{so_far}{basis}"
            elif calculation is None:
                source = f"PCN Hub no longer computes {measure.computed!r}"
        planned = plan[period].value if period in plan else None
        status = (
            rag(measure.direction, measure.tolerance, planned, value)
            if planned is not None and value is not None
            else ""
        )
        found.append(Row(period, end, planned, value, status, source))
    return found


def _begun(period: str, today: date) -> bool:
    try:
        return parse(period).start <= today
    except ValueError:  # a label from before the calendar read it: judge by nothing newer
        return True


# A measure's figures are DecimalField(max_digits=12, decimal_places=2).
LARGEST = Decimal("9999999999.99")
CENT = Decimal("0.01")


def figure(value, what: str) -> Decimal:
    """A plan's or an actual's value as stored: a number to the penny that fits the field."""
    try:
        number = Decimal(str(value).strip().replace(",", "").removesuffix("%"))
    except ArithmeticError:
        raise ValidationError(f"{what}: {value!r} is not a number") from None
    if not number.is_finite() or abs(number) > LARGEST:
        raise ValidationError(f"{what}: {value!r} is not a number PCN Hub can keep")
    return number.quantize(CENT)


def _save(obj, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save()


@transaction.atomic
def set_trajectory(
    *, measure: Measure, values: dict[str, Decimal] | list[tuple[str, Decimal]], by
) -> None:
    """The planned value for each period, replacing the trajectory; two values for one period
    are refused (given as pairs, the same period written twice is caught too)."""
    require_editor(by, measure.programme)
    seen: dict[str, str] = {}
    errors = []
    parsed = {}
    for text, value in values.items() if isinstance(values, dict) else values:
        try:
            period = parse(text)
            number = figure(value, period.label)
        except ValueError as error:
            errors.append(str(error))
            continue
        except ValidationError as error:
            errors += error.messages
            continue
        if period.label in seen and seen[period.label] == text:
            errors.append(f"{period.label} is given twice: one value a period")
        elif period.label in seen:
            errors.append(
                f"{text!r} and {seen[period.label]!r} are both {period.label}: one value a period"
            )
        seen[period.label] = text
        parsed[period.label] = (period, number)
    if errors:
        raise ValidationError({"trajectory": errors})
    for point in measure.points.filter(planned=True):
        point._history_user, point._change_reason = by, "trajectory replaced"
        point.delete()
    for label, (period, value) in parsed.items():
        point = MeasurePoint(measure=measure, planned=True, period=label, end=period.end)
        point.value = value
        _save(point, by, "trajectory set")


@transaction.atomic
def record_actual(
    *, measure: Measure, period: str, value: Decimal, evidence: str, by
) -> MeasurePoint:
    """An entered measure's actual for a period, with where the figure comes from."""
    require_editor(by, measure.programme)
    if measure.computed:
        raise ValidationError({"value": ["PCN Hub computes this measure; it takes no entries"]})
    if not evidence.strip():
        raise ValidationError({"evidence": ["say where the figure comes from"]})
    try:
        found = parse(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    try:
        value = figure(value, "the value")
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    point = MeasurePoint.objects.filter(measure=measure, planned=False, period=found.label).first()
    point = point or MeasurePoint(measure=measure, planned=False, period=found.label, end=found.end)
    point.value, point.evidence = value, evidence.strip()
    _save(point, by, f"actual for {found.label}")
    return point


MEASURE_FIELDS = (
    "descriptor",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "tolerance",
    "computed",
    "area",
    "deliverable",
)


def _check_measure(measure: Measure, by) -> None:
    """Everything a measure must say, checked whole; the area within what the editor sees."""
    errors: dict[str, list[str]] = {}
    calculation = computed(measure.computed) if measure.computed else None
    if calculation is not None and not (measure.unit or "").strip():
        measure.unit = calculation.unit  # a computed measure's unit goes without saying
    for name, what in (("descriptor", "describe the outcome"), ("unit", "give the unit")):
        value = " ".join((getattr(measure, name) or "").split())
        setattr(measure, name, value)
        if not value:
            errors[name] = [what]
    if measure.direction not in Measure.Direction.values:
        errors["direction"] = ["higher or lower is better"]
    for name in ("baseline_value", "target_value", "tolerance"):
        try:
            setattr(measure, name, figure(getattr(measure, name), name.replace("_", " ")))
        except ValidationError as error:
            errors[name] = error.messages
    if "tolerance" not in errors and measure.tolerance < 0:
        errors["tolerance"] = ["a tolerance of 0 or more"]
    for name, what in (("baseline_date", "baseline"), ("target_date", "target")):
        if getattr(measure, name) is None:
            errors[name] = [f"give the date of the {what}"]
    if (
        measure.baseline_date
        and measure.target_date
        and measure.target_date < measure.baseline_date
    ):
        errors["target_date"] = [
            f"the target date {measure.target_date:%-d %B %Y} is before the baseline date "
            f"{measure.baseline_date:%-d %B %Y}"
        ]
    if measure.computed:
        if calculation is None:
            errors["computed"] = [f"PCN Hub computes nothing called {measure.computed!r}"]
        elif measure.area is not None and measure.area.kind not in calculation.kinds:
            kinds = ", ".join(KIND_NAMES[k] for k in calculation.kinds)
            errors["area"] = [
                f"{calculation.label} is for England or a {kinds}, not a "
                f"{KIND_NAMES.get(measure.area.kind, measure.area.kind)}"
            ]
        if not has_permission(by, Permission.VIEW_REGISTRY, measure.area):
            where = measure.area.code if measure.area else "all of England"
            errors["area"] = [f"an area you may see; you may not see {where}"]
        if measure.pk and measure.points.filter(planned=False).exists():
            errors["computed"] = [
                "this measure has entered actuals; PCN Hub cannot also compute it"
            ]
    else:
        measure.area = None
    if measure.deliverable is not None and measure.deliverable.programme_id != measure.programme_id:
        errors["deliverable"] = ["a deliverable of this programme"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def define_measure(*, programme: Programme, by, **fields) -> Measure:
    """An outcome measure on a programme: entered (actuals with evidence) or computed by PCN
    Hub for an area (None: England)."""
    require_editor(by, programme)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a measure: {', '.join(sorted(unknown))}")
    measure = Measure(programme=programme, **fields)
    _check_measure(measure, by)
    _save(measure, by, "measure defined")
    return measure


@transaction.atomic
def update_measure(*, measure: Measure, by, reason: str = "", **fields) -> Measure:
    """Change what a measure says; its trajectory and actuals stay."""
    require_editor(by, measure.programme)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a measure: {', '.join(sorted(unknown))}")
    before = {name: getattr(measure, name) for name in MEASURE_FIELDS}
    for name, value in fields.items():
        setattr(measure, name, value)
    try:
        _check_measure(measure, by)
    except ValidationError:
        for name, value in before.items():  # a refused change leaves the measure as it was
            setattr(measure, name, value)
        raise
    _save(measure, by, reason.strip() or "measure changed")
    return measure
