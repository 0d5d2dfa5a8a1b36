"""Resolve every practice's and every PCN's population in England by the population rule.

In a fresh throwaway database (SQLite, then PostgreSQL from BENCH_POSTGRES_URL) it imports
ODS epraccur 2019-11, the December 2019 ePCN and the QOF 2019-20 prevalence file (list sizes
at 1 January 2020), then times, for purpose "des_registration" at 1 January 2020:

1. organisations.population.populations over every PCN (members summed);
2. organisations.population.practice_populations over every practice;

each best of 3 wall time and query count, with how many have a figure and how many are
flagged. Target on the 2-core reference machine: each under 0.5 s, in a fixed number of
queries. A missed target prints a cProfile summary.

    .venv/bin/python bench/population.py [--data DIR] [--only sqlite|postgresql]
"""

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402 - bench/ is this script's own folder

FILES = [
    "ods-epraccur-2019-11/epraccur.csv",
    "ods-epcn-2019-12/ePCN.xlsx",
    "qof-2019-20/PREVALENCE_1920.csv",
]
ON = date(2020, 1, 1)
TARGET = 0.5


def report(label: str, wall: float, queries: int, found: dict) -> None:
    figures = [p for p in found.values() if p.value is not None]
    flagged = sum(1 for p in figures if p.warnings)
    total = sum(p.value for p in figures)
    flag = "" if wall < TARGET else f"  MISSED (target < {TARGET * 1000:.0f} ms)"
    print(
        f"  {label}: {len(found):,} resolved, best of 3 {wall * 1000:.0f} ms, {queries} queries"
        f"{flag}"
    )
    print(
        f"    {len(figures):,} with a figure ({total:,.0f} patients), "
        f"{len(found) - len(figures):,} without, {flagged:,} with a warning"
    )


def measure(data: Path) -> None:
    throwaway.import_into_fresh_database(data, FILES)
    from organisations.models import Organisation, OrgKind
    from organisations.population import populations, practice_populations

    def every_pcn():
        return populations(
            Organisation.objects.filter(kind=OrgKind.PCN), ON, purpose="des_registration"
        )

    def every_practice():
        ids = Organisation.objects.filter(kind=OrgKind.PRACTICE).values_list("pk", flat=True)
        return practice_populations(ids, ON, purpose="des_registration")

    print(f"population for DES registration at {ON}")
    for label, run in (("every PCN", every_pcn), ("every practice", every_practice)):
        wall, queries, found = throwaway.best_of(3, run)
        report(label, wall, queries, found)
        if wall >= TARGET:
            throwaway.profile(label, run)


if __name__ == "__main__":
    sys.exit(
        throwaway.main(__file__, __doc__.splitlines()[0], measure, throwaway.files_present(FILES))
    )
