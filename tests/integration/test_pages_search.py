"""Search: names and ODS codes within the user's scope; an exact code goes straight there."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _search(client, term):
    return client.get(reverse("search"), {"q": term})


def _add_practices(area, count):
    for i in range(count):
        practice = f.PracticeFactory(code=f"B{i:05d}", name=f"Extra Surgery {i}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"], valid_from=date(2019, 7, 1))


def test_search_commissioner_finds_every_practice(client, commissioner_user):
    client.force_login(commissioner_user)
    response = _search(client, "surgery")
    assert response.status_code == 200
    assert [org.code for org in response.context["results"]] == ["A00001", "A00002", "A00003"]


def test_search_pcn_manager_sees_only_own_scope(client, this_pcn_manager):
    client.force_login(this_pcn_manager)
    response = _search(client, "surgery")
    assert [org.code for org in response.context["results"]] == ["A00001", "A00002"]
    assert b"Surgery 3" not in response.content


def test_search_exact_code_redirects_to_organisation(client, commissioner_user):
    client.force_login(commissioner_user)
    response = _search(client, "a00003")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation", args=["A00003"])


def test_search_exact_code_out_of_scope_finds_nothing(client, this_pcn_manager):
    client.force_login(this_pcn_manager)
    response = _search(client, "A00003")
    assert response.status_code == 200
    assert response.context["results"] == []
    assert b"No results" in response.content


def test_search_empty_term_shows_form(client, commissioner_user):
    client.force_login(commissioner_user)
    response = _search(client, "")
    assert response.status_code == 200
    assert response.context["results"] == []


def test_search_outsider_finds_nothing(client, outsider):
    client.force_login(outsider)
    assert _search(client, "surgery").context["results"] == []


@pytest.mark.parametrize("extra", [0, 27])
def test_search_query_count_does_not_grow_with_results(
    client, commissioner_user, area, django_assert_max_num_queries, extra
):
    _add_practices(area, extra)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(10):
        response = _search(client, "surgery")
    assert len(response.context["results"]) == 3 + extra
