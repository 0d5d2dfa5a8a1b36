from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments: entitlements and schedules"

    def ready(self):
        from payments.versions import load_rate_files

        # Every database holds the shipped rate tables as soon as it is migrated.
        post_migrate.connect(load_rate_files, sender=self)
