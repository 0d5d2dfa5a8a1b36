"""Problems found in an input file: file, row, column, value and what was expected."""

from dataclasses import asdict, dataclass

import polars as pl

PROBLEM_LIMIT = 50


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

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
