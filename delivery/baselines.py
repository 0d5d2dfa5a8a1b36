"""Slippage against a baseline: each milestone's period then and now, in days."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from delivery.models import Baseline
from delivery.plan import Plan


@dataclass(frozen=True, slots=True)
class Slip:
    action_id: int | None
    action_title: str
    then: str  # the period as baselined, "" for a milestone added since
    now: str  # the period today, "" for one removed since
    days: int | None  # later (+) or earlier (-) than baselined, by period end
    change: str  # "later", "earlier", "same", "added" or "removed"


def slippage(baseline: Baseline, plan: Plan) -> list[Slip]:
    """Every milestone of the plan against the baseline, those that moved first (latest
    slip first), then added and removed ones, then the unchanged."""
    current = {m.id: m for m in plan.milestones()}
    titles = {a.id: a.title for a in plan.actions.values()}
    kept: dict[int, tuple[str, date]] = {}
    found = []
    for milestone_id, title, period, end in baseline.milestones.values_list(
        "milestone_id", "action_title", "period", "end"
    ):
        now = current.get(milestone_id)
        if now is None:
            found.append(Slip(None, title, period, "", None, "removed"))
            continue
        kept[milestone_id] = (period, end)
        days = (now.end - end).days
        change = "later" if days > 0 else "earlier" if days < 0 else "same"
        found.append(Slip(now.action_id, titles[now.action_id], period, now.period, days, change))
    for milestone_id, m in current.items():
        if milestone_id not in kept:
            found.append(Slip(m.action_id, titles[m.action_id], "", m.period, None, "added"))
    order = {"later": 0, "earlier": 1, "added": 2, "removed": 3, "same": 4}
    return sorted(found, key=lambda s: (order[s.change], -(s.days or 0)))


def summary(slips: list[Slip]) -> dict:
    counts = Counter(s.change for s in slips)
    later = [s.days for s in slips if s.change == "later"]
    return {
        "counts": {k: counts.get(k, 0) for k in ("later", "earlier", "same", "added", "removed")},
        "worst_days": max(later, default=0),
        "average_days": round(sum(later) / len(later)) if later else 0,
    }


def baseline_ends(baseline: Baseline) -> dict[int, tuple[str, date]]:
    """Milestone id -> (period, end) as the baseline saved it, for the timeline's ghosts."""
    return {
        pk: (period, end)
        for pk, period, end in baseline.milestones.exclude(milestone=None).values_list(
            "milestone_id", "period", "end"
        )
    }
