"""`pcnhub fetch-nhs-data [--to DIR] [--source ID] [--no-import]`: download and import the
current national files when the machine is online."""

from pathlib import Path
from urllib.error import URLError

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from imports.catalogue import catalogue
from imports.fetch import fetch
from imports.kinds import recognised


class Command(BaseCommand):
    help = "Download the current ODS and NHS Digital files (sources.json), then import them."

    def add_arguments(self, parser):
        ids = [source["id"] for source in catalogue()["sources"]]
        parser.add_argument("--to", type=Path, default=settings.VAR_DIR / "nhs")
        parser.add_argument("--source", action="append", choices=ids, help="repeatable")
        parser.add_argument("--no-import", action="store_true")

    def handle(self, to, source, no_import, **options):
        try:
            files = fetch(source, to)
        except (URLError, TimeoutError, LookupError) as error:
            raise CommandError(f"could not download: {error}") from error
        for path in files:
            self.stdout.write(f"downloaded {path}")
        # Publications bundle files PCN Hub does not hold (e.g. QOF achievement); import
        # only the kinds it recognises and say what was left.
        importable = [p for p in files if recognised(p)]
        for path in sorted(set(files) - set(importable)):
            self.stdout.write(f"not a kind PCN Hub imports, kept but not imported: {path.name}")
        if importable and not no_import:
            call_command("import_file", *map(str, importable), verbosity=options["verbosity"])
