"""Headers through HTTP: a Content-Security-Policy with no inline script or style, a
Permissions-Policy denying every powerful feature, `no-store` on what signed-in people see
(pages and API) but not on static files, and HSTS with subdomains over HTTPS."""

import base64
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_pages_carry_a_strict_content_security_policy(client, commissioner_user):
    client.force_login(commissioner_user)
    response = client.get("/")
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "<script>" not in page and '<script type="module">' not in page
    assert ' style="' not in page and " onclick=" not in page
    assert '"includeIndicatorStyles": false' in page


def test_every_answer_denies_powerful_browser_features(client):
    policy = client.get("/health/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.parametrize("path", ["/", "/registrations/", "/api/organisations/"])
def test_signed_in_pages_and_api_are_never_stored(client, commissioner_user, path):
    client.force_login(commissioner_user)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_with_basic_auth_is_never_stored(client, commissioner_user):
    token = base64.b64encode(b"commissioner:correct horse battery").decode()
    response = client.get("/api/organisations/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(client, commissioner_user):
    client.force_login(commissioner_user)
    response = client.get("/static/pcnhub.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_https_answers_carry_hsts_with_subdomains(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    hsts = client.get("/health/", secure=True)["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"


def test_production_settings_turn_on_hsts_with_subdomains():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECURE_HTTPS": "1",
        "SECRET_KEY": "x" * 60,
        "BANK_DETAILS_KEYS": Fernet.generate_key().decode(),
    }
    code = (
        "from pcnhub import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["31536000", "True"]
