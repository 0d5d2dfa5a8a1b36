"""Gathers what the calculator needs for many PCNs and a year, in a fixed number of queries.

Membership rule: a PCN is paid in a month for the practices that are its members (in the
registry: ODS, and changes approved in PCN Hub) on the first day of that month. Each
practice counts with its list at the rate's basis date (1 January before the year): so a
practice moving on 1 October is paid for with its old PCN to September and its new one
from October, and the two PCNs' totals together stay the same.

A network is paid from the start of the financial year even where its members joined later in
it, as the 2019/20 DES was backdated to 1 April from its 1 July go-live: a month before the
network's first members is paid on the members of its first month with any.

Each population is the sum over those members of their figure at the basis date by the
population rule (organisations.population, purpose "payment"): the latest on or before it,
never a later one; where no member has a figure, the PCN's own published figure stands in;
where there is none at all the figure is missing, with the rule's reason, and the engine
makes a line that cannot be calculated. Every figure carries the rule's words (basis, dates,
source, and warnings: stale, synthetic, members without a figure).
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.db.models import Q

from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.population import Population, combined, practice_populations
from payments.engine import Figure, NetworkInputs, NetworkMonth, Payee
from payments.models import Achievement, CareHomeBeds
from payments.rates import VersionSpec
from pcnhub.nhs_calendar import financial_year, months
from registrations.coverage import AREA_KINDS
from registrations.models import APPROVED_STATUSES, Registration

# What a schedule can be asked for: a PCN or an area over PCNs (pages, API and CLI).
SCOPE_KINDS = (*AREA_KINDS, OrgKind.PCN)

# The rate bases that are populations, as the population rule's kinds.
KINDS = {
    "registered": "registered",
    "weighted": "weighted",
    "practice_weighted": "weighted",
    "adjusted": "adjusted",
}
PURPOSE = "payment"


def pcns_in(area: Organisation | None, year: str) -> list[Organisation]:
    """The PCNs under a commissioner, ICS or region (or all of England) at any time in the year."""
    start, end = financial_year(year)
    links = Relationship.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        valid_from__lte=end,
        rel_type=RelType.PCN_COMMISSIONER,
    )
    if area is not None and area.kind == OrgKind.PCN:
        return [area]
    if area is not None:
        from organisations.queries import commissioners_under

        links = links.filter(parent_id__in=commissioners_under([area], end)[area.pk] or {area.pk})
    return list(Organisation.objects.filter(pk__in=links.values("child_id")).order_by("name"))


def _basis_dates(versions: list[VersionSpec]) -> dict[str, set[date]]:
    wanted: dict[str, set[date]] = defaultdict(set)
    for version in versions:
        for rate in version.rates:
            if rate.basis in KINDS:
                wanted[KINDS[rate.basis]].add(rate.basis_date)
    return wanted


def _payees(pcns: list[Organisation], year: str) -> dict[int, Payee]:
    """Each PCN's nominated payee: that of its approved registration for the year, or for the
    latest year before it (a registration rolls over until the next)."""
    approved = (
        Registration.objects.filter(pcn__in=pcns, status__in=APPROVED_STATUSES, des_year__lte=year)
        .select_related("payee_practice")
        .order_by("des_year")
    )
    latest = {registration.pcn_id: registration for registration in approved}
    payees = {}
    for pcn in pcns:
        registration = latest.get(pcn.pk)
        if registration is not None and registration.payee_practice_id:
            practice = registration.payee_practice
            payees[pcn.pk] = Payee(practice.code, practice.name)
        elif registration is not None and registration.payee_provider_name:
            code = registration.payee_provider_code or pcn.code
            payees[pcn.pk] = Payee(code, registration.payee_provider_name)
        else:
            payees[pcn.pk] = Payee(pcn.code, f"{pcn.name} (no nominated payee on record)")
    return payees


Members = dict[int, dict[date, list[tuple[int, Payee]]]]


def monthly_members(pcns: list[Organisation], year: str) -> Members:
    """PCN id -> first of each month -> its member practices (id, payee) by the membership
    rule above, the backdating to the year's start included. One query."""
    start, end = financial_year(year)
    firsts = months(start, end)
    rows = Relationship.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        valid_from__lte=end,
        rel_type=RelType.PRACTICE_PCN,
        parent__in=pcns,
    ).values_list("parent_id", "child_id", "child__code", "child__name", "valid_from", "valid_to")
    found: Members = defaultdict(lambda: defaultdict(list))
    for pcn_id, practice_id, code, name, valid_from, valid_to in rows:
        for first in firsts:
            if valid_from <= first and (valid_to is None or valid_to >= first):
                found[pcn_id][first].append((practice_id, Payee(code, name)))
    for by_month in found.values():
        first_with_members = next((m for m in firsts if by_month.get(m)), None)
        for first in firsts:
            if first_with_members and first < first_with_members:
                by_month[first] = list(by_month[first_with_members])
    return found


def gather(pcns: list[Organisation], year: str, versions: list[VersionSpec]) -> list[NetworkInputs]:
    start, end = financial_year(year)
    firsts = months(start, end)
    members = monthly_members(pcns, year)
    practice_ids = {
        pid for by_month in members.values() for ms in by_month.values() for pid, _ in ms
    }
    basis_day = {kind: max(days) for kind, days in _basis_dates(versions).items()}
    # Each practice's (and each PCN's own) figure once per kind, summed per month below.
    sizes = {
        kind: practice_populations(
            practice_ids | {p.pk for p in pcns}, day, purpose=PURPOSE, kind=kind
        )
        for kind, day in basis_day.items()
    }
    beds = {
        (b.pcn_id, b.month): b
        for b in CareHomeBeds.objects.filter(pcn__in=pcns, month__gte=start, month__lte=end)
    }
    achieved = {a.pcn_id: a for a in Achievement.objects.filter(pcn__in=pcns, year=year)}
    payees = _payees(pcns, year)
    found = []
    for pcn in pcns:
        by_month, practices = {}, {}
        for first in firsts:
            current = members[pcn.pk].get(first, [])
            figures = {
                kind: figure_of(network_population(pcn, current, sizes[kind], kind, day))
                for kind, day in basis_day.items()
                if current
            }
            bed = beds.get((pcn.pk, first))
            by_month[first] = NetworkMonth(
                registered=figures.get("registered"),
                weighted=figures.get("weighted"),
                adjusted=figures.get("adjusted"),
                beds=Figure(Decimal(bed.beds), None, bed.source) if bed else None,
            )
            if "weighted" in sizes:
                practices[first] = {
                    payee: figure_of(sizes["weighted"][pid]) for pid, payee in current
                }
        achievement = achieved.get(pcn.pk)
        found.append(
            NetworkInputs(
                pcn=Payee(pcn.code, pcn.name),
                payee=payees[pcn.pk],
                by_month=by_month,
                points=Figure(achievement.iif_points, None, "entered by the commissioner")
                if achievement and achievement.iif_points is not None
                else None,
                assessed_share=achievement.improvement_share if achievement else None,
                practices=practices,
            )
        )
    return found


def network_population(
    pcn: Organisation, current, found: dict[int, Population], kind: str, day: date
) -> Population:
    """The PCN's population from its members' figures by the population rule: their sum; the
    PCN's own published figure where no member has one; else missing. A sum that would leave
    out a member without a figure is missing too, naming the member: money is never paid on a
    part of a network's population. Plain Python over figures read once."""
    total = combined(pcn.code, [found[pid] for pid, _ in current], day, purpose=PURPOSE, kind=kind)
    if total.value is not None and not total.missing:
        return total
    own = found.get(pcn.pk)
    if total.value is None and own is not None and own.value is not None:
        return replace(own, code=pcn.code, counted=0, missing=total.missing, own=True)
    return Population(pcn.code, kind, PURPOSE, day, None, missing=total.missing)


def figure_of(population: Population) -> Figure:
    """The engine's figure, with the population rule's words."""
    return Figure(
        value=population.value,
        as_at=population.dates[-1] if population.dates else None,
        source=population.source,
        basis=population.basis,
        warnings=population.warnings if population.value is not None else (),
        reason=population.reason,
    )
