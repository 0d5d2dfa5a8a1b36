"""Live progress of background work (imports, area exports), kept in the cache rather than
the database: the work may write inside one transaction that other connections cannot see
into until it commits, and a progress bar is polled every second."""

from django.core.cache import cache
from django.db import models

TIMEOUT = 6 * 3600


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Progress:
    """One kind of work's progress by record id; `stages` maps each stage to the rough share
    of the whole (low, high percent), so one bar covers the whole run."""

    def __init__(self, prefix: str, stages: dict[str, tuple[int, int]]):
        self.prefix = prefix
        self.stages = stages

    def _key(self, pk: int) -> str:
        return f"{self.prefix}:{pk}"

    def report(self, pk: int, stage: str, done: int, total: int) -> None:
        low, high = self.stages.get(stage, (0, 100))
        share = done / total if total else 0
        percent = round(low + (high - low) * min(share, 1))
        cache.set(self._key(pk), {"stage": stage, "percent": percent}, TIMEOUT)

    def read(self, pk: int) -> dict | None:
        return cache.get(self._key(pk))


class Tracked:
    """For a model with a `status` of RunStatus: its stage and percent for the progress bar.
    A subclass names its `progress` and the words for waiting in the queue."""

    progress: Progress
    waiting = "waiting for the worker"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    def _progress(self) -> dict:
        return self.progress.read(self.pk) or {}

    @property
    def progress_stage(self) -> str:
        if self.finished:
            return "finished"
        if self.status == RunStatus.QUEUED:
            return self.waiting
        return self._progress().get("stage", "starting")

    @property
    def progress_percent(self) -> int:
        if self.finished:
            return 100
        if self.status == RunStatus.QUEUED:
            return 0
        return self._progress().get("percent", 0)
