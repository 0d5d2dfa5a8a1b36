"""The one access rule: reach down the hierarchy; PCN staff see today's members only."""

import pytest

from accounts.permissions import Permission, has_permission, sees_import_runs

pytestmark = pytest.mark.django_db


def test_pcn_manager_reaches_own_pcn_and_current_members(this_pcn_manager, area):
    view = Permission.VIEW_REGISTRY
    assert has_permission(this_pcn_manager, view, area["this_pcn"])
    assert has_permission(this_pcn_manager, view, area["practices"][0])
    assert not has_permission(this_pcn_manager, view, area["other_pcn"])
    assert not has_permission(this_pcn_manager, view, area["commissioner"])
    assert not has_permission(this_pcn_manager, Permission.EDIT_REGISTRY, area["this_pcn"])


def test_practice_that_moved_leaves_pcn_scope_but_not_commissioners(
    client, this_pcn_manager, other_pcn_manager, commissioner_user, moved
):
    view = Permission.VIEW_REGISTRY
    assert not has_permission(this_pcn_manager, view, moved)
    assert has_permission(other_pcn_manager, view, moved)
    assert has_permission(commissioner_user, view, moved)
    client.force_login(this_pcn_manager)
    assert client.get(f"/org/{moved.code}/").status_code == 404


def test_finance_holds_bank_details_permission_others_do_not(finance_user, commissioner_user, area):
    assert has_permission(finance_user, Permission.VIEW_BANK_DETAILS, area["this_pcn"])
    assert not has_permission(commissioner_user, Permission.VIEW_BANK_DETAILS, area["this_pcn"])


def test_import_runs_are_for_anyone_with_registry_access(this_pcn_manager, outsider):
    assert sees_import_runs(this_pcn_manager)
    assert not sees_import_runs(outsider)
