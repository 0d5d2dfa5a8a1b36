"""`pcnhub worker`: the background worker (django-tasks' db_worker), which first marks failed
any import run a previous worker left "running" when it stopped, and deletes uploads past
their retention."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from imports.actions import purge_uploads, repair_stuck_runs


class Command(DbWorker):
    help = "Run background tasks (imports, exports), after repairing runs left running."

    def handle(self, *args, **options):
        repaired = repair_stuck_runs()
        if repaired:
            self.stderr.write(f"{repaired} stuck import run(s) marked failed")
        purge_uploads()
        return super().handle(*args, **options)
