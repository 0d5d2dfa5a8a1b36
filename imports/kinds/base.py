"""What every importer of a CSV with a header shares: recognising it by the column names it
must have, reading it as text, and renaming its columns to ours by name."""

import polars as pl

from imports.problems import Problems
from imports.source import SourceFile, header_names, match_columns, read_csv


class HeaderedCsv:
    KIND = LABEL = ""
    SIGNATURE: set[str] = set()  # normalised header names that identify the kind
    REQUIRED: dict[str, tuple[str, ...]] = {}
    OPTIONAL: dict[str, tuple[str, ...]] = {}
    FALLBACK_ENCODING: str | None = None  # only where the publisher is known to use one

    @classmethod
    def detect(cls, source: SourceFile) -> bool:
        return not source.is_xlsx and header_names(source) >= cls.SIGNATURE

    @classmethod
    def read(
        cls, source: SourceFile, problems: Problems
    ) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """(the file as read, the file with our column names), or None with problems."""
        raw = read_csv(source, problems, fallback_encoding=cls.FALLBACK_ENCODING)
        if raw is None:
            return None
        frame = match_columns(raw, problems, required=cls.REQUIRED, optional=cls.OPTIONAL)
        return None if frame is None else (raw, frame)
