"""Reading an input file into polars, checking its shape before any value is trusted.

Every frame carries `__row`, the row number a person sees when opening the file in Excel
(the header is row 1 where there is one), so problems point at the right row.
"""

import csv
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
from django.conf import settings
from django.utils import timezone

from imports.problems import ImportRejected, Problem, Problems, printable
from pcnhub.spreadsheet import UNQUOTE

ODS_PATTERNS = {
    "practice": (r"^[A-Z]\d{5}$", "a practice ODS code: a letter and five digits, e.g. A81001"),
    "pcn": (r"^U\d{5}$", "a PCN ODS code: U and five digits, e.g. U89141"),
    "commissioner": (
        r"^[0-9A-Z]{3}([0-9A-Z]{2})?$",
        "a commissioner ODS code of three or five characters, e.g. 16C or X2C4Y",
    ),
    "ics": (
        r"^(Q[0-9A-Z]{2}|[0-9A-Z]{5})$",
        "an STP/ICS ODS code: Q and two characters (e.g. QHM) or five characters",
    ),
    "region": (r"^Y\d{2}$", "a region ODS code: Y and two digits, e.g. Y63"),
    "any": (r"^[A-Z0-9]{3,6}$", "an ODS code of 3 to 6 letters and digits, e.g. A81001 or U89141"),
}


@dataclass(frozen=True)
class Era:
    """NHS files name commissioners CCGs until July 2022 and sub-ICB locations after; the
    layer above is an STP, then an ICB. The era is data on each organisation."""

    layout: str
    commissioner: str
    ics: str


CCG_ERA = Era("CCG era", "CCG", "STP")
SUB_ICB_ERA = Era("sub-ICB era", "sub-ICB location", "ICB")


def era_of(columns) -> Era:
    """The era a file's header speaks of."""
    return SUB_ICB_ERA if any("SUB_ICB" in normalise_header(c) for c in columns) else CCG_ERA


def header_names(source: "SourceFile") -> set[str]:
    return {normalise_header(c) for c in source.first_line().split(",")}


# ODS splits addresses over five lines; the registry keeps one line of text.
ADDRESS = pl.concat_str(
    [pl.col(f"address_{i}") for i in range(1, 6)], separator=", ", ignore_nulls=True
)


def normalise_header(name: str) -> str:
    """Compare column names case- and spacing-insensitively (ePCN headers wrap and vary)."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


_NAMED_DATE = re.compile(
    r"(?<!\d)(20\d\d)[-_]?(0[1-9]|1[0-2])(?:[-_]?(0[1-9]|[12]\d|3[01]))?(?!\d)"
)


def date_in_name(*names: str) -> date | None:
    """The date a file's name (or its folder's) gives, e.g. epraccur-2022-12.csv or
    ods-epraccur-20221205/: the first of the month when it names only a month."""
    for name in names:
        found = _NAMED_DATE.search(name or "")
        if found:
            year, month, day = found.groups()
            return date(int(year), int(month), int(day or 1))
    return None


def _refuse_larger(name: str, size: int, limit: int) -> None:
    if size > limit:
        expected = f"an archive expanding to at most {limit:,} bytes (IMPORT_MAX_EXPANDED_BYTES)"
        more = f"more than {limit:,} bytes" if size == limit + 1 else f"{size:,} bytes"
        raise ImportRejected([Problem(name, None, None, more, expected)], 1)


@dataclass
class SourceFile:
    name: str
    data: bytes
    checksum: str = field(init=False)
    # The date the file describes as a person stated it (given, or in the file's name), for
    # files that carry none of their own (epraccur); never read from the content.
    stated: date | None = None

    def __post_init__(self):
        self.name = printable(self.name)  # a zip member's name may hold any bytes
        self.checksum = hashlib.sha256(self.data).hexdigest()

    @classmethod
    def from_path(cls, path: Path) -> "SourceFile":
        path = Path(path)
        return cls.unwrap(path.name, path.read_bytes())

    @classmethod
    def unwrap(cls, name: str, data: bytes) -> "SourceFile":
        """NHS Digital publishes gzipped and zipped CSVs: take the one data file inside.

        Expanded a piece at a time and never past IMPORT_MAX_EXPANDED_BYTES, and a zip of more
        than IMPORT_MAX_ZIP_MEMBERS files is refused unread: a small file that expands to
        gigabytes (a "zip bomb") is turned away with a report, not unpacked into memory. A
        zip holding several CSVs is left whole, so detection reports it as unknown."""
        limit = settings.IMPORT_MAX_EXPANDED_BYTES
        if data[:2] == b"\x1f\x8b":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                inner = inflater.decompress(data, limit + 1)
            except zlib.error:
                inner = None  # a damaged archive; detection reports it
            if inner is not None:
                _refuse_larger(name, len(inner), limit)
                if inflater.eof:
                    return cls(name.removesuffix(".gz"), inner)
        if data[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    return cls._from_zip(name, data, archive, limit)
            except (zipfile.BadZipFile, zlib.error, EOFError):
                pass  # not a zip after all, or a damaged one; detection reports it
        return cls(name, data)

    @classmethod
    def _from_zip(cls, name: str, data: bytes, archive: zipfile.ZipFile, limit: int):
        members = archive.infolist()
        if any(m.filename == "xl/workbook.xml" for m in members):
            return cls(name, data)  # an Excel workbook, read as one
        most = settings.IMPORT_MAX_ZIP_MEMBERS
        if len(members) > most:
            problem = Problem(
                name, None, None, f"{len(members):,} files", f"a zip of at most {most}"
            )
            raise ImportRejected([problem], 1)
        csvs = [m for m in members if m.filename.lower().endswith(".csv")]
        if len(csvs) != 1:
            return cls(name, data)
        _refuse_larger(name, csvs[0].file_size, limit)
        with archive.open(csvs[0]) as member:
            inner = member.read(limit + 1)  # the header's size may lie
        _refuse_larger(name, len(inner), limit)
        return cls(Path(csvs[0].filename).name, inner)

    @property
    def is_xlsx(self) -> bool:
        return self.data[:4] == b"PK\x03\x04"

    def text(self, problems: Problems, fallback: str | None = None) -> str | None:
        """The file as UTF-8 text (a BOM is dropped); a bad byte is reported with its row.
        A kind whose publisher is known to write another encoding names it as `fallback`."""
        data = self.data[3:] if self.data.startswith(b"\xef\xbb\xbf") else self.data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            if fallback:
                text = data.decode(fallback, errors="replace")
            else:
                row = data[: error.start].count(b"\n") + 1
                bad = data[error.start : error.start + 4]
                problems.add(row, None, repr(bad), "UTF-8 text (the file is in another encoding)")
                return None
        if "\x00" in text:
            row = text[: text.index("\x00")].count("\n") + 1
            problems.add(row, None, "NUL byte", "a text CSV file, not a binary or UTF-16 file")
            return None
        return text

    def first_line(self) -> str:
        head = self.data[:4096].decode("utf-8", errors="replace").lstrip("\ufeff")
        return head.splitlines()[0] if head.strip() else ""


def field_counts(lines: pl.Series) -> pl.Series:
    """Fields per CSV line, ignoring commas inside double-quoted values."""
    return lines.str.replace_all(r'"[^"]*"', "").str.count_matches(",") + 1


def read_csv(
    source: SourceFile,
    problems: Problems,
    *,
    columns: list[str] | None = None,
    has_header: bool = True,
    fallback_encoding: str | None = None,
) -> pl.DataFrame | None:
    """All columns as text. With a header, columns are matched by name later; without one,
    `columns` names them by position. Rows with the wrong number of fields are reported."""
    text = source.text(problems, fallback_encoding)
    if text is None:
        return None
    if columns is not None:
        problems.labels.update({name: f"{i} ({name})" for i, name in enumerate(columns, 1)})
    lines = pl.Series("line", text.splitlines())
    first_data = 1 if has_header else 0
    numbered = pl.DataFrame({"line": lines}).with_row_index("__row", offset=1)
    numbered = numbered.filter(pl.col("line").str.strip_chars() != "")
    if numbered.height <= first_data:
        problems.add(None, None, None, "at least one data row")
        return None
    expected = (
        len(columns) if columns is not None else int(field_counts(numbered["line"].head(1))[0])
    )
    counts = numbered.with_columns(fields=field_counts(numbered["line"]))
    if counts.filter(pl.col("fields") != expected).height:
        # Rarely, a quoted value holds a line break (a comment over two lines): read record
        # by record, so only a truly short or long row is reported.
        frame = _records(text, expected, has_header, columns, problems)
    else:
        frame = pl.read_csv(
            io.StringIO("\n".join(numbered["line"].to_list())),
            has_header=has_header,
            new_columns=columns,
            infer_schema=False,
        )
        frame = frame.with_columns(pl.Series("__row", numbered["__row"].slice(first_data)))
    if frame is None:
        return None
    # Our own exports put an apostrophe before text a spreadsheet would run (pcnhub.spreadsheet);
    # read back, the text is as it was typed.
    unquoted = pl.col(pl.String).str.strip_chars().str.replace(UNQUOTE, "$1")
    return frame.with_columns(unquoted.replace("", None))


def _records(text, expected, has_header, columns, problems) -> pl.DataFrame | None:
    """The CSV's records by the csv module, each numbered as Excel shows it (a record over
    two lines is one row); records with the wrong number of fields are reported, giving
    None."""
    records, rows, bad = [], [], []
    for row, record in enumerate(csv.reader(io.StringIO(text)), 1):
        if any(value.strip() for value in record):
            if len(record) != expected:
                bad.append((row, ",".join(record)[:60]))
            records.append(record)
            rows.append(row)
    for row, line in bad:
        problems.add(
            row,
            "(whole row)",
            line,
            f"{expected} fields (the row is truncated or has extra fields)",
        )
    if bad:
        return None
    header = records.pop(0) if has_header else columns
    rows = rows[1:] if has_header else rows
    frame = pl.DataFrame(records, schema=[(name, pl.String) for name in header], orient="row")
    return frame.with_columns(pl.Series("__row", rows))


def read_xlsx_sheet(source: SourceFile, sheet: str) -> pl.DataFrame:
    """One sheet of a workbook as text; the header is row 1, so data starts at row 2."""
    frame = pl.read_excel(io.BytesIO(source.data), sheet_name=sheet, infer_schema_length=0)
    frame = frame.rename({c: " ".join(str(c).split()) for c in frame.columns})
    frame = frame.with_columns(pl.all().cast(pl.String))
    frame = frame.with_columns(pl.Series("__row", range(2, frame.height + 2)))
    return frame.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))


def match_columns(
    frame: pl.DataFrame,
    problems: Problems,
    *,
    required: dict[str, tuple[str, ...]],
    optional: dict[str, tuple[str, ...]] | None = None,
) -> pl.DataFrame | None:
    """Rename the file's columns to our names by matching header names (never positions).

    Each of our names lists the header spellings the publisher has used. A missing required
    column or a column we do not know is a problem: it means the wrong file or a new layout."""
    optional = optional or {}
    wanted = {**required, **optional}
    lookup = {normalise_header(a): ours for ours, aliases in wanted.items() for a in aliases}
    renames, seen = {}, set()
    for column in frame.columns:
        if column == "__row":
            continue
        ours = lookup.get(normalise_header(column))
        if ours is None:
            problems.add(1, column, column, f"only known columns ({', '.join(wanted)})")
        elif ours in seen:
            problems.add(1, column, column, "each column once")
        else:
            renames[column] = ours
            seen.add(ours)
    for ours, aliases in required.items():
        if ours not in seen:
            problems.add(1, aliases[0], None, f"a column named {aliases[0]}")
    if problems.total:
        return None
    problems.labels.update({ours: theirs for theirs, ours in renames.items()})
    frame = frame.rename(renames)
    missing = [pl.lit(None, pl.String).alias(name) for name in optional if name not in seen]
    return frame.with_columns(missing) if missing else frame


def check_pattern(frame: pl.DataFrame, problems: Problems, column: str, kind: str, *, allow=()):
    """Report values that are not well-formed ODS codes of `kind` (blank counts as bad)."""
    pattern, expected = ODS_PATTERNS[kind]
    ok = pl.col(column).str.contains(pattern) | pl.col(column).is_in(list(allow))
    problems.add_rows(frame.filter(~ok.fill_null(False)), column, expected)


def latest_date() -> date:
    """The latest date a file may hold: today plus IMPORT_FUTURE_DAYS (a planned opening the
    publisher already lists). A later one (2099) would reopen, rename or move organisations
    with details no correct later file could undo."""
    return timezone.localdate() + timedelta(days=settings.IMPORT_FUTURE_DAYS)


def no_later_than(latest: date) -> str:
    return f"a date no later than {latest:%-d %B %Y} (today and {settings.IMPORT_FUTURE_DAYS} days)"


def parse_dates(frame: pl.DataFrame, problems: Problems, column: str, fmt: str, *, required=False):
    """Parse a text date column in place; unparseable values and dates after `latest_date`
    are reported, blanks allowed unless required."""
    parsed = pl.col(column).str.strptime(pl.Date, fmt, strict=False)
    bad = frame.filter(parsed.is_null() & (pl.col(column).is_not_null() | required))
    readable = {"%Y%m%d": "YYYYMMDD, e.g. 20190701", "%Y-%m-%d": "YYYY-MM-DD"}.get(fmt, fmt)
    problems.add_rows(bad, column, f"a date as {readable}")
    latest = latest_date()
    problems.add_rows(frame.filter(parsed > latest), column, no_later_than(latest))
    return frame.with_columns(parsed.alias(column))


def parse_counts(
    frame: pl.DataFrame, problems: Problems, column: str, *, blank_ok=False, of="patients"
):
    """Counts: whole numbers, zero or more (blank only where the publisher leaves figures
    out, as QOF does for some registers and maximum points)."""
    parsed = pl.col(column).str.strip_chars().cast(pl.Int64, strict=False)
    missing = parsed.is_null() & (pl.col(column).is_not_null() | (not blank_ok))
    bad = frame.filter(missing | (parsed < 0))
    problems.add_rows(bad, column, f"a whole number of {of}, zero or more")
    return frame.with_columns(parsed.alias(column))


def check_unique(frame: pl.DataFrame, problems: Problems, keys: list[str], what: str) -> None:
    duplicated = frame.filter(pl.struct(keys).is_duplicated())
    problems.add_rows(duplicated, keys[0], f"one row per {what}")


_EXTRACT_FORMATS = ("%d%b%Y", "%d-%b-%y", "%Y-%m-%d", "%d-%b-%Y", "%d/%m/%Y")


def parse_extract_date(value: str | None) -> date | None:
    """NHS Digital writes EXTRACT_DATE as 01JAN2021, 01Jan2022, 01-Sep-20 or 2025-04-01."""
    if not value:
        return None
    for fmt in _EXTRACT_FORMATS:
        try:
            return datetime.strptime(value.strip().title(), fmt).date()
        except ValueError:
            continue
    return None


def read_table(
    source: SourceFile,
    problems: Problems,
    *,
    required: dict[str, tuple[str, ...]],
    optional: dict[str, tuple[str, ...]] | None = None,
) -> pl.DataFrame | None:
    """A person's spreadsheet: a CSV (UTF-8, or Windows-1252 as Excel saves it) or the first
    sheet of an .xlsx, all text, columns matched by header name, blank rows dropped."""
    if source.is_xlsx:
        import fastexcel

        try:
            sheet = fastexcel.read_excel(source.data).sheet_names[0]
            frame = read_xlsx_sheet(source, sheet)
        except (fastexcel.FastExcelError, IndexError, pl.exceptions.PolarsError) as error:
            problems.add(None, None, str(error)[:80], "a readable .xlsx workbook")
            return None
    else:
        frame = read_csv(source, problems, fallback_encoding="cp1252")
        if frame is None:
            return None
    frame = match_columns(frame, problems, required=required, optional=optional)
    if frame is None:
        return None
    data = [c for c in frame.columns if c != "__row"]
    return frame.filter(pl.any_horizontal(pl.col(data).is_not_null()))
