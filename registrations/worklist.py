"""What is waiting for this person: the home page's to-do list, one count per kind of work."""

from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.permissions import Permission, scope_filter
from registrations.models import (
    AWAITING_DECISION,
    EDITABLE_STATUSES,
    ChangeRequest,
    ChangeStatus,
    Registration,
    Status,
)


@dataclass(frozen=True)
class Work:
    label: str
    count: int
    url_name: str


def worklist(user) -> list[Work]:
    """Registrations to finish or submit, to decide, to assure, and changes to decide: two
    queries, whatever the person's roles."""
    counts = Registration.objects.aggregate(
        drafts=Count(
            "pk",
            filter=scope_filter(user, Permission.DRAFT_REGISTRATION, "pcn_id")
            & Q(status__in=EDITABLE_STATUSES),
        ),
        to_decide=Count(
            "pk",
            filter=scope_filter(user, Permission.DECIDE_REGISTRATION, "commissioner_id")
            & Q(status__in=AWAITING_DECISION),
        ),
        to_assure=Count(
            "pk",
            filter=scope_filter(user, Permission.ASSURE_REGISTRATION, "commissioner_id")
            & Q(status__in=(Status.APPROVED, Status.APPROVED_EXCEPTION)),
        ),
    )
    changes = ChangeRequest.objects.filter(
        scope_filter(user, Permission.DECIDE_REGISTRATION, "pcn_id"),
        status=ChangeStatus.REQUESTED,
    ).count()
    items = [
        Work("Registrations to finish and submit", counts["drafts"], "registrations"),
        Work("Registrations awaiting your panel's decision", counts["to_decide"], "registrations"),
        Work("Approved registrations awaiting assurance", counts["to_assure"], "registrations"),
        Work("Change requests awaiting a decision", changes, "changes"),
    ]
    return [item for item in items if item.count]
