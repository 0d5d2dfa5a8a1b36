"""`pcnhub import FILE [FILE ...] [--kind K] [--as USER] [--period DATE]`: import NHS files with
a progress bar."""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from imports.actions import import_file
from imports.kinds import BY_KIND
from imports.models import RunStatus


class Command(BaseCommand):
    help = "Import NHS files (ODS epraccur and ePCN, NHS Digital patients registered, QOF)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--kind", choices=sorted(BY_KIND), help="skip detection")
        parser.add_argument("--as", dest="username", help="record the run as this user")
        parser.add_argument(
            "--period",
            type=date.fromisoformat,
            help="the date the files describe, YYYY-MM-DD, for a file that carries none "
            "(epraccur); else a date in the file's or its folder's name is taken",
        )

    def handle(self, files, kind, username, period, verbosity, **options):
        by = None
        if username:
            by = get_user_model().objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"no user named {username!r}")
        console = Console(stderr=True, quiet=verbosity == 0)
        failed = 0
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[stage]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(path.name, total=100, stage="reading")

                def on_progress(stage, done, total, task=task, bar=bar):
                    bar.update(task, completed=100 * done / total if total else 0, stage=stage)

                run = import_file(
                    path=path, kind=kind, by=by, on_progress=on_progress, period=period
                )
            self._summary(run, verbosity)
            failed += run.status == RunStatus.FAILED
        if failed:
            raise CommandError(f"{failed} file(s) failed to import; nothing was written for them")

    def _summary(self, run, verbosity):
        if run.status == RunStatus.FAILED:
            self.stderr.write(
                f"{run.file_name}: REJECTED ({run.kind or 'unrecognised'}), "
                f"{run.problem_count} problem(s), nothing written. Run {run.pk}."
            )
            for problem in run.problems:
                where = f"row {problem['row']}" if problem["row"] is not None else "file"
                column = f", column {problem['column']}" if problem["column"] else ""
                value = f": {problem['value']!r}" if problem["value"] is not None else ""
                self.stderr.write(f"  {where}{column}{value} — expected {problem['expected']}")
            if run.problem_count > len(run.problems):
                self.stderr.write(f"  … and {run.problem_count - len(run.problems)} more")
            return
        if verbosity:
            self.stdout.write(
                f"{run.file_name}: {run.kind} ({run.layout}), period {run.period or 'not known'}: "
                f"{run.rows_read} rows read, {run.created} created, {run.changed} changed, "
                f"{run.unchanged} unchanged, {run.rejected} rejected, {run.skipped} skipped. "
                f"Run {run.pk}."
            )
            for note in run.notes:
                self.stdout.write(f"  note: {note}")
