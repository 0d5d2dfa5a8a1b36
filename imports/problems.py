"""Problems found in an input file: file, row, column, value and what was expected."""

import re
from dataclasses import asdict, dataclass, fields

import polars as pl

PROBLEM_LIMIT = 50
# NUL and the other control characters a binary or UTF-16 file is full of: PostgreSQL's JSON
# cannot hold NUL, so a report that kept them would fail to save and leave its run "running".
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """Text as a report can store and show it: control characters written as \\x00."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str):
                object.__setattr__(self, field.name, printable(value))

    def __str__(self):
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = "" if self.value is None else f" {self.value!r}:"
        return f"{where}:{value} expected {self.expected}"

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRejected(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem], total: int):
        self.problems = problems
        self.total = total
        super().__init__(f"{total} problem(s); first: {problems[0] if problems else 'none'}")


class Problems:
    """Collects problems up to PROBLEM_LIMIT while counting them all."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.items: list[Problem] = []
        self.total = 0
        # Our column names → what the person sees in the file (its header, or a position).
        self.labels: dict[str, str] = {}

    def add(self, row, column, value, expected) -> None:
        self.total += 1
        if len(self.items) < PROBLEM_LIMIT:
            value = None if value is None else str(value)[:80]
            column = self.labels.get(column, column)
            self.items.append(Problem(self.file_name, row, column, value, expected))

    def add_rows(self, bad: pl.DataFrame, column: str, expected: str, value_column=None) -> None:
        """Record one problem per row of `bad` (which carries the file row number in __row)."""
        value_column = value_column or column
        self.total += bad.height
        room = PROBLEM_LIMIT - len(self.items)
        if room <= 0:
            return
        label = self.labels.get(column, column)
        for row, value in bad.head(room).select("__row", value_column).iter_rows():
            value = None if value is None else str(value)[:80]
            self.items.append(Problem(self.file_name, row, label, value, expected))

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportRejected(self.items, self.total)
