"""Comparing rounds: per requirement the rating before and after and what else changed since
the last submission, live and between any two signed snapshots."""

from datetime import date

import pytest
from django.urls import reverse

from assurance import actions
from assurance.models import Round
from assurance.rounds import changes_since_previous
from delivery.models import Snapshot


def _rate_all(round, by, rating):
    for row in round.ratings.select_related("requirement"):
        actions.rate(round=round, requirement=row.requirement, rating=rating, reasons="Seen", by=by)


@pytest.fixture
def two_rounds(area, gpfv, commissioner_user, assurance_user):
    """November: every area amber, closed; December: access green, online still amber."""
    november = actions.open_round(
        framework=gpfv,
        commissioner=area["commissioner"],
        label="24 November submission",
        submitted_on=date(2016, 11, 24),
        by=commissioner_user,
    )
    actions.respond(
        round=november,
        requirement="online-consultation",
        response="Waiting for national guidance",
        expected_note="when national guidance is published",
        by=commissioner_user,
    )
    _rate_all(november, assurance_user, "amber")
    actions.close_round(round=november, statement="November assessment", by=assurance_user)
    december = actions.open_round(
        framework=gpfv,
        commissioner=area["commissioner"],
        label="23 December submission",
        submitted_on=date(2016, 12, 23),
        by=commissioner_user,
    )
    actions.rate(
        round=december,
        requirement="extended-access",
        rating="green",
        reasons="Trajectory and costs now given",
        by=assurance_user,
    )
    actions.rate(
        round=december,
        requirement="estates-digital",
        rating="red",
        reasons="No digital roadmap",
        by=assurance_user,
    )
    actions.rate(
        round=december,
        requirement="online-consultation",
        rating="amber",
        reasons="Still waiting on guidance",
        by=assurance_user,
    )
    return november, december


def test_changes_since_previous_rating_before_and_after(two_rounds):
    november, december = two_rounds
    previous, changes = changes_since_previous(december)
    assert previous == november
    by_key = {c.key: c for c in changes}
    assert (by_key["extended-access"].before.value, by_key["extended-access"].after.value) == (
        "amber",
        "green",
    )
    assert by_key["extended-access"].movement == "improved"
    assert by_key["estates-digital"].movement == "worsened"
    assert by_key["workforce-strategy"].movement == "not rated yet"
    online = by_key["online-consultation"]
    assert online.movement == "unchanged"
    assert [f.field for f in online.fields] == ["Reasons"]  # the carried response is unchanged
    assert (online.fields[0].before, online.fields[0].after) == (
        "Seen",
        "Still waiting on guidance",
    )


def test_changes_since_previous_follows_the_stored_previous_round(
    client, two_rounds, commissioner_user
):
    november, december = two_rounds
    assert (november.previous_id, december.previous_id) == (None, november.pk)
    previous, changes = changes_since_previous(november)
    assert previous is None and {c.movement for c in changes} == {"new"}
    client.force_login(commissioner_user)
    changes_url = reverse("assurance_changes", args=[december.pk])
    # The round page's link and the changes page both read Round.previous, so they agree.
    assert changes_url in client.get(reverse("assurance_round", args=[december.pk])).text
    Round.objects.filter(pk=december.pk).update(previous=None)
    assert changes_url not in client.get(reverse("assurance_round", args=[december.pk])).text
    assert "first round against the framework" in client.get(changes_url).text


def test_changes_page_shows_each_requirement(client, two_rounds, commissioner_user):
    _, december = two_rounds
    client.force_login(commissioner_user)
    shown = client.get(reverse("assurance_changes", args=[december.pk]))
    assert "From <a" in shown.text and "24 November submission" in shown.text
    assert "Improved</strong>" in shown.text and "Worsened</strong>" in shown.text
    assert shown.text.count('scope="row"') == 8  # the overall row and seven requirements


def test_snapshot_compare_between_two_signed_rounds(
    client, two_rounds, assurance_user, commissioner_user
):
    november, december = two_rounds
    _rate_all(december, assurance_user, "green")  # the rest go green; three already rated
    actions.close_round(round=december, statement="December assessment", by=assurance_user)
    first, second = Snapshot.objects.order_by("signed_at", "pk")
    assert first.subject == second.subject == "assurance:gpfv-plan-assurance:01X"
    client.force_login(commissioner_user)
    listed = client.get(reverse("assurance_snapshots"))
    assert listed.text.count('href="/assurance/snapshots/') == 2
    shown = client.get(reverse("assurance_snapshot", args=[first.pk]))
    assert "Unchanged since signed" in shown.text and "November assessment" in shown.text
    compared = client.get(reverse("assurance_snapshot_compare"), {"a": first.pk, "b": second.pk})
    assert "GP extended access for 100% of the population" in compared.text
    assert 'aria-hidden="true">Before </span>Amber</td>' in compared.text
    assert 'aria-hidden="true">After </span>Green</td>' in compared.text
    assert "different commissioners" not in compared.text


def test_snapshots_out_of_scope_answer_404(client, two_rounds, outsider):
    client.force_login(outsider)
    november, _ = two_rounds
    november.refresh_from_db()
    assert client.get(reverse("assurance_snapshot", args=[november.snapshot_id])).status_code == 404
    compare = reverse("assurance_snapshot_compare")
    assert (
        client.get(compare, {"a": november.snapshot_id, "b": november.snapshot_id}).status_code
        == 404
    )
    assert "No signed snapshots you can see" in client.get(reverse("assurance_snapshots")).text
