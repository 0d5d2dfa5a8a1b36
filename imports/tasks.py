"""Background imports: the web upload queues one; `pcnhub worker` runs it."""

from datetime import date

from django_tasks import task

from imports.models import ImportRun
from imports.source import SourceFile


@task()
def run_import(run_id: int, kind: str | None = None, period: str | None = None) -> str:
    from imports.actions import import_file

    run = ImportRun.objects.select_related("run_by").get(pk=run_id)
    with run.upload.open("rb") as upload:
        source = SourceFile(run.file_name, upload.read())
    stated = date.fromisoformat(period) if period else None
    return import_file(source=source, kind=kind, by=run.run_by, run=run, period=stated).status
