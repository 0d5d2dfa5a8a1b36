"""Fast inserts of many plain rows: COPY on PostgreSQL, executemany elsewhere.

The ORM's bulk_create builds a model instance per row; for hundreds of thousands of list-size
figures that costs more than the database does. These rows need no signals or history (the
import run that wrote them is on each row), so they go in directly.
"""

from collections.abc import Callable

import polars as pl
from django.db import connection

CHUNK = 20000


def insert_rows(
    model, columns: list[str], frame: pl.DataFrame, on_progress: Callable[[int], None]
) -> None:
    if frame.is_empty():
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
                for done, row in enumerate(frame.iter_rows(), 1):
                    copy.write_row(row)
                    if done % CHUNK == 0:
                        on_progress(done)
        else:
            # sqlite3's own date adapter is deprecated; ISO text is what Django stores anyway.
            frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
            for start in range(0, frame.height, CHUNK):
                chunk = frame.slice(start, CHUNK)
                cursor.executemany(sql, chunk.rows())
                on_progress(start + chunk.height)
    on_progress(frame.height)
