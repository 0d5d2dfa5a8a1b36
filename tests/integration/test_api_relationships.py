"""GET /api/relationships/: scope by child, filters by code and type, as_at."""

from datetime import date

import pytest

from organisations.models import Relationship, RelType
from tests import factories as f


def links(response):
    assert response.status_code == 200, response.content
    return {(r["child"]["code"], r["parent"]["code"]) for r in response.json()["results"]}


def test_relationship_list_anonymous_refused(api, area):
    assert api.get("/api/relationships/").status_code in (401, 403)


def test_relationship_list_pcn_manager_sees_rows_of_own_scope(api, this_pcn_manager):
    api.force_login(this_pcn_manager)
    found = links(api.get("/api/relationships/"))
    assert {child for child, _ in found} == {"U00001", "A00001", "A00002"}
    assert ("U00001", "01X") in found


def test_relationship_detail_other_pcn_row_answers_404(api, this_pcn_manager, area):
    row = Relationship.objects.get(child=area["practices"][2], rel_type=RelType.PRACTICE_PCN)
    api.force_login(this_pcn_manager)
    assert api.get(f"/api/relationships/{row.pk}/").status_code == 404


def test_relationship_list_filters_by_codes_and_type(api, commissioner_user):
    api.force_login(commissioner_user)
    assert links(api.get("/api/relationships/?parent=u00002")) == {("A00003", "U00002")}
    assert links(api.get("/api/relationships/?child=A00001&rel_type=practice_commissioner")) == {
        ("A00001", "01X")
    }


def test_relationship_list_as_at_keeps_rows_valid_that_day(api, commissioner_user, moved):
    api.force_login(commissioner_user)
    url = "/api/relationships/?child=A00002&rel_type=practice_pcn"
    assert links(api.get(url)) == {("A00002", "U00001"), ("A00002", "U00002")}
    assert links(api.get(f"{url}&as_at=2021-03-31")) == {("A00002", "U00001")}
    assert links(api.get(f"{url}&as_at=2021-04-01")) == {("A00002", "U00002")}
    assert links(api.get(f"{url}&as_at=2019-06-30")) == set()


@pytest.mark.parametrize(
    ("query", "key"), [("as_at=2021-4-1x", "as_at"), ("rel_type=friends", "rel_type")]
)
def test_relationship_list_bad_value_answers_400(api, commissioner_user, query, key):
    api.force_login(commissioner_user)
    response = api.get(f"/api/relationships/?{query}")
    assert response.status_code == 400
    assert key in response.json()


@pytest.mark.parametrize("extra", [0, 27], ids=["3_practices", "30_practices"])
def test_relationship_list_query_count_is_bounded(
    api, area, commissioner_user, django_assert_max_num_queries, extra
):
    for _ in range(extra):
        practice = f.RelationshipFactory(parent=area["this_pcn"]).child
        f.RelationshipFactory(
            child=practice,
            parent=area["commissioner"],
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2013, 4, 1),
        )
    api.force_login(commissioner_user)
    with django_assert_max_num_queries(7):
        response = api.get("/api/relationships/?as_at=2020-01-01")
    assert response.json()["count"] == 9 + 2 * extra
