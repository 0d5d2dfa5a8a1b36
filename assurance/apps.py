from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance: frameworks, rounds and ratings"

    def ready(self):
        from assurance.loader import load_framework_files

        # Every database holds the shipped frameworks as soon as it is migrated.
        post_migrate.connect(load_framework_files, sender=self)
