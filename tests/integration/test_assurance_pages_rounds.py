"""A commissioner's rounds and a round's page: opening a round, rating and responding through
the forms (refusals in the error summary), live figures, the month grid, and scope."""

from datetime import date

import pytest
from django.urls import reverse

from assurance import actions
from assurance.models import PlannedAction, Rating, Round
from organisations.models import RelType
from tests import factories as f

# Session, user, the commissioner, roles and the hierarchy below them (two levels here), its
# rounds with their counts in one aggregate, and the frameworks for the form (count, rows).
ROUNDS_BOUND = 9
# Session, user, the round, roles and hierarchy; its ratings with requirements, deadlines and
# planned actions (three queries); then the statement's four linked measures (coverage,
# resilience funds spent, extended access cover and minutes), each on the day and on its
# target date; coverage's share of practices counts only those with registered patients (the
# practices and their lists by the population rule) and sizes the PCNs over their GP practices.
# Fixed by the framework, not by the number of planned actions.
ROUND_BOUND = 38


def test_commissioner_rounds_open_a_round(client, area, commissioner_user, statement):
    client.force_login(commissioner_user)
    url = reverse("assurance_commissioner", args=["01X"])
    refused = client.post(
        url, {"framework": statement.pk, "label": "", "submitted_on": "31/02/2019"}
    )
    assert 'class="nhsuk-error-summary"' in refused.text
    assert "Enter submitted on as a real date" in refused.text and "Name the round" in refused.text
    assert not Round.objects.exists()
    done = client.post(
        url,
        {
            "framework": statement.pk,
            "label": "Q1 2019/20 return",
            "submitted_on": "12/07/2019",
            "carry_forward": "yes",
        },
    )
    opened = Round.objects.get()
    assert done.url == reverse("assurance_round", args=[opened.pk])
    assert opened.ratings.count() == 12 and opened.opened_by == commissioner_user


def test_commissioner_rounds_open_by_one_who_only_reads_answers_404(
    client, area, programme_office_user, statement
):
    client.force_login(programme_office_user)
    url = reverse("assurance_commissioner", args=["01X"])
    shown = client.get(url)
    assert shown.status_code == 200 and shown.context["form"] is None
    body = {"framework": statement.pk, "label": "Q1", "submitted_on": "12/07/2019"}
    assert client.post(url, body).status_code == 404
    assert not Round.objects.exists()


@pytest.mark.parametrize("rounds", [1, 6], ids=["few", "many"])
def test_commissioner_rounds_queries_are_bounded(
    client, area, commissioner_user, statement, rounds, django_assert_max_num_queries
):
    for i in range(rounds):
        made = actions.open_round(
            framework=statement,
            commissioner=area["commissioner"],
            label=f"Return {i}",
            submitted_on=date(2019, 4, 1 + i),
            by=commissioner_user,
        )
        Round.objects.filter(pk=made.pk).update(state=Round.State.CLOSED)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(ROUNDS_BOUND):
        shown = client.get(reverse("assurance_commissioner", args=["01X"]))
    assert shown.text.count("0 of 12") == rounds


@pytest.mark.parametrize("months", [1, 9], ids=["few", "many"])
def test_round_page_queries_are_bounded(
    client, opened, commissioner_user, months, django_assert_max_num_queries
):
    for row in opened.ratings.select_related("requirement"):
        planned = {date(2019, 4 + m, 1): f"Step {m}" for m in range(months)}
        actions.plan_actions(
            round=opened, requirement=row.requirement, planned=planned, by=commissioner_user
        )
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(ROUND_BOUND):
        shown = client.get(reverse("assurance_round", args=[opened.pk]), {"as_at": "2019-07-31"})
    assert shown.text.count("Step 0") == 12


def test_round_page_shows_the_live_figure_against_its_target(client, opened, commissioner_user):
    client.force_login(commissioner_user)
    shown = client.get(reverse("assurance_round", args=[opened.pk]), {"as_at": "2019-07-31"})
    # No network is approved in the standing cast: 0% of practices, against 100% by 30 June.
    assert "<strong>0.00</strong> % of practices in an approved PCN on 31 Jul 2019" in shown.text
    assert "when it was 0.00" in shown.text and "Not met</strong>" in shown.text
    assert "Planned actions by month" in shown.text and ">Apr 19</th>" in shown.text
    bad = client.get(reverse("assurance_round", args=[opened.pk]), {"as_at": "2019-31-07"})
    assert "Enter a real date in the format YYYY-MM-DD" in bad.text


def test_rate_page_for_the_assurance_team_only(client, opened, assurance_user, commissioner_user):
    url = reverse("assurance_rate", args=[opened.pk, "pcn-coverage"])
    client.force_login(commissioner_user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"rating": "assured", "reasons": "x"}).status_code == 404
    client.force_login(assurance_user)
    assert "Live figure: <strong>0.00</strong> % of practices" in client.get(url).text
    empty = client.post(url, {"rating": "", "reasons": ""})
    assert "Choose a rating" in empty.text and "Give the reasons for the rating" in empty.text
    done = client.post(url, {"rating": "partially_assured", "reasons": "Two practices left"})
    assert done.status_code == 302 and done.url.endswith("#requirement-pcn-coverage")
    row = Rating.objects.get(round=opened, requirement__key="pcn-coverage")
    assert (row.rating, row.rated_by) == ("partially_assured", assurance_user)
    missing = reverse("assurance_rate", args=[opened.pk, "online-consultation"])
    assert client.get(missing).status_code == 404  # another framework's requirement


def test_respond_page_records_the_response_and_the_months(client, opened, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("assurance_respond", args=[opened.pk, "pcn-coverage"])
    form = client.get(url)
    assert "Planned for April 2019" in form.text and "Planned for December 2019" in form.text
    early = client.post(url, {"response": "Panels sat", "expected_on": "2019-06-30"})
    assert "cannot be before the submission, 12 July 2019" in early.text
    assert not PlannedAction.objects.exists()
    done = client.post(
        url,
        {
            "response": "Panels sat in May",
            "expected_on": "2019-09-30",
            "expected_note": "subject to the LMC",
            "planned_2019_08": "Place the last two practices",
        },
    )
    assert done.status_code == 302
    row = Rating.objects.get(round=opened, requirement__key="pcn-coverage")
    assert (row.response, row.expected_on) == ("Panels sat in May", date(2019, 9, 30))
    assert [p.text for p in row.planned.all()] == ["Place the last two practices"]


def test_close_page_refuses_until_every_requirement_is_rated(client, opened, assurance_user):
    client.force_login(assurance_user)
    url = reverse("assurance_close", args=[opened.pk])
    assert "12 requirements are not rated yet" in client.get(url).text
    refused = client.post(url, {"statement": "Agreed"})
    assert "rate every requirement before closing the round" in refused.text
    for row in opened.ratings.select_related("requirement"):
        actions.rate(
            round=opened,
            requirement=row.requirement,
            rating="assured",
            reasons="Seen",
            by=assurance_user,
        )
    assert client.post(url, {"statement": "Agreed at panel"}).status_code == 302
    shown = client.get(reverse("assurance_round", args=[opened.pk]))
    assert "Closed and signed by assurance" in shown.text and "Rate<span" not in shown.text


def test_round_pages_out_of_scope_answer_404(client, opened, area):
    stranger = f.UserFactory(username="elsewhere")
    other = f.CommissionerFactory(code="02X")
    f.RoleAssignmentFactory(user=stranger, role="assurance", organisation=other)
    f.RelationshipFactory(child=other, parent=area["ics"], rel_type=RelType.COMMISSIONER_ICS)
    client.force_login(stranger)
    for name, args in [
        ("assurance_round", [opened.pk]),
        ("assurance_rate", [opened.pk, "pcn-coverage"]),
        ("assurance_changes", [opened.pk]),
        ("assurance_export", [opened.pk, "xlsx"]),
        ("assurance_commissioner", ["01X"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
