"""services 0002: the practices a provision covers move from CoveredPractice's own history into
the provision's (m2m) history, and what was recorded before is carried over, not lost.
services 0003: each record kept gets its access scheme by the documented rule."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from organisations.queries import field_changes
from services.models import Provision
from tests import factories as f

BEFORE = [("services", "0001_initial")]
AFTER = [("services", "0002_practices_covered_in_the_provisions_history")]
LATEST = [("services", "0004_provision_scheme_required")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_practices_history_before_0002_is_carried_into_the_provisions():
    user = f.UserFactory(username="commissioner")
    pcn = f.PcnFactory(code="U00001", name="This PCN")
    one = f.PracticeFactory(code="A00001", name="Surgery 1")
    two = f.PracticeFactory(code="A00002", name="Surgery 2")
    try:
        old = migrate(BEFORE)
        _as_0001_recorded_it(old, user, pcn, one, two)
        migrate(AFTER)
    finally:
        migrate(LATEST)
    latest, shortened, covered, created = field_changes(Provision.objects.get(), limit=None)
    assert [(d.label, d.before, d.after) for d in latest.changes] == [
        ("practices covered", "Surgery 1 (A00001), Surgery 2 (A00002)", "Surgery 1 (A00001)")
    ]
    assert (latest.who, latest.reason) == ("commissioner", "Surgery 2 runs its own")
    assert [(d.field, d.before, d.after) for d in shortened.changes] == [
        ("evening_minutes", 450, 300)
    ]
    assert [(d.before, d.after) for d in covered.changes] == [
        ("", "Surgery 1 (A00001), Surgery 2 (A00002)")
    ]
    assert (covered.action, covered.reason) == ("changed", "covered")
    assert (created.action, created.reason) == ("created", "recorded")


def _as_0001_recorded_it(apps, user, pcn, one, two):
    """The hub from 1 July 2019 for both practices, then corrected: fewer evening minutes and
    Surgery 2 no longer covered, each write's rows as 0001's actions wrote them."""
    models = {name: apps.get_model("services", name) for name in ("Provision", "CoveredPractice")}
    history = {
        name: apps.get_model("services", f"Historical{name}")
        for name in ("Provision", "CoveredPractice")
    }
    start = timezone.now() - timedelta(days=30)
    hub = models["Provision"].objects.create(
        provider_id=pcn.pk, valid_from=date(2019, 7, 1), evening_minutes=450, weekend_minutes=150
    )

    def provision_row(at, kind, reason):
        history["Provision"].objects.create(
            id=hub.pk,
            provider_id=pcn.pk,
            valid_from=hub.valid_from,
            evening_minutes=hub.evening_minutes,
            weekend_minutes=hub.weekend_minutes,
            description="",
            history_date=at,
            history_type=kind,
            history_user_id=user.pk,
            history_change_reason=reason,
        )

    def covered_row(at, kind, covered, reason):
        history["CoveredPractice"].objects.create(
            id=covered.pk,
            provision_id=hub.pk,
            practice_id=covered.practice_id,
            history_date=at,
            history_type=kind,
            history_user_id=user.pk,
            history_change_reason=reason,
        )

    provision_row(start, "+", "recorded")
    for i, practice in enumerate((one, two), start=1):
        covered = models["CoveredPractice"].objects.create(provision=hub, practice_id=practice.pk)
        covered_row(start + timedelta(seconds=i), "+", covered, "covered")
    hub.evening_minutes = 300
    hub.save()
    provision_row(start + timedelta(days=1), "~", "Surgery 2 runs its own")
    covered = models["CoveredPractice"].objects.get(practice_id=two.pk)
    covered_row(start + timedelta(days=1, seconds=1), "-", covered, "Surgery 2 runs its own")
    covered.delete()


@pytest.mark.django_db(transaction=True)
def test_0003_gives_each_record_kept_its_scheme_by_the_rule():
    """A PCN's record before 1 October 2022: Extended Hours; from then: Enhanced Access; a
    practice's (or a hub's): the CCG's extended access. Their history rows alike."""
    pcn = f.PcnFactory(code="U00001", name="This PCN")
    hub = f.PracticeFactory(code="Y00001", name="Extended access hub")
    try:
        old = migrate(AFTER)
        OldProvision = old.get_model("services", "Provision")
        History = old.get_model("services", "HistoricalProvision")
        rows = [
            (pcn, date(2019, 7, 1)),
            (pcn, date(2022, 9, 30)),
            (pcn, date(2022, 10, 1)),
            (hub, date(2018, 10, 1)),
        ]
        for provider, day in rows:
            record = OldProvision.objects.create(
                provider_id=provider.pk, valid_from=day, evening_minutes=60, weekend_minutes=0
            )
            History.objects.create(
                id=record.pk,
                provider_id=provider.pk,
                valid_from=day,
                evening_minutes=60,
                weekend_minutes=0,
                description="",
                history_date=timezone.now(),
                history_type="+",
            )
    finally:
        migrate(LATEST)
    expected = [
        ("U00001", date(2019, 7, 1), "extended_hours"),
        ("U00001", date(2022, 9, 30), "extended_hours"),
        ("U00001", date(2022, 10, 1), "enhanced_access"),
        ("Y00001", date(2018, 10, 1), "ccg_extended_access"),
    ]
    found = Provision.objects.order_by("provider__code", "valid_from")
    assert [(r.provider.code, r.valid_from, r.scheme) for r in found] == expected
    history = Provision.history.order_by("provider__code", "valid_from")
    assert [(r.provider.code, r.valid_from, r.scheme) for r in history] == expected
