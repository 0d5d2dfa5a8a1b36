"""`pcnhub schedule --year 2019/20 [--scope CODE] --format xlsx|csv|pdf [--out FILE]
[--allow-missing]`: a payment schedule for a PCN, a commissioner, ICS or region, or England,
as a file.

Where any entitlement cannot be calculated (no figure on file for its basis), the file is
still written, with those lines and their reasons, and the warning goes to standard error;
the command then exits 3, so a script cannot take a partial schedule for a whole one, unless
--allow-missing is given (exit 0, the warning still printed)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from payments import exports
from payments.inputs import SCOPE_KINDS, pcns_in
from payments.models import RateVersion
from payments.schedule import schedule

MISSING_EXIT = 3
SHOWN = 20  # reasons listed on standard error before "and N more"


class Command(BaseCommand):
    help = "Write a year's payment schedule for a scope as Excel, CSV or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="financial year, e.g. 2019/20")
        parser.add_argument("--scope", help="ODS code of a PCN, commissioner, ICS or region")
        parser.add_argument("--format", choices=["xlsx", "csv", "pdf"], default="csv")
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help="exit 0 even when some entitlements cannot be calculated (still warned)",
        )

    def handle(self, year, scope, format, out, allow_missing=False, **options):
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
        else:
            out.write_bytes(body)
            self.stderr.write(
                f"{out}: {len(found.lines)} lines, £{found.total:,.2f}"
                f"{', ' + found.missing_note if found.missing_note else ''}, {year}, "
                f"{org.code if org else 'England'}"
            )
        if found.uncalculable:
            self._warn(found)
            if not allow_missing:
                sys.exit(MISSING_EXIT)

    def _warn(self, found) -> None:
        self.stderr.write(f"Warning: the total £{found.total:,.2f} is {found.missing_note}:")
        for item in found.uncalculable[:SHOWN]:
            line = item.line
            self.stderr.write(
                f"  {line.month:%b %Y} {line.payee.code} {line.label}: {line.missing}"
            )
        if len(found.uncalculable) > SHOWN:
            self.stderr.write(f"  and {len(found.uncalculable) - SHOWN:,} more")
