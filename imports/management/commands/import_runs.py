"""`pcnhub import_runs --repair --purge-uploads`: mark failed, with the reason, any run left
"running" by a process that stopped, and delete uploads past their retention (run it from
cron; the worker also does both when it starts)."""

from django.core.management.base import BaseCommand, CommandError

from imports import actions


class Command(BaseCommand):
    help = "Repair import runs whose process stopped; delete uploads past their retention."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="mark stuck runs failed")
        parser.add_argument(
            "--purge-uploads", action="store_true", help="delete uploads past IMPORT_UPLOAD_DAYS"
        )

    def handle(self, repair, purge_uploads, **options):
        if not (repair or purge_uploads):
            raise CommandError("say what to do: --repair, --purge-uploads or both")
        if repair:
            count = actions.repair_stuck_runs()
            self.stdout.write(f"{count} stuck import run{'s' if count != 1 else ''} marked failed")
        if purge_uploads:
            count = actions.purge_uploads()
            self.stdout.write(f"{count} upload{'s' if count != 1 else ''} deleted")
