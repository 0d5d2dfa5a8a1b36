"""Registry writes by people. Imports write through imports.writer; everything else here.

Each action runs in one transaction and leaves a history record (who, when, why, before and
after) through django-simple-history.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission, reaches_on
from organisations.models import Measure, Organisation, OrgKind, PopulationFigure, Relationship

EDITABLE_FIELDS = {"name", "address", "postcode", "contract_type", "supplier", "phone", "status"}


@transaction.atomic
def update_organisation(*, organisation: Organisation, by, reason: str, **changes) -> Organisation:
    """Correct an organisation's attributes by hand, e.g. a contract type ODS does not publish."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            f"these fields cannot be edited by hand: {', '.join(sorted(unknown))}"
        )
    if not reason.strip():
        raise ValidationError("say why the change is made")
    for name, value in changes.items():
        setattr(organisation, name, value)
    # Only a file describing a later date may replace a hand correction.
    organisation.details_as_of = max(timezone.localdate(), organisation.details_as_of or date.min)
    organisation.full_clean()
    organisation._history_user = by
    organisation._change_reason = reason
    organisation.save()
    return organisation


def _open_row(child: Organisation, rel_type: str) -> Relationship | None:
    return (
        Relationship.objects.select_for_update()
        .filter(child=child, rel_type=rel_type, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )


def _end(row: Relationship, on: date, by, reason: str) -> None:
    if on <= row.valid_from:
        raise ValidationError(
            f"{row.child.code}: the change must take effect after its current "
            f"{row.get_rel_type_display().lower()} row started ({row.valid_from})"
        )
    row.valid_to = on - timedelta(days=1)
    row._history_user = by
    row._change_reason = reason
    row.save()


@transaction.atomic
def move(
    *, child: Organisation, to: Organisation, rel_type: str, on: date, by, reason: str
) -> Relationship:
    """End the child's current row of rel_type the day before `on` and start one under `to`:
    a practice changing PCN, or a new PCN placed under its commissioner. Change control calls
    this on approval."""
    current = _open_row(child, rel_type)
    if current is not None:
        _end(current, on, by, reason)
    link = Relationship(child=child, parent=to, rel_type=rel_type, valid_from=on)
    link._history_user = by
    link._change_reason = reason
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def end_relationship(*, child: Organisation, rel_type: str, on: date, by, reason: str) -> None:
    """The child leaves its current parent of rel_type from `on` (its last day is the day
    before): a practice leaving its PCN on closure, merger or removal."""
    current = _open_row(child, rel_type)
    if current is None:
        raise ValidationError(f"{child.code} has no current {rel_type} row to end")
    _end(current, on, by, reason)


# Weighted and adjusted populations are payment inputs as much as registry facts: those who
# correct the registry (the commissioner, registry administrators) and those who enter payment
# figures (the commissioner's finance team) may enter them.
POPULATION_PERMISSIONS = (Permission.EDIT_REGISTRY, Permission.ENTER_PAYMENT_INPUTS)
POPULATION_MEASURES = (Measure.WEIGHTED, Measure.ADJUSTED, Measure.REGISTERED)


def may_enter_population(user, org: Organisation) -> bool:
    """Those who may correct the registry or enter payment inputs for the organisation as it
    is commissioned today: a figure entered moves that commissioner's payments."""
    held = any(has_permission(user, p, org) for p in POPULATION_PERMISSIONS)
    return held and reaches_on(user, POPULATION_PERMISSIONS, org, timezone.localdate())


@transaction.atomic
def enter_population(
    *, organisation: Organisation, measure: str, as_at: date, value: Decimal, reason: str, by
) -> PopulationFigure:
    """Enter a practice's or PCN's population for a date with a reason, e.g. a weighted
    population from a PCSE letter before NHS England publishes it. An entered figure stands
    over a file's for the same date (organisations.population); the history keeps the one it
    replaced."""
    if not may_enter_population(by, organisation):
        raise PermissionDenied(f"you may not enter populations for {organisation.code}")
    errors = {}
    if organisation.kind not in (OrgKind.PRACTICE, OrgKind.PCN):
        errors["organisation"] = "Populations are entered for a practice or a PCN"
    if measure not in POPULATION_MEASURES:
        errors["measure"] = "Choose weighted, adjusted or registered"
    if as_at > timezone.localdate():
        errors["as_at"] = "The date must be today or in the past"
    value = Decimal(value)
    if value < 0 or value != value.quantize(Decimal("0.01")):
        errors["value"] = "Enter a number of patients, zero or more, to at most two decimal places"
    if not reason.strip():
        errors["reason"] = "Enter why you are entering this figure"
    if errors:
        raise ValidationError(errors)
    figure = (
        PopulationFigure.objects.select_for_update()
        .filter(organisation=organisation, measure=measure, as_at=as_at)
        .first()
    ) or PopulationFigure(organisation=organisation, measure=measure, as_at=as_at)
    figure.value, figure.reason, figure.entered_by = value, reason.strip(), by
    figure.import_run, figure.synthetic = None, False
    figure.full_clean()
    figure._history_user = by
    figure._change_reason = reason.strip()
    figure.save()
    return figure
