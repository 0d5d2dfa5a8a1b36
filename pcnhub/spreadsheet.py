"""Exports that a spreadsheet program opens safely: no cell a person typed (a practice's name,
a comment) ever runs as a formula.

CSV has no cell types, so a text cell that starts with =, +, -, @, a tab or a carriage return
gets a leading apostrophe, which Excel, LibreOffice and Google Sheets take as "this is text"
(the OWASP CSV injection advice). A plain number, such as a recovery of -25.00, is left as it
is. Excel workbooks are written with formulas, numbers and links never guessed from strings,
so every text cell is stored as text whatever it starts with."""

import csv
import re

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
UNQUOTE = r"^'([=+\-@\t\r])"  # the apostrophe `csv_text` adds, for reading a file back


def csv_text(value: str) -> str:
    """The value, with an apostrophe before it when a spreadsheet would run it."""
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose string cells pass through `csv_text`."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_text(v) if isinstance(v, str) else v for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def safe_workbook(out) -> xlsxwriter.Workbook:
    """An in-memory workbook that stores every string as text (never a formula or link)."""
    return xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
