"""`pcnhub import-service-signups FILE --user USERNAME`: record practices' service sign-ups
from a CSV or .xlsx (see services.signup_import for the layout)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.problems import ImportRejected
from services.signup_import import import_signups


class Command(BaseCommand):
    help = "Import service sign-ups (practice, service, status, from) from a CSV or .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, dest="username", help="act as this user (permissions apply)"
        )

    def handle(self, file, username, verbosity, **options):
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"no user named {username!r}")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = import_signups(path=file, by=by)
        except ImportRejected as rejected:
            self.stderr.write(
                f"{file.name}: REJECTED, {rejected.total} problem(s), nothing written."
            )
            for problem in rejected.problems:
                self.stderr.write(f"  {problem}")
            if rejected.total > len(rejected.problems):
                self.stderr.write(f"  … and {rejected.total - len(rejected.problems)} more")
            raise CommandError(f"{file.name} was rejected; nothing was written") from None
        for warning in result.warnings:
            self.stderr.write(f"  warning: {warning}")
        if verbosity:
            self.stdout.write(
                f"{file.name}: {result.created} status(es) recorded, {result.corrected} corrected"
            )
