"""Registry writes by people. Imports write through imports.writer; everything else here.

Each action runs in one transaction and leaves a history record (who, when, why, before and
after) through django-simple-history.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation, Relationship

EDITABLE_FIELDS = {"name", "address", "postcode", "contract_type", "supplier", "phone", "status"}


@transaction.atomic
def update_organisation(*, organisation: Organisation, by, reason: str, **changes) -> Organisation:
    """Correct an organisation's attributes by hand, e.g. a contract type ODS does not publish."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            f"these fields cannot be edited by hand: {', '.join(sorted(unknown))}"
        )
    if not reason.strip():
        raise ValidationError("say why the change is made")
    for name, value in changes.items():
        setattr(organisation, name, value)
    # Only a file describing a later date may replace a hand correction.
    organisation.details_as_of = max(timezone.localdate(), organisation.details_as_of or date.min)
    organisation.full_clean()
    organisation._history_user = by
    organisation._change_reason = reason
    organisation.save()
    return organisation


@transaction.atomic
def move_practice(
    *, practice: Organisation, to: Organisation, rel_type: str, on: date, by, reason: str
) -> Relationship:
    """End the practice's current row of rel_type the day before `on` and start one under `to`.

    The change-control workflow (registration issue) will call this on approval."""
    current = (
        Relationship.objects.select_for_update()
        .filter(child=practice, rel_type=rel_type, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )
    if current is not None:
        if on <= current.valid_from:
            raise ValidationError(
                f"the move must take effect after the current row started ({current.valid_from})"
            )
        current.valid_to = on - timedelta(days=1)
        current._history_user = by
        current._change_reason = reason
        current.save()
    link = Relationship(child=practice, parent=to, rel_type=rel_type, valid_from=on)
    link._history_user = by
    link._change_reason = reason
    link.full_clean()
    link.save()
    return link
