"""Import actions: every NHS file enters the registry through import_file.

The run record is written first and kept whatever happens; the file's data is written in one
transaction that either commits whole or leaves the registry exactly as it was.
"""

import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from imports import kinds, progress
from imports.models import ImportRun, RunStatus
from imports.problems import ImportRejected, Problem, Problems
from imports.source import SourceFile, date_in_name, latest_date, no_later_than
from imports.writer import write

logger = logging.getLogger(__name__)


def import_file(
    *,
    path: Path | None = None,
    source: SourceFile | None = None,
    kind: str | None = None,
    by=None,
    run: ImportRun | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    period: date | None = None,
) -> ImportRun:
    """Import one file. Returns the finished run: succeeded, or failed with its problems.
    A zip or gzip is unpacked here, inside the run, so one that cannot be is a failed run.
    `period`: the date the file describes, for a file that does not carry it (epraccur);
    else a date in the file's name or its folder's is taken."""
    folder = ""
    if source is None:
        path = Path(path)
        source, folder = SourceFile(path.name, path.read_bytes()), path.parent.name
    stated = period or source.stated or date_in_name(source.name, folder)
    if run is None:
        run = ImportRun.objects.create(
            file_name=source.name, checksum=source.checksum, run_by=by, kind=kind or ""
        )
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])

    def tick(stage: str, done: int, total: int) -> None:
        progress.report(run.pk, stage, done, total)
        if on_progress:
            on_progress(stage, done, total)

    problems = Problems(source.name)
    importer = None
    try:
        tick("reading", 0, 1)
        source = SourceFile.unwrap(source.name, source.data)
        source.stated = stated
        run.file_name, problems = source.name, Problems(source.name)  # the file inside
        importer = kinds.BY_KIND.get(kind) if kind else kinds.detect(source, problems)
        if kind and importer is None:
            problems.add(None, None, kind, "a kind from: " + ", ".join(kinds.BY_KIND))
        batch = importer.parse(source, problems) if importer else None
        _refuse_future_period(batch, problems)
        problems.raise_if_any()
        tick("reading", 1, 1)
        with transaction.atomic():
            counts = write(batch, run=run, by=by, problems=problems, progress=tick)
    except ImportRejected as rejected:
        logger.info("import %s rejected: %s", run.pk, rejected)
        return _failed(run, importer, rejected.problems, rejected.total)
    except Exception as error:
        # A file shaped in a way no check foresaw must still end as a failed run with a
        # report, never as a run left "running" and a traceback.
        logger.exception("import %s crashed", run.pk)
        problem = Problem(source.name, None, None, type(error).__name__, "a file PCN Hub can read")
        return _failed(run, importer, [problem], 1)
    run.kind = batch.kind
    run.layout = batch.layout
    run.period = batch.period
    run.rows_read = batch.rows_read
    run.skipped = batch.skipped
    run.created = counts.total("created")
    run.changed = counts.total("changed")
    run.unchanged = counts.total("unchanged")
    run.rejected = counts.rejected
    run.summary = counts.tables
    run.notes = batch.notes + counts.notes
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return run


def _refuse_future_period(batch, problems: Problems) -> None:
    """Whatever kind of file: the date it describes is never after `latest_date`."""
    if batch is None:
        return
    latest = latest_date()
    for name, day in (("period", batch.period), ("extract date", batch.as_of)):
        if day is not None and day > latest:
            problems.add(None, name, day.isoformat(), no_later_than(latest))


def _failed(run: ImportRun, importer, problems: list[Problem], total: int) -> ImportRun:
    run.status = RunStatus.FAILED
    run.problems = [p.as_dict() for p in problems]
    run.problem_count = total
    run.kind = run.kind or (importer.KIND if importer else "")
    run.finished_at = timezone.now()
    run.save()
    return run


def repair_stuck_runs(now=None) -> int:
    """Mark failed, with the reason, every run still "running" IMPORT_RUN_HOURS after it
    started: its process was stopped or restarted mid-file. It wrote nothing (an import
    writes in one transaction), so importing the file again is safe. Returns how many."""
    now = now or timezone.now()
    hours = settings.IMPORT_RUN_HOURS
    stuck = ImportRun.objects.filter(
        status=RunStatus.RUNNING, started_at__lt=now - timedelta(hours=hours)
    )
    reason = (
        f"the import was still running {hours} hours after it started: its process stopped "
        "before it finished, and nothing was written; import the file again"
    )
    repaired = 0
    for run in stuck:
        problem = Problem(run.file_name, None, None, None, reason)
        _failed(run, None, [problem], 1)
        repaired += 1
    return repaired


def purge_uploads(now=None) -> int:
    """Delete the uploaded files of runs finished more than IMPORT_UPLOAD_DAYS ago: a file may
    hold what it should not (personal data uploaded by mistake), and the run keeps its
    checksum, counts and report. Returns how many files were deleted."""
    now = now or timezone.now()
    old = ImportRun.objects.filter(
        finished_at__lt=now - timedelta(days=settings.IMPORT_UPLOAD_DAYS)
    ).exclude(upload="")
    purged = 0
    for run in old:
        run.upload.delete(save=False)
        run.upload = ""
        run.save(update_fields=["upload"])
        purged += 1
    return purged


@transaction.atomic
def queue_import(
    *, uploaded_file, kind: str | None = None, by, period: date | None = None
) -> ImportRun:
    """Keep an uploaded file and hand it to the background worker; returns the queued run.
    `period`: the date the file describes, where the uploader gave it."""
    from imports.tasks import run_import

    data = uploaded_file.read()
    source = SourceFile(uploaded_file.name, data)  # unpacked by the worker, not the request
    run = ImportRun.objects.create(
        file_name=source.name, checksum=source.checksum, run_by=by, kind=kind or ""
    )
    run.upload.save(source.name, ContentFile(data), save=True)
    given = period.isoformat() if period else None
    transaction.on_commit(lambda: run_import.enqueue(run.pk, kind, given))
    return run
