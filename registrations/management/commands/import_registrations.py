"""`pcnhub import-registrations FILE --user USERNAME [--submit]`: import DES registrations from
a file in the layout of the national registration form (see registrations.form_import)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.problems import ImportRejected
from registrations.form_import import import_registrations


class Command(BaseCommand):
    help = "Import DES registrations from a registration-form CSV or .xlsx (one row a practice)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, dest="username", help="act as this user (permissions apply)"
        )
        parser.add_argument("--submit", action="store_true", help="submit each registration")

    def handle(self, file, username, submit, verbosity, **options):
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"no user named {username!r}")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = import_registrations(path=file, by=by, submit=submit)
        except ImportRejected as rejected:
            self.stderr.write(
                f"{file.name}: REJECTED, {rejected.total} problem(s), nothing written."
            )
            for problem in rejected.problems:
                where = f"row {problem.row}" if problem.row is not None else "file"
                column = f", column {problem.column}" if problem.column else ""
                value = f": {problem.value!r}" if problem.value is not None else ""
                self.stderr.write(f"  {where}{column}{value} — expected {problem.expected}")
            if rejected.total > len(rejected.problems):
                self.stderr.write(f"  … and {rejected.total - len(rejected.problems)} more")
            raise CommandError(f"{file.name} was rejected; nothing was written") from None
        for warning in result.warnings:
            self.stderr.write(f"  warning: {warning}")
        if verbosity:
            for verb, registrations in (("created", result.created), ("updated", result.updated)):
                for registration in registrations:
                    members = registration.members.filter(left_on__isnull=True).count()
                    self.stdout.write(
                        f"{verb} {registration.pcn.code} {registration.des_year} "
                        f"({registration.get_status_display().lower()}), {members} member(s)"
                    )
