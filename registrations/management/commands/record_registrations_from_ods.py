"""`pcnhub record-registrations-from-ods --year 2019/20 --on 2019-12-01 [--commissioner CODE]`:
record the PCN configuration the registry holds (from the ODS ePCN files) as approved
registrations, for networks approved before PCN Hub was in use."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organisations.queries import commissioners_under
from registrations.actions import record_from_ods
from registrations.coverage import find_area
from registrations.years import YearDataError, des_year


class Command(BaseCommand):
    help = "Record the ODS PCN configuration on a date as approved registrations for a DES year."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="DES year, e.g. 2019/20")
        parser.add_argument("--on", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--commissioner", help="only this commissioner, ICS or region")
        parser.add_argument("--as", dest="username", help="record it as this user")

    def handle(self, year, on, commissioner, username, **options):
        try:
            label = des_year(year).label
        except YearDataError as error:
            raise CommandError(str(error)) from None
        by = None
        if username:
            by = get_user_model().objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"no user named {username!r}")
        within = None
        if commissioner:
            area = find_area(commissioner)
            if area is None:
                raise CommandError(f"no commissioner, ICS or region with ODS code {commissioner!r}")
            within = commissioners_under([area], on)[area.pk]
        count = record_from_ods(year_label=label, on=on, by=by, within=within)
        self.stdout.write(
            f"{count} registrations recorded for {label} from the ODS configuration on {on}"
        )
