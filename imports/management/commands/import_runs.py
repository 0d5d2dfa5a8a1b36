"""`pcnhub import_runs --repair`: mark failed, with the reason, any run left "running" by a
process that stopped (run it from cron; the worker also does it when it starts)."""

from django.core.management.base import BaseCommand, CommandError

from imports.actions import repair_stuck_runs


class Command(BaseCommand):
    help = "Mark import runs whose process stopped mid-file as failed, with the reason."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="mark stuck runs failed")

    def handle(self, repair, **options):
        if not repair:
            raise CommandError("say what to do: --repair")
        count = repair_stuck_runs()
        self.stdout.write(f"{count} stuck import run{'s' if count != 1 else ''} marked failed")
