"""Import service sign-ups from a spreadsheet: one row a practice, service and date.

File layout: a CSV (UTF-8; Windows-1252 as Excel writes it is accepted) or the first sheet of
an .xlsx workbook. Row 1 is the header; columns are matched by name, ignoring case, spacing
and punctuation, in any order. A column not listed here is refused (it means another layout).

    column              what
    Practice ODS code   a letter and five digits (spaces in it are ignored); a practice you
                        may record services for
    Practice name       optional, informational; a name that differs from the registry's warns
    Service             a service of services/services.toml, by its key or its name
                        (e.g. online_consultation or Online consultation)
    Status              not signed up, planned, signed up, live or withdrawn (any case; the
                        keys, e.g. signed_up, too)
    From                the date the status holds from: 2019-07-01 or 01/07/2019 (an Excel
                        date cell is read the same)
    Note                optional, at most 300 characters

One row per practice, service and date. A row for a practice, service and date already on
record corrects that record (its earlier value stays in the history).

Everything is checked before anything is written, then every row is recorded through
services.actions.record_signups in one transaction: a file with any problem is refused whole,
with its file, row, column, value and what was expected, and nothing is written.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError

from imports.problems import Problems
from imports.source import ODS_PATTERNS, SourceFile, read_table
from organisations.models import Organisation, OrgKind
from pcnhub.forms import DATE_FORMATS
from services.actions import (
    NOTE_LENGTH,
    Entry,
    entry_problems,
    may_record,
    not_theirs_on,
    record_signups,
)
from services.catalogue import services
from services.models import SignUpStatus

REQUIRED = {
    "practice_code": ("Practice ODS code", "Practice code", "ODS code"),
    "service": ("Service",),
    "status": ("Status", "Sign-up status"),
    "valid_from": ("From", "Date", "Status from", "Valid from"),
}
OPTIONAL = {
    "practice_name": ("Practice name", "Practice"),
    "note": ("Note", "Notes", "Comment"),
}
# Where a problem's field (from services.actions.entry_problems) is in the file.
COLUMN_OF = {"practice": "practice_code", "service": "service", "status": "status"}
COLUMN_OF |= {"valid_from": "valid_from", "note": "note"}


@dataclass
class ImportResult:
    created: int = 0
    corrected: int = 0
    warnings: list[str] = field(default_factory=list)


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


SERVICE_NAMES = {_words(s.name): s.key for s in services().values()} | {k: k for k in services()}
STATUS_NAMES = {_words(label): value for value, label in SignUpStatus.choices}
STATUS_NAMES |= {value: value for value in SignUpStatus.values}


def ods_code(text: str | None) -> str:
    """An ODS code as typed into a spreadsheet, with any spaces in it taken out ("a 81001",
    " A81001 "): one rule for looking practices up and for checking the code's form."""
    return re.sub(r"\s", "", text or "").upper()


def read_date(text: str | None) -> date | None:
    """A date as people write it, or as a workbook's date cell reads (2019-07-01 00:00:00)."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00(\.0+)?)?", text):
        text = text[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def import_signups(*, path: Path, by) -> ImportResult:
    """Record the statuses the file gives. Raises ImportRejected, having written nothing,
    when anything in the file is wrong."""
    source = SourceFile.from_path(path)
    problems = Problems(source.name)
    frame = read_table(source, problems, required=REQUIRED, optional=OPTIONAL)
    if frame is not None and frame.height == 0:
        problems.add(None, None, None, "at least one row of sign-ups")
    problems.raise_if_any()
    result = ImportResult()
    entries = _check(frame, problems, by, result)
    problems.raise_if_any()
    try:
        result.created, result.corrected = record_signups(
            entries=[entry for entry, _ in entries], by=by, reason=f"imported from {source.name}"
        )
    except (ValidationError, PermissionDenied) as error:  # checked above; kept as a problem
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        for message in messages:
            problems.add(None, None, None, f"sign-ups PCN Hub accepts: {message}")
        problems.raise_if_any()
    return result


def _check(frame, problems: Problems, by, result: ImportResult) -> list[tuple[Entry, int]]:
    """Every check a row can fail, before anything is written."""
    pattern, expected_code = ODS_PATTERNS["practice"]
    codes = {ods_code(row["practice_code"]) for row in frame.iter_rows(named=True)}
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    wanted = []  # (practice, day) of each row, for the dates a practice was the user's
    for row in frame.iter_rows(named=True):
        practice, day = found.get(ods_code(row["practice_code"])), read_date(row["valid_from"])
        if practice is not None and day is not None:
            wanted.append((practice, day))
    not_theirs = not_theirs_on(by, wanted)
    entries, seen = [], {}
    for row in frame.iter_rows(named=True):
        at = row["__row"]
        code = ods_code(row["practice_code"])
        practice = found.get(code)
        if not re.fullmatch(pattern, code):
            problems.add(at, "practice_code", row["practice_code"], expected_code)
            practice = None
        elif practice is None or practice.kind != OrgKind.PRACTICE:
            problems.add(at, "practice_code", row["practice_code"], "the ODS code of a GP practice")
            practice = None
        elif not may_record(by, practice):
            problems.add(
                at,
                "practice_code",
                code,
                f"a practice you may record services for: you may not record for {code}",
            )
            practice = None
        service = SERVICE_NAMES.get(_words(row["service"] or ""))
        if service is None:
            names = ", ".join(s.name for s in services().values())
            problems.add(at, "service", row["service"], f"a service on file: {names}")
        status = STATUS_NAMES.get(_words(row["status"] or ""))
        if status is None:
            labels = ", ".join(label.lower() for label in SignUpStatus.labels)
            problems.add(at, "status", row["status"], f"one of {labels}")
        day = read_date(row["valid_from"])
        if day is None:
            problems.add(at, "valid_from", row["valid_from"], "a date as 2019-07-01 or 01/07/2019")
        note = " ".join((row["note"] or "").split())
        if len(note) > NOTE_LENGTH:
            problems.add(at, "note", note[:40], f"a note of at most {NOTE_LENGTH} characters")
        if practice is None or service is None or status is None or day is None:
            continue
        key = (code, service, day)
        if key in seen:
            problems.add(
                at,
                "practice_code",
                code,
                f"one row a practice, service and date: see row {seen[key]}",
            )
            continue
        seen[key] = at
        name = row["practice_name"]
        if name and " ".join(name.split()).casefold() != practice.name.casefold():
            result.warnings.append(
                f"row {at}: the file names {code} {name!r}; the registry calls it {practice.name!r}"
            )
        entry = Entry(practice, service, status, day, note)
        for field_name, messages in entry_problems(entry).items():
            for message in messages:
                column = COLUMN_OF[field_name]
                problems.add(at, column, row[column], f"a row PCN Hub accepts: {message}")
        if (practice.pk, day) in not_theirs:
            problems.add(
                at,
                "valid_from",
                row["valid_from"],
                f"a date when {code} is one of your practices; it was not on {day:%-d %B %Y}",
            )
        entries.append((entry, at))
    return entries
