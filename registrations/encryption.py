"""Bank details encrypted at rest with keys of their own, never derived from SECRET_KEY.

`settings.BANK_DETAILS_KEYS` are Fernet keys: the first encrypts, every one decrypts, so a key
rotates by putting a new one first and running `pcnhub rekey-bank-details`. Values written
before these keys existed were encrypted under keys derived from SECRET_KEY (or one of its
fallbacks) and each SALT_KEY, as django-fernet-encrypted-fields did; they still decrypt while
SALT_KEY is set (`BANK_DETAILS_LEGACY_SALTS`), until the rekey command moves them. A value no
configured key opens is `Unreadable`: an error that keeps its ciphertext, never a value.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.db import models

UNREADABLE = "cannot be read: the key that encrypted it is not configured"


class Unreadable:
    """A stored bank detail that no configured key decrypts. It is not a string, so it cannot
    be sliced, masked or joined into a page as if it were the value; saving its row writes the
    ciphertext back unchanged, so configuring the right key later still reads it. It counts
    as present: the details are on record, only the key is missing."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __str__(self) -> str:
        return UNREADABLE


@lru_cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@lru_cache
def _legacy_fernet(secrets: tuple[str, ...], salts: tuple[str, ...]) -> MultiFernet | None:
    """The keys django-fernet-encrypted-fields derived: PBKDF2-SHA256 of each secret key with
    each salt. Slow by design, so derived once and only when a value needs them."""
    keys = [
        Fernet(
            base64.urlsafe_b64encode(
                PBKDF2HMAC(
                    algorithm=hashes.SHA256(), length=32, salt=salt.encode(), iterations=100_000
                ).derive(secret.encode())
            )
        )
        for secret in secrets
        for salt in salts
    ]
    return MultiFernet(keys) if keys else None


def _current() -> MultiFernet:
    return _fernet(tuple(settings.BANK_DETAILS_KEYS))


def _legacy() -> MultiFernet | None:
    secrets = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    return _legacy_fernet(secrets, tuple(settings.BANK_DETAILS_LEGACY_SALTS))


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str | Unreadable:
    """The plain value, from the current keys or else the legacy ones; `Unreadable` if none."""
    for fernet in (_current(), _legacy()):
        if fernet is None:
            continue
        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            continue
    return Unreadable(token)


def under_first_key(token: str) -> bool:
    """Whether the first key encrypted this value, so rekeying leaves it alone."""
    try:
        _fernet(tuple(settings.BANK_DETAILS_KEYS[:1])).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class BankDetailField(models.CharField):
    """A bank detail, encrypted on write and decrypted on read. Stored as text: ciphertext is
    longer than max_length, which bounds the plain value."""

    def get_internal_type(self) -> str:
        return "TextField"

    def get_prep_value(self, value):
        if isinstance(value, Unreadable):
            return value.token
        value = super().get_prep_value(value)
        return encrypt(value) if value else None

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def clean(self, value, model_instance):
        """An unreadable value stays as it is: validating it would turn it into a string."""
        if isinstance(value, Unreadable):
            return value
        return super().clean(value, model_instance)
