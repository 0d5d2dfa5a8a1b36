"""Roles scoped to an organisation. A user may hold several."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    NATIONAL_VIEWER = "national_viewer", "National or regional viewer"
    ASSURANCE = "assurance", "NHS England assurance team"
    PROGRAMME_OFFICE = "programme_office", "STP / ICS programme office"
    COMMISSIONER = "commissioner", "Commissioner primary care team"
    COMMISSIONER_FINANCE = "commissioner_finance", "Commissioner finance"
    PCN_MANAGER = "pcn_manager", "PCN manager or clinical director"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    READ_ONLY = "read_only", "Read-only"
    REGISTRY_ADMIN = "registry_admin", "Registry administrator"


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="the scope; empty means all of England",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="role_assignment_unique"
            )
        ]

    def __str__(self):
        scope = self.organisation.code if self.organisation_id else "England"
        return f"{self.user} – {self.get_role_display()} – {scope}"
