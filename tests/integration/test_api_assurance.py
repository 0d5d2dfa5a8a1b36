"""The assurance API: frameworks, rounds in scope with ratings and live figures, each step
through the actions (403 for a visible round not yours to act on, 400 with reasons for a
refused step), changes since the last round, snapshots and roll-ups."""

from datetime import date, timedelta

import pytest

from assurance import actions
from assurance.models import Rating, Round

# Session, user, roles and the hierarchy below them (two levels), the paginator's count, then
# one page of rounds with their framework, commissioner, people and rating counts.
ROUND_LIST_BOUND = 7


def test_frameworks_read_by_anyone_signed_in(api, outsider):
    api.force_login(outsider)
    found = api.get("/api/assurance/frameworks/gpfv-plan-assurance/").json()
    assert [g["value"] for g in found["grades"]] == ["green", "amber", "red"]
    assert len(found["requirements"]) == 7
    statement = api.get("/api/assurance/frameworks/nhse-assurance-2019-20/").json()
    assert statement["plan_months"][0] == "2019-04" and len(statement["plan_months"]) == 9
    coverage = next(r for r in statement["requirements"] if r["key"] == "pcn-coverage")
    assert (coverage["measure"]["key"], coverage["measure"]["direction"]) == (
        "pcn_practices_pct",
        "up",
    )


def test_rounds_in_scope_with_ratings_and_live_figures(api, opened, commissioner_user, outsider):
    api.force_login(outsider)
    assert api.get("/api/assurance/rounds/").json()["count"] == 0
    assert api.get(f"/api/assurance/rounds/{opened.pk}/").status_code == 404
    api.force_login(commissioner_user)
    [listed] = api.get("/api/assurance/rounds/", {"commissioner": "01x"}).json()["results"]
    assert (listed["rated"], listed["requirements"], listed["state"]) == (0, 12, "open")
    found = api.get(f"/api/assurance/rounds/{opened.pk}/", {"as_at": "2019-07-31"}).json()
    figure = found["ratings"][0]["figure"]
    assert (figure["value"], figure["target"], figure["direction"], figure["met"]) == (
        "0.00",
        "100.00",
        "up",
        False,
    )
    assert (
        api.get(f"/api/assurance/rounds/{opened.pk}/", {"as_at": "31/07/2019"}).status_code == 400
    )


@pytest.mark.parametrize("amount", [3, 30], ids=["small", "large"])
def test_round_list_queries_are_bounded(
    api, area, statement, commissioner_user, amount, django_assert_max_num_queries
):
    for i in range(amount):
        Round.objects.update(state=Round.State.CLOSED)
        actions.open_round(
            framework=statement,
            commissioner=area["commissioner"],
            label=f"Return {i}",
            submitted_on=date(2019, 4, 1) + timedelta(days=i),
            by=commissioner_user,
        )
    api.force_login(commissioner_user)
    with django_assert_max_num_queries(ROUND_LIST_BOUND):
        found = api.get("/api/assurance/rounds/")
    assert found.json()["count"] == amount


def test_rate_is_the_assurance_teams_with_clear_refusals(
    api, opened, assurance_user, commissioner_user
):
    url = f"/api/assurance/rounds/{opened.pk}/rate/"
    body = {"requirement": "pcn-coverage", "rating": "assured", "reasons": "All placed"}
    api.force_login(commissioner_user)
    refused = api.post(url, body, format="json")
    assert refused.status_code == 403 and "assurance team" in refused.json()["detail"]
    api.force_login(assurance_user)
    outside = api.post(url, {**body, "requirement": "online-consultation"}, format="json")
    assert outside.status_code == 400
    assert outside.json()["errors"]["requirement"] == [
        "'online-consultation' is not a requirement of NHS England primary care assurance "
        "statement 2019/20, the framework of the round 'Q1 2019/20 return'"
    ]
    off_scale = api.post(url, {**body, "rating": "green"}, format="json")
    assert "'green' is not a rating on this framework's scale" in off_scale.json()["detail"]
    done = api.post(url, body, format="json")
    assert done.status_code == 200 and done.json()["rated"] == 1


def test_respond_with_planned_months(api, opened, commissioner_user):
    api.force_login(commissioner_user)
    url = f"/api/assurance/rounds/{opened.pk}/respond/"
    body = {
        "requirement": "pcn-coverage",
        "response": "Two practices left",
        "expected_on": "2019-09-30",
        "planned": [{"month": "2019-08", "text": "Place them"}],
    }
    done = api.post(url, body, format="json")
    assert done.status_code == 200
    [coverage] = [r for r in done.json()["ratings"] if r["requirement"] == "pcn-coverage"]
    assert coverage["planned"] == [{"month": "2019-08", "text": "Place them"}]
    late = api.post(
        url,
        {**body, "response": "Revised", "planned": [{"month": "2020-01", "text": "x"}]},
        format="json",
    )
    assert late.status_code == 400 and "Apr 2019 to Dec 2019" in late.json()["detail"]
    row = Rating.objects.get(round=opened, requirement__key="pcn-coverage")
    assert row.response == "Two practices left"  # the response stands or falls with its plan
    bad = api.post(url, {**body, "planned": [{"month": "August", "text": "x"}]}, format="json")
    assert bad.status_code == 400 and "give a month as YYYY-MM" in str(bad.json()["errors"])


def test_open_close_and_changes(api, area, gpfv, assurance_user, commissioner_user):
    api.force_login(commissioner_user)
    body = {
        "framework": "gpfv-plan-assurance",
        "commissioner": "01X",
        "label": "24 November submission",
        "submitted_on": "2016-11-24",
    }
    assert api.post(
        "/api/assurance/rounds/", {**body, "commissioner": "99Q"}, format="json"
    ).json()["errors"] == {"commissioner": ["no commissioner '99Q' in your scope"]}
    opened = api.post("/api/assurance/rounds/", body, format="json")
    assert opened.status_code == 201
    pk = opened.json()["id"]
    api.force_login(assurance_user)
    close = f"/api/assurance/rounds/{pk}/close/"
    early = api.post(close, {"statement": "Agreed"}, format="json")
    assert early.status_code == 400 and "rate every requirement" in early.json()["detail"]
    round = Round.objects.get(pk=pk)
    for row in round.ratings.select_related("requirement"):
        actions.rate(
            round=round, requirement=row.requirement, rating="amber", reasons="x", by=assurance_user
        )
    closed = api.post(close, {"statement": "Agreed"}, format="json").json()
    assert closed["state"] == "closed" and closed["snapshot"]
    [snapshot] = api.get("/api/assurance/snapshots/").json()["results"]
    assert snapshot["intact"] and snapshot["subject"] == "assurance:gpfv-plan-assurance:01X"
    api.force_login(commissioner_user)
    second = api.post(
        "/api/assurance/rounds/",
        {**body, "label": "23 December submission", "submitted_on": "2016-12-23"},
        format="json",
    ).json()
    changes = api.get(f"/api/assurance/rounds/{second['id']}/changes/").json()
    assert changes["previous"] == pk
    access = next(c for c in changes["changes"] if c["key"] == "extended-access")
    assert (access["before"], access["after"], access["movement"]) == (
        "amber",
        None,
        "not rated yet",
    )


def test_rollup_counts_and_scope(api, opened, assurance_user, outsider):
    actions.rate(
        round=opened, requirement="pcn-coverage", rating="assured", reasons="x", by=assurance_user
    )
    api.force_login(assurance_user)
    found = api.get(
        "/api/assurance/rollup/", {"framework": "nhse-assurance-2019-20", "area": "Q01"}
    ).json()
    coverage = found["counts"][0]
    assert (coverage["requirement"], coverage["counts"]["assured"]) == ("pcn-coverage", 1)
    assert found["commissioners"][0]["ratings"]["pcn-coverage"] == "assured"
    assert api.get("/api/assurance/rollup/", {"framework": "x"}).status_code == 400
    api.force_login(outsider)
    missing = api.get(
        "/api/assurance/rollup/", {"framework": "nhse-assurance-2019-20", "area": "Q01"}
    )
    assert missing.status_code == 404
