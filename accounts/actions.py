"""Writes about people: accounts and role assignments, recorded with who made them."""

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import RoleAssignment


@transaction.atomic
def assign_role(*, user, role: str, organisation=None, by=None) -> RoleAssignment:
    """Give user a role over organisation (None: all of England); a repeat changes nothing."""
    existing = RoleAssignment.objects.filter(user=user, role=role, organisation=organisation)
    if assignment := existing.first():
        return assignment
    assignment = RoleAssignment(user=user, role=role, organisation=organisation)
    assignment._history_user = by
    assignment.save()
    return assignment


@transaction.atomic
def set_up_person(*, username: str, full_title: str, password: str):
    """Create the account, or reset its password and title if it exists (demo logins)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name = full_title
    user.set_password(password)
    user.save()
    return user
