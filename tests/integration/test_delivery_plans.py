"""Plans: milestones in the financial calendar within the plan's period, owners who exist,
status reported by owners with a comment, and the pages."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from delivery.actions import add_action, add_milestone, set_status
from delivery.models import Contact, Deliverable, Programme, StatusUpdate


@pytest.fixture
def plan(area, programme_office_user, this_pcn_manager):
    programme = Programme.objects.create(
        name="STP primary care", start=date(2017, 4, 1), end=date(2021, 3, 31)
    )
    programme.organisations.add(area["ics"])
    Contact.objects.create(name="Paula Vaughan")
    deliverable = Deliverable.objects.create(
        programme=programme,
        kind="national",
        reference="National 1",
        title="Evening and weekend access",
    )
    action = add_action(
        deliverable=deliverable,
        title="An integrated extended access service",
        owners=["Paula Vaughan", "this_pcn_manager"],
        by=programme_office_user,
    )
    return programme, action


def test_milestones_take_the_financial_calendar_and_stay_inside_the_plan(
    plan, programme_office_user
):
    _, action = plan
    milestone = add_milestone(action=action, period="Q3 2019/20", by=programme_office_user)
    assert (milestone.start, milestone.end) == (date(2019, 10, 1), date(2019, 12, 31))
    with pytest.raises(ValidationError, match="outside the plan's period"):
        add_milestone(action=action, period="H1 2021/22", by=programme_office_user)
    with pytest.raises(ValidationError, match="is not a period"):
        add_milestone(action=action, period="next spring", by=programme_office_user)


def test_an_owner_who_is_not_a_person_or_contact_is_refused(plan, programme_office_user):
    programme, action = plan
    with pytest.raises(ValidationError, match="not a person or contact in PCN Hub: Nobody Known"):
        add_action(
            deliverable=action.deliverable,
            title="x",
            owners=["Nobody Known"],
            by=programme_office_user,
        )
    assert sorted(c.name for c in action.contacts.all()) == ["Paula Vaughan"]


def test_an_owner_reports_status_with_a_comment_and_others_may_not(
    plan, this_pcn_manager, other_pcn_manager, programme_office_user
):
    _, action = plan
    add_milestone(action=action, period="Q2 2019/20", by=programme_office_user)
    with pytest.raises(ValidationError, match="say what has happened"):
        set_status(action=action, status="at_risk", commentary=" ", by=this_pcn_manager)
    update = set_status(
        action=action, status="at_risk", commentary="Hub staffing gap", by=this_pcn_manager
    )
    assert update.derived == "off_track"  # Q2 2019/20 has passed, not done
    with pytest.raises(PermissionDenied):
        set_status(action=action, status="complete", commentary="done", by=other_pcn_manager)


def test_the_programme_page_shows_the_grid_the_status_and_why(
    client, plan, this_pcn_manager, programme_office_user
):
    programme, action = plan
    add_milestone(action=action, period="Q2 2019/20", by=programme_office_user)
    client.force_login(this_pcn_manager)
    assert (
        client.get(reverse("programme", args=[programme.pk])).status_code == 404
    )  # PCN scope only
    client.force_login(programme_office_user)
    page = client.get(reverse("programme", args=[programme.pk]))
    assert page.status_code == 200
    assert (
        "Q2 2019/20</th>" in page.text
        and "Q2 2019/20 ended on 30 Sep 2019 and is not done" in page.text
    )
    posted = client.post(
        reverse("action_status", args=[action.pk]),
        {"status": "at_risk", "commentary": "Recovery plan agreed"},
    )
    assert posted.status_code == 302 and StatusUpdate.objects.get().by == programme_office_user
    page = client.get(reverse("programme", args=[programme.pk]))
    assert "Recovery plan agreed" in page.text and "PCN Hub reads Q2 2019/20 ended" in page.text


def test_my_actions_lists_what_the_owner_owns(client, plan, this_pcn_manager):
    client.force_login(this_pcn_manager)
    page = client.get(reverse("my_actions"))
    assert "An integrated extended access service" in page.text


def test_owners_are_emailed_their_overdue_and_coming_milestones(
    plan, programme_office_user, this_pcn_manager, client
):
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command

    from delivery.reminders import remind

    programme, action = plan
    this_pcn_manager.email = "pcn@example.org"
    this_pcn_manager.save()
    Contact.objects.filter(name="Paula Vaughan").update(email="paula@example.org")
    late = add_milestone(action=action, period="Q2 2019/20", by=programme_office_user)
    soon = add_milestone(action=action, period="Q4 2019/20", by=programme_office_user)
    sent = remind(date(2020, 3, 10))
    assert sent == {"pcn@example.org": 2, "paula@example.org": 2}
    assert len(mail.outbox) == 2 and "OVERDUE Q2 2019/20" in mail.outbox[0].body
    assert "due Q4 2019/20 (by 31 Mar 2020)" in mail.outbox[0].body
    soon.done_on = date(2020, 3, 1)
    soon.save()
    assert remind(date(2020, 3, 10), send=False) == {"pcn@example.org": 1, "paula@example.org": 1}
    out = StringIO()
    call_command("remind", "--dry-run", stdout=out)
    assert "would email" in out.getvalue()
    client.force_login(programme_office_user)
    page = client.get(reverse("plans_due"))
    assert "Overdue (1)" in page.text  # Q2 is late; Q4 is done
    assert late.period in page.text


@pytest.mark.parametrize("extra", [1, 8])
def test_the_programme_page_queries_do_not_grow_with_deliverables(
    client, plan, programme_office_user, django_assert_max_num_queries, extra
):
    programme, action = plan
    for i in range(extra):
        deliverable = Deliverable.objects.create(
            programme=programme, kind="local", reference=f"Local {i}", title="More"
        )
        added = add_action(
            deliverable=deliverable, title="x", owners=["Paula Vaughan"], by=programme_office_user
        )
        add_milestone(action=added, period="Q1 2019/20", by=programme_office_user)
    client.force_login(programme_office_user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("programme", args=[programme.pk])).status_code == 200
