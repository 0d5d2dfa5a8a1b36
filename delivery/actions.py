"""Plan writes: actions with their owners, milestones in the financial calendar, and status
updates; each checked whole, and each kept in the history with who and why."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission
from delivery.models import (
    Action,
    Contact,
    Deliverable,
    Milestone,
    Programme,
    Status,
    StatusUpdate,
)
from delivery.plan import load
from pcnhub.nhs_calendar import parse


def can_edit(user, programme: Programme) -> bool:
    return any(
        has_permission(user, Permission.EDIT_PLANS, org) for org in programme.organisations.all()
    )


def require_editor(user, programme: Programme) -> None:
    if not can_edit(user, programme):
        raise PermissionDenied(f"you may not change the plan {programme.name!r}")


def resolve_owners(names: list[str]) -> tuple[list, list[Contact]]:
    """Each owner named must be a person who signs in (username or full name) or a contact."""
    users, contacts, unknown = [], [], []
    people = get_user_model().objects.all()
    for name in (n.strip() for n in names if n.strip()):
        user = people.filter(username__iexact=name).first() or next(
            (u for u in people if u.get_full_name().lower() == name.lower()), None
        )
        contact = Contact.objects.filter(name__iexact=name).first()
        if user is not None:
            users.append(user)
        elif contact is not None:
            contacts.append(contact)
        else:
            unknown.append(name)
    if unknown:
        raise ValidationError(
            {"owners": [f"not a person or contact in PCN Hub: {', '.join(unknown)}"]}
        )
    return users, contacts


@transaction.atomic
def add_action(*, deliverable: Deliverable, title: str, owners: list[str], by) -> Action:
    require_editor(by, deliverable.programme)
    users, contacts = resolve_owners(owners)
    if not title.strip():
        raise ValidationError({"title": ["describe the action"]})
    action = Action(deliverable=deliverable, title=title.strip())
    action._history_user = by
    action.save()
    action.owners.set(users)
    action.contacts.set(contacts)
    return action


@transaction.atomic
def add_milestone(*, action: Action, period: str, by, description: str = "") -> Milestone:
    """A milestone in a month, quarter, half-year or on a date, inside the plan's period."""
    programme = action.deliverable.programme
    require_editor(by, programme)
    try:
        found = parse(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    if found.start < programme.start or found.end > programme.end:
        raise ValidationError(
            {
                "period": [
                    f"{found.label} ({found.start:%-d %b %Y} to {found.end:%-d %b %Y}) is outside "
                    f"the plan's period, {programme.start:%-d %b %Y} to {programme.end:%-d %b %Y}"
                ]
            }
        )
    milestone = Milestone(
        action=action, period=found.label, start=found.start, end=found.end, description=description
    )
    milestone._history_user = by
    milestone.save()
    return milestone


def action_row(action: Action, today=None):
    """The action as its plan reads it: derived status (after what it depends on), the
    standing status and the latest report."""
    plan = load(action.deliverable.programme, today or timezone.localdate(), measures=False)
    return plan.actions[action.pk]


@transaction.atomic
def set_status(
    *, action: Action, status: str, commentary: str, by, decision_needed: str = ""
) -> StatusUpdate:
    """An owner (or a plan editor) reports the action's status with a dated comment, and
    what the board is asked to decide, if anything."""
    is_owner = action.owners.filter(pk=by.pk).exists()
    if not is_owner and not can_edit(by, action.deliverable.programme):
        raise PermissionDenied("only the action's owners or the programme office may report on it")
    if not commentary.strip():
        raise ValidationError({"commentary": ["say what has happened"]})
    if status not in Status.values:
        raise ValidationError({"status": [f"one of {', '.join(Status.labels).lower()}"]})
    return StatusUpdate.objects.create(
        action=action,
        status=status,
        commentary=commentary.strip(),
        decision_needed=decision_needed.strip(),
        derived=action_row(action).derived.status,
        by=by,
    )
