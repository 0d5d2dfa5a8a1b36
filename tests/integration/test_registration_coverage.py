"""Coverage as at a date: practices and patients in an approved PCN, as the workflow moves."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from registrations import actions
from registrations.coverage import coverage, drift
from registrations.models import Status, Transition
from tests import factories as f

PANEL = {"panel_date": date(2019, 5, 16), "decision_makers": "PCCC"}


def at(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def approve(registration, submitter, commissioner, exception="rural and remote"):
    actions.submit(registration=registration, by=submitter)
    actions.decide(
        registration=registration,
        by=commissioner,
        outcome=Status.APPROVED_EXCEPTION,
        exception_reason=exception,
        **PANEL,
    )


def backdate(registration, **days):
    """Move the recorded steps to the dates the 2019 timetable had them."""
    for step in Transition.objects.filter(registration=registration):
        step.at = at(days[step.to_status])
        step.save()


def test_nothing_is_covered_until_a_registration_is_approved(area, drafted):
    found = coverage(area["commissioner"], timezone.localdate())
    assert (found.practices, found.practices_covered, found.practices_in_ods_pcn) == (3, 0, 3)
    assert found.practices_pct == 0.0
    assert [u.practice.code for u in found.uncovered] == ["A00001", "A00002", "A00003"]
    assert [n.status for n in found.networks] == ["draft"]


def test_approval_covers_the_members_from_the_day_it_was_given(
    area, drafted, this_pcn_manager, commissioner_user
):
    approve(drafted, this_pcn_manager, commissioner_user)
    backdate(drafted, submitted=date(2019, 5, 14), approved_exception=date(2019, 5, 20))
    before = coverage(area["commissioner"], date(2019, 5, 19))
    after = coverage(area["commissioner"], date(2019, 5, 20))
    assert before.practices_covered == 0
    assert (after.practices_covered, after.patients_covered, after.patients) == (
        2,
        20_000,
        30_000,
    )
    assert after.practices_pct == 66.7 and after.patients_pct == 66.7
    assert [u.practice.code for u in after.uncovered] == ["A00003"]
    network = after.networks[0]
    assert (network.list_size, network.under_minimum, network.single_practice) == (
        20_000,
        True,
        False,
    )
    assert after.outliers == [network]


def test_the_same_figures_roll_up_to_the_ics_and_region(
    area, drafted, this_pcn_manager, commissioner_user
):
    approve(drafted, this_pcn_manager, commissioner_user)
    today = timezone.localdate()
    for org in ("commissioner", "ics", "region"):
        found = coverage(area[org], today)
        assert (found.practices, found.practices_covered) == (3, 2), org
    england = coverage(None, today)
    assert (england.practices, england.practices_covered) == (3, 2)


def test_timetable_progress_counts_what_was_done_by_each_deadline(
    area, drafted, this_pcn_manager, commissioner_user
):
    approve(drafted, this_pcn_manager, commissioner_user)
    backdate(drafted, submitted=date(2019, 5, 20), approved_exception=date(2019, 5, 28))
    found = coverage(area["commissioner"], date(2019, 7, 2), "2019/20")
    progress = {p.label.split()[0]: (p.done, p.total, p.overdue) for p in found.progress}
    assert progress["PCNs"] == (1, 1, 1)  # submitted, but late (due 15 May)
    assert progress["Commissioners"] == (1, 1, 0)
    assert progress["Network"] == (1, 1, 0)
    assert progress["DES"] == (1, 1, 0)


def test_a_single_practice_network_over_the_maximum_is_an_outlier(area, commissioner_user):
    big_pcn = f.PcnFactory(code="U00009", name="Big Practice PCN")
    big = f.PracticeFactory(code="A00099")
    f.RelationshipFactory(child=big_pcn, parent=area["commissioner"], rel_type="pcn_commissioner")
    f.RelationshipFactory(child=big, parent=big_pcn)
    f.RelationshipFactory(
        child=big,
        parent=area["commissioner"],
        rel_type="practice_commissioner",
        valid_from=date(2013, 4, 1),
    )
    f.ListSizeFactory(organisation=big, patients=65_978)
    registration = actions.start_registration(
        pcn=big_pcn, year_label="2019/20", by=commissioner_user
    )
    network = coverage(area["commissioner"], timezone.localdate()).networks[0]
    assert registration.pcn == big_pcn
    assert (network.list_size, network.over_maximum, network.single_practice) == (
        65_978,
        True,
        True,
    )


@pytest.mark.parametrize("on", [date(2019, 12, 1), date(2026, 11, 23)])
def test_recording_the_ods_configuration_covers_what_ods_holds(area, registry_admin, on):
    recorded = actions.record_from_ods(
        year_label="2019/20", on=date(2019, 12, 1), by=registry_admin
    )
    assert recorded == 2
    found = coverage(area["region"], on)
    assert (found.practices_covered, found.practices_pct) == (3, 100.0)
    assert (
        actions.record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=registry_admin) == 0
    )


def test_drift_lists_practices_whose_ods_pcn_differs_from_the_approved_one(
    area, moved, registry_admin
):
    """Recorded from ODS in 2019; ODS then moves Surgery 2 in April 2021 with no approval."""
    actions.record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=registry_admin)
    assert coverage(area["commissioner"], date(2020, 1, 1)).drift == []
    found = coverage(area["commissioner"], date(2021, 4, 1)).drift
    assert [(d.practice.code, d.ods_pcn, d.approved_pcn) for d in found] == [
        ("A00002", "U00002", "U00001")
    ]
    assert [d.practice.code for d in drift(date(2021, 4, 1))] == ["A00002"]
    assert drift(date(2021, 4, 1), visible_practices=set()) == []


def test_the_import_report_of_an_epcn_file_lists_the_drift(client, area, moved, registry_admin):
    from imports.models import ImportRun

    actions.record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=registry_admin)
    run = ImportRun.objects.create(
        file_name="ePCN.xlsx", kind="epcn", status="succeeded", period=date(2021, 4, 1)
    )
    client.force_login(registry_admin)
    shown = client.get(f"/imports/{run.pk}/")
    assert shown.status_code == 200
    assert "ODS and approved registrations differ (1)" in shown.text
    assert "Surgery 2" in shown.text
