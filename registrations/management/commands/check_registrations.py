"""`pcnhub check-registrations --year 2019/20 [--commissioner CODE]`: the DES rule results for
every registration of the year; exits non-zero when any rule fails (for scripts and CI-style
checks before a panel)."""

from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from organisations.queries import commissioners_under
from registrations.coverage import find_area
from registrations.facts import results_for, with_members
from registrations.models import Registration
from registrations.rules import Result
from registrations.years import YearDataError, des_year

MARKS = {Result.PASS: "pass", Result.WARNING: "WARN", Result.FAIL: "FAIL"}


class Command(BaseCommand):
    help = "Check every registration of a DES year against that year's rules."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="DES year, e.g. 2019/20")
        parser.add_argument("--commissioner", help="ODS code of a commissioner, ICS or region")
        parser.add_argument(
            "--on", type=date.fromisoformat, help="judge deadlines as at YYYY-MM-DD (default today)"
        )
        parser.add_argument(
            "--all", dest="show_all", action="store_true", help="print passing rules too"
        )

    def handle(self, year, commissioner, on, show_all, verbosity, **options):
        try:
            label = des_year(year).label
        except YearDataError as error:
            raise CommandError(str(error)) from None
        on = on or timezone.localdate()
        registrations = Registration.objects.filter(des_year=label)
        if commissioner:
            area = find_area(commissioner)
            if area is None:
                raise CommandError(f"no commissioner, ICS or region with ODS code {commissioner!r}")
            ids = commissioners_under([area], on)[area.pk] or {area.pk}
            registrations = registrations.filter(commissioner_id__in=ids)
        registrations = list(
            with_members(registrations).order_by("commissioner__code", "pcn__code")
        )
        results = results_for(registrations, on)
        tally = Counter()
        failing = 0
        for registration in registrations:
            found = results[registration.pk]
            tally.update(r.result for r in found)
            failing += any(r.failed for r in found)
            shown = [r for r in found if show_all or r.result != Result.PASS]
            if verbosity and (shown or show_all):
                self.stdout.write(
                    f"{registration.pcn.code} {registration.pcn.name} "
                    f"({registration.commissioner.code}, {registration.get_status_display()})"
                )
                for result in shown:
                    self.stdout.write(f"  {MARKS[result.result]}  {result.code}: {result.reason}")
        self.stdout.write(
            f"{label}: {len(registrations)} registrations checked as at {on:%Y-%m-%d}; "
            f"{tally[Result.PASS]} passes, {tally[Result.WARNING]} warnings, "
            f"{tally[Result.FAIL]} failures in {failing} registrations"
        )
        if failing:
            raise CommandError(f"{failing} registration(s) fail at least one rule")
