"""A programme's plan read whole, for every page and export that shows it: deliverables, key
actions with owners and milestones, each action's standing status and why, and each
deliverable's status rolled up from its actions and measures.

A fixed number of queries whatever the plan's size, into plain rows (no model instances for
the thousands of actions and milestones), so the timeline, dashboard and board report of a
500-deliverable programme stay quick; a computed measure linked to a deliverable adds its
own queries for each of its periods.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from delivery.models import (
    Action,
    Deliverable,
    Measure,
    Milestone,
    Programme,
    Status,
    StatusUpdate,
)
from delivery.status import (
    RAG_STATUS,
    Derived,
    Report,
    Standing,
    derive,
    standing,
    worst,
)


@dataclass(slots=True)
class MilestoneRow:
    id: int
    action_id: int
    period: str
    start: date
    end: date
    description: str
    done_on: date | None


@dataclass(slots=True)
class UpdateRow:
    status: str
    derived: str
    commentary: str
    decision_needed: str
    by: str
    at: object  # datetime

    @property
    def report(self) -> Report:
        return Report(self.status, self.derived, self.by, self.at, self.commentary)


@dataclass(slots=True)
class ActionRow:
    id: int
    deliverable_id: int
    title: str
    owners: list[str] = field(default_factory=list)
    owner_ids: set[int] = field(default_factory=set)
    milestones: list[MilestoneRow] = field(default_factory=list)
    depends_on: list[int] = field(default_factory=list)
    latest: UpdateRow | None = None
    derived: Derived | None = None
    standing: Standing | None = None

    @property
    def status(self) -> str:
        return self.standing.status


@dataclass(slots=True)
class MeasureRag:
    id: int
    descriptor: str
    period: str
    rag: str


@dataclass(slots=True)
class DeliverableRow:
    id: int
    kind: str
    reference: str
    title: str
    description: str
    national_milestone: date | None
    actions: list[ActionRow] = field(default_factory=list)
    measures: list[MeasureRag] = field(default_factory=list)
    derived: Derived | None = None

    @property
    def status(self) -> str:
        return self.derived.status


@dataclass
class Plan:
    programme: Programme
    today: date
    deliverables: list[DeliverableRow]
    actions: dict[int, ActionRow]
    # Rows of the measures feeding a deliverable's status (delivery.measures.rows), by measure
    # id, and the computed figures behind them: a page showing the measures reuses both.
    measure_rows: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)

    def counts(self, of: str = "actions") -> dict[str, int]:
        """How many actions (or deliverables) stand at each status, every status listed."""
        items = self.actions.values() if of == "actions" else self.deliverables
        found = Counter(item.status for item in items)
        return {status: found.get(status, 0) for status in Status.values}

    def milestones(self):
        for action in self.actions.values():
            yield from action.milestones


def name_of(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def load(programme: Programme, today: date, *, measures: bool = True) -> Plan:
    """The whole plan as it stands on `today`."""
    return load_many([programme], today, measures=measures)[0]


def load_many(programmes, today: date, *, measures: bool = True) -> list[Plan]:
    """Several whole plans in the same fixed number of queries as one (the plans list)."""
    programmes = list(programmes)
    ids = [p.pk for p in programmes]
    programme_of: dict[int, int] = {}
    deliverables = {}
    # In the order the plan was written (or imported), as its authors laid it out.
    for programme_id, *row in (
        Deliverable.objects.filter(programme__in=ids)
        .order_by("pk")
        .values_list(
            "programme_id", "pk", "kind", "reference", "title", "description", "national_milestone"
        )
    ):
        deliverables[row[0]] = DeliverableRow(*row)
        programme_of[row[0]] = programme_id
    actions = {
        pk: ActionRow(pk, deliverable_id, title)
        for pk, deliverable_id, title in Action.objects.filter(deliverable__programme__in=ids)
        .order_by("pk")
        .values_list("pk", "deliverable_id", "title")
    }
    in_plan = {"action__deliverable__programme__in": ids}
    for row in (
        Milestone.objects.filter(**in_plan)
        .order_by("end", "pk")
        .values_list("pk", "action_id", "period", "start", "end", "description", "done_on")
    ):
        actions[row[1]].milestones.append(MilestoneRow(*row))
    for action_id, user_id, first, last, username in (
        Action.owners.through.objects.filter(**in_plan)
        .order_by("pk")
        .values_list(
            "action_id", "user_id", "user__first_name", "user__last_name", "user__username"
        )
    ):
        actions[action_id].owners.append(name_of(first, last, username))
        actions[action_id].owner_ids.add(user_id)
    for action_id, name in (
        Action.contacts.through.objects.filter(**in_plan)
        .order_by("contact__name")
        .values_list("action_id", "contact__name")
    ):
        actions[action_id].owners.append(name)
    for from_id, to_id in Action.depends_on.through.objects.filter(
        from_action__deliverable__programme__in=ids
    ).values_list("from_action_id", "to_action_id"):
        if to_id in actions:
            actions[from_id].depends_on.append(to_id)
    for action_id, *rest in (
        StatusUpdate.objects.filter(**in_plan)
        .order_by("action_id", "-at", "-pk")
        .values_list(
            "action_id",
            "status",
            "derived",
            "commentary",
            "decision_needed",
            "by__first_name",
            "by__last_name",
            "by__username",
            "at",
        )
    ):
        action = actions[action_id]
        if action.latest is None:
            status, derived, commentary, decision, first, last, username, at = rest
            by = name_of(first, last, username)
            action.latest = UpdateRow(status, derived, commentary, decision, by, at)
    for action in actions.values():
        _settle(action, actions, today, set())
        deliverables[action.deliverable_id].actions.append(action)
    plans = {p.pk: Plan(p, today, [], {}) for p in programmes}
    if measures:
        _measure_rags(ids, deliverables, today, plans)
    for deliverable in deliverables.values():
        deliverable.derived = roll_up(deliverable)
        plan = plans[programme_of[deliverable.id]]
        plan.deliverables.append(deliverable)
        plan.actions.update((a.id, a) for a in deliverable.actions)
    return [plans[p.pk] for p in programmes]


def _settle(action: ActionRow, actions: dict[int, ActionRow], today: date, seen: set) -> None:
    """Derive an action's status after those it depends on (the writes refuse cycles; `seen`
    guards the reading all the same)."""
    if action.standing is not None or action.id in seen:
        return
    seen.add(action.id)
    waiting_on = []
    for other_id in action.depends_on:
        other = actions[other_id]
        _settle(other, actions, today, seen)
        if other.standing is not None:
            waiting_on.append((other.title, other.status))
    action.derived = derive(action.milestones, today, waiting_on=tuple(waiting_on))
    action.standing = standing(action.derived, action.latest.report if action.latest else None)


def _measure_rags(programme_ids, deliverables, today, plans) -> None:
    """The latest RAG of each measure that feeds a deliverable's status. A computed measure
    costs its own queries a period (delivery.measures), on top of the plan's fixed few."""
    from delivery.measures import rows

    for measure in Measure.objects.filter(
        programme__in=programme_ids, deliverable__isnull=False
    ).prefetch_related("points"):
        plan = plans[measure.programme_id]
        found = plan.measure_rows[measure.pk] = rows(measure, today, plan.figures)
        rated = [row for row in found if row.rag and row.end <= today]
        if rated and measure.deliverable_id in deliverables:
            last = rated[-1]
            deliverables[measure.deliverable_id].measures.append(
                MeasureRag(measure.pk, measure.descriptor, last.period, last.rag)
            )


def roll_up(deliverable: DeliverableRow) -> Derived:
    """A deliverable stands at the worst of its actions and its measures' latest RAG."""
    statuses = [a.status for a in deliverable.actions]
    statuses += [RAG_STATUS[m.rag] for m in deliverable.measures if m.rag in RAG_STATUS]
    found = worst(statuses)
    if found is None:
        return Derived(Status.NOT_STARTED, "no key actions yet")
    counts = Counter(a.status for a in deliverable.actions)
    parts = [
        f"{counts[status]} of {len(deliverable.actions)} actions {Status(status).label.lower()}"
        for status in (Status.OFF_TRACK, Status.AT_RISK)
        if counts[status]
    ]
    parts += [
        f"{m.descriptor[:50]!r} {m.rag} in {m.period}"
        for m in deliverable.measures
        if m.rag in RAG_STATUS
    ]
    if not parts:
        done = counts[Status.COMPLETE]
        parts = [f"{done} of {len(deliverable.actions)} actions complete"]
    return Derived(found, "; ".join(parts))


def group_owners(plan: Plan) -> dict[str, list[ActionRow]]:
    """Actions by owner name, for the dashboard's counts by owner."""
    found: dict[str, list[ActionRow]] = defaultdict(list)
    for action in plan.actions.values():
        for owner in action.owners or ["(no owner)"]:
            found[owner].append(action)
    return dict(sorted(found.items()))
