"""Live progress of a running import, kept in the cache rather than the database: the import
writes inside one transaction that other connections cannot see into until it commits."""

from django.core.cache import cache

TIMEOUT = 6 * 3600

# Rough share of a run's time each stage takes, so one bar covers the whole run.
STAGES = {
    "reading": (0, 15),
    "organisations": (15, 35),
    "relationships": (35, 55),
    "list sizes": (55, 100),
    "QOF registers": (55, 100),
}


def _key(run_id: int) -> str:
    return f"import-progress:{run_id}"


def report(run_id: int, stage: str, done: int, total: int) -> None:
    low, high = STAGES.get(stage, (0, 100))
    share = done / total if total else 0
    percent = round(low + (high - low) * min(share, 1))
    cache.set(_key(run_id), {"stage": stage, "percent": percent}, TIMEOUT)


def read(run_id: int) -> dict | None:
    return cache.get(_key(run_id))
