"""Bench helpers: best-of timing with query counts, profiles, and running a measurement in
fresh throwaway databases: a SQLite file in a temporary
folder, then a new PostgreSQL database (BENCH_POSTGRES_URL, default the local server), each
in a child process whose DATABASE_URL names it, so no bench ever touches a real database."""

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
NHS_DATA = ROOT.parent / "shared" / "data" / "nhs"


def _child(script: str, data: Path, database_url: str, env: dict) -> int:
    environment = {**os.environ, **env, "DATABASE_URL": database_url, "DEBUG": "1"}
    command = [sys.executable, script, "--data", str(data), "--child"]
    return subprocess.call(command, env=environment)  # noqa: S603


def _on_sqlite(script: str, data: Path, env: dict) -> int:
    with tempfile.TemporaryDirectory() as folder:
        return _child(script, data, f"sqlite:///{folder}/bench.sqlite3", env)


def _on_postgresql(script: str, data: Path, env: dict) -> int:
    import psycopg

    name = f"pcnhub_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable at {POSTGRES}: {error}; skipped")
        return 0
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return _child(script, data, POSTGRES.rsplit("/", 1)[0] + f"/{name}", env)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def import_into_fresh_database(data: Path, files: list[str]) -> None:
    """In the child: set Django up, migrate the empty database, import the files."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from imports.actions import import_file

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    t0 = time.perf_counter()
    for name in files:
        run = import_file(path=data / name)
        print(f"  imported {name}: {run.status} {run.kind} {run.rows_read:,} rows")
        if run.status != "succeeded":
            print(f"  problems: {run.problems[:5]}")
    print(f"  imports: {time.perf_counter() - t0:.1f} s")


def files_present(files: list[str]) -> Callable[[Path], int | None]:
    """A check_data for main(): stop with 1 and say which files are missing."""

    def check(data: Path) -> int | None:
        missing = [name for name in files if not (data / name).is_file()]
        if not data.is_dir() or missing:
            print(f"no national data at {data} (missing: {', '.join(missing)}); cannot measure")
            return 1
        return None

    return check


def main(
    script: str,
    description: str,
    measure: Callable[[Path], None],
    check_data: Callable[[Path], int | None],
    env: dict | None = None,
) -> int:
    """The bench's command line: `--data DIR`, `--only sqlite|postgresql`. check_data returns
    an exit code to stop with (the data is missing) or None to go on."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=NHS_DATA)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    stop = check_data(args.data)
    if stop is not None:
        return stop
    if args.child:
        measure(args.data)
        return 0
    failed = 0
    if args.only in (None, "sqlite"):
        failed |= _on_sqlite(script, args.data, env or {})
    if args.only in (None, "postgresql"):
        failed |= _on_postgresql(script, args.data, env or {})
    return failed


def best_of(n: int, run) -> tuple[float, int, object]:
    """Best wall time of n runs, the query count of the last, and its result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, queries, result = float("inf"), 0, None
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - t0)
        queries = len(captured.captured_queries)
    return best, queries, result


def profile(label: str, run) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(10)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print(f"  cProfile of {label} (top 10 cumulative):")
    for line in lines[start:]:
        print(f"    {line}")
