"""Writes about people: role assignments, recorded with who made them."""

from django.db import transaction

from accounts.models import RoleAssignment


@transaction.atomic
def assign_role(*, user, role: str, organisation=None, by=None) -> RoleAssignment:
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    if created and by is not None:
        record = assignment.history.first()
        record.history_user = by
        record.save(update_fields=["history_user"])
    return assignment
