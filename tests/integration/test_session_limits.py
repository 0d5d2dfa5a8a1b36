"""Sessions end after SESSION_IDLE_MINUTES without a request (sliding) and
SESSION_ABSOLUTE_HOURS after login, with the reason on the login page. The session's stored
timestamps are moved back rather than waiting."""

import time

import pytest

from pcnhub.middleware import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db


def backdate(client, key, seconds):
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_session_survives_activity_within_the_idle_limit(client, commissioner_user):
    client.force_login(commissioner_user)
    backdate(client, SEEN_AT, 29 * 60)
    assert client.get("/").status_code == 200
    assert client.session[SEEN_AT] >= int(time.time()) - 5  # sliding: the clock restarts


def test_session_ends_after_the_idle_limit_with_a_message(client, commissioner_user):
    client.force_login(commissioner_user)
    backdate(client, SEEN_AT, 31 * 60)
    response = client.get("/registrations/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert client.get("/").status_code == 302


def test_session_ends_at_the_absolute_limit_however_active(client, commissioner_user, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client.force_login(commissioner_user)
    backdate(client, LOGIN_AT, 12 * 3600 - 60)
    assert client.get("/").status_code == 200
    backdate(client, LOGIN_AT, 12 * 3600 + 1)
    response = client.get("/", follow=True)
    assert "a session lasts at most 12 hours" in response.content.decode()
    assert client.get("/").status_code == 302


def test_session_limits_are_settings(client, commissioner_user, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(commissioner_user)
    backdate(client, SEEN_AT, 6 * 60)
    response = client.get("/", follow=True)
    assert "signed out after 5 minutes without activity" in response.content.decode()
