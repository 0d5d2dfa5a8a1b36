"""Milestones overdue and coming up, for the list page and for the reminders each owner is
emailed (`pcnhub remind`, which a scheduler runs; the console backend in the demo)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail

from delivery.models import Milestone
from delivery.status import WARNING_DAYS as WINDOW_DAYS  # "coming up" is "at risk"


@dataclass(frozen=True)
class Due:
    milestone: Milestone
    overdue: bool


def due(today: date, programmes=None, window_days: int = WINDOW_DAYS) -> list[Due]:
    """Milestones not done whose period has ended, or ends within the window."""
    found = Milestone.objects.filter(
        done_on__isnull=True, end__lte=today + timedelta(days=window_days)
    )
    if programmes is not None:
        found = found.filter(action__deliverable__programme__in=programmes)
    found = found.select_related("action__deliverable__programme").prefetch_related(
        "action__owners", "action__contacts"
    )
    return [Due(m, m.end < today) for m in found.order_by("end", "pk")]


def remind(today: date, window_days: int = WINDOW_DAYS, send: bool = True) -> dict[str, int]:
    """One email per owner (people, and contacts with an email address) listing their
    milestones overdue and coming up. Returns address -> how many milestones it lists."""
    by_address: dict[str, list[Due]] = defaultdict(list)
    for item in due(today, window_days=window_days):
        action = item.milestone.action
        for address in [u.email for u in action.owners.all()] + [
            c.email for c in action.contacts.all()
        ]:
            if address:
                by_address[address].append(item)
    for address, items in by_address.items():
        lines = [_line(item) for item in items]
        if send:
            send_mail(
                subject=f"PCN Hub: {len(items)} milestone(s) to look at",
                message="Your milestones overdue or due in the next "
                f"{window_days} days:\n\n" + "\n".join(lines) + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
    return {address: len(items) for address, items in by_address.items()}


def _line(item: Due) -> str:
    milestone = item.milestone
    when = "OVERDUE" if item.overdue else "due"
    return (
        f"- {when} {milestone.period} (by {milestone.end:%-d %b %Y}): {milestone.action.title} "
        f"[{milestone.action.deliverable.programme.name}]"
    )


def owned_counts(user, today: date, window_days: int = WINDOW_DAYS) -> tuple[int, int]:
    """How many of the person's own milestones are overdue, and how many come up in the
    window: the home page's reminder, in one query."""
    from django.db.models import Count, Q

    found = Milestone.objects.filter(
        done_on__isnull=True,
        end__lte=today + timedelta(days=window_days),
        action__owners=user,
    ).aggregate(overdue=Count("pk", filter=Q(end__lt=today)), total=Count("pk"))
    return found["overdue"], found["total"] - found["overdue"]
