"""GET /api/organisations/... : scope, as-at members, list sizes, history, bad input."""

from datetime import date

import pytest

from organisations.actions import update_organisation
from organisations.models import RelType
from tests import factories as f

MESSAGE = "Enter a date as YYYY-MM-DD, e.g. 2019-07-01."


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_organisation_list_anonymous_refused(api, area):
    assert api.get("/api/organisations/").status_code in (401, 403)


def test_organisation_list_pcn_manager_sees_own_pcn_and_practices(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    response = api.get("/api/organisations/")
    assert response.status_code == 200
    assert codes(response) == {"U00001", "A00001", "A00002"}


def test_organisation_list_item_has_registry_fields(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    item = api.get("/api/organisations/?code=u00001").json()["results"][0]
    assert set(item) == {
        "code", "kind", "name", "era_label", "postcode", "open_date", "close_date", "status",
        "prescribing_setting", "contract_type", "supplier", "url",
    }  # fmt: skip
    assert item["url"] == "http://testserver/api/organisations/U00001/"


def test_organisation_detail_other_pcn_answers_404(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    assert api.get("/api/organisations/U00002/").status_code == 404
    assert api.get("/api/organisations/A00003/").status_code == 404


def test_organisation_list_outsider_sees_nothing(api, outsider):
    api.force_login(outsider)
    assert api.get("/api/organisations/").json()["count"] == 0


def test_organisation_detail_shows_trail_members_and_list_size(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    body = api.get("/api/organisations/U00001/?as_at=2020-01-01").json()
    assert body["as_at"] == "2020-01-01"
    assert [p["code"] for p in body["parents"]] == ["Y01", "Q01", "01X"]
    assert body["members"] == [
        {"code": "A00001", "kind": "practice", "name": "Surgery 1", "patients": 10_000},
        {"code": "A00002", "kind": "practice", "name": "Surgery 2", "patients": 10_000},
    ]
    assert body["list_size"] == {
        "patients": 20_000,
        "value": "20000.00",
        "extract_dates": ["2019-01-01"],
        "basis": "members",
        "description": "sum of 2 practices' registered list at 1 Jan 2019",
        "source": "file not recorded",
        "warnings": [
            "figure from 1 Jan 2019, 1 year older than 1 Jan 2020 (over 6 months)",
        ],
        "stale": True,
        "practices_counted": 2,
        "practices_missing": 0,
    }


def test_organisation_detail_members_follow_as_at_across_move(api, commissioner_user, moved):
    api.force_login(commissioner_user)
    before = api.get("/api/organisations/U00001/?as_at=2021-03-31").json()
    after = api.get("/api/organisations/U00001/?as_at=2021-04-01").json()
    assert [m["code"] for m in before["members"]] == ["A00001", "A00002"]
    assert [m["code"] for m in after["members"]] == ["A00001"]
    assert after["list_size"]["patients"] == 10_000
    other = api.get("/api/organisations/U00002/?as_at=2021-04-01").json()
    assert [m["code"] for m in other["members"]] == ["A00002", "A00003"]


def test_organisation_list_parent_filter_follows_as_at(api, commissioner_user, moved):
    api.force_login(commissioner_user)
    assert codes(api.get("/api/organisations/?parent=U00001&as_at=2020-01-01")) == {
        "A00001",
        "A00002",
    }
    assert codes(api.get("/api/organisations/?parent=U00001&as_at=2022-01-01")) == {"A00001"}
    assert codes(api.get("/api/organisations/?parent=NOPE")) == set()


def test_organisation_list_moved_practice_leaves_old_pcn_managers_scope(
    api, this_pcn_manager, commissioner_user, moved
):
    api.force_login(this_pcn_manager)
    assert "A00002" not in codes(api.get("/api/organisations/"))
    assert api.get("/api/organisations/A00002/").status_code == 404
    api.force_login(commissioner_user)
    assert "A00002" in codes(api.get("/api/organisations/"))


def test_organisation_list_filters_kind_q_and_open(api, commissioner_user, area):
    practice = area["practices"][2]
    type(practice).objects.filter(pk=practice.pk).update(close_date=date(2022, 3, 31))
    api.force_login(commissioner_user)
    assert codes(api.get("/api/organisations/?kind=pcn")) == {"U00001", "U00002"}
    assert codes(api.get("/api/organisations/?q=surgery 3")) == {"A00003"}
    assert codes(api.get("/api/organisations/?q=a00001")) == {"A00001"}
    closed = api.get("/api/organisations/?kind=practice&open=false&as_at=2023-01-01")
    assert codes(closed) == {"A00003"}
    still_open = api.get("/api/organisations/?kind=practice&open=true&as_at=2022-03-31")
    assert codes(still_open) == {"A00001", "A00002", "A00003"}


def test_organisation_list_ordering(api, commissioner_user):
    api.force_login(commissioner_user)
    rows = api.get("/api/organisations/?kind=practice&ordering=-code").json()["results"]
    assert [row["code"] for row in rows] == ["A00003", "A00002", "A00001"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/organisations/?as_at=2019-13-01",
        "/api/organisations/U00001/?as_at=yesterday",
        "/api/organisations/U00001/history/?as_at=20190701",
        "/api/organisations/U00001/list-sizes/?as_at=2019-02-30",
    ],
)
def test_organisation_endpoints_bad_as_at_answers_400(api, this_pcn_manager, url):
    api.force_login(this_pcn_manager)
    response = api.get(url)
    assert response.status_code == 400
    assert response.json() == {"as_at": [MESSAGE]}


@pytest.mark.parametrize(
    "query", ["kind=trust", "open=maybe", "ordering=password", "sex=X"]
)  # fmt: skip
def test_organisation_list_bad_filter_answers_400(api, this_pcn_manager, query):
    api.force_login(this_pcn_manager)
    url = (
        "/api/organisations/U00001/list-sizes/"
        if query.startswith("sex")
        else "/api/organisations/"
    )
    response = api.get(f"{url}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_organisation_history_shows_relationships_and_changes(api, this_pcn_manager, area):
    update_organisation(
        organisation=area["this_pcn"],
        by=this_pcn_manager,
        reason="renamed by the network",
        name="This PCN Renamed",
    )
    api.force_login(this_pcn_manager)
    body = api.get("/api/organisations/U00001/history/?as_at=2019-06-30").json()
    links = {(r["child"]["code"], r["parent"]["code"]) for r in body["relationships"]}
    assert links == {("U00001", "01X"), ("A00001", "U00001"), ("A00002", "U00001")}
    assert not any(r["valid_on_as_at"] for r in body["relationships"])
    latest, created = body["field_changes"]
    assert latest["history_type"] == "~"
    assert latest["history_user"] == "this_pcn_manager"
    assert {"field": "name", "old": "This PCN", "new": "This PCN Renamed"} in latest["changes"]
    assert created["history_type"] == "+"
    assert {"field": "code", "old": None, "new": "U00001"} in created["changes"]


def test_organisation_history_other_pcn_answers_404(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    assert api.get("/api/organisations/U00002/history/").status_code == 404


def test_organisation_list_sizes_filters_and_caps_at_as_at(api, this_pcn_manager, area):
    practice = area["practices"][0]
    f.ListSizeFactory(organisation=practice, extract_date=date(2020, 1, 1), patients=10_100)
    f.ListSizeFactory(
        organisation=practice, extract_date=date(2020, 1, 1), sex="MALE", patients=5_000
    )
    api.force_login(this_pcn_manager)
    url = "/api/organisations/A00001/list-sizes/"
    rows = api.get(url).json()["results"]
    assert [(r["extract_date"], r["sex"], r["patients"]) for r in rows] == [
        ("2019-01-01", "ALL", 10_000),
        ("2020-01-01", "ALL", 10_100),
        ("2020-01-01", "MALE", 5_000),
    ]
    assert api.get(f"{url}?sex=MALE").json()["count"] == 1
    assert api.get(f"{url}?from=2019-06-01&to=2020-01-01").json()["count"] == 2
    assert api.get(f"{url}?as_at=2019-12-31").json()["count"] == 1
    assert api.get(f"{url}?from=June").json() == {"from": [MESSAGE]}


def test_organisation_list_sizes_other_pcn_practice_answers_404(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    assert api.get("/api/organisations/A00003/list-sizes/").status_code == 404


# Query counts: the same bound for 3 practices as for 30. Measured with a commissioner
# (session, user, roles and scope are 6 of them): list 8, detail 13, history 8, list sizes 8.
@pytest.fixture(params=[0, 27], ids=["3_practices", "30_practices"])
def crowded(request, area):
    for i in range(request.param):
        practice = f.PracticeFactory(code=f"B{i:05d}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"])
        f.RelationshipFactory(
            child=practice,
            parent=area["commissioner"],
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2013, 4, 1),
        )
        f.ListSizeFactory(organisation=practice, patients=9_000)
    return area


@pytest.mark.parametrize(
    ("url", "bound"),
    [
        ("/api/organisations/?kind=practice&open=true&parent=U00001", 8),
        ("/api/organisations/01X/", 13),
        ("/api/organisations/U00001/", 13),
        ("/api/organisations/A00001/", 13),
        ("/api/organisations/U00001/history/", 8),
        ("/api/organisations/A00001/list-sizes/", 8),
    ],
)
def test_organisation_endpoints_query_count_is_bounded(
    api, crowded, commissioner_user, django_assert_max_num_queries, url, bound
):
    api.force_login(commissioner_user)
    with django_assert_max_num_queries(bound):
        response = api.get(url)
    assert response.status_code == 200


def test_organisation_detail_member_sizes_match_their_own_detail(api, registry_admin):
    """Bulk member sizes follow the same rule as each member's own list_size."""
    api.force_login(registry_admin)
    for code in ("Y01", "Q01", "01X"):
        for member in api.get(f"/api/organisations/{code}/").json()["members"]:
            own = api.get(f"/api/organisations/{member['code']}/").json()["list_size"]
            assert member["patients"] == own["patients"], member["code"]
    region = api.get("/api/organisations/Y01/").json()
    assert region["members"][0]["patients"] == 30_000
