"""The plan as a timeline (Gantt) across months and years, like the 2019-2023 milestone plan:
where each bar and milestone sits, as percentages of the plan's span, so the page only draws.

A deliverable's lane spans its actions' first milestone start to last milestone end, with a
mark at the end of each month something falls due, coloured by the worst milestone due then;
an action's lane shows each milestone's own period. Milestone colours: done, late (its period
ended undone), due soon (the at-risk window), or planned.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from delivery.plan import ActionRow, DeliverableRow, MilestoneRow, Plan
from delivery.status import WARNING_DAYS
from pcnhub.nhs_calendar import periods

MILESTONE_STATES = ("late", "soon", "planned", "done")  # worst first


@dataclass(frozen=True, slots=True)
class Bar:
    left: float  # % of the plan's span
    width: float
    state: str  # a status for spans, a MILESTONE_STATES value for marks, "baseline" for ghosts
    label: str


@dataclass(slots=True)
class Lane:
    id: int
    label: str
    status: str
    reason: str
    span: Bar | None
    marks: list[Bar] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Heading:
    label: str
    left: float
    width: float


class Scale:
    """Days to percentages of the span from `start` to `end` inclusive."""

    def __init__(self, start: date, end: date):
        self.start = start
        self.days = (end - start).days + 1

    def at(self, day: date) -> float:
        offset = min(max((day - self.start).days, 0), self.days)
        return round(100 * offset / self.days, 3)

    def bar(self, start: date, end: date, state: str, label: str) -> Bar:
        left = self.at(start)
        right = self.at(end + timedelta(days=1))
        return Bar(left, max(round(right - left, 3), 0.4), state, label)


def headings(start: date, end: date, kind: str) -> list[Heading]:
    scale = Scale(start, end)
    found = []
    for period in periods(start, end, kind):
        bar = scale.bar(max(period.start, start), min(period.end, end), "", period.label)
        label = period.label.split()[0] if kind == "quarter" else period.label
        found.append(Heading(label, bar.left, bar.width))
    return found


def milestone_state(milestone: MilestoneRow, today: date) -> str:
    if milestone.done_on:
        return "done"
    if milestone.end < today:
        return "late"
    if milestone.end <= today + timedelta(days=WARNING_DAYS):
        return "soon"
    return "planned"


def _span(scale: Scale, milestones: list[MilestoneRow], status: str, label: str) -> Bar | None:
    if not milestones:
        return None
    first = min(m.start for m in milestones)
    last = max(m.end for m in milestones)
    return scale.bar(first, last, status, f"{label}: {first:%b %Y} to {last:%b %Y}")


def deliverable_lane(scale: Scale, deliverable: DeliverableRow, today: date) -> Lane:
    milestones = [m for a in deliverable.actions for m in a.milestones]
    by_month: dict[date, list[str]] = {}
    for m in milestones:
        by_month.setdefault(m.end.replace(day=1), []).append(milestone_state(m, today))
    marks = []
    for month, states in sorted(by_month.items()):
        state = min(states, key=MILESTONE_STATES.index)
        count = len(states)
        label = f"{count} milestone{'s' * (count != 1)} due {month:%b %Y}, {state}"
        marks.append(scale.bar(month, month, state, label))
    return Lane(
        deliverable.id,
        f"{deliverable.reference}: {deliverable.title}",
        deliverable.status,
        deliverable.derived.reason,
        _span(scale, milestones, deliverable.status, deliverable.reference),
        marks,
    )


def action_lane(
    scale: Scale, action: ActionRow, today: date, baseline: dict[int, tuple[str, date]]
) -> Lane:
    """`baseline`: milestone id -> (period, end) as a baseline saved them, drawn as ghosts
    where the milestone has moved since."""
    marks = []
    for m in action.milestones:
        state = milestone_state(m, today)
        marks.append(scale.bar(m.start, m.end, state, f"{m.period}, {state}"))
        was = baseline.get(m.id)
        if was and was[1] != m.end:
            marks.append(scale.bar(was[1], was[1], "baseline", f"baseline {was[0]}"))
    return Lane(
        action.id,
        action.title,
        action.status,
        action.standing.reason,
        _span(scale, action.milestones, action.status, f"#{action.id}"),
        marks,
    )


def deliverable_lanes(plan: Plan) -> list[Lane]:
    scale = Scale(plan.programme.start, plan.programme.end)
    return [deliverable_lane(scale, d, plan.today) for d in plan.deliverables]
