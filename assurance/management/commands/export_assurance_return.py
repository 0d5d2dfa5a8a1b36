"""`pcnhub export-assurance-return --commissioner CODE --framework KEY --out FILE`: the
commissioner's latest round against the framework as an Excel or CSV return (by the file's
extension), in the layout import-assurance-return reads back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assurance.exports import return_csv, return_xlsx
from assurance.management.commands.import_assurance_return import latest_round


class Command(BaseCommand):
    help = "Export a commissioner's latest assurance round as a return (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("--commissioner", required=True, help="the commissioner's ODS code")
        parser.add_argument("--framework", required=True, help="the framework's key")
        parser.add_argument("--out", required=True, type=Path, help="a .xlsx or .csv file")

    def handle(self, commissioner, framework, out, **options):
        round = latest_round(commissioner, framework)
        if out.suffix == ".xlsx":
            out.write_bytes(return_xlsx(round))
        elif out.suffix == ".csv":
            out.write_text(return_csv(round), encoding="utf-8-sig")
        else:
            raise CommandError(f"{out.name}: write a .xlsx or a .csv file")
        self.stdout.write(f"{round.commissioner.code} {round.label}: written to {out}")
