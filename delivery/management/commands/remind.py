"""`pcnhub remind [--days 30] [--dry-run]`: email each owner their milestones overdue and
coming up; schedule it (cron, a systemd timer) for a weekly or daily run."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from delivery.reminders import WINDOW_DAYS, remind


class Command(BaseCommand):
    help = "Email owners their overdue and coming-up milestones."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=WINDOW_DAYS, help="how far ahead to look")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, days, dry_run, **options):
        sent = remind(timezone.localdate(), window_days=days, send=not dry_run)
        verb = "would email" if dry_run else "emailed"
        for address, count in sorted(sent.items()):
            self.stdout.write(f"{verb} {address}: {count} milestone{'s' if count != 1 else ''}")
        self.stdout.write(f"{len(sent)} owner{'s' if len(sent) != 1 else ''} {verb}")
