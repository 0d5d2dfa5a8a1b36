"""Roll-ups: for an ICS, a region or England, each commissioner's latest round against a
framework (submitted on or before the day), and per requirement how many commissioners hold
each rating. The hierarchy is the registry's as it stood on the day; a fixed number of queries
however many commissioners and requirements there are."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from assurance.frameworks import Grade, grade, grades
from assurance.models import Framework, Rating, Requirement, Round
from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.queries import commissioners_under, valid_on


@dataclass
class Line:
    """One commissioner: its ICS on the day, its latest round and each requirement's rating."""

    commissioner: Organisation
    ics: Organisation | None
    round: Round | None
    grades: list[Grade | None] = field(default_factory=list)


@dataclass(frozen=True)
class Count:
    requirement: Requirement
    counts: tuple[tuple[Grade, int], ...]
    not_rated: int  # in a round, not rated yet
    no_round: int  # commissioners without a round by the day


@dataclass
class Rollup:
    framework: Framework
    area: Organisation | None  # None: England
    day: date
    requirements: list[Requirement]
    lines: list[Line]
    counts: list[Count]


def _commissioner_ids(area: Organisation | None, day: date) -> set[int]:
    if area is None:
        return set(
            Relationship.objects.filter(
                valid_on(day), rel_type=RelType.COMMISSIONER_ICS
            ).values_list("child_id", flat=True)
        )
    if area.kind == OrgKind.COMMISSIONER:
        return {area.pk}
    return commissioners_under([area], day)[area.pk]


def rollup(framework: Framework, area: Organisation | None, day: date, within: Q) -> Rollup:
    """`within` keeps the commissioners the user may see (accounts.permissions.scope_filter)."""
    ids = _commissioner_ids(area, day)
    commissioners = list(Organisation.objects.filter(within, pk__in=ids).order_by("code"))
    ids = {c.pk for c in commissioners}
    ics_of = {
        link.child_id: link.parent
        for link in Relationship.objects.filter(
            valid_on(day), rel_type=RelType.COMMISSIONER_ICS, child_id__in=ids
        ).select_related("parent")
    }
    latest: dict[int, Round] = {}
    for found in Round.objects.filter(
        framework=framework, commissioner_id__in=ids, submitted_on__lte=day
    ).order_by("commissioner_id", "-submitted_on"):
        latest.setdefault(found.commissioner_id, found)
    requirements = list(framework.requirements.filter(withdrawn=False))
    rated: dict[tuple[int, int], str] = {
        (round_id, requirement_id): value
        for round_id, requirement_id, value in Rating.objects.filter(
            round__in=[r.pk for r in latest.values()]
        ).values_list("round_id", "requirement_id", "rating")
    }
    scale = framework.scale
    lines = []
    for commissioner in commissioners:
        found = latest.get(commissioner.pk)
        line = Line(commissioner, ics_of.get(commissioner.pk), found)
        for requirement in requirements:
            value = rated.get((found.pk, requirement.pk), "") if found else ""
            line.grades.append(grade(scale, value) if value else None)
        lines.append(line)
    counts = []
    for i, requirement in enumerate(requirements):
        held = [line.grades[i] for line in lines if line.round is not None]
        counts.append(
            Count(
                requirement,
                tuple((g, sum(1 for h in held if h == g)) for g in grades(scale)),
                sum(1 for h in held if h is None),
                sum(1 for line in lines if line.round is None),
            )
        )
    return Rollup(framework, area, day, requirements, lines, counts)
