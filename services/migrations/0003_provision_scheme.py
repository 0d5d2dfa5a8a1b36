"""Each provision record belongs to one access scheme (services.toml [[schemes]]).

Records kept before this migration get theirs by one rule, frozen here as the catalogue
stood when it was written:
- a PCN's record from before 1 October 2022 -> the network's Extended Hours
  (extended_hours, 1 July 2019 to 30 September 2022; a record dated before 1 July 2019
  counts from then, when the scheme starts);
- a PCN's record from 1 October 2022 -> Enhanced Access (enhanced_access);
- a practice's record (a GP practice or an extended access hub registered as one) -> the
  CCG's extended access (ccg_extended_access).
Historical rows (simple-history) get the scheme of their record by the same rule, so the
history reads as the record does now. Backwards, the scheme is dropped.
"""

from datetime import date

from django.db import migrations, models

ENHANCED_FROM = date(2022, 10, 1)


def assign(apps, schema_editor):
    Provision = apps.get_model("services", "Provision")
    History = apps.get_model("services", "HistoricalProvision")
    Organisation = apps.get_model("organisations", "Organisation")
    pcns = set(Organisation.objects.filter(kind="pcn").values_list("pk", flat=True))
    for record in Provision.objects.select_related("provider"):
        record.scheme = _scheme(record.provider_id in pcns, record.valid_from)
        record.save(update_fields=["scheme"])
    for row in History.objects.all():
        row.scheme = _scheme(row.provider_id in pcns, row.valid_from)
        row.save(update_fields=["scheme"])


def _scheme(is_pcn: bool, valid_from: date) -> str:
    if not is_pcn:
        return "ccg_extended_access"
    return "enhanced_access" if valid_from >= ENHANCED_FROM else "extended_hours"


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0006_population_figures"),
        ("services", "0002_practices_covered_in_the_provisions_history"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="provision", name="one_provision_record_a_day"),
        migrations.AddField(
            model_name="provision",
            name="scheme",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalprovision",
            name="scheme",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(assign, migrations.RunPython.noop),
    ]
