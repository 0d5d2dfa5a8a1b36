"""Bank details under their own keys: rotation with `pcnhub rekey-bank-details` (history too,
legacy values, idempotent), a value no configured key opens shown as unreadable and never as
the value or its ciphertext, and no start without a key when DEBUG is off."""

import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from registrations import actions
from registrations.encryption import Unreadable, _legacy_fernet
from registrations.models import Registration

NEW = Fernet.generate_key().decode()
PLAIN = {
    "bank_account_name": "Surgery 1 Partnership",
    "bank_sort_code": "123456",
    "bank_account_number": "12345678",
}


def stored(table="registrations_registration"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT bank_sort_code FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def only_the_new_key():
    return override_settings(BANK_DETAILS_KEYS=[NEW], BANK_DETAILS_LEGACY_SALTS=[])


def rekey(*args):
    out = io.StringIO()
    call_command("rekey_bank_details", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_rekey_moves_every_value_and_its_history_to_the_first_key(drafted):
    old = settings.BANK_DETAILS_KEYS[0]
    with override_settings(BANK_DETAILS_KEYS=[NEW, old]):
        report = rekey()
        assert "Re-encrypted" in report and "0 cannot be read" in report
        again = rekey()
    assert again.startswith("Re-encrypted 0 bank details")
    with only_the_new_key():
        registration = Registration.objects.get(pk=drafted.pk)
        assert {name: getattr(registration, name) for name in PLAIN} == PLAIN
        history = registration.history.exclude(bank_sort_code=None).first()
        assert history.bank_sort_code == "123456"
    for token in stored() + [t for t in stored("registrations_historicalregistration") if t]:
        assert Fernet(NEW).decrypt(token.encode())


def test_rekey_moves_legacy_values_encrypted_under_secret_key_and_salt(drafted):
    legacy = _legacy_fernet((settings.SECRET_KEY,), ("old-salt",))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registrations_registration SET bank_sort_code = %s",
            [legacy.encrypt(b"654321").decode()],
        )
    with override_settings(BANK_DETAILS_KEYS=[NEW], BANK_DETAILS_LEGACY_SALTS=["old-salt"]):
        with pytest.raises(CommandError, match="cannot be read"):
            rekey()  # the history rows were written under the development key
        rekey("--skip-unreadable")
    with only_the_new_key():
        assert Registration.objects.get(pk=drafted.pk).bank_sort_code == "654321"


def test_rekey_refuses_unreadable_values_and_writes_nothing(drafted):
    before = stored()
    with only_the_new_key(), pytest.raises(CommandError, match="nothing was re-encrypted"):
        rekey()
    assert stored() == before


def test_unreadable_bank_details_are_never_shown_as_the_value(client, api, drafted, finance_user):
    token = stored()[0]
    client.force_login(finance_user)
    api.force_login(finance_user)
    with only_the_new_key():
        pages = [
            client.get(f"/registrations/{drafted.pk}/bank-details/"),
            client.get(f"/registrations/{drafted.pk}/"),
        ]
        answer = api.get(f"/api/registrations/{drafted.pk}/bank-details/")
    for page in pages:
        text = page.content.decode()
        assert page.status_code == 200
        assert "Cannot be read:" in text and "not configured" in text
        assert token not in text and "Surgery 1 Partnership" not in text and "**-**" not in text
    assert answer.json() == {
        "bank_account_name": None,
        "bank_sort_code": None,
        "bank_account_number": None,
        "unreadable": ["bank_account_name", "bank_sort_code", "bank_account_number"],
    }


def test_saving_a_registration_keeps_an_unreadable_value_as_it_was(drafted, this_pcn_manager):
    with only_the_new_key():
        registration = Registration.objects.get(pk=drafted.pk)
        assert isinstance(registration.bank_sort_code, Unreadable)
        assert registration.has_bank_details and registration.bank_details_unreadable
        actions.update_details(
            registration=registration, by=this_pcn_manager, clinical_director_name="Dr B"
        )
    assert Registration.objects.get(pk=drafted.pk).bank_sort_code == "123456"


def test_settings_refuse_to_start_without_a_bank_key_when_debug_is_off():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "a-real-secret"}
    env.pop("BANK_DETAILS_KEYS", None)
    started = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import pcnhub.settings"], env=env, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert "BANK_DETAILS_KEYS must be set when DEBUG is off" in started.stderr
