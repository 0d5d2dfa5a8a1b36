"""`pcnhub assign-role USERNAME ROLE [ODS_CODE] [--create]`: give someone a role over an
organisation (or all of England when no code is given)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.actions import assign_role
from accounts.models import Role
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Give a user a role, scoped to an organisation by ODS code or to all of England."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("code", nargs="?", help="ODS code of the scope; none = England")
        parser.add_argument("--create", action="store_true", help="create the user if new")

    @transaction.atomic
    def handle(self, username, role, code, create, **options):
        organisation = None
        if code:
            organisation = Organisation.objects.filter(code=code.upper()).first()
            if organisation is None:
                raise CommandError(f"no organisation with ODS code {code!r}")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not create:
                raise CommandError(f"no user named {username!r} (use --create)")
            user = User.objects.create_user(username=username)
            self.stdout.write(f"created {username}; set a password with `pcnhub changepassword`")
        assign_role(user=user, role=role, organisation=organisation)
        self.stdout.write(f"{username}: {Role(role).label} for {organisation or 'England'}")
