"""The plan as a timeline (Gantt) across months and years, like the 2019-2023 milestone plan:
where each bar and milestone sits, as percentages of the plan's span, so the page only draws.

A deliverable's lane spans its actions' first milestone start to last milestone end, with a
mark at the end of each month something falls due, coloured by the worst milestone due then;
an action's lane shows each milestone's own period. Milestone colours: done, late (its period
ended undone), due soon (the at-risk window), or planned.
"""

from collections import Counter
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
    summary: str = ""  # the lane in words, for those who do not see the bars


LABEL_CHARS = 70  # a lane's label is cut to fit its column


def short(text: str, chars: int = LABEL_CHARS) -> str:
    """Cut to fit the label column, with an ellipsis (cheaper than a template filter on 500
    lanes)."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


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
        self._marks: dict[date, tuple[float, float]] = {}

    def at(self, day: date) -> float:
        offset = min(max((day - self.start).days, 0), self.days)
        return round(100 * offset / self.days, 3)

    def day_mark(self, day: date) -> tuple[float, float]:
        """Where a one-day mark sits (remembered: a plan's marks fall on few month starts)."""
        found = self._marks.get(day)
        if found is None:
            bar = self.bar(day, day, "", "")
            found = self._marks[day] = (bar.left, bar.width)
        return found

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
    by_month: dict[date, list[str]] = {}
    states: Counter = Counter()
    first = last = None
    for action in deliverable.actions:
        for m in action.milestones:
            state = milestone_state(m, today)
            states[state] += 1
            by_month.setdefault(m.end.replace(day=1), []).append(state)
            first = m.start if first is None or m.start < first else first
            last = m.end if last is None or m.end > last else last
    marks = []
    for month, due in sorted(by_month.items()):
        state = min(due, key=MILESTONE_STATES.index)
        count = len(due)
        left, width = scale.day_mark(month)
        label = f"{count} milestone{'s' * (count != 1)} due {month:%b %Y}, {state}"
        marks.append(Bar(left, width, state, label))
    span = None
    summary = "No milestones."
    if first is not None:
        words = f"{deliverable.reference}: {first:%b %Y} to {last:%b %Y}"
        span = scale.bar(first, last, deliverable.status, words)
        counts = ", ".join(f"{states[s]} {s}" for s in MILESTONE_STATES if states[s])
        summary = f"{states.total()} milestones, {first:%b %Y} to {last:%b %Y}: {counts}."
    return Lane(
        deliverable.id,
        short(f"{deliverable.reference}: {deliverable.title}"),
        deliverable.status,
        deliverable.derived.reason,
        span,
        marks,
        summary,
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
    words = "; ".join(m.label for m in marks)
    return Lane(
        action.id,
        short(action.title, LABEL_CHARS - 10),
        action.status,
        action.standing.reason,
        _span(scale, action.milestones, action.status, f"#{action.id}"),
        marks,
        f"{words}." if words else "No milestones.",
    )


def deliverable_lanes(plan: Plan) -> list[Lane]:
    scale = Scale(plan.programme.start, plan.programme.end)
    return [deliverable_lane(scale, d, plan.today) for d in plan.deliverables]
