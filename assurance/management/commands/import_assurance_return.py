"""`pcnhub import-assurance-return FILE --user USERNAME --commissioner CODE --framework KEY`:
import a return in seed 004's layout into the commissioner's open round against the framework
(see assurance.return_import). The user's permissions decide which columns it may set."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assurance.models import Round
from assurance.return_import import import_return
from imports.problems import ImportRejected


def latest_round(commissioner: str, framework: str) -> Round:
    found = (
        Round.objects.select_related("framework", "commissioner")
        .filter(commissioner__code=commissioner.strip().upper(), framework__key=framework)
        .order_by("-submitted_on")
        .first()
    )
    if found is None:
        raise CommandError(f"{commissioner} has no round against {framework!r}: open one first")
    return found


class Command(BaseCommand):
    help = "Import an assurance return (CSV or .xlsx) into a commissioner's open round."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, dest="username", help="act as this user (permissions apply)"
        )
        parser.add_argument("--commissioner", required=True, help="the commissioner's ODS code")
        parser.add_argument("--framework", required=True, help="the framework's key")

    def handle(self, file, username, commissioner, framework, verbosity, **options):
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"no user named {username!r}")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        round = latest_round(commissioner, framework)
        try:
            result = import_return(path=file, round=round, by=by)
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
        if verbosity:
            self.stdout.write(
                f"{round.commissioner.code} {round.label}: {len(result.rated)} rated, "
                f"{len(result.responded)} responded, {len(result.planned)} planned"
                + (", overall review" if result.overall else "")
            )
