"""Login throttling by username alone (across addresses) and by address alone (across
usernames); the address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT proxies are configured."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
GOOD = "correct horse battery"


def attempt(client, username, password="wrong", **meta):  # noqa: S107
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def test_one_username_is_locked_whatever_address_it_comes_from(client, commissioner_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for last in (1, 2, 3):
        attempt(client, "commissioner", REMOTE_ADDR=f"192.0.2.{last}")
    response = attempt(client, "commissioner", GOOD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429


def test_one_address_is_locked_whatever_usernames_it_tries(client, commissioner_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for name in ("alice", "bob", "carol"):
        attempt(client, name, REMOTE_ADDR="192.0.2.9")
    assert attempt(client, "commissioner", GOOD, REMOTE_ADDR="192.0.2.9").status_code == 429
    assert attempt(client, "commissioner", GOOD, REMOTE_ADDR="192.0.2.10").status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(client, commissioner_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for last, name in enumerate(("alice", "bob", "carol")):
        attempt(client, name, REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{last}")
    response = attempt(
        client, "commissioner", GOOD, REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert response.status_code == 429


def test_a_trusted_proxy_gives_the_address_it_saw(client, commissioner_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    for name in ("alice", "bob", "carol"):
        # A client's own X-Forwarded-For entry is ignored: only the proxy's last one counts.
        attempt(client, name, HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.20", **proxy)
    locked = attempt(client, "commissioner", GOOD, HTTP_X_FORWARDED_FOR="192.0.2.20", **proxy)
    assert locked.status_code == 429
    other = attempt(client, "commissioner", GOOD, HTTP_X_FORWARDED_FOR="192.0.2.21", **proxy)
    assert other.status_code == 302
