"""A blank bank detail is stored as NULL, never as an encrypted empty string.

The encrypted-fields library used before 0001 was edited encrypted "" like any value; the
field now stores a blank as NULL, and payments tell whether bank details are on record from
whether anything is stored (payments.inputs, without decrypting). This turns each stored
encrypted blank into NULL, history included. A value no configured key opens is left as it
is: it is on record, only unreadable."""

from django.db import migrations

MODELS = ("Registration", "HistoricalRegistration", "ChangeRequest", "HistoricalChangeRequest")
FIELDS = ("bank_account_name", "bank_sort_code", "bank_account_number")


def blanks_to_null(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("registrations", name)
        key = model._meta.pk.attname
        # Read through the field, which decrypts: an encrypted blank reads as "", a stored
        # NULL as None, an unreadable value as Unreadable.
        rows = model.objects.values_list(key, *FIELDS)
        for pk, *values in rows.iterator(chunk_size=500):
            blank = {field: None for field, value in zip(FIELDS, values, strict=True) if value == ""}
            if blank:
                model.objects.filter(**{key: pk}).update(**blank)


class Migration(migrations.Migration):
    dependencies = [("registrations", "0003_bank_detail_views_kept")]

    operations = [migrations.RunPython(blanks_to_null, migrations.RunPython.noop)]
