"""Background area exports: the area page queues one; `pcnhub db_worker` builds it."""

from django_tasks import task


@task()
def build_area_export(export_id: int) -> str:
    from payments.area_exports import run_export

    return run_export(export_id).status
