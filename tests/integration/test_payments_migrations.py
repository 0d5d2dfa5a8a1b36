"""payments 0006: every rate version stored before revisions needed a second approver, shipped
or added by hand, was in force and stays so, approved."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from payments.models import RateVersion, RevisionStatus
from payments.versions import versions_for
from tests import factories as f

BEFORE = [("payments", "0005_area_export")]
AFTER = [("payments", "0006_rate_revision_approval")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_0006_approves_every_version_already_in_force():
    user = f.UserFactory(username="finance")
    try:
        old = migrate(BEFORE)
        OldVersion = old.get_model("payments", "RateVersion")
        OldVersion.objects.create(
            year="2023/24",
            label="2023/24 added by hand",
            published=date(2023, 9, 1),
            effective_from=date(2023, 4, 1),
            source="a letter",
            created_by_id=user.pk,
        )
    finally:
        migrate(AFTER)
    assert set(RateVersion.objects.values_list("status", flat=True)) == {RevisionStatus.APPROVED}
    by_hand = RateVersion.objects.get(label="2023/24 added by hand")
    assert by_hand.approved_at == by_hand.created_at and by_hand.approved_by is None
    assert versions_for("2023/24")[-1].label == "2023/24 added by hand"
