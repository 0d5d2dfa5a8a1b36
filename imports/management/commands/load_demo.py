"""`pcnhub load_demo [--national]`: load demo data through the real importers, and demo users.

Without --national it writes the generated demo area's files under var/demo and imports them;
with --national it imports the national NHS files from NHS_DATA_DIR instead. Safe to re-run:
unchanged files change nothing."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.actions import assign_role, set_up_person
from accounts.models import Role, RoleAssignment
from assurance.demo import seed as seed_assurance
from demo.payments import seed as seed_payments
from demo.plans import seed as seed_plans
from demo.registrations import seed as seed_registrations
from imports.actions import import_file
from imports.national import national_files
from organisations.models import Organisation, OrgKind
from registrations.actions import record_from_ods
from services.demo import seed as seed_services

DEMO_PASSWORD = "pcnhub-demo"  # noqa: S105 - printed for the local demo, refused without DEBUG


class Command(BaseCommand):
    help = "Load the demo area (or the national files) and the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--national", action="store_true", help="load ../shared/data/nhs")

    def handle(self, national, **options):
        if not settings.DEBUG:
            raise CommandError("demo data and demo passwords are for DEBUG=1 only")
        files = self._national() if national else self._demo()
        for path in files:
            run = import_file(path=path)
            self.stdout.write(
                f"  {path.name}: {run.status}, {run.rows_read} rows, {run.created} created, "
                f"{run.changed} changed, {run.unchanged} unchanged"
            )
            if run.status != "succeeded":
                raise CommandError(f"{path} did not import: {run.problems[:3]}")
        people = self._people()
        self._registrations(people, national)
        if not national:
            paid = seed_payments(
                commissioner_user=people["commissioner"], finance_user=people["finance"]
            )
            self.stdout.write(
                f"Payments: {paid} network-months marked paid (April 2019 to August 2024)"
            )
            self.stdout.write(seed_services())
            planned = seed_plans(
                stp_user=people["stp"],
                commissioner_user=people["commissioner"],
                pcn_user=people["pcn"],
            )
            self.stdout.write(f"Plans: {planned} key actions in three programmes")
            rounds = seed_assurance(assurance_user=people["assurance"], people=people)
            self.stdout.write(f"Assurance: {rounds} rounds")

    def _demo(self):
        from demo.generate import generate

        out = settings.VAR_DIR / "demo"
        out.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Demo area: writing NHS-format files to {out}")
        return generate(out)

    def _national(self):
        data = settings.NHS_DATA_DIR
        if not data.is_dir():
            raise CommandError(f"no national NHS data at {data} (set NHS_DATA_DIR)")
        self.stdout.write(f"National NHS files from {data}")
        return national_files(data)

    def _people(self):
        commissioners = list(
            Organisation.objects.filter(kind=OrgKind.COMMISSIONER).order_by("code")
        )
        first = commissioners[0] if commissioners else None
        pcn = Organisation.objects.filter(kind=OrgKind.PCN).order_by("code").first()
        stp = Organisation.objects.filter(kind=OrgKind.ICS).order_by("code").first()
        region = Organisation.objects.filter(kind=OrgKind.REGION).order_by("code").first()
        cast = [
            ("demo", "Registry administrator (all of England)", Role.REGISTRY_ADMIN, None),
            ("commissioner", "Commissioner primary care team", Role.COMMISSIONER, first),
            ("finance", "Commissioner finance", Role.COMMISSIONER_FINANCE, first),
            ("pcn", "PCN manager", Role.PCN_MANAGER, pcn),
            ("stp", "STP programme office", Role.PROGRAMME_OFFICE, stp),
            ("assurance", "NHS England assurance team", Role.ASSURANCE, region),
        ]
        # The other commissioners' teams, who took their networks' registrations in 2019.
        cast += [
            (
                f"commissioner-{org.code.lower()}",
                "Commissioner primary care team",
                Role.COMMISSIONER,
                org,
            )
            for org in commissioners[1:3]
        ]
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        people = {}
        for username, title, role, organisation in cast:
            user = set_up_person(username=username, full_title=title, password=DEMO_PASSWORD)
            assign_role(user=user, role=role, organisation=organisation)
            people[username] = user
            scope = organisation.name if organisation else "England"
            self.stdout.write(f"  {username:<17} {title} — {scope}")
        return people

    def _registrations(self, people, national):
        """2019/20 registrations: the demo area's in every state; for the national files, the
        December 2019 ODS configuration recorded as approved."""
        if national:
            count = record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=people["demo"])
        else:
            teams = RoleAssignment.objects.filter(
                role=Role.COMMISSIONER, user__in=people.values()
            ).select_related("organisation", "user")
            staff = {team.organisation.code: team.user for team in teams}
            staff["stp"] = people["stp"]
            count = seed_registrations(
                staff=staff, pcn_user=people["pcn"], registry_admin=people["demo"]
            )
        self.stdout.write(f"2019/20 registrations recorded: {count}")
