"""A recorded run of one file through one importer."""

from django.conf import settings
from django.db import models

from imports.progress import IMPORTS
from pcnhub.progress import RunStatus, Tracked

__all__ = ["ImportRun", "RunStatus"]


class ImportRun(Tracked, models.Model):
    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file", db_index=True)
    kind = models.CharField(max_length=40, blank=True)
    layout = models.CharField(max_length=40, blank=True)
    period = models.DateField(null=True, blank=True, help_text="extract or reference date")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True, help_text="counts by table")
    problems = models.JSONField(default=list, blank=True, help_text="first problems found")
    problem_count = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True, help_text="rows set aside, with reasons")
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    progress = IMPORTS
    waiting = "waiting for the import worker"

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.kind or 'unknown kind'}) {self.status}"
