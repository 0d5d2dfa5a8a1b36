"""Plan pages through HTTP: starting and editing a plan, its deliverables, key actions and
milestones, with refusals in the error summary; the timeline, dashboard with drill-down, and
baselines with slippage; scope and bounded queries."""

from datetime import date

import pytest
from django.urls import reverse

from delivery import actions
from delivery.models import Action, Deliverable, Milestone, Programme


@pytest.fixture
def plan(area, programme_office_user, this_pcn_manager):
    programme = actions.create_programme(
        name="STP primary care",
        start=date(2019, 4, 1),
        end=date(2021, 3, 31),
        organisations=[area["ics"]],
        sro="Tim Sacks",
        by=programme_office_user,
    )
    deliverable = actions.add_deliverable(
        programme=programme,
        kind="national",
        reference="National 1",
        title="Evening and weekend access",
        by=programme_office_user,
    )
    late = actions.add_action(
        deliverable=deliverable,
        title="Integrated extended access service",
        owners=["this_pcn_manager"],
        by=programme_office_user,
    )
    actions.add_milestone(action=late, period="Q2 2019/20", by=programme_office_user)
    later = actions.add_action(
        deliverable=deliverable,
        title="Clinical triage hub",
        owners=["Tim Sacks"],
        by=programme_office_user,
    )
    actions.add_milestone(action=later, period="H2 2020/21", by=programme_office_user)
    return programme, late, later


def test_a_planner_starts_a_plan_and_bad_input_shows_in_the_summary(
    client, area, programme_office_user
):
    client.force_login(programme_office_user)
    url = reverse("programme_new")
    refused = client.post(
        url, {"name": "", "start": "2019-04-01", "end": "2018-03-31", "organisations": "ZZZ"}
    )
    assert refused.status_code == 200 and "There is a problem" in refused.text
    assert "No region or STP/ICS or commissioner or PCN with ODS code ZZZ" in refused.text
    assert not Programme.objects.exists()
    refused = client.post(
        url,
        {"name": "Plan", "start": "2019-04-01", "end": "2018-03-31", "organisations": "Q01"},
    )
    assert "the plan ends on or after the day it starts" in refused.text
    made = client.post(
        url,
        {
            "name": "Primary care 2019-2023",
            "start": "2019-04-01",
            "end": "2023-03-31",
            "organisations": "q01",
            "sro": "Tim Sacks",
            "leads": "Karen English, Paula Vaughan",
        },
    )
    programme = Programme.objects.get()
    assert made.status_code == 302 and made.url == reverse("programme", args=[programme.pk])
    assert sorted(c.name for c in programme.leads.all()) == ["Karen English", "Paula Vaughan"]


def test_a_pcn_manager_may_not_start_a_plan_or_edit_one(client, plan, this_pcn_manager):
    programme, late, _ = plan
    client.force_login(this_pcn_manager)
    assert client.get(reverse("programme_new")).status_code == 404
    assert client.get(reverse("action_edit", args=[late.pk])).status_code == 404
    assert client.get(reverse("deliverable_new", args=[programme.pk])).status_code == 404


def test_key_actions_refuse_unknown_owners_and_milestones_outside_the_plan(
    client, plan, programme_office_user
):
    programme, late, _ = plan
    deliverable = late.deliverable
    client.force_login(programme_office_user)
    refused = client.post(
        reverse("action_new", args=[deliverable.pk]),
        {"title": "Hub", "owners": "Nobody Known", "depends_on": ""},
    )
    assert "not a person or contact in PCN Hub: Nobody Known" in refused.text
    refused = client.post(
        reverse("action_new", args=[deliverable.pk]),
        {"title": "Hub", "owners": "Tim Sacks", "depends_on": "#99999"},
    )
    assert "no action #99999 in this plan" in refused.text
    assert Action.objects.count() == 2
    refused = client.post(reverse("milestone_new", args=[late.pk]), {"period": "Q1 2022/23"})
    assert "is outside the plan&#x27;s period" in refused.text
    added = client.post(
        reverse("action_new", args=[deliverable.pk]),
        {"title": "Hub rota", "owners": "Tim Sacks", "depends_on": f"#{late.pk}"},
    )
    action = Action.objects.get(title="Hub rota")
    assert added.url == reverse("action", args=[action.pk])
    assert list(action.depends_on.all()) == [late]


def test_an_owner_marks_their_milestone_done_from_the_action_page(client, plan, this_pcn_manager):
    _, late, _ = plan
    milestone = late.milestones.get()
    client.force_login(this_pcn_manager)
    page = client.get(reverse("action", args=[late.pk]))
    assert page.status_code == 200 and "Mark done" in page.text and "Move" not in page.text
    refused = client.post(reverse("milestone_done", args=[milestone.pk]), {"done_on": "soon"})
    assert "There is a problem" in refused.text
    client.post(reverse("milestone_done", args=[milestone.pk]), {"done_on": "2019-09-20"})
    assert Milestone.objects.get(pk=milestone.pk).done_on == date(2019, 9, 20)
    page = client.get(reverse("action", args=[late.pk]))
    assert "Changes to this action" in page.text and "20 Sep 2019" in page.text


def test_the_timeline_draws_each_deliverable_and_its_actions_on_request(
    client, plan, programme_office_user
):
    programme, late, later = plan
    client.force_login(programme_office_user)
    page = client.get(reverse("timeline", args=[programme.pk]))
    assert page.status_code == 200
    assert "National 1: Evening and weekend access" in page.text
    assert "2 milestones due" not in page.text  # they fall in different months
    assert "1 milestone due Sep 2019, late" in page.text
    part = client.get(reverse("timeline_actions", args=[programme.pk, late.deliverable_id]))
    assert f"#{late.pk} Integrated extended access service" in part.text
    assert "Q2 2019/20, late" in part.text


def test_the_dashboard_counts_by_status_and_drills_down(client, plan, programme_office_user):
    programme, late, later = plan
    actions.complete_milestone(
        milestone=later.milestones.get(), done_on=date(2021, 3, 1), by=programme_office_user
    )
    client.force_login(programme_office_user)
    page = client.get(reverse("dashboard", args=[programme.pk]))
    assert page.status_code == 200
    totals = {status: count for status, _, count, _ in page.context["totals"]}
    assert (totals["off_track"], totals["complete"], sum(totals.values())) == (1, 1, 2)
    drill = client.get(reverse("plan_actions", args=[programme.pk]), {"status": "off_track"})
    assert "Integrated extended access service" in drill.text
    assert "Clinical triage hub" not in drill.text
    mine = client.get(reverse("plan_actions", args=[programme.pk]), {"owner": "Tim Sacks"})
    assert [a.id for _, a in mine.context["page"].object_list] == [later.pk]


def test_a_baseline_shows_each_milestones_slippage(client, plan, programme_office_user):
    programme, late, _ = plan
    client.force_login(programme_office_user)
    client.post(reverse("baseline_new", args=[programme.pk]), {"name": "Board June 2019"})
    baseline = programme.baselines.get()
    actions.move_milestone(
        milestone=late.milestones.get(),
        period="Q4 2019/20",
        reason="Recruitment slipped",
        by=programme_office_user,
    )
    page = client.get(reverse("baseline", args=[baseline.pk]))
    assert "1 milestone later (on average 183 days, at most 183)" in page.text
    ghost = client.get(
        reverse("timeline_actions", args=[programme.pk, late.deliverable_id]),
        {"baseline": baseline.pk},
    )
    assert "baseline Q2 2019/20" in ghost.text


def test_plan_pages_are_not_found_out_of_scope(client, plan, outsider, other_pcn_manager):
    programme, late, _ = plan
    for user in (outsider, other_pcn_manager):
        client.force_login(user)
        for name in ("programme", "timeline", "dashboard", "baselines"):
            assert client.get(reverse(name, args=[programme.pk])).status_code == 404
        assert client.get(reverse("action", args=[late.pk])).status_code == 404


@pytest.mark.parametrize("extra", [1, 8])
def test_plan_views_queries_do_not_grow_with_the_plan(
    client, plan, programme_office_user, django_assert_max_num_queries, extra
):
    programme, _, _ = plan
    for i in range(extra):
        deliverable = Deliverable.objects.create(
            programme=programme, kind="local", reference=f"Local {i}", title="More"
        )
        added = actions.add_action(
            deliverable=deliverable, title="x", owners=["Tim Sacks"], by=programme_office_user
        )
        actions.add_milestone(action=added, period="Q1 2019/20", by=programme_office_user)
    client.force_login(programme_office_user)
    for name in ("timeline", "dashboard", "programme"):
        with django_assert_max_num_queries(22):
            assert client.get(reverse(name, args=[programme.pk])).status_code == 200


@pytest.mark.parametrize("programmes", [1, 6])
def test_the_plans_list_counts_each_plan_in_bounded_queries(
    client, area, programme_office_user, django_assert_max_num_queries, programmes
):
    for i in range(programmes):
        programme = actions.create_programme(
            name=f"Plan {i}",
            start=date(2019, 4, 1),
            end=date(2020, 3, 31),
            organisations=[area["ics"]],
            by=programme_office_user,
        )
        deliverable = actions.add_deliverable(
            programme=programme, kind="local", reference="L1", title="x", by=programme_office_user
        )
        action = actions.add_action(
            deliverable=deliverable,
            title="y",
            owners=["programme_office"],
            by=programme_office_user,
        )
        actions.add_milestone(action=action, period="Q1 2019/20", by=programme_office_user)
    client.force_login(programme_office_user)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("programmes"))
    assert [counts["off_track"] for _, counts in page.context["rows"]] == [1] * programmes


@pytest.mark.parametrize("extra", [1, 6])
def test_my_actions_and_the_action_page_queries_do_not_grow(
    client,
    area,
    plan,
    programme_office_user,
    this_pcn_manager,
    django_assert_max_num_queries,
    extra,
):
    programme, late, _ = plan
    for i in range(extra):  # more plans with this owner's actions, and more changes to one
        other = actions.create_programme(
            name=f"Plan {i}",
            start=date(2019, 4, 1),
            end=date(2020, 3, 31),
            organisations=[area["ics"]],
            by=programme_office_user,
        )
        deliverable = actions.add_deliverable(
            programme=other, kind="local", reference="L1", title="x", by=programme_office_user
        )
        actions.add_action(
            deliverable=deliverable,
            title=f"y{i}",
            owners=["this_pcn_manager"],
            by=programme_office_user,
        )
        actions.update_action(
            action=late,
            owners=["this_pcn_manager", "Tim Sacks"][: 1 + i % 2],
            by=programme_office_user,
        )
    client.force_login(this_pcn_manager)
    with django_assert_max_num_queries(16):
        mine = client.get(reverse("my_actions"))
    assert len(mine.context["rows"]) == 1 + extra
    with django_assert_max_num_queries(26):  # one more for each kind of owner named
        assert client.get(reverse("action", args=[late.pk])).status_code == 200


def test_a_refused_edit_saves_nothing_of_it(client, area, plan, programme_office_user):
    from tests.factories import CommissionerFactory

    programme, late, later = plan
    CommissionerFactory(code="02Y")  # another ICS's commissioner: not this planner's to add
    client.force_login(programme_office_user)
    refused = client.post(
        reverse("programme_edit", args=[programme.pk]),
        {"name": "Renamed", "start": "2019-04-01", "end": "2021-03-31", "organisations": "Q01 02Y"},
    )
    assert refused.status_code == 200 and "you may not plan for 02Y" in refused.text
    programme.refresh_from_db()
    assert programme.name == "STP primary care"
    actions.set_dependencies(action=later, depends_on=[late], by=programme_office_user)
    looped = client.post(
        reverse("action_edit", args=[late.pk]),
        {"title": "Renamed too", "owners": "Tim Sacks", "depends_on": f"#{later.pk}"},
    )
    assert "that would make a loop" in looped.text
    late.refresh_from_db()
    assert late.title == "Integrated extended access service"
    assert [u.username for u in late.owners.all()] == ["this_pcn_manager"]


def test_numbers_and_spans_people_type_wrong_are_refused_not_crashed(
    client, plan, programme_office_user
):
    programme, late, _ = plan
    client.force_login(programme_office_user)
    odd = client.post(
        reverse("action_new", args=[late.deliverable_id]),
        {"title": "x", "owners": "Tim Sacks", "depends_on": "²"},
    )
    assert odd.status_code == 200 and "is not an action number" in odd.text
    assert (
        client.get(reverse("timeline", args=[programme.pk]), {"baseline": "²"}).status_code == 200
    )
    for end, message in (("9999-12-31", "a plan runs within"), ("2035-03-31", "at most 10")):
        wide = client.post(
            reverse("programme_new"),
            {"name": "Wide", "start": "2019-04-01", "end": end, "organisations": "Q01"},
        )
        assert wide.status_code == 200 and message in wide.text


def test_two_people_of_one_name_must_be_named_by_username(plan, programme_office_user):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    _, late, _ = plan
    for username in ("jsmith1", "jsmith2"):
        UserFactory(username=username, first_name="Jo", last_name="Smith")
    with pytest.raises(ValidationError, match="more than one person is called Jo Smith"):
        actions.update_action(action=late, owners=["Jo Smith"], by=programme_office_user)
    actions.update_action(action=late, owners=["jsmith2"], by=programme_office_user)
    assert [u.username for u in late.owners.all()] == ["jsmith2"]


def test_the_home_page_tells_an_owner_their_milestones_due(client, plan, this_pcn_manager):
    client.force_login(this_pcn_manager)
    home = client.get(reverse("home"))
    assert [(w.label, w.count) for w in home.context["work"]] == [
        ("Your milestones overdue", 1)  # Q2 2019/20, not done
    ]
