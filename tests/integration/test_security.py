"""Anonymous users see only the login page and the health check; responses carry secure
headers; settings refuse to start unsafely."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from pcnhub.env import env_bool

pytestmark = pytest.mark.django_db


def test_health_answers_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/imports/", "/admin/"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_api_refuses_anonymous(client):
    assert client.get("/api/organisations/").status_code in (401, 403)


def test_responses_carry_secure_headers(client):
    response = client.get("/health/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("raw", ["maybe", "2", "TRUE!"])
def test_env_bool_rejects_unclear_values(monkeypatch, raw):
    monkeypatch.setenv("PCNHUB_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_bool("PCNHUB_TEST_FLAG", False)


@pytest.mark.parametrize("path", ["/search/?q=a%00b", "/org/A%00B/", "/api/organisations/A%00B/"])
def test_nul_characters_answer_400(client, commissioner_user, path):
    client.force_login(commissioner_user)
    assert client.get(path).status_code == 400
