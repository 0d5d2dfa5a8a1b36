"""A provision record's scheme is required and a record is one a day per provider and
scheme (after 0003 gave every record kept its scheme; apart from 0003 so that PostgreSQL
adds the constraints after, not in, the transaction that updated the rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("services", "0003_provision_scheme")]

    operations = [
        migrations.AlterModelOptions(
            name="provision", options={"ordering": ["provider", "scheme", "valid_from"]}
        ),
        migrations.AlterField(
            model_name="historicalprovision",
            name="scheme",
            field=models.CharField(help_text="the access scheme it counts towards: a key of services.toml [[schemes]]", max_length=40),
        ),
        migrations.AlterField(
            model_name="provision",
            name="scheme",
            field=models.CharField(help_text="the access scheme it counts towards: a key of services.toml [[schemes]]", max_length=40),
        ),
        migrations.AddConstraint(
            model_name="provision",
            constraint=models.UniqueConstraint(
                fields=("provider", "scheme", "valid_from"), name="one_provision_record_a_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="provision",
            constraint=models.CheckConstraint(
                condition=~models.Q(scheme=""), name="provision_belongs_to_a_scheme"
            ),
        ),
    ]
