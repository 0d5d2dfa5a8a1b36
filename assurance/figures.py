"""Live figures: a measurable requirement's computed measure for the round's commissioner,
on the page's date and on the target date once it has passed, against the target.

The target is met at or above it, or at or below it for a measure whose direction in the
framework file is down (assurance.frameworks: a floor unless the file says it is a ceiling).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assurance.frameworks import DIRECTIONS
from delivery.measures import computed

PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    label: str
    value: Decimal | None
    on: date
    target: Decimal
    by: date
    at_target_date: Decimal | None  # None until the target date has passed
    direction: str = "up"  # up: at least the target; down: at most
    basis: str = ""  # what populations the measure counts, by which rule (Computed.basis)

    @property
    def bound(self) -> str:
        return DIRECTIONS[self.direction]

    @property
    def target_passed(self) -> bool:
        return self.by <= self.on

    @property
    def met(self) -> bool | None:
        """Whether the target was reached: on its date once that has passed, else now."""
        basis = self.at_target_date if self.target_passed else self.value
        if basis is None:
            return None
        return basis <= self.target if self.direction == "down" else basis >= self.target

    def text(self) -> str:
        """One line for a snapshot or a spreadsheet."""
        value = "no figure" if self.value is None else f"{self.value}"
        line = f"{self.label}: {value} on {self.on.isoformat()}; target {self.bound} "
        line += f"{self.target} by "
        line += self.by.isoformat()
        if self.target_passed:
            reached = "no figure" if self.at_target_date is None else f"{self.at_target_date}"
            line += f" ({reached} on that day: {'met' if self.met else 'not met'})"
        return line


def _value(compute, area, day: date) -> Decimal | None:
    value = compute(area, day)
    return None if value is None else Decimal(value).quantize(PLACES)


def figure(requirement, commissioner, day: date) -> Figure | None:
    """None for a requirement with no measure, or one whose measure is not computed here."""
    found = computed(requirement.measure_key) if requirement.measure_key else None
    if found is None:
        return None
    label, compute = found.label, found.compute
    value = _value(compute, commissioner, day)
    by = requirement.measure_by
    at_target = None
    if by <= day:
        at_target = value if by == day else _value(compute, commissioner, by)
    target, direction = requirement.measure_target, requirement.measure_direction
    return Figure(label, value, day, target, by, at_target, direction, found.basis)


def figures(requirements, commissioner, day: date) -> dict[int, Figure]:
    """By requirement id, for those linked to a computed measure."""
    found = {}
    for requirement in requirements:
        live = figure(requirement, commissioner, day)
        if live is not None:
            found[requirement.pk] = live
    return found
