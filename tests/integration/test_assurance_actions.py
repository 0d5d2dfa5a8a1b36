"""Assurance actions: who may rate and who may respond, refusals with clear messages that
write nothing, carrying a round forward, and closing it as a signed snapshot."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assurance import actions, demo
from assurance.models import PlannedAction, Rating, Round
from assurance.rounds import FIGURE
from delivery.snapshots import intact


def _rate_all(round, by, rating="assured"):
    for row in round.ratings.select_related("requirement"):
        actions.rate(round=round, requirement=row.requirement, rating=rating, reasons="Seen", by=by)


def test_rate_by_the_assurance_team_is_kept_with_who(opened, assurance_user):
    row = actions.rate(
        round=opened,
        requirement="pcn-coverage",
        rating="partially_assured",
        reasons="Two practices are not yet in a network",
        reviewer_comments="Resolve the gaps with the LMC",
        by=assurance_user,
    )
    assert (row.rating, row.rated_by) == ("partially_assured", assurance_user)
    assert row.history.first().history_user == assurance_user


@pytest.mark.parametrize(
    "who", ["commissioner_user", "programme_office_user", "this_pcn_manager", "outsider"]
)
def test_rate_by_anyone_but_the_assurance_team_is_refused(opened, who, request):
    with pytest.raises(PermissionDenied, match="only NHS England's assurance team"):
        actions.rate(
            round=opened,
            requirement="pcn-coverage",
            rating="assured",
            reasons="x",
            by=request.getfixturevalue(who),
        )
    assert not Rating.objects.exclude(rating="").exists()


def test_respond_is_the_commissioners_not_the_assurance_teams(opened, assurance_user):
    with pytest.raises(PermissionDenied, match="own team responds"):
        actions.respond(round=opened, requirement="pcn-coverage", response="x", by=assurance_user)


def test_rate_a_requirement_outside_the_framework_is_refused(opened, gpfv, assurance_user):
    other = gpfv.requirements.get(key="online-consultation")
    for requirement in (other, "no-such-requirement"):
        with pytest.raises(ValidationError, match="is not a requirement of NHS England primary"):
            actions.rate(
                round=opened,
                requirement=requirement,
                rating="assured",
                reasons="x",
                by=assurance_user,
            )


def test_rate_off_the_scale_or_without_reasons_is_refused(opened, assurance_user):
    with pytest.raises(ValidationError) as refused:
        actions.rate(
            round=opened, requirement="pcn-coverage", rating="amber", reasons=" ", by=assurance_user
        )
    assert refused.value.message_dict == {
        "rating": [
            "'amber' is not a rating on this framework's scale; choose one of Assured, "
            "Partially assured, Not assured"
        ],
        "reasons": ["give the reasons for the rating"],
    }


def test_respond_with_a_date_before_the_submission_is_refused(opened, commissioner_user):
    with pytest.raises(ValidationError, match="cannot be before the submission, 12 July 2019"):
        actions.respond(
            round=opened,
            requirement="pcn-coverage",
            response="Panels sat in May",
            expected_on=date(2019, 6, 30),
            by=commissioner_user,
        )


def test_respond_with_planned_months_writes_both_in_one_step_with_who(opened, commissioner_user):
    row = actions.respond(
        round=opened,
        requirement="pcn-coverage",
        response="Two practices left",
        planned={date(2019, 8, 1): "Place them", date(2019, 9, 1): ""},
        by=commissioner_user,
    )
    assert row.response == "Two practices left"
    [planned] = PlannedAction.objects.filter(rating=row)
    assert (planned.month, planned.text) == (date(2019, 8, 1), "Place them")
    assert row.history.first().history_user == commissioner_user
    assert planned.history.get().history_user == commissioner_user


def test_respond_with_a_month_outside_the_plan_writes_neither(opened, commissioner_user):
    row = Rating.objects.get(round=opened, requirement__key="pcn-coverage")
    kept = row.history.count()
    with pytest.raises(ValidationError) as refused:
        actions.respond(
            round=opened,
            requirement="pcn-coverage",
            response=" ",
            planned={date(2019, 8, 1): "Place them", date(2020, 1, 1): "Too late"},
            by=commissioner_user,
        )
    assert refused.value.message_dict == {
        "response": ["explain why, and what is being done to resolve it"],
        "planned": ["1 Jan 2020: planned actions are kept for the months Apr 2019 to Dec 2019"],
    }
    row.refresh_from_db()
    assert (row.response, row.history.count()) == ("", kept)
    assert not PlannedAction.objects.exists()
    assert not PlannedAction.history.exists()


def test_plan_actions_only_in_the_frameworks_months(opened, gpfv, area, commissioner_user):
    actions.plan_actions(
        round=opened,
        requirement="pcn-coverage",
        planned={date(2019, 4, 1): "Members' meeting", date(2019, 5, 1): "Report to PCCC"},
        by=commissioner_user,
    )
    with pytest.raises(ValidationError, match="kept for the months Apr 2019 to Dec 2019"):
        actions.plan_actions(
            round=opened,
            requirement="pcn-coverage",
            planned={date(2020, 1, 1): "Too late"},
            by=commissioner_user,
        )
    actions.plan_actions(
        round=opened,
        requirement="pcn-coverage",
        planned={date(2019, 4, 1): ""},
        by=commissioner_user,
    )
    assert list(PlannedAction.objects.values_list("text", flat=True)) == ["Report to PCCC"]
    plan = actions.open_round(
        framework=gpfv,
        commissioner=area["commissioner"],
        label="23 December submission",
        submitted_on=date(2016, 12, 23),
        by=commissioner_user,
    )
    with pytest.raises(ValidationError, match="takes no planned actions"):
        actions.plan_actions(
            round=plan,
            requirement="extended-access",
            planned={date(2017, 4, 1): "x"},
            by=commissioner_user,
        )


def test_close_round_needs_every_requirement_rated(opened, assurance_user):
    with pytest.raises(ValidationError, match="not rated: Every practice is part of a Primary"):
        actions.close_round(round=opened, statement="Agreed", by=assurance_user)
    assert Round.objects.get().is_open


def test_close_round_freezes_a_signed_snapshot_and_refuses_later_edits(
    opened, assurance_user, commissioner_user
):
    _rate_all(opened, assurance_user)
    snapshot = actions.close_round(
        round=opened, statement="The assessment agreed at panel", by=assurance_user
    )
    assert intact(snapshot) and snapshot.signed_by == assurance_user
    assert snapshot.subject == "assurance:nhse-assurance-2019-20:01X"
    assert snapshot.period == "Q2 2019/20"
    coverage = next(i for i in snapshot.content["items"] if i["key"] == "pcn-coverage")
    assert coverage["fields"]["Rating"] == "Assured"
    assert coverage["fields"]["Live figure when signed"].startswith("% of practices")
    for change in (
        lambda: actions.rate(
            round=opened,
            requirement="pcn-coverage",
            rating="not_assured",
            reasons="x",
            by=assurance_user,
        ),
        lambda: actions.respond(
            round=opened, requirement="pcn-coverage", response="x", by=commissioner_user
        ),
        lambda: actions.close_round(round=opened, statement="Again", by=assurance_user),
    ):
        with pytest.raises(ValidationError, match="closed and signed by assurance"):
            change()
    assert Rating.objects.filter(rating="not_assured").count() == 0


def test_close_round_assessed_on_an_earlier_day_freezes_that_days_figures(opened, assurance_user):
    _rate_all(opened, assurance_user)
    with pytest.raises(ValidationError) as refused:
        actions.close_round(
            round=opened, statement="Agreed", by=assurance_user, assessed_on=date(2019, 7, 11)
        )
    assert "between the submission, 12 July 2019, and today" in str(refused.value)
    assert Round.objects.get().is_open
    snapshot = actions.close_round(
        round=opened, statement="Agreed", by=assurance_user, assessed_on=date(2019, 7, 31)
    )
    coverage = next(i for i in snapshot.content["items"] if i["key"] == "pcn-coverage")
    assert " on 2019-07-31; target at least 100.00 by 2019-06-30" in coverage["fields"][FIGURE]


def test_close_round_assessed_after_today_is_refused(opened, assurance_user):
    _rate_all(opened, assurance_user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="between the submission"):
        actions.close_round(
            round=opened, statement="Agreed", by=assurance_user, assessed_on=tomorrow
        )


def test_demo_gpfv_rounds_freeze_the_figures_of_the_days_they_were_assessed(
    area, gpfv, commissioner_user, assurance_user
):
    november, december = demo._gpfv(gpfv, area["commissioner"], commissioner_user, assurance_user)
    for round, day in ((november, "2016-12-09"), (december, "2017-01-31")):
        round.refresh_from_db()
        access = next(i for i in round.snapshot.content["items"] if i["key"] == "extended-access")
        assert f" on {day}; target at least 100.00 by 2019-03-31" in access["fields"][FIGURE]


def test_open_round_carries_responses_and_plans_forward_not_ratings(
    opened, assurance_user, commissioner_user
):
    actions.respond(
        round=opened,
        requirement="pcn-coverage",
        response="Two practices still to place",
        expected_on=date(2019, 9, 30),
        by=commissioner_user,
    )
    actions.plan_actions(
        round=opened,
        requirement="pcn-coverage",
        planned={date(2019, 8, 1): "Panel for the last two"},
        by=commissioner_user,
    )
    with pytest.raises(ValidationError, match="is still open"):
        actions.open_round(
            framework=opened.framework,
            commissioner=opened.commissioner,
            label="Q2",
            submitted_on=date(2019, 10, 11),
            by=commissioner_user,
        )
    _rate_all(opened, assurance_user)
    actions.close_round(round=opened, statement="Agreed", by=assurance_user)
    with pytest.raises(ValidationError, match="must be after 12 July 2019"):
        actions.open_round(
            framework=opened.framework,
            commissioner=opened.commissioner,
            label="Q2",
            submitted_on=date(2019, 7, 1),
            by=commissioner_user,
        )
    second = actions.open_round(
        framework=opened.framework,
        commissioner=opened.commissioner,
        label="Q2 2019/20 return",
        submitted_on=date(2019, 10, 11),
        by=commissioner_user,
    )
    row = second.ratings.get(requirement__key="pcn-coverage")
    assert (row.response, row.expected_on, row.rating) == (
        "Two practices still to place",
        date(2019, 9, 30),
        "",
    )
    assert [p.text for p in row.planned.all()] == ["Panel for the last two"]
    assert second.previous == opened and second.ratings.count() == 12


def test_open_round_for_someone_elses_commissioner_is_refused(statement, area, outsider):
    with pytest.raises(PermissionDenied):
        actions.open_round(
            framework=statement,
            commissioner=area["commissioner"],
            label="Q1",
            submitted_on=date(2019, 7, 12),
            by=outsider,
        )
    with pytest.raises(ValidationError, match="not a commissioner"):
        actions.open_round(
            framework=statement,
            commissioner=area["ics"],
            label="Q1",
            submitted_on=date(2019, 7, 12),
            by=outsider,
        )
    assert not Round.objects.exists()
