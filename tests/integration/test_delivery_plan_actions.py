"""Plan writes through the actions: programmes within the planner's scope, deliverables with
unique references, dependencies without loops, milestones moved, done and removed with a
reason (kept in the history), baselines; and the plan read whole."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from delivery import actions
from delivery.models import Milestone, Status
from delivery.plan import load


@pytest.fixture
def programme(area, programme_office_user):
    return actions.create_programme(
        name="STP primary care",
        start=date(2019, 4, 1),
        end=date(2021, 3, 31),
        organisations=[area["ics"]],
        sro="Tim Sacks",
        leads=["Karen English"],
        by=programme_office_user,
    )


@pytest.fixture
def deliverable(programme, programme_office_user):
    return actions.add_deliverable(
        programme=programme,
        kind="local",
        reference="Local 1",
        title="Workforce",
        by=programme_office_user,
    )


def two_actions(deliverable, by):
    first = actions.add_action(
        deliverable=deliverable, title="Recruit", owners=["Tim Sacks"], by=by
    )
    second = actions.add_action(deliverable=deliverable, title="Train", owners=["Tim Sacks"], by=by)
    return first, second


def test_a_programme_is_only_for_organisations_the_planner_covers(
    area, programme, this_pcn_manager
):
    assert programme.sro.name == "Tim Sacks" and [c.name for c in programme.leads.all()] == [
        "Karen English"
    ]
    assert programme.history.first().history_user.username == "programme_office"
    with pytest.raises(PermissionDenied):
        actions.create_programme(
            name="Mine",
            start=date(2019, 4, 1),
            end=date(2020, 3, 31),
            organisations=[area["this_pcn"]],
            by=this_pcn_manager,
        )
    with pytest.raises(ValidationError, match="ends on or after"):
        actions.update_programme(
            programme=programme, end=date(2019, 1, 1), by=programme.history.first().history_user
        )


def test_a_reference_is_used_once_in_a_plan(programme, deliverable, programme_office_user):
    with pytest.raises(ValidationError, match="local 1 is already in this plan"):
        actions.add_deliverable(
            programme=programme,
            kind="local",
            reference="local 1",
            title="x",
            by=programme_office_user,
        )


def test_dependencies_stay_in_the_plan_and_never_loop(deliverable, programme_office_user):
    first, second = two_actions(deliverable, programme_office_user)
    actions.set_dependencies(action=second, depends_on=[first], by=programme_office_user)
    with pytest.raises(ValidationError, match="loop"):
        actions.set_dependencies(action=first, depends_on=[second], by=programme_office_user)
    with pytest.raises(ValidationError, match="itself"):
        actions.set_dependencies(action=first, depends_on=[first], by=programme_office_user)
    assert list(first.depends_on.all()) == [] and list(second.depends_on.all()) == [first]


def test_an_action_waiting_on_a_late_one_reads_at_risk(deliverable, programme_office_user):
    first, second = two_actions(deliverable, programme_office_user)
    actions.add_milestone(action=first, period="Q1 2019/20", by=programme_office_user)
    actions.add_milestone(action=second, period="Q4 2020/21", by=programme_office_user)
    actions.set_dependencies(action=second, depends_on=[first], by=programme_office_user)
    plan = load(deliverable.programme, date(2019, 12, 1))
    assert plan.actions[first.pk].status == Status.OFF_TRACK
    assert plan.actions[second.pk].standing.reason == "depends on 'Recruit', which is off track"
    assert plan.deliverables[0].status == Status.OFF_TRACK
    assert plan.deliverables[0].derived.reason == "1 of 2 actions off track; 1 of 2 actions at risk"
    assert plan.counts()[Status.AT_RISK] == 1


def test_milestones_move_with_a_reason_and_the_baseline_keeps_the_old_period(
    deliverable, programme_office_user
):
    first, _ = two_actions(deliverable, programme_office_user)
    milestone = actions.add_milestone(action=first, period="Q1 2019/20", by=programme_office_user)
    baseline = actions.take_baseline(
        programme=deliverable.programme, name="Board June 2019", by=programme_office_user
    )
    with pytest.raises(ValidationError, match="say why"):
        actions.move_milestone(
            milestone=milestone, period="Q3 2019/20", reason="", by=programme_office_user
        )
    actions.move_milestone(
        milestone=milestone,
        period="Q3 2019/20",
        reason="Recruitment slipped",
        by=programme_office_user,
    )
    assert milestone.history.first().history_change_reason == "Recruitment slipped"
    [kept] = baseline.milestones.all()
    assert (kept.period, kept.milestone) == ("Q1 2019/20", milestone)
    with pytest.raises(ValidationError, match="already a baseline"):
        actions.take_baseline(
            programme=deliverable.programme, name="board june 2019", by=programme_office_user
        )


def test_an_owner_marks_their_milestone_done_but_not_in_the_future(
    deliverable, programme_office_user, this_pcn_manager, other_pcn_manager
):
    action = actions.add_action(
        deliverable=deliverable, title="Hub", owners=["this_pcn_manager"], by=programme_office_user
    )
    milestone = actions.add_milestone(action=action, period="Q1 2019/20", by=programme_office_user)
    with pytest.raises(ValidationError, match="today or earlier"):
        actions.complete_milestone(
            milestone=milestone, done_on=date.today() + timedelta(days=1), by=this_pcn_manager
        )
    with pytest.raises(PermissionDenied):
        actions.complete_milestone(
            milestone=milestone, done_on=date(2019, 6, 1), by=other_pcn_manager
        )
    actions.complete_milestone(milestone=milestone, done_on=date(2019, 6, 1), by=this_pcn_manager)
    assert (
        load(deliverable.programme, date(2019, 7, 1)).actions[action.pk].status == Status.COMPLETE
    )
    actions.reopen_milestone(milestone=milestone, reason="Hub closed again", by=this_pcn_manager)
    with pytest.raises(PermissionDenied):
        actions.remove_milestone(milestone=milestone, reason="x", by=this_pcn_manager)
    actions.remove_milestone(milestone=milestone, reason="Merged into Q2", by=programme_office_user)
    assert not Milestone.objects.exists()
    assert Milestone.history.first().history_change_reason == "Merged into Q2"
