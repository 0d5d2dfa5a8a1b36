"""`pcnhub coverage --on DATE [--area CODE] [--basis registered|qof] [--allow-later]
[--format text|csv]`: coverage of England or an area on a day and the PCN size distribution,
with the basis, date and source of the lists counted (registrations.coverage)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from registrations import exports
from registrations.coverage import coverage, find_area

BASES = {"registered": "registered", "qof": "qof"}


class Command(BaseCommand):
    help = "Coverage and the PCN size distribution on a day, with the lists they count."

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--area", help="ODS code of a commissioner, ICS or region (default England)"
        )
        parser.add_argument(
            "--basis",
            choices=sorted(BASES),
            default="registered",
            help="registered: an extract or a QOF list size, whichever is latest on or before "
            "the day (default); qof: QOF list sizes alone",
        )
        parser.add_argument(
            "--allow-later",
            action="store_true",
            help="where a practice has no list on or before the day, use its earliest later one "
            "(said beside each figure)",
        )
        parser.add_argument("--format", choices=("text", "csv"), default="text")

    def handle(self, on, area, basis, allow_later, format, **options):
        place = None
        if area:
            place = find_area(area)
            if place is None:
                raise CommandError(f"no commissioner, ICS or region with ODS code {area!r}")
        found = coverage(place, on, kind=BASES[basis], allow_later=allow_later)
        if format == "csv":
            self.stdout.write(exports.figures_csv(found), ending="")
            return
        rows = list(exports.figure_rows(found))
        code, name = exports.area_code_name(found)
        year = found.year.label if found.year else "none in force"
        self.stdout.write(f"PCN coverage: {name} ({code}) on {on:%-d %B %Y}, DES year {year}")
        skip = len(exports.AREA_HEADER)
        for row in rows[1:]:
            label, value = row[skip:]
            shown = "n/a" if value is None else f"{value:,}" if isinstance(value, int) else value
            self.stdout.write(f"{label}: {shown}")
