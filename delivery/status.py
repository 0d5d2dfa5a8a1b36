"""Status from the plan's own dates: what PCN Hub derives for an action, and why; and which
status stands when a person has reported another.

Off track: a milestone's period has ended and it is not done. At risk: one is due within the
warning window (30 days) and not done, or an action it depends on is at risk or off track.
Complete: every milestone done. On track: under way, nothing late. Not started: nothing due
has begun. A person may report another status, with a comment; it stands while PCN Hub's
reading is what it was when they reported, and lapses (shown as such) once that reading moves.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Protocol

from delivery.models import Status

WARNING_DAYS = 30
# Worst first: a deliverable takes the worst of its actions and measures.
SEVERITY = (
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.ON_TRACK,
    Status.NOT_STARTED,
    Status.COMPLETE,
)
RAG_STATUS = {"red": Status.OFF_TRACK, "amber": Status.AT_RISK}


class Dated(Protocol):
    """What the rule reads of a milestone (MilestoneFacts, or delivery.plan's rows)."""

    period: str
    start: date
    end: date
    done_on: date | None


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


@dataclass(frozen=True)
class Report:
    """A person's reported status: what they said, and what PCN Hub read at the time."""

    status: str
    derived: str
    by: str
    at: datetime
    commentary: str


@dataclass(frozen=True)
class Standing:
    status: str
    reason: str
    source: str  # "derived", "reported" or "lapsed" (a report overtaken by the dates)


def derive(
    milestones: list[Dated],
    today: date,
    warning_days: int = WARNING_DAYS,
    waiting_on: tuple[tuple[str, str], ...] = (),
) -> Derived:
    """`waiting_on`: (title, status) of the actions this one depends on."""
    found = _from_dates(milestones, today, warning_days)
    if found.status in (Status.ON_TRACK, Status.NOT_STARTED):
        for title, status in waiting_on:
            if status in (Status.OFF_TRACK, Status.AT_RISK):
                label = Status(status).label.lower()
                return Derived(Status.AT_RISK, f"depends on {title[:60]!r}, which is {label}")
    return found


def _from_dates(milestones, today, warning_days) -> Derived:
    """Everything turns on the open milestone due first: late, due soon, or next."""
    if not milestones:
        return Derived(Status.NOT_STARTED, "no milestones are set")
    open_ones = [m for m in milestones if m.done_on is None]
    if not open_ones:
        last = max(m.done_on for m in milestones)
        if len(milestones) == 1:
            return Derived(Status.COMPLETE, f"its milestone was done on {last:%-d %b %Y}")
        return Derived(
            Status.COMPLETE, f"all {len(milestones)} milestones done, the last on {last:%-d %b %Y}"
        )
    first = min(open_ones, key=_end)
    if first.end < today:
        return Derived(
            Status.OFF_TRACK, f"{first.period} ended on {first.end:%-d %b %Y} and is not done"
        )
    if first.end <= today + timedelta(days=warning_days):
        return Derived(
            Status.AT_RISK,
            f"{first.period} is due by {first.end:%-d %b %Y}, within {warning_days} days",
        )
    if any(m.start <= today for m in milestones):
        return Derived(Status.ON_TRACK, f"next: {first.period}, due {first.end:%-d %b %Y}")
    return Derived(Status.NOT_STARTED, f"starts in {first.period}")


_end = attrgetter("end")


def standing(derived: Derived, report: Report | None) -> Standing:
    """The status that counts: a person's report while PCN Hub's reading has not moved since
    they made it; otherwise PCN Hub's reading, saying so when it overtook a report."""
    if report is None:
        return Standing(derived.status, derived.reason, "derived")
    when = f"{report.by}, {report.at:%-d %b %Y}"
    if report.derived != derived.status:
        reported = Status(report.status).label.lower()
        return Standing(
            derived.status,
            f"{derived.reason} (reported {reported} by {when}, before the dates moved)",
            "lapsed",
        )
    if report.status == derived.status:
        return Standing(derived.status, derived.reason, "derived")
    return Standing(
        report.status, f"reported by {when}; PCN Hub reads {derived.reason}", "reported"
    )


def worst(statuses) -> str | None:
    """The worst of some statuses; complete only when all are."""
    found = set(statuses)
    return next((s for s in SEVERITY if s in found), None)
