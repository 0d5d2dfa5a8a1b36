"""Bank detail encryption without the database: a round trip under the first key, the old keys
of the list still decrypting, the legacy SECRET_KEY-derived scheme, and a wrong key an error."""

import base64

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from pcnhub.env import env_fernet_keys
from registrations.encryption import (
    UNREADABLE,
    Unreadable,
    _legacy_fernet,
    decrypt,
    encrypt,
    under_first_key,
)

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_bank_detail_round_trip_under_the_first_key():
    with override_settings(BANK_DETAILS_KEYS=[NEW, OLD]):
        token = encrypt("12345678")
        assert "12345678" not in token
        assert decrypt(token) == "12345678"
        assert under_first_key(token)
    assert Fernet(NEW).decrypt(token.encode()) == b"12345678"


def test_bank_detail_under_an_old_key_still_decrypts_but_is_not_current():
    with override_settings(BANK_DETAILS_KEYS=[OLD]):
        token = encrypt("123456")
    with override_settings(BANK_DETAILS_KEYS=[NEW, OLD]):
        assert decrypt(token) == "123456"
        assert not under_first_key(token)


def test_bank_detail_under_a_key_not_configured_is_unreadable_never_the_value():
    with override_settings(BANK_DETAILS_KEYS=[OLD]):
        token = encrypt("123456")
    with override_settings(BANK_DETAILS_KEYS=[NEW], BANK_DETAILS_LEGACY_SALTS=[]):
        value = decrypt(token)
    assert isinstance(value, Unreadable)
    assert value.token == token
    assert str(value) == UNREADABLE and token not in str(value)
    with pytest.raises(TypeError):
        value[-2:]


def test_bank_detail_from_the_legacy_scheme_decrypts_with_secret_key_and_salt():
    """django-fernet-encrypted-fields keyed Fernet with PBKDF2(SECRET_KEY, SALT_KEY)."""
    token = _legacy_fernet(("old-secret",), ("old-salt",)).encrypt(b"87654321").decode()
    with override_settings(
        BANK_DETAILS_KEYS=[NEW], SECRET_KEY="old-secret", BANK_DETAILS_LEGACY_SALTS=["old-salt"]
    ):
        assert decrypt(token) == "87654321"
    # After rotating SECRET_KEY, the old one in SECRET_KEY_FALLBACKS still opens it.
    with override_settings(
        BANK_DETAILS_KEYS=[NEW],
        SECRET_KEY="new-secret",
        SECRET_KEY_FALLBACKS=["old-secret"],
        BANK_DETAILS_LEGACY_SALTS=["old-salt"],
    ):
        assert decrypt(token) == "87654321"
    with override_settings(BANK_DETAILS_KEYS=[NEW], BANK_DETAILS_LEGACY_SALTS=[]):
        assert isinstance(decrypt(token), Unreadable)


def test_bank_details_keys_setting_refuses_what_is_not_a_fernet_key(monkeypatch):
    monkeypatch.setenv("BANK_DETAILS_KEYS", f"{NEW}, {OLD}")
    assert env_fernet_keys("BANK_DETAILS_KEYS") == [NEW, OLD]
    short = base64.urlsafe_b64encode(b"too short").decode()
    for wrong in ("not-base64!", short):
        monkeypatch.setenv("BANK_DETAILS_KEYS", f"{NEW},{wrong}")
        with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key") as refused:
            env_fernet_keys("BANK_DETAILS_KEYS")
        assert wrong not in str(refused.value)
