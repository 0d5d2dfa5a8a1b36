"""Coverage assurance as at any date: which practices and patients are in an approved PCN.

A PCN's registration in force on D is the one of the latest DES year that has started by D
and was approved by D (a registration rolls over until the next year's is approved); its
members on D are covered. A registration's status on D is its last workflow step taken by
the end of D, so the figure for any past date is the one the commissioner would have seen.

Only practices that count are counted (organisations.counted: GP practices with registered
patients, i.e. prescribing setting 4 / role RO76 and a registered list on or before D); the
others are listed apart. Patients are each counted practice's list by the population rule for
the day (purpose on_the_day), never a later figure unless a person asks (allow_later). A
network's size against the DES thresholds is its members' lists at the year's 1 January.

The size distribution is of the PCNs ODS records in the area on D, with their ODS members on
D that are GP practices by the counted-practices rule (organisations.counted) and each one's
list on or before D: the configuration on the day, whether or not its registrations are
recorded here. A PCN with a GP practice member without a list is not sized (its sum would be
partial) and is named instead, with the member.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from accounts.permissions import Permission, scope_filter
from organisations.counted import counted_practices, gp_practices
from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.population import BASIS_LABELS, combined, day_words, practice_populations
from organisations.queries import (
    commissioners_under,
    open_practices,
    practices_under,
    valid_on,
)
from registrations.distribution import Distribution, distribution
from registrations.facts import gather, with_members
from registrations.models import APPROVED_STATUSES, Registration, Status, Transition
from registrations.rules import RegistrationFacts, uncalculable
from registrations.years import DesYear, des_year, des_years, year_in_force

AREA_KINDS = (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER)


def find_area(code: str) -> Organisation | None:
    """The commissioner, ICS or region with this ODS code."""
    return Organisation.objects.filter(code=code.strip().upper(), kind__in=AREA_KINDS).first()


@dataclass(frozen=True)
class Network:
    """One PCN's registration in force in the area, with its size by the DES rule."""

    registration: Registration
    status: str  # status on the day
    practices: int
    list_size: int | None  # None: cannot be calculated (list_note says why), never a partial sum
    under_minimum: bool
    over_maximum: bool
    list_note: str = ""  # why the list cannot be calculated (a member without one)

    @property
    def single_practice(self) -> bool:
        return self.practices == 1

    @property
    def is_outlier(self) -> bool:
        return (
            self.under_minimum or self.over_maximum or self.single_practice or bool(self.list_note)
        )

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass(frozen=True)
class MilestoneProgress:
    label: str
    date: date
    done: int
    total: int
    overdue: int

    @property
    def is_past(self) -> bool:
        return self.overdue > 0 or self.done == self.total


@dataclass(frozen=True)
class UncoveredPractice:
    practice: Organisation
    patients: int | None
    ods_pcn: str  # the PCN ODS records, if any


@dataclass(frozen=True)
class Drift:
    """A practice where ODS and the commissioner's approved registrations disagree."""

    practice: Organisation
    ods_pcn: str  # "" when ODS has it in no PCN
    approved_pcn: str  # "" when no approved registration holds it
    registration_id: int | None


@dataclass(frozen=True)
class UnsizedPcn:
    code: str
    name: str
    reason: str  # the members without a list, in words


@dataclass
class Coverage:
    day: date
    area: Organisation | None  # None: England
    year: DesYear | None
    practices: int = 0
    practices_covered: int = 0
    practices_in_ods_pcn: int = 0
    patients: int = 0
    patients_covered: int = 0
    size_dates: tuple[date, ...] = ()
    kind: str = "registered"  # the population kind counted: registered, or qof alone
    allow_later: bool = False
    counted_words: str = ""  # how the counted practices are chosen
    not_counted: list[tuple[Organisation, str]] = field(default_factory=list)
    not_counted_summary: str = ""
    list_bases: list[tuple[str, int]] = field(default_factory=list)  # basis words, practices
    list_sources: tuple[str, ...] = ()
    list_warnings: tuple[str, ...] = ()  # later or stale figures, in words
    sizes: Distribution | None = None
    sizes_words: str = ""  # which PCNs and lists the distribution counts
    size_bases: list[tuple[str, int]] = field(default_factory=list)  # basis words, PCNs
    sizes_dates: tuple[date, ...] = ()  # the dates of the member lists the sizes use
    unsized: list[UnsizedPcn] = field(default_factory=list)
    uncovered: list[UncoveredPractice] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    progress: list[MilestoneProgress] = field(default_factory=list)
    variations_signed: int = 0
    variations_total: int = 0
    minimum: int | None = None
    maximum: int | None = None

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def practices_pct(self) -> float | None:
        return self._pct(self.practices_covered, self.practices)

    @property
    def patients_pct(self) -> float | None:
        return self._pct(self.patients_covered, self.patients)

    @property
    def ods_pct(self) -> float | None:
        return self._pct(self.practices_in_ods_pcn, self.practices)

    @property
    def outliers(self) -> list[Network]:
        return [n for n in self.networks if n.is_outlier]

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        counts = Counter(n.status for n in self.networks)
        return [(s.label, counts[s]) for s in Status if counts[s]]

    @property
    def networks_not_sized(self) -> list[Network]:
        """Networks whose list size cannot be calculated: left out of the size bands, and
        counted beside them, as a partial sum would put them in the wrong band."""
        return [n for n in self.networks if n.list_size is None]

    def size_distribution(self, width: int = 5000, top: int = 100_000) -> list[tuple[str, int]]:
        """PCNs with a list size, in bands of `width` patients, the last band open-ended."""
        counts = Counter(
            min(n.list_size // width, top // width)
            for n in self.networks
            if n.list_size is not None
        )
        bands = []
        for i in range(top // width + 1):
            label = (
                f"{i * width // 1000}k-{(i + 1) * width // 1000}k"
                if i < top // width
                else (f"{top // 1000}k+")
            )
            bands.append((label, counts.get(i, 0)))
        return bands


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def statuses_on(registration_ids, day: date) -> dict[int, str]:
    """Each registration's status at the end of `day`: its last step taken by then."""
    status: dict[int, str] = {}
    for registration_id, to_status in (
        Transition.objects.filter(registration_id__in=registration_ids, at__lte=end_of(day))
        .order_by("registration_id", "at", "pk")
        .values_list("registration_id", "to_status")
    ):
        status[registration_id] = to_status
    return status


def _thresholds(year: DesYear | None) -> tuple[int | None, int | None]:
    if year is None:
        return None, None
    minimum = next((int(r.params["minimum"]) for r in year.rules if "minimum" in r.params), None)
    maximum = next((int(r.params["maximum"]) for r in year.rules if "maximum" in r.params), None)
    return minimum, maximum


def _members_on(registration: Registration, day: date) -> list[int]:
    return [
        m.practice_id
        for m in registration.members.all()
        if (m.joined_on is None or m.joined_on <= day) and (m.left_on is None or m.left_on >= day)
    ]


def in_force(registrations: list[Registration], day: date) -> dict[int, tuple[Registration, str]]:
    """Per PCN: the registration in force on `day` and its status then (see module doc)."""
    started = {label for label, year in des_years().items() if year.starts <= day}
    candidates = [r for r in registrations if r.des_year in started]
    status = statuses_on([r.pk for r in candidates], day)
    chosen: dict[int, tuple[Registration, str]] = {}
    for registration in sorted(candidates, key=lambda r: r.des_year):
        now = status.get(registration.pk)
        if now is None:
            if registration.created_at > end_of(day):
                continue  # not yet started on the day
            now = Status.DRAFT
        current = chosen.get(registration.pcn_id)
        # A newer year replaces an older one once approved, or when the older was never approved.
        if current is None or now in APPROVED_STATUSES or current[1] not in APPROVED_STATUSES:
            chosen[registration.pcn_id] = (registration, now)
    return chosen


def coverage(
    area: Organisation | None,
    day: date,
    year_label: str | None = None,
    *,
    kind: str = "registered",
    allow_later: bool = False,
) -> Coverage:
    """Coverage of the area (a commissioner, ICS or region; None for England) on `day`, with
    lists of `kind` (registered: an extract or QOF list size; qof: QOF list sizes alone)."""
    year = des_year(year_label) if year_label else year_in_force(day)
    result = Coverage(day=day, area=area, year=year, kind=kind, allow_later=allow_later)
    result.minimum, result.maximum = _thresholds(year)
    if area is None:
        practice_ids = set(
            Relationship.objects.filter(
                valid_on(day), rel_type=RelType.PRACTICE_COMMISSIONER
            ).values_list("child_id", flat=True)
        )
        registrations = Registration.objects.all()
    else:
        practice_ids = practices_under([area], day)[area.pk]
        commissioner_ids = commissioners_under([area], day)[area.pk]
        registrations = Registration.objects.filter(
            Q(commissioner_id__in=commissioner_ids) | Q(members__practice_id__in=practice_ids)
        ).distinct()
    chosen = in_force(list(with_members(registrations)), day)
    practice_ids = open_practices(practice_ids, day)
    counted = counted_practices(practice_ids, day, kind=kind, allow_later=allow_later)
    lists = counted.lists
    counted_ids = counted.ids
    approved_of = approved_members(chosen, day)
    covered = set(approved_of)
    ods_pcn = _ods_pcns(practice_ids, day)
    result.drift = _drift(practice_ids, ods_pcn, approved_of)
    result.counted_words = counted.rule.words
    result.not_counted_summary = counted.summary
    result.practices = len(counted_ids)
    result.practices_covered = len(counted_ids & covered)
    result.practices_in_ods_pcn = len(counted_ids & set(ods_pcn))
    result.patients = sum(p.patients for p in lists.values())
    result.patients_covered = sum(lists[i].patients for i in counted_ids & covered)
    result.size_dates = tuple(sorted({d for p in lists.values() for d in p.dates}))
    result.list_bases = sorted(Counter(p.basis for p in lists.values()).items())
    result.list_sources = tuple(sorted({s for p in lists.values() for s in p.sources}))
    result.list_warnings = _warnings(lists.values())
    uncovered_ids = counted_ids - covered
    shown = Organisation.objects.filter(pk__in=uncovered_ids | set(counted.not_counted))
    for practice in shown.order_by("name"):
        if practice.pk in counted.not_counted:
            result.not_counted.append((practice, counted.not_counted[practice.pk]))
        else:
            result.uncovered.append(
                UncoveredPractice(
                    practice, lists[practice.pk].patients, ods_pcn.get(practice.pk, "")
                )
            )
    _distribution(result, None if area is None else commissioner_ids, day, kind, allow_later)
    local = [
        (registration, status)
        for registration, status in chosen.values()
        if area is None or registration.commissioner_id in commissioner_ids
    ]
    facts = gather([registration for registration, _ in local], day, members_on=day)
    result.networks = sorted(
        (
            _network(registration, status, facts[registration.pk], result)
            for registration, status in local
        ),
        key=lambda n: n.registration.pcn.name,
    )
    members = [m for registration, _ in local for m in registration.members.all()]
    result.variations_total = len(members)
    result.variations_signed = sum(1 for m in members if m.variation_status == "signed")
    if year is not None:
        result.progress = _progress(year, [r for r, _ in local if r.des_year == year.label], day)
    return result


def _warnings(found) -> tuple[str, ...]:
    """Each distinct warning of the lists used once, with how many practices it concerns."""
    counts = Counter(w for p in found for w in p.warnings if "member" not in w)
    return tuple(f"{w} ({n:,} practices)" if n > 1 else w for w, n in sorted(counts.items()))


def _distribution(
    result: Coverage, commissioner_ids: set[int] | None, day: date, kind: str, allow_later: bool
) -> None:
    """The size distribution of the PCNs ODS records under these commissioners (None: England)
    on `day` (see module doc). Only members that are GP practices by the counted-practices
    rule are summed and counted: an extended access hub in a PCN neither leaves it unsized nor
    adds to its size or practices; a GP practice without a list leaves it unsized, named."""
    links = Relationship.objects.filter(valid_on(day), rel_type=RelType.PCN_COMMISSIONER)
    if commissioner_ids is not None:
        links = links.filter(parent_id__in=commissioner_ids)
    pcns = list(Organisation.objects.filter(pk__in=links.values("child_id")))
    members_of = practices_under(pcns, day)
    gp = gp_practices(set().union(*members_of.values()) if pcns else set())
    lists = practice_populations(gp, day, purpose="on_the_day", kind=kind, allow_later=allow_later)
    sized, bases, dates = [], Counter(), set()
    for pcn in sorted(pcns, key=lambda p: p.code):
        members = [lists[pid] for pid in sorted(members_of[pcn.pk]) if pid in lists]
        missing = sorted(m.code for m in members if m.value is None)
        if missing or not members:
            reason = (
                f"no list on or before {day_words(day)} for member "
                f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}"
                if missing
                else "no member GP practices on the day"
            )
            result.unsized.append(UnsizedPcn(pcn.code, pcn.name, reason))
            continue
        size = combined(pcn.code, members, day, purpose="on_the_day", kind=kind)
        sized.append((len(members), size.patients))
        bases.update(size.bases)
        dates.update(size.dates)
    result.sizes_dates = tuple(sorted(dates))
    # The DES year's bands; before the first DES year, that year's (its file names them).
    minimum, maximum = (
        (result.minimum, result.maximum)
        if result.minimum and result.maximum
        else _thresholds(next(iter(des_years().values())))
    )
    result.sizes = distribution(sized, minimum, maximum)
    when = f"on or before {day_words(day)}"
    result.size_bases = [(BASIS_LABELS[b], n) for b, n in sorted(bases.items())]
    result.sizes_words = (
        f"PCNs ODS records in the area on {day_words(day)}, each the sum of its member GP "
        f"practices' {'QOF list sizes' if kind == 'qof' else 'registered lists'} {when}"
        f"{' (or the earliest later one where none is earlier, as asked)' if allow_later else ''}; "
        "members that are not GP practices in ODS (such as extended access hubs) are neither "
        "summed nor counted; a PCN with a GP practice member without a list is not sized. "
        "Percentiles as Excel's PERCENTILE.INC."
    )


def approved_members(
    chosen: dict[int, tuple[Registration, str]], day: date
) -> dict[int, Registration]:
    """Each practice covered on `day`, with the approved registration that covers it."""
    return {
        practice_id: registration
        for registration, status in chosen.values()
        if status in APPROVED_STATUSES
        for practice_id in _members_on(registration, day)
    }


def _ods_pcns(practice_ids, day: date) -> dict[int, str]:
    return dict(
        Relationship.objects.filter(
            valid_on(day), rel_type=RelType.PRACTICE_PCN, child_id__in=practice_ids
        ).values_list("child_id", "parent__code")
    )


def _drift(practice_ids, ods_pcn: dict[int, str], approved_of: dict[int, Registration]):
    differ = {
        practice_id: approved_of.get(practice_id)
        for practice_id in practice_ids
        if ods_pcn.get(practice_id, "")
        != (approved_of[practice_id].pcn.code if practice_id in approved_of else "")
        and (practice_id in ods_pcn or practice_id in approved_of)
    }
    practices = Organisation.objects.filter(pk__in=differ).order_by("name") if differ else []
    return [
        Drift(
            practice=practice,
            ods_pcn=ods_pcn.get(practice.pk, ""),
            approved_pcn=differ[practice.pk].pcn.code if differ[practice.pk] else "",
            registration_id=differ[practice.pk].pk if differ[practice.pk] else None,
        )
        for practice in practices
    ]


def drift_for(user, day: date) -> list[Drift]:
    """drift() over the practices the user may view."""
    visible = Organisation.objects.filter(
        scope_filter(user, Permission.VIEW_REGISTRY), kind=OrgKind.PRACTICE
    ).values_list("pk", flat=True)
    return drift(day, set(visible))


def drift(day: date, visible_practices: set[int] | None = None) -> list[Drift]:
    """Across England (or the practices given): where the ODS PCN of an open practice differs
    from its approved registration on `day`. Shown after each ePCN or map import."""
    practice_ids = set(
        Relationship.objects.filter(
            valid_on(day), rel_type__in=(RelType.PRACTICE_PCN, RelType.PRACTICE_COMMISSIONER)
        ).values_list("child_id", flat=True)
    )
    if visible_practices is not None:
        practice_ids &= visible_practices
    practice_ids = open_practices(practice_ids, day)
    chosen = in_force(list(with_members(Registration.objects.all())), day)
    return _drift(practice_ids, _ods_pcns(practice_ids, day), approved_members(chosen, day))


def _network(
    registration: Registration, status: str, facts: RegistrationFacts, result: Coverage
) -> Network:
    """A network's size is the DES one: its members' lists at 1 January, as the rules see it;
    with a member's list missing it cannot be calculated and is not judged against the
    thresholds."""
    size = facts.list_size
    note = uncalculable(facts, des_year(registration.des_year))
    return Network(
        registration=registration,
        status=status,
        practices=len(facts.members),
        list_size=None if note else size,
        under_minimum=not note and result.minimum is not None and size < result.minimum,
        over_maximum=not note and result.maximum is not None and size > result.maximum,
        list_note=note,
    )


def _progress(
    year: DesYear, registrations: list[Registration], day: date
) -> list[MilestoneProgress]:
    """Per milestone of the year: how many registrations had done what it asks by its date."""
    if not registrations:
        return []
    steps: dict[int, list[Transition]] = defaultdict(list)
    for step in Transition.objects.filter(
        registration__in=registrations, at__lte=end_of(day)
    ).order_by("at"):
        steps[step.registration_id].append(step)
    total = len(registrations)

    def first(registration, statuses) -> date | None:
        return next(
            (timezone.localdate(s.at) for s in steps[registration.pk] if s.to_status in statuses),
            None,
        )

    progress = []
    for milestone in year.milestones:
        if milestone.kind == "submission":
            reached = [first(r, set(Status) - {Status.DRAFT}) for r in registrations]
        elif milestone.kind in ("decision", "go_live"):
            wanted = (
                APPROVED_STATUSES
                if milestone.kind == "go_live"
                else (APPROVED_STATUSES | {Status.RETURNED})
            )
            reached = [first(r, wanted) for r in registrations]
        else:
            due = [d.key for d in year.documents if d.due.key == milestone.key]
            if not due:
                continue
            reached = []
            for registration in registrations:
                signed = {d.key: d.signed_on for d in registration.documents.all()}
                dates = [signed.get(key) for key in due]
                reached.append(max(dates) if dates and all(dates) else None)
        done = sum(1 for d in reached if d is not None and d <= day)
        overdue = (
            sum(1 for d in reached if d is None or d > milestone.date)
            if day > milestone.date
            else 0
        )
        progress.append(MilestoneProgress(milestone.label, milestone.date, done, total, overdue))
    return progress
