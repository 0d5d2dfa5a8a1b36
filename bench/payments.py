"""A full financial year's payment schedule for every PCN and practice in England.

In a fresh throwaway database (SQLite, then PostgreSQL) it imports the real national
configuration (NHS Digital's practice map 2022-01 for the regions, ODS epraccur 2022-12 and
ePCN 2023-01) and the registered lists (NHS Digital
2021-01 and 2025-04: the nearest either side of the 1 January 2024 basis date), synthesises
what no public file gives (each practice's weighted and adjusted population, the registered
list times a seeded factor; care home beds for each PCN and month), records every PCN as
approved before the year with a nominated payee and bank details (else every line is
withheld and the schedule adds up to nothing), then measures:

1. schedule() for 2024/25 over every PCN in England (both rate versions, nominated payees,
   practices' participation payments): best of 3 wall time, query count, lines, payees,
   total, the lines withheld and those that cannot be calculated with their reasons counted,
   and the peak memory of the calculation (tracemalloc) and of the process;
2. the floor: the same amounts by a plain vectorised polars computation over the same
   populations and rates, and the ratio of the two;
3. the statement page of the largest PCN through the test client (best of 5, queries);
4. the largest region's overview PDF, built as the worker builds it (best of 3, KB, pages);
5. the largest commissioner's overview page through the test client (best of 5, queries).

    .venv/bin/python bench/payments.py [--data DIR] [--only sqlite|postgresql]

Targets on the 2-core reference machine: the England schedule < 2 s with peak memory
< 500 MB; a PCN statement page < 300 ms; a region's overview PDF < 3 s; a commissioner's
overview page < 300 ms.
"""

import multiprocessing
import random
import re
import resource
import sys
import time
import tracemalloc
import zlib
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402 - bench/ is this script's own folder

FILES = [
    "patients-registered-2022-01/gp-reg-pat-prac-map.csv",  # places commissioners in regions
    "ods-epraccur-2022-12/epraccur.csv",
    "ods-epcn-2023-01/ePCN.xlsx",
    "patients-registered-2021-01/gp-reg-pat-prac-all.csv",
    "patients-registered-2025-04/gp-reg-pat-prac-all.csv",
]
YEAR, BASIS = "2024/25", date(2024, 1, 1)
SCHEDULE_TARGET, PAGE_TARGET, MEMORY_TARGET_MB = 2.0, 0.3, 500
REGION_PDF_TARGET, OVERVIEW_TARGET = 3.0, 0.3
CODE_OR_DATE = re.compile(r"\b([A-Z]\d{5}|U\d{5}|\d{1,2} [A-Z][a-z]{2} \d{4})\b")


def synthesise() -> None:
    from organisations.models import Measure, Organisation, OrgKind, PopulationFigure
    from organisations.population import practice_populations
    from payments.models import CareHomeBeds
    from pcnhub.nhs_calendar import months

    # Each practice's factors come from its ODS code alone, so every database and every run
    # gets the same figures.
    codes = dict(Organisation.objects.filter(kind=OrgKind.PRACTICE).values_list("pk", "code"))
    # The synthesis may start from a list after the basis date (allow_later: the staged files
    # may hold none before it); payments themselves never do.
    sizes = practice_populations(
        codes, BASIS, purpose="payment", kind="registered", allow_later=True
    )
    rows = []
    for pk, found in sizes.items():
        if found.value is None:
            continue
        for measure, low, high in ((Measure.WEIGHTED, 0.85, 1.2), (Measure.ADJUSTED, 0.95, 1.05)):
            share = zlib.crc32(f"{codes[pk]}:{measure}".encode()) / 2**32
            rows.append(
                PopulationFigure(
                    organisation_id=pk,
                    as_at=BASIS,
                    measure=measure,
                    value=(found.value * Decimal(low + (high - low) * share)).quantize(
                        Decimal("0.01")
                    ),
                    synthetic=True,
                )
            )
    PopulationFigure.objects.bulk_create(rows, batch_size=5000)
    rng = random.Random(2024)
    beds = [
        CareHomeBeds(pcn_id=pk, month=month, beds=rng.randrange(0, 200), source="synthetic")
        for pk in Organisation.objects.filter(kind=OrgKind.PCN)
        .order_by("code")
        .values_list("pk", flat=True)
        for month in months(date(2024, 4, 1), date(2025, 3, 1))
    ]
    CareHomeBeds.objects.bulk_create(beds, batch_size=5000)
    print(f"  synthesised: {len(rows):,} weighted/adjusted figures, {len(beds):,} bed-months")


def register(pcns) -> None:
    """Every PCN approved before the year, with its first member practice on 1 April as its
    nominated payee and bank details on record: without them every line is withheld and the
    schedule adds up nothing. The registration is for the DES year in force on 1 April (the
    latest year on file, which rolls over: a registration for a year with no file is never in
    force), approved by a panel the day before. Bulk writes, no history: a few seconds."""
    from django.contrib.auth import get_user_model

    from organisations.models import Relationship, RelType
    from organisations.queries import valid_on
    from pcnhub.nhs_calendar import financial_year
    from registrations.actions import start_of
    from registrations.models import Registration, Status, Transition
    from registrations.years import year_in_force

    first = financial_year(YEAR)[0]
    panel = first - timedelta(days=1)
    des_year = year_in_force(first).label
    commissioner_of = dict(
        Relationship.objects.filter(
            valid_on(panel), rel_type=RelType.PCN_COMMISSIONER, child__in=pcns
        ).values_list("child_id", "parent_id")
    )
    payee_of = {}
    for pcn_id, practice_id in (
        Relationship.objects.filter(valid_on(first), rel_type=RelType.PRACTICE_PCN, parent__in=pcns)
        .order_by("-child__code")
        .values_list("parent_id", "child_id")
    ):
        payee_of[pcn_id] = practice_id  # the lowest code last
    t0 = time.perf_counter()
    registrations = Registration.objects.bulk_create(
        Registration(
            pcn_id=pcn.pk,
            commissioner_id=commissioner_of[pcn.pk],
            des_year=des_year,
            status=Status.APPROVED,
            payee_practice_id=payee_of.get(pcn.pk),
            bank_account_name=f"{pcn.name} payee",
            bank_sort_code=f"{zlib.crc32(pcn.code.encode()) % 10**6:06d}",
            bank_account_number=f"{zlib.crc32(pcn.code.encode()[::-1]) % 10**8:08d}",
            panel_date=panel,
        )
        for pcn in pcns
        if pcn.pk in commissioner_of
    )
    if registrations and registrations[0].pk is None:  # a database that returns no ids
        registrations = list(Registration.objects.filter(des_year=des_year, pcn__in=pcns))
    by = get_user_model().objects.create_user("panel", "panel@example.org", "x" * 16)
    Transition.objects.bulk_create(
        Transition(
            registration=registration,
            from_status=Status.UNDER_REVIEW,
            to_status=Status.APPROVED,
            at=start_of(panel),
            panel_date=panel,
            by=by,
            reason="approved by the panel (bench)",
        )
        for registration in registrations
    )
    print(
        f"  registered: {len(registrations):,} networks approved for {des_year} on "
        f"{panel:%-d %b %Y}, {sum(1 for r in registrations if r.payee_practice_id):,} with a "
        f"payee and bank details ({time.perf_counter() - t0:.1f} s)"
    )


def fresh_schedule() -> tuple[float, float, float]:
    """Runs in a new process: the schedule alone, its wall and CPU time (on a machine shared
    with other work the two differ, and CPU is the schedule's own) and the process's peak
    memory."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    import django

    django.setup()
    from payments.inputs import pcns_in
    from payments.schedule import schedule

    t0, cpu = time.perf_counter(), time.process_time()
    schedule(pcns_in(None, YEAR), YEAR)
    return time.perf_counter() - t0, time.process_time() - cpu, peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM): getrusage's ru_maxrss would carry the
    parent's across fork and exec on Linux."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(pcns) -> tuple[float, Decimal]:
    """The same network amounts by a vectorised polars computation (practice payments too)."""
    import polars as pl

    from payments import inputs
    from payments.engine import rates_in_force
    from payments.versions import versions_for
    from pcnhub.nhs_calendar import financial_year, months

    versions = versions_for(YEAR)
    networks = inputs.gather(pcns, YEAR, versions)  # the same inputs, gathered once
    rows, practice_rows = [], []
    for network in networks:
        for month, figures in network.by_month.items():
            rows.append(
                {
                    "pcn": network.pcn.code,
                    "month": month,
                    "registered": _value(figures.registered),
                    "adjusted": _value(figures.adjusted),
                    "beds": _value(figures.beds),
                }
            )
            for practice, figure in network.practices.get(month, {}).items():
                practice_rows.append(
                    {"payee": practice.code, "month": month, "weighted": _value(figure)}
                )
    start, end = financial_year(YEAR)
    rate_rows = [
        {
            "month": month,
            "entitlement": rate.entitlement,
            "value": float(rate.value),
            "per": rate.per,
            "basis": rate.basis,
            "n": len(months(rate.start, rate.end)),
        }
        for month in months(start, end)
        for rate, _ in rates_in_force(versions, month, date(2030, 1, 1)).values()
        if rate.per in ("year", "month", "period")
    ]
    frame, practices, rates = (
        pl.DataFrame(rows),
        pl.DataFrame(practice_rows),
        pl.DataFrame(rate_rows),
    )
    t0 = time.perf_counter()
    monthly = (
        pl.when(pl.col("per") == "year")
        .then(pl.col("value") / 12)
        .when(pl.col("per") == "month")
        .then(pl.col("value"))
        .otherwise(pl.col("value") / pl.col("n"))
    )
    network_amounts = frame.join(
        rates.filter(pl.col("basis") != "practice_weighted"), on="month"
    ).with_columns(
        (
            pl.when(pl.col("basis") == "registered")
            .then(pl.col("registered"))
            .when(pl.col("basis") == "adjusted")
            .then(pl.col("adjusted"))
            .otherwise(pl.col("beds"))
            * monthly
        )
        .round(2)
        .alias("amount")
    )
    practice_amounts = practices.join(
        rates.filter(pl.col("basis") == "practice_weighted"), on="month"
    ).with_columns((pl.col("weighted") * monthly).round(2).alias("amount"))
    total = network_amounts["amount"].sum() + practice_amounts["amount"].sum()
    return time.perf_counter() - t0, Decimal(f"{total:.2f}")


def _value(figure) -> float:
    """A figure as a float for the floor; one not on file (cannot be calculated) as 0."""
    return float(figure.value) if figure is not None and figure.value is not None else 0.0


def _reasons(reasons) -> str:
    """The five commonest reasons, counted, with the codes and dates that tell networks
    apart left out: one line each."""
    counted = Counter(CODE_OR_DATE.sub("…", reason) for reason in reasons)
    return "".join(f"\n    {n:,} {reason}" for reason, n in counted.most_common(5))


def largest(*kinds: str):
    """The area with the most networks in the year, of the first of the kinds on file (the
    bench's files may place no commissioner in an ICS or region)."""
    from organisations.models import Organisation
    from payments.inputs import pcns_in

    for kind in kinds:
        sizes = {org: len(pcns_in(org, YEAR)) for org in Organisation.objects.filter(kind=kind)}
        if sizes:
            return max(sizes, key=sizes.get), max(sizes.values())
    raise LookupError(f"no {' or '.join(kinds)} on file")


def region_pdf() -> None:
    """4. The largest region's overview PDF, built as the background worker builds it (the
    largest ICS's, or commissioner's, when the files place none in a region)."""
    from payments import exports
    from payments.area_exports import area_overview, build, title
    from payments.inputs import pcns_in
    from tests.pdfs import page_count

    region, networks = largest("region", "ics", "commissioner")
    wall, queries, (body, _) = throwaway.best_of(3, lambda: build(region, YEAR, "paid", "pdf"))
    _, _, found = area_overview(region, pcns_in(region, YEAR), YEAR, "paid")
    writing, _, _ = throwaway.best_of(3, lambda: exports.area_pdf(found, title(region)))
    late = "" if wall < REGION_PDF_TARGET else "  MISSED"
    print(
        f"4. {region.kind} overview PDF {region.name} ({region.code}, {networks:,} networks, "
        f"{len(found.rows):,} rows): best of 3 {wall:.2f} s (the PDF alone {writing:.2f} s), "
        f"{queries} queries, {len(body) // 1024} KB, {page_count(body)} pages{late}"
    )


def overview_page(client) -> None:
    """5. The largest commissioner's overview page through the test client."""
    commissioner, networks = largest("commissioner")
    url = f"/payments/{commissioner.code}/?year={YEAR}"
    time_page(client, f"5. commissioner overview ({networks:,} networks)", url, OVERVIEW_TARGET)


def time_page(client, label: str, url: str, target: float) -> None:
    """A page through the test client: best of 5, its queries and size."""

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    wall, queries, response = throwaway.best_of(5, get)
    late = "" if wall < target else "  MISSED"
    print(
        f"{label} {url}: best of 5 {wall * 1000:.0f} ms, {queries} queries, "
        f"{len(response.content) // 1024} KB{late}"
    )


def measure(data: Path) -> None:
    throwaway.import_into_fresh_database(data, FILES)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from payments.inputs import pcns_in
    from payments.schedule import schedule

    synthesise()
    pcns = pcns_in(None, YEAR)
    register(pcns)
    print(f"1. the {YEAR} schedule for England: {len(pcns):,} PCNs")
    wall, queries, found = throwaway.best_of(3, lambda: schedule(pcns, YEAR))
    tracemalloc.start()
    schedule(pcns, YEAR)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The importing process has held the national files; a fresh one shows the schedule's own.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        fresh_wall, fresh_cpu, fresh_mb = pool.apply(fresh_schedule)
    payees = {s.line.payee.code for s in found.lines}
    verdict = "" if wall < SCHEDULE_TARGET and fresh_mb < MEMORY_TARGET_MB else "  MISSED"
    print(
        f"  schedule(): best of 3 {wall:.2f} s, {queries} queries, {len(found.lines):,} lines "
        f"for {len(payees):,} payees, £{found.total:,.2f}{verdict}"
    )
    withheld = _reasons(s.line.withheld for s in found.withheld)
    uncalculable = _reasons(s.line.missing for s in found.uncalculable)
    print(f"  {len(found.withheld):,} lines withheld{withheld}")
    print(f"  {len(found.uncalculable):,} lines cannot be calculated{uncalculable}")
    print(
        f"  in a fresh process: {fresh_wall:.2f} s ({fresh_cpu:.2f} s CPU), peak memory "
        f"{fresh_mb:.0f} MB "
        f"(Python, Django and the calculation; the calculation alone {peak / 2**20:.0f} MB)"
    )
    if verdict:
        throwaway.profile("schedule()", lambda: schedule(pcns, YEAR))
    floor_wall, floor_total = floor(pcns)
    monthly_total = sum(
        (
            s.line.amount
            for s in found.lines
            if s.payable and s.line.per in ("year", "month", "period")
        ),
        Decimal("0"),
    )
    print(
        f"2. floor (polars, the same monthly amounts): {floor_wall * 1000:.0f} ms; ratio "
        f"{wall / floor_wall:.0f}x; totals £{monthly_total:,.2f} (schedule, Decimal) vs "
        f"£{floor_total:,.2f} (floor, floats)"
    )
    busiest = max(pcns, key=lambda pcn: sum(1 for s in found.lines if s.line.pcn.code == pcn.code))
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x" * 16)
    client = Client()
    client.force_login(user)
    time_page(client, "3. statement page", f"/payments/{busiest.code}/?year={YEAR}", PAGE_TARGET)
    region_pdf()
    overview_page(client)


if __name__ == "__main__":
    sys.exit(
        throwaway.main(
            __file__,
            __doc__.splitlines()[0],
            measure,
            throwaway.files_present(FILES),
            env={"ALLOWED_HOSTS": "testserver,127.0.0.1"},
        )
    )
