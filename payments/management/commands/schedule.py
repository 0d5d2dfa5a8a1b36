"""`pcnhub schedule --year 2019/20 [--scope CODE] --format xlsx|csv|pdf [--out FILE]`: a
payment schedule for a PCN, a commissioner, ICS or region, or England, as a file."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from payments import exports
from payments.inputs import pcns_in
from payments.models import RateVersion
from payments.schedule import schedule
from payments.views import SCOPE_KINDS


class Command(BaseCommand):
    help = "Write a year's payment schedule for a scope as Excel, CSV or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="financial year, e.g. 2019/20")
        parser.add_argument("--scope", help="ODS code of a PCN, commissioner, ICS or region")
        parser.add_argument("--format", choices=["xlsx", "csv", "pdf"], default="csv")
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")

    def handle(self, year, scope, format, out, **options):
        if not RateVersion.objects.filter(year=year).exists():
            known = ", ".join(RateVersion.objects.values_list("year", flat=True).distinct())
            raise CommandError(f"no rates for {year!r} (known: {known})")
        org = None
        if scope:
            org = Organisation.objects.filter(code=scope.upper(), kind__in=SCOPE_KINDS).first()
            if org is None:
                raise CommandError(f"no PCN, commissioner, ICS or region with ODS code {scope!r}")
        found = schedule(pcns_in(org, year), year)
        if format == "csv":
            body = exports.schedule_csv(found).encode("utf-8-sig")
        elif format == "xlsx":
            body = exports.schedule_xlsx(found)
        else:
            body = exports.statement_pdf(found, f"{org.name} ({org.code})" if org else "England")
        if out is None:
            if format != "csv":
                raise CommandError(f"give --out FILE for {format}")
            sys.stdout.write(body.decode("utf-8-sig"))
            return
        out.write_bytes(body)
        self.stderr.write(
            f"{out}: {len(found.lines)} lines, £{found.total:,.2f}, {year}, "
            f"{org.code if org else 'England'}"
        )
