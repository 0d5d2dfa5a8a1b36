"""registrations 0004: a blank bank detail stored encrypted (as the old library did) becomes
NULL, so "stored" means "given" wherever payments ask whether bank details are on record."""

import importlib

from django.apps import apps

from payments.schedule import schedule
from registrations.encryption import encrypt
from registrations.models import Registration

migration = importlib.import_module(
    "registrations.migrations.0004_blank_bank_details_stored_as_null"
)


def test_an_encrypted_blank_becomes_null_and_the_network_is_withheld(area, approved_networks):
    registration = Registration.objects.get(pcn=area["this_pcn"])
    Registration.objects.filter(pk=registration.pk).update(bank_sort_code=None)
    # What the old library stored for a blank: a token of the empty string.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registrations_registration SET bank_sort_code = %s WHERE id = %s",
            [encrypt(""), registration.pk],
        )
    migration.blanks_to_null(apps, None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bank_sort_code FROM registrations_registration WHERE id = %s",
            [registration.pk],
        )
        assert cursor.fetchone()[0] is None
    core = [
        s for s in schedule([area["this_pcn"]], "2019/20").lines if s.line.entitlement == "core"
    ]
    assert core and all("has no bank details" in s.line.withheld for s in core)
