"""Service roll-out as it stood on a day, for the pages, the API and the computed measures, in
a fixed number of queries however many practices the area has.

An area's practices on D are those under it on D (organisations.queries; all practices with
a commissioner for England) that are open on D (organisations.queries.open_practices, the
coverage page's rule too). Patients are each practice's registered list by the population
rule (organisations.population, "on the day"): its latest figure on or before D, never a
later one, with its basis, date and source shown beside the area's total.

Extended access on D: each provider's latest provision record on or before D stands. It
covers the practices listed on the record that are open on D and, for a PCN's provision, are
its members on D. The area's figures:

    % of the population with extended access
        = patients of the area's practices covered by any provision standing on D
          / patients of the area's practices x 100
    minutes per 1,000 patients per week
        = the area's share of each standing provision's weekly minutes (evening + weekend)
          / (patients of the area's practices / 1,000)

where a provision's minutes are shared among the practices it covers by their patients, so a
provision covering practices in two areas counts in each for its own patients, and England's
figure is every minute over every patient. A provision whose covered practices have no list
size on or before D has no patients to share its minutes by, and counts nowhere.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import Q

from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.population import Population, combined, practice_populations
from organisations.queries import (
    FieldChange,
    FieldDelta,
    field_changes,
    open_practices,
    practices_under,
    valid_on,
)
from services.catalogue import Service, Threshold, schemes, services, thresholds_on
from services.models import SIGNED_UP, CoveredPractice, Provision, SignUp, SignUpStatus

# The areas the service pages and API answer for: the commissioning areas and, as networks
# roll services out together, a PCN too (delivery.measures and coverage stop at commissioner).
SERVICE_AREA_KINDS = (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER, OrgKind.PCN)
NOT_RECORDED = ""


def pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return (Decimal(100) * part / whole) if whole else None


def area_practices(area: Organisation | None, day: date, within: Q | None = None) -> set[int]:
    """The practices open on `day` under the area (None: England). Pages and the API pass the
    user's scope as `within` (accounts.permissions.scope_filter), so a PCN's or a practice's
    own staff asking about an earlier date get only the practices that are theirs now, not
    one that has since moved away."""
    if area is None:
        ids = set(
            Relationship.objects.filter(
                valid_on(day), rel_type=RelType.PRACTICE_COMMISSIONER
            ).values_list("child_id", flat=True)
        )
    else:
        ids = practices_under([area], day)[area.pk]
    return open_practices(ids, day, within) if ids else set()


# Sign-ups


@dataclass(frozen=True)
class Standing:
    """A practice's status for a service on the day, and the record it comes from."""

    status: str
    valid_from: date
    note: str
    record_id: int

    @property
    def label(self) -> str:
        return SignUpStatus(self.status).label

    @property
    def signed_up(self) -> bool:
        return self.status in SIGNED_UP


def standing_signups(
    practice_ids, day: date, service: str | None = None
) -> dict[tuple[int, str], Standing]:
    """(practice, service) -> its latest record on or before `day`. One query."""
    rows = SignUp.objects.filter(practice_id__in=practice_ids, valid_from__lte=day)
    if service is not None:
        rows = rows.filter(service=service)
    found = {}
    for practice_id, key, status, valid_from, note, pk in rows.order_by(
        "valid_from", "pk"
    ).values_list("practice_id", "service", "status", "valid_from", "note", "pk"):
        found[(practice_id, key)] = Standing(status, valid_from, note, pk)
    return found


@dataclass(frozen=True)
class ServiceCount:
    service: Service
    practices: int
    by_status: dict[str, int]  # every status, and NOT_RECORDED for practices with no record

    @property
    def signed_up(self) -> int:
        return sum(self.by_status[s] for s in SIGNED_UP)

    @property
    def pct(self) -> Decimal | None:
        return pct(self.signed_up, self.practices)


def count(practice_ids: set[int], standing: dict[tuple[int, str], Standing]) -> list[ServiceCount]:
    """Per service of the catalogue: practices at each status (no query)."""
    found = []
    for key, service in services().items():
        statuses = Counter(
            standing[(p, key)].status if (p, key) in standing else NOT_RECORDED
            for p in practice_ids
        )
        by_status = {s: statuses.get(s, 0) for s in [*SignUpStatus.values, NOT_RECORDED]}
        found.append(ServiceCount(service, len(practice_ids), by_status))
    return found


def service_pct(area: Organisation | None, day: date, service: str) -> Decimal | None:
    """% of the area's open practices signed up or live for the service on the day."""
    practice_ids = area_practices(area, day)
    standing = standing_signups(practice_ids, day, service) if practice_ids else {}
    signed = sum(
        1 for p in practice_ids if (p, service) in standing and standing[p, service].signed_up
    )
    return pct(signed, len(practice_ids))


@dataclass(frozen=True)
class GridRow:
    practice: Organisation
    pcn: Organisation | None
    cells: list[tuple[Service, Standing | None]]


def grid(
    area: Organisation | None, day: date, within: Q | None = None
) -> tuple[list[GridRow], list[ServiceCount]]:
    """Practice by service as at the day (of those `within` keeps), with the counts per
    service. The rows are sorted by PCN (practices in none last) then name."""
    practice_ids = area_practices(area, day, within)
    standing = standing_signups(practice_ids, day) if practice_ids else {}
    pcn_of = {
        link.child_id: link.parent
        for link in Relationship.objects.filter(
            valid_on(day), rel_type=RelType.PRACTICE_PCN, child_id__in=practice_ids
        ).select_related("parent")
    }
    practices = Organisation.objects.filter(pk__in=practice_ids) if practice_ids else []
    catalogue = list(services().values())
    rows = [
        GridRow(p, pcn_of.get(p.pk), [(s, standing.get((p.pk, s.key))) for s in catalogue])
        for p in practices
    ]
    rows.sort(key=lambda r: (r.pcn is None, r.pcn.name if r.pcn else "", r.practice.name))
    return rows, count(practice_ids, standing)


# Extended access


@dataclass
class ProvisionRow:
    """A provider's provision standing on the day, with the practices it covers then."""

    id: int
    provider: Organisation
    scheme: str
    valid_from: date
    evening_minutes: int
    weekend_minutes: int
    description: str
    listed: list[int]
    covered: list[int] = field(default_factory=list)
    patients: int = 0  # of the covered practices

    @property
    def minutes(self) -> int:
        return self.evening_minutes + self.weekend_minutes

    @property
    def per_1000(self) -> Decimal | None:
        return Decimal(self.minutes) * 1000 / self.patients if self.patients else None

    @property
    def scheme_name(self) -> str:
        found = schemes().get(self.scheme)
        return found.name if found else self.scheme


def running_schemes(day: date, wanted: Iterable[str] | None = None) -> list[str]:
    """The keys of the schemes (of `wanted`; every one when None) running on the day."""
    keys = set(schemes()) if wanted is None else set(wanted)
    return [key for key, s in schemes().items() if key in keys and s.in_force(day)]


def provisions_on(
    day: date, practice_ids: set[int] | None = None, scheme_keys: Iterable[str] | None = None
) -> list[ProvisionRow]:
    """The provision standing on `day`, for each provider and scheme running on the day (of
    `scheme_keys`; every scheme when None), of each provider that has ever recorded one
    covering any of `practice_ids` (every provider when None), leaving out those that have
    stopped (no minutes) or cover none of them on the day. Seven queries."""
    running = running_schemes(day, scheme_keys)
    candidates = CoveredPractice.objects.filter(
        provision__valid_from__lte=day, provision__scheme__in=running
    )
    if practice_ids is not None:
        candidates = candidates.filter(practice_id__in=practice_ids)
    records = (
        Provision.objects.filter(
            valid_from__lte=day,
            scheme__in=running,
            provider_id__in=candidates.values("provision__provider_id"),
        )
        .select_related("provider")
        .order_by("provider_id", "scheme", "valid_from")
    )
    latest = {(r.provider_id, r.scheme): r for r in records}
    rows = _as_on([r for r in latest.values() if r.minutes > 0], day)
    if practice_ids is not None:
        rows = [row for row in rows if set(row.covered) & practice_ids]
    return sorted(rows, key=lambda r: (r.provider.name, list(schemes()).index(r.scheme)))


def provider_records(provider: Organisation) -> list[ProvisionRow]:
    """The provider's records, newest first, each as it stood on its own date: the practices
    it covered then and their patients, so a record's minutes per 1,000 is the one the area's
    figures count on that day (a record of no minutes, provision stopped, covers none). One
    query, and five a record."""
    records = (
        Provision.objects.filter(provider=provider)
        .select_related("provider")
        .order_by("-valid_from", "scheme")
    )
    return [row for record in records for row in _as_on([record], record.valid_from)]


def _as_on(records: list[Provision], day: date) -> list[ProvisionRow]:
    """Each provision record as it stands on `day`: the practices it lists, those it covers
    then (open, and for a PCN's provision its members then) and their patients (each
    practice's list by the population rule on the day). Five queries."""
    if not records:
        return []
    by_pk = {r.pk: r for r in records}
    listed: dict[int, list[int]] = {pk: [] for pk in by_pk}
    for provision_id, practice_id in CoveredPractice.objects.filter(
        provision_id__in=by_pk
    ).values_list("provision_id", "practice_id"):
        listed[provision_id].append(practice_id)
    pcn_ids = [r.provider_id for r in records if r.provider.kind == OrgKind.PCN]
    members: dict[int, set[int]] = {pcn_id: set() for pcn_id in pcn_ids}
    for pcn_id, practice_id in Relationship.objects.filter(
        valid_on(day), rel_type=RelType.PRACTICE_PCN, parent_id__in=pcn_ids
    ).values_list("parent_id", "child_id"):
        members[pcn_id].add(practice_id)
    every = set().union(*listed.values())
    open_ids = open_practices(every, day) if every else set()
    sizes = practice_patients(open_ids, day)
    rows = []
    for pk, record in by_pk.items():
        covered = [p for p in listed[pk] if p in open_ids]
        if record.provider_id in members:
            covered = [p for p in covered if p in members[record.provider_id]]
        rows.append(
            ProvisionRow(
                pk,
                record.provider,
                record.scheme,
                record.valid_from,
                record.evening_minutes,
                record.weekend_minutes,
                record.description,
                listed[pk],
                sorted(covered),
                sum(sizes[p] for p in covered if p in sizes),
            )
        )
    return rows


def practice_patients(practice_ids, day: date) -> dict[int, int]:
    """Each practice's registered list on the day by the population rule (none after it)."""
    if not practice_ids:
        return {}
    figures = practice_populations(practice_ids, day, purpose="on_the_day")
    return {p: f.patients for p, f in figures.items() if f.value is not None}


@dataclass
class Access:
    """An area's extended access on a day (see the module's formulas)."""

    day: date
    practices: int = 0
    patients: int = 0
    covered_practices: int = 0
    covered_patients: int = 0
    minutes: Decimal = Decimal(0)
    population: Population | None = None  # the area's patients, with basis, dates and source
    provisions: list[ProvisionRow] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)

    @property
    def pct(self) -> Decimal | None:
        return pct(self.covered_patients, self.patients)

    @property
    def per_1000(self) -> Decimal | None:
        return self.minutes * 1000 / self.patients if self.patients else None


def extended_access(
    area: Organisation | None,
    day: date,
    within: Q | None = None,
    scheme_keys: Iterable[str] | None = None,
) -> Access:
    """The area's figures on the day over its practices (of those `within` keeps): a
    provision covering others too counts for these practices' share of its patients. Every
    scheme running on the day counts (the CCG's extended access and the network's Extended
    Hours, before 1 October 2022, add up: both are minutes offered outside core hours), or
    only those of `scheme_keys`."""
    practice_ids = area_practices(area, day, within)
    found = Access(day=day, thresholds=thresholds_on(day), practices=len(practice_ids))
    if not practice_ids:
        return found
    figures = practice_populations(practice_ids, day, purpose="on_the_day")
    found.population = combined(
        area.code if area else "England", figures.values(), day, purpose="on_the_day"
    )
    patients = {p: figure.patients for p, figure in figures.items() if figure.value is not None}
    found.patients = sum(patients.values())
    found.provisions = provisions_on(day, practice_ids, scheme_keys)
    covered = set()
    for row in found.provisions:
        inside = set(row.covered) & practice_ids
        covered |= inside
        if row.patients:
            share = Decimal(sum(patients.get(p, 0) for p in inside)) / row.patients
            found.minutes += row.minutes * share
    found.covered_practices = len(covered)
    found.covered_patients = sum(patients.get(p, 0) for p in covered)
    return found


# History: who changed what, when and why


@dataclass(frozen=True)
class RecordChange:
    """One change to a sign-up or provision record, as organisations.queries.field_changes
    gives it, with what the record is (its service and date) in words."""

    record: SignUp | Provision
    about: str
    change: FieldChange


# What a record is: shown beside each change rather than repeated in its list of values.
_IDENTITY = {"practice", "provider", "service", "valid_from"}


def _history(records, about) -> list[RecordChange]:
    """Every change to each record, newest first; fields with choices show their labels."""
    found = []
    for record in records:
        for change in field_changes(record, limit=None):
            deltas = tuple(
                _labelled(type(record), d) for d in change.changes if d.field not in _IDENTITY
            )
            found.append(RecordChange(record, about(record), replace(change, changes=deltas)))
    return sorted(found, key=lambda c: c.change.when, reverse=True)


def _labelled(model, delta: FieldDelta) -> FieldDelta:
    field = model._meta.get_field(delta.field)
    if not field.choices:
        return delta
    labels = dict(field.flatchoices)
    return delta._replace(
        before=labels.get(delta.before, delta.before), after=labels.get(delta.after, delta.after)
    )


def signup_history(practice: Organisation) -> list[RecordChange]:
    """The practice's sign-up records, each status and note as recorded and corrected."""
    names = {key: s.name for key, s in services().items()}

    def about(record: SignUp) -> str:
        return f"{names.get(record.service, record.service)}, from {record.valid_from:%-d %b %Y}"

    return _history(SignUp.objects.filter(practice=practice), about)


def provision_history(provider: Organisation) -> list[RecordChange]:
    """The provider's records, with the practices each covers as they were added or removed."""
    return _history(
        Provision.objects.filter(provider=provider),
        lambda record: f"Record from {record.valid_from:%-d %b %Y}",
    )
