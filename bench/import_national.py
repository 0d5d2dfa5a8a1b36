"""Import every national NHS file in ../shared/data/nhs and print wall time, rows per second
and peak memory; re-import one unchanged file; and print the bare columnar read time of the
same files (the floor). Runs on SQLite and then on PostgreSQL, each in a fresh throwaway
database (PostgreSQL from BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).

    .venv/bin/python bench/import_national.py [--data DIR] [--only sqlite|postgresql]

Targets on the 2-core reference machine: whole set < 60 s, peak memory < 1 GB, unchanged
re-import < 5 s.
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402 - bench/ is this script's own folder


def measure(data: Path) -> None:
    """Runs in a child process whose DATABASE_URL names an empty throwaway database."""
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection

    from imports.actions import import_file
    from imports.national import national_files
    from imports.source import SourceFile

    call_command("migrate", verbosity=0)
    files = national_files(data)
    print(f"database: {connection.vendor}; {len(files)} files")
    total_rows, started = 0, time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        run = import_file(path=path)
        total_rows += run.rows_read
        print(
            f"  {path.parent.name}/{path.name}: {run.status} {run.kind} {run.rows_read:,} rows "
            f"in {time.perf_counter() - t0:.2f} s; created {run.created:,}, "
            f"changed {run.changed:,}, unchanged {run.unchanged:,}, rejected {run.rejected:,}"
        )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"whole set: {wall:.1f} s, {total_rows / wall:,.0f} rows/s, peak memory {peak:.0f} MB")

    again = data / "ods-epraccur-2026-06" / "epraccur.csv"
    t0 = time.perf_counter()
    run = import_file(path=again)
    print(
        f"re-import unchanged {again.parent.name}/{again.name}: "
        f"{time.perf_counter() - t0:.2f} s (created {run.created}, changed {run.changed})"
    )

    t0 = time.perf_counter()
    for path in files:
        source = SourceFile.from_path(path)
        if source.is_xlsx:
            for sheet in (1, 2):
                pl.read_excel(path, sheet_id=sheet, infer_schema_length=0)
        else:
            pl.read_csv(
                source.data,
                has_header=path.name != "epraccur.csv",
                infer_schema=False,
                encoding="utf8-lossy",  # one QOF file is Windows-1252
            )
    floor = time.perf_counter() - t0
    print(f"floor (polars read of the same files, no checks, no writes): {floor:.2f} s")


def check_data(data: Path) -> int | None:
    if not data.is_dir():
        print(f"no national data at {data}; nothing to measure")
        return 0
    return None


if __name__ == "__main__":
    sys.exit(throwaway.main(__file__, __doc__.splitlines()[0], measure, check_data))
