"""Check every PCN in England and render the coverage pages on the real December 2019
configuration, and print what the national data says about it.

In a fresh throwaway database (SQLite, then PostgreSQL from BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres) it imports only the files the December 2019
configuration needs (ODS epraccur 2019-11, ODS ePCN 2019-12, the QOF 2018-19 prevalence
file, whose list sizes at 1 January 2019 are the DES reference lists, and the QOF 2019-20
geography mapping for the regions), records that configuration
as approved 2019/20 registrations (record_from_ods), and measures:

1. every DES rule for every PCN in England (results_for over all 2019/20 registrations):
   best of 3 wall time and query count, and the pass/warning/fail count per rule;
2. the coverage page of the largest region on 2020-03-31 (the QOF 2019-20 geography file
   links commissioners to regions from then) through the test client as a superuser (best
   of 5 wall time, query count), and of England;
3. England's coverage on 2019-12-01: practices, % of practices and of patients in an
   approved PCN, and PCNs under 30,000 / over 50,000 patients / of a single practice.

    .venv/bin/python bench/registrations.py [--data DIR] [--only sqlite|postgresql]

Targets on the 2-core reference machine: all rules for all PCNs < 2 s, in a fixed number of
queries; a region's coverage page < 300 ms, in a number of queries that does not grow with
the region. A missed target prints a cProfile summary (top 10 cumulative functions).
Exits non-zero when the data folder or one of its files is missing.
"""

import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402 - bench/ is this script's own folder

FILES = [
    "ods-epraccur-2019-11/epraccur.csv",
    "ods-epcn-2019-12/ePCN.xlsx",
    # The 2019/20 DES lists at 1 January 2019: QOF 2018-19's list sizes (no registered-patients
    # extract of 2019 is staged; the population rule never takes a later one).
    "qof-2018-19/PREVALENCE_1819_v2.csv",
    # The first file that places commissioners under STPs and regions (from 31 March 2020).
    "qof-2019-20/MAPPING_NHS_GEOGRAPHIES_1920.csv",
]
YEAR, ON = "2019/20", date(2019, 12, 1)
# The region pages are timed on the last day of the 2019/20 year, when the geography file's
# commissioner-to-region links hold and the December 2019 registrations are still in force.
PAGE_ON = date(2020, 3, 31)
RULES_TARGET, PAGE_TARGET = 2.0, 0.3


def largest_area(on: date):
    """The region with most practices on `on`; failing any region with practices, the
    largest ICS, then the largest commissioner (the 2019 files carry no region)."""
    from organisations.models import Organisation, OrgKind
    from organisations.queries import practices_under

    for kind in (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER):
        areas = list(Organisation.objects.filter(kind=kind))
        if not areas:
            print(f"  no {kind} in the registry")
            continue
        under = practices_under(areas, on)
        area = max(areas, key=lambda a: len(under[a.pk]))
        if under[area.pk]:
            return area, len(under[area.pk])
        print(f"  no {kind} has practices under it on {on}")
    return None, 0


def missed(wall: float, target: float | None) -> str:
    if target is None or wall < target:
        return ""
    return f"  MISSED (target < {target * 1000:.0f} ms)"


def time_page(client, url: str, label: str, area, target: float | None) -> None:
    import logging

    from django.template import TemplateDoesNotExist, TemplateSyntaxError

    from registrations.coverage import coverage

    # A template error is reported in one line below, not as a logged traceback per request.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    try:
        wall, queries, response = throwaway.best_of(5, get)
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        print(f"  {label}: page does not render ({type(error).__name__}: {error});")
        print("    timing coverage() alone instead")
        wall, queries, _ = throwaway.best_of(5, lambda: coverage(area, ON))
        print(
            f"  {label} coverage() only: best of 5 {wall * 1000:.0f} ms, {queries} queries"
            f"{missed(wall, target)}"
        )
        if target is not None and wall >= target:
            throwaway.profile(f"coverage() for {label}", lambda: coverage(area, ON))
        return
    size = len(response.content)
    print(
        f"  {label} page GET {url}: best of 5 {wall * 1000:.0f} ms, {queries} queries, "
        f"{size / 1024:.0f} KB{missed(wall, target)}"
    )
    if target is not None and wall >= target:
        throwaway.profile(f"GET {url}", get)


def measure(data: Path) -> None:
    """Runs in a child process whose DATABASE_URL names an empty throwaway database."""
    throwaway.import_into_fresh_database(data, FILES)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from organisations.models import Organisation, OrgKind
    from registrations.actions import record_from_ods
    from registrations.coverage import coverage
    from registrations.facts import results_for, with_members
    from registrations.models import Registration, RegistrationMember

    t0 = time.perf_counter()
    recorded = record_from_ods(year_label=YEAR, on=ON, by=None)
    members = RegistrationMember.objects.filter(registration__des_year=YEAR).count()
    pcns = Organisation.objects.filter(kind=OrgKind.PCN).count()
    print(
        f"  record_from_ods({YEAR}, on {ON}): {recorded:,} registrations with {members:,} "
        f"members ({pcns:,} PCNs in the registry) in {time.perf_counter() - t0:.2f} s"
    )

    print("1. every rule for every PCN in England")

    def check_all():
        registrations = list(with_members(Registration.objects.filter(des_year=YEAR)))
        return results_for(registrations, ON)

    wall, queries, results = throwaway.best_of(3, check_all)
    flag = "" if wall < RULES_TARGET else f"  MISSED (target < {RULES_TARGET:.0f} s)"
    print(
        f"  results_for {len(results):,} registrations: best of 3 {wall:.2f} s, "
        f"{queries} queries{flag}"
    )
    if wall >= RULES_TARGET:
        throwaway.profile("results_for", check_all)
    counts: Counter = Counter()
    titles = {}
    for rule_results in results.values():
        for r in rule_results:
            counts[r.code, str(r.result)] += 1
            titles[r.code] = r.title
    print(f"  {'rule':32} {'pass':>6} {'warning':>8} {'fail':>6}")
    for code in titles:
        print(
            f"  {code:32} {counts[code, 'pass']:>6,} {counts[code, 'warning']:>8,} "
            f"{counts[code, 'fail']:>6,}"
        )
    print("  an example reason for each rule that did not pass everywhere:")
    for code in titles:
        reasons = Counter(
            r.reason for rs in results.values() for r in rs if r.code == code and r.result != "pass"
        )
        if reasons:
            reason = reasons.most_common(1)[0][0]
            reason = reason if len(reason) <= 160 else reason[:157] + "..."
            print(f"    {code}: {reason}")

    print(f"2. coverage pages as at {PAGE_ON}")
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x" * 16)
    client = Client()
    client.force_login(user)
    area, practices = largest_area(PAGE_ON)
    if area is None:
        print("  no area with practices on that date; area page not measured")
    else:
        print(f"  largest area: {area.kind} {area.code} {area.name} ({practices:,} practices)")
        time_page(
            client,
            f"/coverage/{area.code}/?as_at={PAGE_ON}",
            f"{area.kind} {area.code}",
            area,
            PAGE_TARGET,
        )
    time_page(client, f"/coverage/?as_at={PAGE_ON}", "England (no target)", None, None)

    print(f"3. England coverage on {ON}")
    found = coverage(None, ON)
    networks = found.networks
    print(f"  DES year in force: {found.year.label if found.year else 'none'}")
    print(f"  practices: {found.practices:,}")
    print(
        f"  practices in an approved PCN: {found.practices_covered:,} ({found.practices_pct}%); "
        f"in an ODS PCN: {found.practices_in_ods_pcn:,} ({found.ods_pct}%)"
    )
    print(
        f"  patients in an approved PCN: {found.patients_covered:,} of {found.patients:,} "
        f"({found.patients_pct}%); list sizes dated {', '.join(map(str, found.size_dates))}"
    )
    print(f"  approved PCNs (networks): {len(networks):,}")
    under = sum(1 for n in networks if n.under_minimum)
    over = sum(1 for n in networks if n.over_maximum)
    print(f"  under the minimum ({found.minimum}): {under:,}")
    print(f"  over the guide maximum ({found.maximum}): {over:,}")
    print(f"  list size cannot be calculated: {len(found.networks_not_sized):,}")
    print(f"  single practice: {sum(1 for n in networks if n.single_practice):,}")
    uncovered = found.uncovered
    print(
        f"  practices in no approved PCN: {len(uncovered):,}, of which "
        f"{sum(1 for u in uncovered if u.patients is None):,} have no list size, "
        f"{sum(1 for u in uncovered if u.practice.close_date and u.practice.close_date <= ON):,}"
        f" closed by {ON}, "
        f"{sum(1 for u in uncovered if u.practice.status != 'active'):,} not active in epraccur"
    )


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
