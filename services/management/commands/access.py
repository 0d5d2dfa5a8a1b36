"""`pcnhub access --on DATE --scope CODE [--format text|csv]`: for each network in the scope
(a region, ICS, commissioner or PCN) on the day, the network access scheme in force, its
population with basis and date, the required and provided minutes a week, and met or not;
"cannot be calculated: reason" where the population cannot be had. An unknown scope code
exits 1 with a message, as every command's unknown code does; a bad date exits 2 (argparse's
usage error)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from pcnhub.spreadsheet import SafeWriter
from services.network_access import network_access, networks_in, no_scheme_reason
from services.queries import SERVICE_AREA_KINDS

COLUMNS = [
    "network",
    "name",
    "date",
    "scheme",
    "population",
    "population_kind",
    "population_basis",
    "population_date",
    "population_source",
    "population_warnings",
    "rule",
    "required_minutes",
    "required",
    "provided_minutes",
    "provided",
    "met",
    "reason",
]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        from argparse import ArgumentTypeError

        raise ArgumentTypeError(f"{value!r} is not a date like 2022-10-01") from None


class Command(BaseCommand):
    help = "Each network's weekly access requirement on a date against what it provides."

    def add_arguments(self, parser):
        parser.add_argument("--on", type=_day, required=True, help="the day, YYYY-MM-DD")
        parser.add_argument(
            "--scope", required=True, help="ODS code of a region, ICS, commissioner or PCN"
        )
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, on, scope, format, **options):
        code = scope.strip().upper()
        area = Organisation.objects.filter(code=code, kind__in=SERVICE_AREA_KINDS).first()
        if area is None:
            raise CommandError(f"no region, ICS, commissioner or PCN with ODS code {scope!r}")
        rows = network_access(networks_in(area, on), on)
        if format == "csv":
            self._csv(rows, on)
        else:
            self._text(area, rows, on)

    def _csv(self, rows, on):
        writer = SafeWriter(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            p = row.population
            known = p is not None and p.value is not None
            writer.writerow(
                [
                    row.network.code,
                    row.network.name,
                    on.isoformat(),
                    row.scheme.name if row.scheme else "",
                    f"{p.value}" if known else "",
                    p.kind_label if p else "",
                    p.basis if known else "",
                    row.list_date.on.isoformat() if row.list_date else "",
                    p.source if known else "",
                    "; ".join(p.warnings) if known else "",
                    row.rule,
                    f"{row.required}" if row.required is not None else "",
                    row.required_words if row.scheme else "",
                    row.provided if row.scheme else "",
                    row.provided_words if row.scheme else "",
                    row.met_words,
                    row.reason,
                ]
            )

    def _text(self, area, rows, on):
        out = self.stdout.write
        out(f"Access requirements in {area.name} ({area.code}) on {on:%-d %B %Y}")
        if not rows:
            out("No networks on that day.")
            return
        scheme = rows[0].scheme
        if scheme is None:
            out(f"Cannot be calculated: {no_scheme_reason(on)}.")
            return
        out(f"Scheme: {scheme.name}, {scheme.dates_words}. Source: {scheme.source}")
        out(f"Rule: {rows[0].rule}.")
        for row in rows:
            out("")
            out(f"{row.network.name} ({row.network.code})")
            p = row.population
            out(f"  Population: {p.text if p else 'none'}")
            out(f"  Required a week: {row.required_words}")
            out(f"  Provided a week: {row.provided_words}")
            for check in row.checks:
                if check.short:
                    out(f"  {check.text[0].upper()}{check.text[1:]}")
            out(f"  {row.met_words[0].upper()}{row.met_words[1:]}")
