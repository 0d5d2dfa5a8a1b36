"""/api/services/, /api/service-signups/, /api/extended-access/ and /api/service-roll-out/:
as at ?as_at=, within scope, an area out of scope answering 404, in bounded queries."""

from datetime import date

import pytest

from organisations.models import RelType
from services.actions import Entry, record_provision, record_signups
from tests import factories as f


@pytest.fixture
def recorded(area, commissioner_user):
    one, two, three = area["practices"]
    record_signups(
        entries=[
            Entry(one, "online_consultation", "planned", date(2019, 8, 1)),
            Entry(one, "online_consultation", "live", date(2019, 10, 1)),
            Entry(three, "home_visiting", "signed_up", date(2020, 1, 1)),
        ],
        by=commissioner_user,
        reason="test",
    )
    record_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        valid_from=date(2019, 7, 1),
        evening_minutes=450,
        weekend_minutes=150,
        by=commissioner_user,
    )
    return area


def test_the_catalogue_lists_each_service_with_its_source(api, outsider):
    api.force_login(outsider)
    body = api.get("/api/services/").json()
    assert [s["key"] for s in body][:2] == ["online_consultation", "electronic_repeat_dispensing"]
    assert all(s["source"] for s in body)
    assert api.get("/api/services/", {"as_at": "2019-13-01"}).status_code == 400


def test_signups_as_at_a_date_within_scope(api, recorded, commissioner_user, this_pcn_manager):
    api.force_login(commissioner_user)
    body = api.get("/api/service-signups/", {"area": "01X", "as_at": "2019-09-01"}).json()
    assert [(r["practice"]["code"], r["service"], r["status"]) for r in body["results"]] == [
        ("A00001", "online_consultation", "planned")
    ]
    later = api.get("/api/service-signups/", {"as_at": "2020-01-01"}).json()["results"]
    assert [(r["practice"]["code"], r["status"], r["valid_from"]) for r in later] == [
        ("A00001", "live", "2019-10-01"),
        ("A00003", "signed_up", "2020-01-01"),
    ]
    one = api.get("/api/service-signups/", {"service": "home_visiting", "as_at": "2020-01-01"})
    assert one.json()["count"] == 1
    assert api.get("/api/service-signups/", {"service": "video"}).status_code == 400
    api.force_login(this_pcn_manager)
    mine = api.get("/api/service-signups/", {"as_at": "2020-01-01"}).json()["results"]
    assert [r["practice"]["code"] for r in mine] == ["A00001"]  # not the other PCN's
    assert api.get("/api/service-signups/", {"area": "U00002"}).status_code == 404


def test_extended_access_standing_and_the_roll_out_summary(
    api, recorded, commissioner_user, this_pcn_manager
):
    api.force_login(commissioner_user)
    [row] = api.get("/api/extended-access/", {"area": "01X", "as_at": "2019-10-01"}).json()[
        "results"
    ]
    assert (row["provider"]["code"], row["minutes"], row["patients"]) == ("U00001", 600, 20000)
    assert (row["practices"], row["minutes_per_1000"]) == (["A00001", "A00002"], "30.00")
    assert api.get("/api/extended-access/", {"as_at": "2019-06-30"}).json()["count"] == 0
    summary = api.get("/api/service-roll-out/", {"area": "01X", "as_at": "2020-01-01"}).json()
    online = summary["services"][0]
    assert (online["key"], online["signed_up"], online["pct"]) == (
        "online_consultation",
        1,
        "33.33",
    )
    assert online["by_status"]["not_recorded"] == 2
    access = summary["extended_access"]
    assert (access["pct"], access["minutes_per_1000"]) == ("66.67", "20.00")
    assert {t["key"] for t in access["thresholds"]} == {
        "des_extended_hours",
        "ccg_extended_access",
        "stp_local_45",
    }
    assert api.get("/api/service-roll-out/").status_code == 404  # England is for national roles
    api.force_login(this_pcn_manager)
    assert api.get("/api/service-roll-out/", {"area": "01X"}).status_code == 404


def test_pcn_staff_get_their_current_practices_only_for_any_area_and_date(
    api, recorded, moved, this_pcn_manager, commissioner_user
):
    """Surgery 2 left this PCN on 1 April 2021; for 2019 its staff still get Surgery 1 only."""
    two = recorded["practices"][1]
    record_signups(
        entries=[Entry(two, "online_consultation", "live", date(2019, 9, 1))],
        by=commissioner_user,
        reason="test",
    )
    api.force_login(this_pcn_manager)
    asked = {"area": "U00001", "as_at": "2019-10-01"}
    signups = api.get("/api/service-signups/", asked).json()["results"]
    assert [r["practice"]["code"] for r in signups] == ["A00001"]
    [row] = api.get("/api/extended-access/", asked).json()["results"]
    assert row["practices"] == ["A00001"]  # the hub covered Surgery 2 too, no longer theirs
    summary = api.get("/api/service-roll-out/", asked).json()
    assert summary["services"][0]["practices"] == 1
    access = summary["extended_access"]
    assert (access["practices"], access["patients"], access["minutes_per_1000"]) == (
        1,
        10_000,
        "30.00",
    )


def _grow(area, amount, by):
    practices = []
    for i in range(amount):
        practice = f.PracticeFactory(code=f"B{i:05d}", name=f"Extra Surgery {i}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"], valid_from=date(2019, 7, 1))
        f.RelationshipFactory(
            child=practice,
            parent=area["commissioner"],
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2019, 7, 1),
        )
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=5_000)
        practices.append(practice)
    by = type(by).objects.get(pk=by.pk)
    record_signups(
        entries=[Entry(p, "mdt_go_live", "live", date(2019, 9, 1)) for p in practices],
        by=by,
        reason="test",
    )
    for practice in practices:
        record_provision(
            provider=practice,
            scheme="ccg_extended_access",
            valid_from=date(2019, 9, 1),
            evening_minutes=150,
            weekend_minutes=0,
            by=by,
        )


# Session and user (basic or session auth), roles, the scope's hierarchy walk, the area, the
# practices under it and those open; then each list's own: sign-ups and their practices;
# provision (candidates, records, covered, members, open, sizes: two by the population rule)
# and the codes.
SIGNUPS_BOUND = 10
ACCESS_BOUND = 15
# The area's practices twice (sign-ups, extended access) with the provision in between, and
# the population rule's two reads for the area's lists.
ROLL_OUT_BOUND = 19


@pytest.mark.parametrize("amount", [3, 30], ids=["small", "large"])
def test_api_lists_take_the_same_queries_for_few_and_many(
    api, recorded, commissioner_user, django_assert_max_num_queries, amount
):
    _grow(recorded, amount, commissioner_user)
    api.force_login(commissioner_user)
    with django_assert_max_num_queries(SIGNUPS_BOUND):
        body = api.get("/api/service-signups/", {"area": "01X", "as_at": "2020-01-01"}).json()
    assert body["count"] == amount + 2
    with django_assert_max_num_queries(ACCESS_BOUND):
        body = api.get("/api/extended-access/", {"area": "01X", "as_at": "2020-01-01"}).json()
    assert body["count"] == amount + 1
    with django_assert_max_num_queries(ROLL_OUT_BOUND):
        body = api.get("/api/service-roll-out/", {"area": "01X", "as_at": "2020-01-01"}).json()
    assert body["services"][2]["signed_up"] == amount
