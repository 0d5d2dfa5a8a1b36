"""`pcnhub rekey-bank-details [--skip-unreadable]`: re-encrypt every stored bank detail,
history included, with the first of BANK_DETAILS_KEYS, in one transaction.

Run it after putting a new key first (old keys stay in the list until it has run) and once to
move values from the legacy SECRET_KEY-derived scheme. Values already under the first key are
left alone, so a second run changes nothing. A value no configured key opens is listed and
the command exits 1 with nothing written, unless --skip-unreadable leaves such values as they
are and moves the rest.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from registrations.encryption import BankDetailField, Unreadable, decrypt, under_first_key


def _encrypted_fields():
    """Each model with bank details (historical ones too) and the names of its fields."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.fields if isinstance(f, BankDetailField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt every stored bank detail with the first of BANK_DETAILS_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-unreadable",
            action="store_true",
            help="leave values no configured key opens as they are, and move the rest",
        )

    @transaction.atomic
    def handle(self, skip_unreadable, **options):
        moves, current, unreadable = [], 0, []
        for model, names in _encrypted_fields():
            stored = {f"stored_{name}": Cast(name, models.TextField()) for name in names}
            rows = model._base_manager.annotate(**stored).values_list("pk", *stored)
            for pk, *tokens in rows.iterator():
                changes = {}
                for name, token in zip(names, tokens, strict=True):
                    if not token:
                        continue
                    if under_first_key(token):
                        current += 1
                        continue
                    value = decrypt(token)
                    if isinstance(value, Unreadable):
                        unreadable.append(f"{model._meta.label} {pk} {name}")
                    else:
                        changes[name] = value
                if changes:
                    moves.append((model, pk, changes))
        for row in unreadable:
            self.stderr.write(f"cannot be read: {row}")
        if unreadable and not skip_unreadable:
            raise CommandError(
                f"{len(unreadable)} bank details cannot be read with the configured keys; "
                "nothing was re-encrypted (add their key, or pass --skip-unreadable)"
            )
        for model, pk, changes in moves:
            model._base_manager.filter(pk=pk).update(**changes)
        moved = sum(len(changes) for _, _, changes in moves)
        self.stdout.write(
            f"Re-encrypted {moved} bank details with the first key; {current} already were; "
            f"{len(unreadable)} cannot be read and were left as they are."
        )
