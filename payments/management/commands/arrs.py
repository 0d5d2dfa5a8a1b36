"""`pcnhub arrs --year 2019/20 [--scope CODE] --format text|csv`: for each network in scope,
its 2019/20 entitlement or ARR Sum in pounds (and the GP ARRS sum where there is one),
claimed, committed, remaining, projected to 31 March and the projected underspend, with a
total row a budget. A sum that cannot be worked out (no population or maximum on file) says
"cannot be calculated: reason" and is left out of the totals, which say how many; the count
also goes to standard error. The projection rule is printed under the text."""

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from payments.arrs import scheme
from payments.arrs_report import area_arrs, as_csv, as_text
from payments.inputs import SCOPE_KINDS, pcns_in


class Command(BaseCommand):
    help = "ARRS budgets, claims and projections for the networks in a scope."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="financial year, e.g. 2019/20")
        parser.add_argument("--scope", help="ODS code of a PCN, commissioner, ICS or region")
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, year, scope, format, **options):
        if year not in scheme()[1]:
            raise CommandError(f"no ARRS rules for {year!r} (known: {', '.join(scheme()[1])})")
        org = None
        if scope:
            org = Organisation.objects.filter(code=scope.upper(), kind__in=SCOPE_KINDS).first()
            if org is None:
                raise CommandError(f"no PCN, commissioner, ICS or region with ODS code {scope!r}")
        report = area_arrs(pcns_in(org, year), year)
        name = f"{org.name} ({org.code})" if org else "England"
        self.stdout.write(as_csv(report) if format == "csv" else as_text(report, name), ending="")
        cannot = sum(total.cannot for total in report.totals.values())
        if cannot:
            self.stderr.write(
                f"Warning: {cannot} budget{'s' if cannot != 1 else ''} cannot be calculated "
                "and are left out of the totals"
            )
