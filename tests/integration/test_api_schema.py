"""/api/schema/, /api/docs/ and /api/redoc/: valid OpenAPI that documents as_at everywhere."""

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def test_schema_anonymous_refused(api, db):
    assert api.get("/api/schema/").status_code in (401, 403)


def test_schema_is_valid_openapi_with_as_at_on_every_endpoint(api, outsider):
    api.force_login(outsider)
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert "/api/organisations/{code}/list-sizes/" in schema["paths"]
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue  # the workflow steps are POST only
        names = {p["name"] for p in operations["get"]["parameters"]}
        assert "as_at" in names, path


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_page_renders_for_signed_in_user(client, outsider, url):
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert b"/api/schema/" in response.content


def test_docs_page_anonymous_redirected_to_login(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
