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


@pytest.mark.parametrize("url", ["/api/docs/?script", "/api/redoc/"])
def test_docs_page_renders_for_signed_in_user(client, outsider, url):
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert b"/api/schema/" in response.content


def test_docs_pages_run_no_inline_script(client, outsider):
    """Swagger UI starts from a script file; only the docs pages may use inline styles."""
    client.force_login(outsider)
    page = client.get("/api/docs/")
    assert b'src="/api/docs/?script=' in page.content
    assert b"<script>" not in page.content
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "unsafe-inline" not in client.get("/api/schema/")["Content-Security-Policy"]


def test_docs_page_anonymous_redirected_to_login(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
