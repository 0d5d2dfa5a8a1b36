"""The plans API: a programme's whole plan with each status and why, read on ?as_at=;
owners report status and mark milestones done; 400/403/404 with reasons; bounded queries."""

from datetime import date

import pytest

from delivery import actions
from delivery.models import StatusUpdate


@pytest.fixture
def plan(area, programme_office_user, this_pcn_manager):
    programme = actions.create_programme(
        name="STP primary care",
        start=date(2019, 4, 1),
        end=date(2021, 3, 31),
        organisations=[area["ics"]],
        by=programme_office_user,
    )
    deliverable = actions.add_deliverable(
        programme=programme,
        kind="national",
        reference="National 1",
        title="Evening and weekend access",
        by=programme_office_user,
    )
    action = actions.add_action(
        deliverable=deliverable,
        title="Integrated extended access service",
        owners=["this_pcn_manager"],
        by=programme_office_user,
    )
    milestone = actions.add_milestone(action=action, period="Q2 2019/20", by=programme_office_user)
    return programme, action, milestone


def test_a_plan_reads_with_each_status_on_the_day_asked(api, plan, programme_office_user):
    programme, action, _ = plan
    api.force_login(programme_office_user)
    before = api.get(f"/api/programmes/{programme.pk}/", {"as_at": "2019-06-01"}).json()
    [deliverable] = before["deliverables"]
    [row] = deliverable["actions"]
    assert row["standing"] == {
        "status": "not_started",
        "reason": "starts in Q2 2019/20",
        "source": "derived",
    }
    after = api.get(f"/api/programmes/{programme.pk}/", {"as_at": "2019-10-01"}).json()
    assert after["counts"]["actions"]["off_track"] == 1
    assert after["deliverables"][0]["actions"][0]["owners"] == ["this_pcn_manager"]
    assert api.get(f"/api/programmes/{programme.pk}/", {"as_at": "1 Oct"}).status_code == 400


def test_an_owner_reports_status_and_marks_done_and_others_may_not(
    api, plan, this_pcn_manager, other_pcn_manager, commissioner_user
):
    _, action, milestone = plan
    api.force_login(this_pcn_manager)
    refused = api.post(f"/api/actions/{action.pk}/status/", {"status": "at_risk"}, format="json")
    assert refused.status_code == 400 and "commentary" in refused.json()["errors"]
    answer = api.post(
        f"/api/actions/{action.pk}/status/",
        {"status": "at_risk", "commentary": "Hub staffing gap", "decision_needed": "Fund locum"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["latest"]["commentary"] == "Hub staffing gap"
    assert StatusUpdate.objects.get().decision_needed == "Fund locum"
    future = api.post(f"/api/milestones/{milestone.pk}/done/", {"done_on": "2999-01-01"})
    assert future.status_code == 400 and "today or earlier" in future.json()["detail"]
    done = api.post(f"/api/milestones/{milestone.pk}/done/", {"done_on": "2019-09-01"})
    assert done.status_code == 200 and done.json()["done_on"] == "2019-09-01"
    api.force_login(other_pcn_manager)
    assert (
        api.post(f"/api/milestones/{milestone.pk}/done/", {"done_on": "2019-09-01"}).status_code
        == 404
    )
    api.force_login(commissioner_user)  # sees the plan (its ICS is above) but does not own it
    stranger = api.post(
        f"/api/actions/{action.pk}/status/", {"status": "complete", "commentary": "x"}
    )
    assert stranger.status_code in (403, 404)


def test_the_programme_is_not_found_out_of_scope(api, plan, outsider):
    programme, action, _ = plan
    api.force_login(outsider)
    assert api.get("/api/programmes/").json()["results"] == []
    assert api.get(f"/api/programmes/{programme.pk}/").status_code == 404
    assert api.get(f"/api/actions/{action.pk}/").status_code == 404


def test_measures_come_with_plan_against_actual(api, plan, programme_office_user):
    from decimal import Decimal

    from delivery.measures import record_actual, set_trajectory
    from delivery.models import Measure

    programme, _, _ = plan
    measure = Measure.objects.create(
        programme=programme,
        descriptor="Practices offering online consultation",
        unit="%",
        baseline_value=0,
        baseline_date=date(2019, 4, 1),
        target_value=100,
        target_date=date(2021, 3, 31),
        tolerance=5,
    )
    set_trajectory(measure=measure, values={"Q4 2019/20": Decimal("50")}, by=programme_office_user)
    record_actual(
        measure=measure,
        period="Q4 2019/20",
        value=Decimal("40"),
        evidence="practice survey",
        by=programme_office_user,
    )
    api.force_login(programme_office_user)
    [found] = api.get(f"/api/programmes/{programme.pk}/measures/").json()
    assert found["rows"][0] == {
        "period": "Q4 2019/20",
        "end": "2020-03-31",
        "planned": "50.00",
        "actual": "40.00",
        "rag": "amber",  # 10 behind plan: more than the tolerance of 5, within twice it
        "source": "entered: practice survey",
    }
