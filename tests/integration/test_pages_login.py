"""Login and logout pages: anonymous users see only these and the health check."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Log in to PCN Hub" in response.content
    assert b'autocomplete="current-password"' in response.content


@pytest.mark.parametrize("path", ["/", "/search/?q=A", "/org/A00001/", "/imports/upload/"])
def test_pages_anonymous_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_health_anonymous_is_open(client):
    assert client.get("/health/").status_code == 200


def test_login_bad_credentials_show_error_summary(client, commissioner_user):
    response = client.post(reverse("login"), {"username": "commissioner", "password": "wrong"})
    assert response.status_code == 200
    assert b"nhsuk-error-summary" in response.content
    assert b"There is a problem" in response.content
    assert b'href="#id_username"' in response.content


def test_login_good_credentials_reach_home(client, commissioner_user):
    response = client.post(
        reverse("login"),
        {"username": "commissioner", "password": "correct horse battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Log out" in response.content


def test_login_repeated_failures_show_lockout_page(client, commissioner_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = client.post(reverse("login"), {"username": "commissioner", "password": "no"})
    assert response.status_code == 429
    assert b"Your account is locked" in response.content


def test_logout_post_logs_out(client, commissioner_user):
    client.force_login(commissioner_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
