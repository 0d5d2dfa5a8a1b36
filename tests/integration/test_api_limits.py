"""Bounds every request is held to: API paging within limits (400, never 500), JSON answers on
API routes, and one length limit for any text, refused before anything is written."""

import pytest
from django.urls import reverse

from payments.models import ArrsOverride, PaidMonth

pytestmark = pytest.mark.usefixtures("approved_networks")
LIST = "/api/organisations/"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=100000000000000000000", "limit"),
        ("limit=9223372036854775808", "limit"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("limit=" + "9" * 5000, "limit"),
        ("offset=100000000000000000000", "offset"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
    ],
)
def test_paging_out_of_bounds_is_a_400_naming_the_parameter(api, area, finance_user, query, name):
    api.force_login(finance_user)
    response = api.get(f"{LIST}?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {name: [f"Give {name} as a whole number from " + _range(name)]}


def _range(name):
    return "1 to 1,000." if name == "limit" else "0 to 1,000,000,000."


def test_paging_within_bounds_answers(api, area, finance_user):
    api.force_login(finance_user)
    page = api.get(f"{LIST}?limit=2&offset=1")
    assert page.status_code == 200 and len(page.json()["results"]) == 2
    far = api.get(f"{LIST}?limit=1000&offset=1000000000")
    assert far.status_code == 200 and far.json()["results"] == []


def test_the_schema_states_the_paging_bounds(api, finance_user):
    api.force_login(finance_user)
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"][LIST]["get"]["parameters"]}
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert parameters["offset"]["schema"]["maximum"] == 10**9


def test_an_unknown_api_address_answers_json(api, finance_user, client):
    api.force_login(finance_user)
    response = api.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No API endpoint at /api/no-such-thing/."}
    client.force_login(finance_user)
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "Page not found" in page.text


def test_a_2_mb_text_is_refused_by_the_api_and_nothing_is_written(api, area, finance_user):
    api.force_login(finance_user)
    response = api.post(
        "/api/payments/U00001/paid/", {"month": "2019-08-01", "note": "x" * 2_000_000}, "json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "note": ["note is longer than 10,000 characters: shorten it; nothing was saved."]
    }
    assert not PaidMonth.objects.exists()


def test_a_2_mb_comment_on_a_page_is_refused_and_nothing_is_written(
    client, area, this_pcn_manager, finance_user
):
    from payments.entries import add_staff
    from tests.integration.test_arrs import PHARMACIST

    member = add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    client.force_login(finance_user)
    refused = client.post(
        reverse("arrs", args=["U00001"]) + "?year=2024/25",
        {
            "override-staff": str(member.pk),
            "override-month": "2024-05-01",
            "override-amount": "5600",
            "override-reason": "y" * 2_000_000,
        },
    )
    assert refused.status_code == 400
    assert "override-reason is longer than 10,000 characters" in refused.text
    assert "There is a problem" in refused.text
    assert not ArrsOverride.objects.exists()
