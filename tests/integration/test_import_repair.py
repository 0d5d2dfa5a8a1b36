"""Runs never stay "running": one whose process stopped is marked failed with the reason, by
`pcnhub import_runs --repair` and by the worker when it starts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from imports.models import ImportRun, RunStatus

pytestmark = pytest.mark.django_db


def _run(status, hours_ago):
    run = ImportRun.objects.create(file_name="epraccur.csv", checksum="x" * 64, status=status)
    ImportRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return run


def test_repair_marks_only_long_running_runs_failed_with_the_reason():
    stuck = _run(RunStatus.RUNNING, 3)
    busy = _run(RunStatus.RUNNING, 1)
    waiting = _run(RunStatus.QUEUED, 30)
    out = StringIO()
    call_command("import_runs", "--repair", stdout=out)
    assert out.getvalue().strip() == "1 stuck import run marked failed"
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED and stuck.finished_at
    assert "its process stopped before it finished" in stuck.problems[0]["expected"]
    assert stuck.problem_count == 1
    for run in (busy, waiting):
        run.refresh_from_db()
        assert run.status != RunStatus.FAILED
    with pytest.raises(CommandError, match="--repair"):
        call_command("import_runs")


def test_the_worker_repairs_before_it_takes_tasks(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    stuck = _run(RunStatus.RUNNING, 5)
    monkeypatch.setattr(db_worker.Command, "handle", lambda self, *args, **options: None)
    err = StringIO()
    call_command("worker", stderr=err)
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert "1 stuck import run(s) marked failed" in err.getvalue()


def test_uploads_past_their_retention_are_deleted_and_the_run_kept(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    old = _run(RunStatus.SUCCEEDED, 1)
    old.upload.save("epraccur.csv", ContentFile(b"data"), save=False)
    old.finished_at = timezone.now() - timedelta(days=31)
    old.save()
    recent = _run(RunStatus.SUCCEEDED, 1)
    recent.upload.save("epraccur.csv", ContentFile(b"data"), save=False)
    recent.finished_at = timezone.now() - timedelta(days=2)
    recent.save()
    path = old.upload.path
    out = StringIO()
    call_command("import_runs", "--purge-uploads", stdout=out)
    assert out.getvalue().strip() == "1 upload deleted"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.upload and old.checksum == "x" * 64
    assert recent.upload
    import os

    assert not os.path.exists(path)
