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
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import Min, Q
from django.db.models.functions import Length
from django.utils import timezone

from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.population import Population, combined, practice_populations_of_kinds
from payments.engine import Figure, NetworkInputs, NetworkMonth, Payee
from payments.models import Achievement, CareHomeBeds
from payments.rates import VersionSpec
from pcnhub.nhs_calendar import financial_year, months
from registrations.coverage import AREA_KINDS
from registrations.models import (
    APPROVED_STATUSES,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Origin,
    Registration,
    Status,
    Transition,
)
from registrations.years import des_years

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


@dataclass(frozen=True)
class Standing:
    """Whether a PCN may be paid in each month of a year, and whom: the nominated payee on
    record on the first of the month, and why its lines (or its practices') are withheld."""

    payee: Payee  # the payee of the year's last month, or the PCN named as having none
    payees: dict[date, Payee]
    withheld: dict[date, str]  # network lines
    practices_withheld: dict[date, str]  # the practices' own lines


def _judged_on(month: date, year: str) -> date:
    """The day approval is judged for a month: its first day; before the DES year's go-live,
    the go-live (the 2019/20 DES was backdated to April from its 1 July go-live)."""
    des = des_years().get(year)
    if des is not None and month < des.go_live:
        return des.go_live
    return month


def _status_on(
    registration: Registration, steps, created_on: date, ods_from: date | None, day: date
) -> str | None:
    """A registration's status on `day`: its last workflow step taking effect by then (`steps`:
    the day each took effect, in order; `_effective`). A panel's decision takes effect on its
    panel date, however much later it was recorded (so a decision recorded late is paid as
    arrears for the months since); any other step on the day it was taken. One recorded from
    ODS counts as approved from its members' ODS start date (for the national December 2019
    set, the 1 July 2019 go-live), whatever day it was recorded, and then follows the
    workflow's later steps (assured) like any other."""
    status = None
    if registration.origin == Origin.ODS and ods_from is not None:
        if day < ods_from:
            return None
        status = Status.APPROVED
    for took_effect, to_status in steps:
        if took_effect <= day:
            status = to_status
    if status is None and created_on <= day:
        status = Status.DRAFT
    return status


def _effective(at, panel_date: date | None) -> date:
    """The day a workflow step takes effect: a panel's decision on its panel date, any other
    step on the (local) day it was taken."""
    return panel_date or timezone.localdate(at)


def _in_force(
    registrations, steps, created_on, ods_from, day: date, started: set[str]
) -> tuple[Registration | None, str]:
    """The registration in force on `day` and its status, as registrations.coverage.in_force
    chooses: the latest DES year started by then (`started`), once approved (a registration
    rolls over until the next year's is approved). `registrations` in DES year order."""
    chosen: tuple[Registration | None, str] = (None, "")
    for registration in registrations:
        if registration.des_year not in started:
            continue
        now = _status_on(
            registration, steps[registration.pk], created_on[registration.pk], ods_from, day
        )
        if now is None:
            continue
        if chosen[0] is None or now in APPROVED_STATUSES or chosen[1] not in APPROVED_STATUSES:
            chosen = (registration, now)
    return chosen


# Whether bank details are on record (`Registration.has_bank_details`), from the stored
# values' lengths: an encrypted field stores a blank value as NULL and any other as a
# non-empty token, so nothing is decrypted (a key derivation and a decryption for each).
BANK_LENGTHS = {
    "sort_code_length": Length("bank_sort_code"),
    "account_number_length": Length("bank_account_number"),
}
BANK_DETAILS = ("bank_account_name", "bank_sort_code", "bank_account_number")


def _holders(queryset):
    """Registrations, their history or payee changes with the payee practice, and whether
    they have bank details (`BANK_LENGTHS`) instead of the details themselves."""
    return queryset.select_related("payee_practice").defer(*BANK_DETAILS).annotate(**BANK_LENGTHS)


def _payee_of(holder, pcn: Organisation) -> tuple[Payee | None, bool]:
    """The payee a registration (or a payee change) read by `_holders` names, and whether it
    has bank details."""
    banked = bool(holder.sort_code_length and holder.account_number_length)
    if holder.payee_practice_id:
        practice = holder.payee_practice
        return Payee(practice.code, practice.name), banked
    if holder.payee_provider_name:
        code = getattr(holder, "payee_provider_code", "") or pcn.code
        return Payee(code, holder.payee_provider_name), banked
    return None, banked


def standing(pcns: list[Organisation], year: str) -> dict[int, Standing]:
    """Per PCN: who may be paid in each month of the year (see `Standing`). A network is paid
    for a month only if on its first day (before the DES go-live, on the go-live) it holds an
    approved or assured registration, or one recorded from ODS; its money goes to the
    nominated payee on record on the first of the month, which must have bank details; its
    practices are paid their own entitlements only while the network is approved. Five
    queries, whatever the number of PCNs."""
    start, end = financial_year(year)
    firsts = months(start, end)
    # What is the same for every network, worked out once: the day each month is judged
    # on and the DES years started by then.
    judged = {first: _judged_on(first, year) for first in firsts}
    started = {
        day: {label for label, des in des_years().items() if des.starts <= day}
        for day in judged.values()
    }
    # Ids rather than the PCNs themselves: Django reads each instance's key for an IN list.
    ids = [pcn.pk for pcn in pcns]
    registrations = defaultdict(list)
    for registration in _holders(Registration.objects.filter(pcn_id__in=ids)).order_by("des_year"):
        registrations[registration.pcn_id].append(registration)
    created_on = {
        r.pk: timezone.localdate(r.created_at) for rs in registrations.values() for r in rs
    }
    steps = defaultdict(list)
    for registration_id, at, panel_date, to_status in (
        Transition.objects.filter(registration_id__in=list(created_on))
        .order_by("at", "pk")
        .values_list("registration_id", "at", "panel_date", "to_status")
    ):
        steps[registration_id].append((_effective(at, panel_date), to_status))
    ods_from = dict(
        Relationship.objects.filter(rel_type=RelType.PRACTICE_PCN, parent_id__in=ids)
        .values("parent_id")
        .annotate(first=Min("valid_from"))
        .values_list("parent_id", "first")
    )
    changes = defaultdict(list)
    for change in _holders(
        ChangeRequest.objects.filter(
            pcn_id__in=ids, kind=ChangeKind.PAYEE, status=ChangeStatus.APPROVED
        )
    ).order_by("effective_date", "decided_at"):
        changes[change.pcn_id].append(change)
    # The payee a registration had before its first payee change took effect.
    before = _payees_before(registrations, changes)
    found = {}
    for pcn in pcns:
        payees, withheld, practices_withheld = {}, {}, {}
        none = Payee(pcn.code, f"{pcn.name} (no nominated payee on record)")
        last = none
        named: dict[int, tuple[Payee | None, bool]] = {}  # by holder: one Payee for its months
        for first in firsts:
            payees[first] = none
            day = judged[first]
            registration, status = _in_force(
                registrations[pcn.pk], steps, created_on, ods_from.get(pcn.pk), day, started[day]
            )
            if registration is None or status not in APPROVED_STATUSES:
                state = f" ({Status(status).label.lower()})" if status else ""
                reason = f"not approved: no approved registration for {pcn.code} on {day:%-d %b %Y}"
                withheld[first] = reason + state
                practices_withheld[first] = (
                    f"not approved: {pcn.code}, the network the practice is a member of, has no "
                    f"approved registration on {day:%-d %b %Y}{state}"
                )
                continue
            holder = _holder_on(registration, changes[pcn.pk], before, first)
            if id(holder) not in named:
                named[id(holder)] = _payee_of(holder, pcn)
            payee, banked = named[id(holder)]
            if payee is None or not banked:
                what = "none" if payee is None else f"{payee.code} has no bank details"
                withheld[first] = (
                    f"no nominated payee: {what} on record for {pcn.code} on {first:%-d %b %Y}"
                )
            if payee is not None:
                payees[first] = last = payee
        found[pcn.pk] = Standing(last, payees, withheld, practices_withheld)
    return found


def _payees_before(registrations, changes) -> dict[int, object]:
    """Registration id -> its historical record just before its first payee change was
    decided, for months before that change took effect. One query."""
    wanted = {
        r.pk: changes[pcn_id][0].decided_at
        for pcn_id, rs in registrations.items()
        for r in rs
        if changes.get(pcn_id)
    }
    if not wanted:
        return {}
    found = {}
    for record in _holders(Registration.history.filter(id__in=wanted)).order_by("history_date"):
        decided = wanted[record.id]
        if decided is None or record.history_date < decided:
            found[record.id] = record
    return found


def _holder_on(registration, changes, before, first: date):
    """What names the payee on record on `first`: the latest approved payee change effective
    by then and since the registration's DES year began (a later year's registration names
    its own payee, which an older change never overrides); before any, the registration as
    it was before the first change."""
    if not changes:
        return registration
    starts = financial_year(registration.des_year)[0]
    effective = [c for c in changes if starts <= c.effective_date <= first]
    if effective:
        return effective[-1]
    return before.get(registration.pk, registration)


Members = dict[int, dict[date, list[tuple[int, Payee]]]]


def _memberships(pcn_ids: list[int], start: date, end: date):
    """The PCNs' practice memberships at any time from `start` to `end`."""
    return Relationship.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        valid_from__lte=end,
        rel_type=RelType.PRACTICE_PCN,
        parent_id__in=pcn_ids,
    )


def monthly_members(pcns: list[Organisation], year: str) -> Members:
    """PCN id -> first of each month -> its member practices (id, payee) by the membership
    rule above, the backdating to the year's start included. One query."""
    start, end = financial_year(year)
    firsts = months(start, end)
    rows = _memberships([pcn.pk for pcn in pcns], start, end).values_list(
        "parent_id", "child_id", "child__code", "child__name", "valid_from", "valid_to"
    )
    found: Members = defaultdict(lambda: defaultdict(list))
    for pcn_id, practice_id, code, name, valid_from, valid_to in rows:
        member = (practice_id, Payee(code, name))
        for first in firsts:
            if valid_from <= first and (valid_to is None or valid_to >= first):
                found[pcn_id][first].append(member)
    for by_month in found.values():
        first_with_members = next((m for m in firsts if by_month.get(m)), None)
        for first in firsts:
            if first_with_members and first < first_with_members:
                by_month[first] = list(by_month[first_with_members])
    return found


def gather(pcns: list[Organisation], year: str, versions: list[VersionSpec]) -> list[NetworkInputs]:
    start, end = financial_year(year)
    firsts = months(start, end)
    pcn_ids = [pcn.pk for pcn in pcns]
    members = monthly_members(pcns, year)
    practice_ids = {
        pid for by_month in members.values() for ms in by_month.values() for pid, _ in ms
    }
    basis_day = {kind: max(days) for kind, days in _basis_dates(versions).items()}
    # Each practice's (and each PCN's own) figure once per kind, summed per month below;
    # read for the members in the year and their networks (a network without members never
    # needs its own figure) by a subquery rather than some 8,000 ids.
    memberships = _memberships(pcn_ids, start, end)
    sizes = practice_populations_of_kinds(
        practice_ids.union(pcn_ids),
        basis_day,
        purpose=PURPOSE,
        within=Organisation.objects.filter(
            Q(pk__in=memberships.values("child_id")) | Q(pk__in=memberships.values("parent_id"))
        ).values("pk"),
    )
    # One figure for each count of beds and its source, whichever networks and months have
    # it: the engine prices a figure once.
    beds, bed_figures = {}, {}
    for pcn_id, month, count, source in CareHomeBeds.objects.filter(
        pcn_id__in=pcn_ids, month__gte=start, month__lte=end
    ).values_list("pcn_id", "month", "beds", "source"):
        figure = bed_figures.get((count, source))
        if figure is None:
            figure = bed_figures[count, source] = Figure(Decimal(count), None, source)
        beds[pcn_id, month] = figure
    achieved = {a.pcn_id: a for a in Achievement.objects.filter(pcn_id__in=pcn_ids, year=year)}
    standings = standing(pcns, year)
    # One figure for each practice, and for each network's set of members, however many
    # months it stands for: the engine prices a figure once. The practices' figures of a set
    # of members are one mapping too.
    practice_figures = {pid: figure_of(found) for pid, found in sizes.get("weighted", {}).items()}
    found = []
    for pcn in pcns:
        by_month, practices = {}, {}
        made: dict[tuple, tuple[dict[str, Figure], dict[Payee, Figure]]] = {}
        for first in firsts:
            current = members[pcn.pk].get(first, [])
            ids = tuple(pid for pid, _ in current)
            if ids not in made:
                made[ids] = (
                    {
                        kind: figure_of(network_population(pcn, current, sizes[kind], kind, day))
                        for kind, day in basis_day.items()
                        if current
                    },
                    {payee: practice_figures[pid] for pid, payee in current}
                    if "weighted" in sizes
                    else {},
                )
            figures, members_figures = made[ids]
            by_month[first] = NetworkMonth(
                registered=figures.get("registered"),
                weighted=figures.get("weighted"),
                adjusted=figures.get("adjusted"),
                beds=beds.get((pcn.pk, first)),
            )
            if "weighted" in sizes:
                practices[first] = members_figures
        achievement = achieved.get(pcn.pk)
        found.append(
            NetworkInputs(
                pcn=Payee(pcn.code, pcn.name),
                payee=standings[pcn.pk].payee,
                payees=standings[pcn.pk].payees,
                withheld=standings[pcn.pk].withheld,
                practices_withheld=standings[pcn.pk].practices_withheld,
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
