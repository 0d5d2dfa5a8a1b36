"""Status from the plan's own dates: what PCN Hub derives for an action, and why.

Off track: a milestone's period has ended and it is not done. At risk: one is due within the
warning window (30 days) and not done. Complete: every milestone done. On track: under way,
nothing late. Not started: nothing due has begun. A person may set another status, with a
comment; the page shows both.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from delivery.models import Status

WARNING_DAYS = 30


@dataclass(frozen=True)
class MilestoneFacts:
    period: str
    start: date
    end: date
    done_on: date | None


@dataclass(frozen=True)
class Derived:
    status: str
    reason: str


def derive(
    milestones: list[MilestoneFacts], today: date, warning_days: int = WARNING_DAYS
) -> Derived:
    if not milestones:
        return Derived(Status.NOT_STARTED, "no milestones are set")
    open_ones = sorted((m for m in milestones if m.done_on is None), key=lambda m: m.end)
    if not open_ones:
        last = max(m.done_on for m in milestones)
        return Derived(
            Status.COMPLETE, f"all {len(milestones)} milestones done, the last on {last:%-d %b %Y}"
        )
    late = [m for m in open_ones if m.end < today]
    if late:
        first = late[0]
        return Derived(
            Status.OFF_TRACK, f"{first.period} ended on {first.end:%-d %b %Y} and is not done"
        )
    soon = [m for m in open_ones if m.end <= today + timedelta(days=warning_days)]
    if soon:
        return Derived(
            Status.AT_RISK,
            f"{soon[0].period} is due by {soon[0].end:%-d %b %Y}, within {warning_days} days",
        )
    nxt = open_ones[0]
    if any(m.start <= today for m in milestones):
        return Derived(Status.ON_TRACK, f"next: {nxt.period}, due {nxt.end:%-d %b %Y}")
    return Derived(Status.NOT_STARTED, f"starts in {nxt.period}")
