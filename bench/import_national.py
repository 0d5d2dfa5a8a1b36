"""Import every national NHS file in ../shared/data/nhs and print wall time, rows per second
and peak memory; then re-import one unchanged file; then the bare columnar read time (the
floor). Run on SQLite by default, on PostgreSQL with DATABASE_URL=postgres://...

    .venv/bin/python bench/import_national.py [--keep]

Targets on the 2-core reference machine: whole set < 60 s, peak memory < 1 GB, unchanged
re-import < 5 s.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "nhs")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no national data at {args.data}; nothing to measure")
        return 0
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from imports.actions import import_file
    from imports.national import national_files
    from imports.source import SourceFile

    call_command("flush", "--no-input", verbosity=0) if connection.vendor == "postgresql" else None
    call_command("migrate", verbosity=0)
    files = national_files(args.data)
    print(f"database: {connection.vendor}; {len(files)} files")
    total_rows, started = 0, time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        run = import_file(path=path)
        seconds = time.perf_counter() - t0
        total_rows += run.rows_read
        print(
            f"  {path.parent.name}/{path.name}: {run.status} {run.kind} {run.rows_read:,} rows "
            f"in {seconds:.2f} s; created {run.created:,}, changed {run.changed:,}, "
            f"unchanged {run.unchanged:,}, rejected {run.rejected:,}"
        )
        if run.status != "succeeded":
            print(f"    problems: {run.problems[:3]}")
    wall = time.perf_counter() - started
    print(
        f"whole set: {wall:.1f} s, {total_rows / wall:,.0f} rows/s, peak memory {peak_mb():.0f} MB"
    )

    again = args.data / "ods-epraccur-2026-06" / "epraccur.csv"
    t0 = time.perf_counter()
    run = import_file(path=again)
    print(
        f"re-import unchanged {again.name}: {time.perf_counter() - t0:.2f} s "
        f"(created {run.created}, changed {run.changed}, unchanged {run.unchanged:,})"
    )

    t0 = time.perf_counter()
    for path in files:
        source = SourceFile.from_path(path)
        if source.is_xlsx:
            for sheet in (0, 1):
                pl.read_excel(path, sheet_id=sheet + 1, infer_schema_length=0)
        else:
            pl.read_csv(source.data, has_header=path.name != "epraccur.csv", infer_schema=False)
    floor = time.perf_counter() - t0
    print(f"floor (polars read of the same files, no checks, no writes): {floor:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
