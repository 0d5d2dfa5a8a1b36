"""`pcnhub import-plan FILE --user USERNAME (--programme ID | --name NAME --start DATE --end
DATE --organisation CODE ...) [--add-contacts]`: import a plan laid out like the STP
implementation plan (see delivery.plan_import) into a programme, or as a new one."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from delivery.models import Programme
from delivery.plan_import import import_plan
from imports.problems import ImportRejected
from organisations.models import Organisation
from pcnhub.nhs_calendar import parse


def _period_edge(text: str, edge: str):
    """A day (2017-04-01), or a financial year, quarter or month, taken at its start or end."""
    try:
        return getattr(parse(text), edge)
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = "Import a plan from a CSV or .xlsx in the STP implementation plan's layout."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, dest="username", help="act as this user (permissions apply)"
        )
        parser.add_argument("--programme", type=int, help="the programme's id, to add to it")
        parser.add_argument("--name", help="a new programme's name")
        parser.add_argument("--start", help="a new programme's first day, e.g. 2017-04-01")
        parser.add_argument("--end", help="a new programme's last day, e.g. 2021-03-31")
        parser.add_argument(
            "--organisation",
            action="append",
            default=[],
            dest="organisations",
            help="ODS code of an organisation a new programme covers (repeat for more)",
        )
        parser.add_argument(
            "--add-contacts",
            action="store_true",
            help="add owners PCN Hub does not know as contacts, instead of refusing the file",
        )

    def handle(self, file, username, programme, name, start, end, organisations, **options):
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"no user named {username!r}")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        target, details = None, None
        if programme is not None:
            if name or start or end or organisations:
                raise CommandError("give --programme, or a new programme's details, not both")
            target = Programme.objects.filter(pk=programme).first()
            if target is None:
                raise CommandError(f"no programme {programme}")
        else:
            if not (name and start and end and organisations):
                raise CommandError(
                    "give --programme ID, or --name, --start, --end and --organisation"
                )
            found = {o.code: o for o in Organisation.objects.filter(code__in=organisations)}
            unknown = [code for code in organisations if code not in found]
            if unknown:
                raise CommandError(f"no organisation with ODS code {', '.join(unknown)}")
            details = {
                "name": name,
                "start": _period_edge(start, "start"),
                "end": _period_edge(end, "end"),
                "organisations": [found[code] for code in organisations],
            }
        try:
            result = import_plan(
                path=file,
                by=by,
                programme=target,
                new_programme=details,
                add_contacts=options["add_contacts"],
            )
        except ImportRejected as rejected:
            self.stderr.write(
                f"{file.name}: REJECTED, {rejected.total} problem(s), nothing written."
            )
            for problem in rejected.problems:
                self.stderr.write(f"  {problem}")
            if rejected.total > len(rejected.problems):
                self.stderr.write(f"  … and {rejected.total - len(rejected.problems)} more")
            raise CommandError(f"{file.name} was rejected; nothing was written") from None
        except (PermissionDenied, ValidationError) as error:
            message = "; ".join(getattr(error, "messages", [str(error)]))
            raise CommandError(message) from None
        for warning in result.warnings:
            self.stderr.write(f"  warning: {warning}")
        if options["verbosity"]:
            self.stdout.write(
                f"{result.programme.name} (programme {result.programme.pk}): "
                f"{result.deliverables_created} deliverables, {result.actions_created} key "
                f"actions and {result.milestones_created} milestones added; "
                f"{result.deliverables_matched} deliverables and {result.actions_matched} "
                f"actions were already there"
                + (
                    f"; new contacts: {', '.join(result.contacts_added)}"
                    if result.contacts_added
                    else ""
                )
            )
