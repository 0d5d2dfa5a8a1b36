"""`pcnhub assign-role`: the way to give people access from the command line."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import RoleAssignment

pytestmark = pytest.mark.django_db


def test_assign_role_scopes_a_new_user_to_a_pcn(area):
    call_command("assign_role", "pat", "pcn_manager", "u00001", "--create", verbosity=0)
    assignment = RoleAssignment.objects.get(user__username="pat")
    assert (assignment.role, assignment.organisation) == ("pcn_manager", area["this_pcn"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "read_only"], "no user named"),
        (["x", "read_only", "ZZZ", "--create"], "no organisation"),
    ],
)
def test_assign_role_refuses_unknown_user_or_code(area, django_user_model, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("assign_role", *args, verbosity=0)
    assert not RoleAssignment.objects.exists()
    assert not django_user_model.objects.filter(username="x").exists()


def test_assign_role_records_who_granted_it_and_repeats_change_nothing(area, registry_admin):
    from accounts.actions import assign_role

    granted = assign_role(user=registry_admin, role="read_only", by=registry_admin)
    again = assign_role(user=registry_admin, role="read_only", by=registry_admin)
    assert again == granted and granted.history.count() == 1
    assert granted.history.first().history_user == registry_admin
