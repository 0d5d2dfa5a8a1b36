"""The population rule: the one answer to "the population of X for purpose P on date D".

Every figure comes back with its basis (registered extract, QOF list size, weighted, adjusted
or an entered figure), the date it stands for and the date it is of, where it came from (the
file, or who entered it and why) and how it was chosen. The kinds and purposes are data
(populations.toml).

The rule, for each practice: the latest figure of the kind on or before D; on the same date
an entered figure beats a file, and a registered-patients extract beats a QOF list size (the
same patients counted for the same day). Where none is on or before D the answer is none,
never a later figure, unless the caller passes allow_later because a person asked for it:
then the earliest later figure is used and every answer says so in words. A figure older
than POPULATION_STALE_MONTHS before D carries a warning with its age.

A PCN, commissioner, ICS or region is the sum over the practices that were its members on
the membership date (by default D); where no member has a figure, its own published figure
(the age files' PCN rows) stands in, by the same rule. Queries are fixed in number however
many organisations are asked about.
"""

import tomllib
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, reduce
from operator import or_
from pathlib import Path

from django.conf import settings
from django.db.models import BooleanField, CharField, Q, QuerySet, Value

from organisations.models import ListSize, Organisation, OrgKind, PopulationFigure
from organisations.queries import practices_under

RULES_FILE = Path(__file__).with_name("populations.toml")

# How each stored figure is named in words.
BASIS_LABELS = {
    "registered": "registered list",
    "qof": "QOF list size",
    "weighted": "contractor weighted population",
    "adjusted": "PCN adjusted population",
    "entered": "entered figure",
}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    measures: tuple[str, ...]
    note: str
    source: str


@dataclass(frozen=True)
class Purpose:
    key: str
    label: str
    kinds: tuple[str, ...]
    date: str
    source: str


@cache
def rules() -> tuple[dict[str, Kind], dict[str, Purpose]]:
    data = tomllib.loads(RULES_FILE.read_text())
    kinds = {
        key: Kind(key, k["label"], tuple(k["measures"]), k["note"], k["source"])
        for key, k in data["kinds"].items()
    }
    purposes = {
        key: Purpose(key, p["label"], tuple(p["kinds"]), p["date"], p["source"])
        for key, p in data["purposes"].items()
    }
    for purpose in purposes.values():
        unknown = set(purpose.kinds) - set(kinds)
        if unknown:
            raise ValueError(
                f"{RULES_FILE.name}: purpose {purpose.key} names unknown kinds {unknown}"
            )
    return kinds, purposes


def stale_after_months() -> int:
    return settings.POPULATION_STALE_MONTHS


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (1 Jan to 31 Jan is 0, to 1 Feb is 1)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has no such day."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
    return date(year, month, min(day.day, last))


def age_words(earlier: date, later: date) -> str:
    """'2 years 3 months', '6 months 30 days', '12 days': how much older `earlier` is."""
    months = months_between(earlier, later)
    days = (later - add_months(earlier, months)).days
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    if days or not parts:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    return " ".join(parts)


@cache
def day_words(day: date) -> str:
    """'1 Jan 2024'. Cached: a schedule puts the same few dates in words thousands of times."""
    return f"{day:%-d %b %Y}"


@dataclass(frozen=True)
class Population:
    """An organisation's population for one purpose on one date, with its provenance."""

    code: str  # ODS code; practice_populations names it only where the figure is missing
    kind: str  # registered, weighted or adjusted
    purpose: str
    stands_for: date  # the date asked about
    value: Decimal | None  # None: no figure on file by the rule
    dates: tuple[date, ...] = ()  # the dates of the figures used
    bases: tuple[str, ...] = ()  # registered, qof, weighted, adjusted, entered
    sources: tuple[str, ...] = ()  # file names, or who entered a figure and why
    counted: int = 0  # member practices with a figure (1 for a practice's own)
    missing: tuple[str, ...] = ()  # members without one, by ODS code
    later: bool = False  # a figure from after stands_for, because a person asked
    synthetic: bool = False  # a made-up demo figure among those used
    own: bool = False  # the organisation's own published figure, no member having one

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def patients(self) -> int | None:
        """The value as a whole number of patients, for lists and counts."""
        return None if self.value is None else int(self.value)

    @property
    def as_at(self) -> date | None:
        """The oldest date among the figures used: what the figure's age is judged by."""
        return self.dates[0] if self.dates else None

    @property
    def kind_label(self) -> str:
        return rules()[0][self.kind].label

    @property
    def is_stale(self) -> bool:
        """Older than the setting's months before the date it serves, to the day."""
        if self.as_at is None or self.as_at > self.stands_for:
            return False
        return add_months(self.as_at, stale_after_months()) < self.stands_for

    @property
    def basis(self) -> str:
        """Words for what the figure is: 'QOF list size at 1 Jan 2019'."""
        if self.value is None:
            return f"no {self.kind_label}"
        names = " and ".join(BASIS_LABELS[b] for b in self.bases)
        when = " and ".join(day_words(d) for d in self.dates[:3])
        if len(self.dates) > 3:
            when = f"{day_words(self.dates[0])} to {day_words(self.dates[-1])}"
        summed = f"sum of {self.counted} practices' " if self.counted > 1 else ""
        own = " (its own published figure)" if self.own else ""
        return f"{summed}{names} at {when}{own}"

    @property
    def how(self) -> str:
        """How the rule chose it, in the words of populations.toml: 'DES registration: each
        member's registered list at 1 January before the DES year ...'."""
        purpose = rules()[1][self.purpose]
        return f"{purpose.label}: {purpose.date}"

    @property
    def source(self) -> str:
        return "; ".join(self.sources)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reader must be told beside the figure, in words."""
        found = []
        if self.value is None:
            found.append(self.reason)
            return tuple(found)
        if self.later:
            found.append(
                f"{day_words(self.dates[-1])} figure used for {day_words(self.stands_for)}: "
                f"none earlier on file"
            )
        if self.is_stale:
            found.append(
                f"figure from {day_words(self.as_at)}, "
                f"{age_words(self.as_at, self.stands_for)} older than "
                f"{day_words(self.stands_for)} (over {stale_after_months()} months)"
            )
        if self.missing:
            shown = ", ".join(self.missing[:5]) + (" ..." if len(self.missing) > 5 else "")
            found.append(
                f"{len(self.missing)} member{'s' if len(self.missing) != 1 else ''} without a "
                f"{self.kind_label} at {day_words(self.stands_for)}: {shown}"
            )
        if self.synthetic:
            found.append("synthetic demo figure, not a published one")
        return tuple(found)

    @property
    def reason(self) -> str:
        """Why there is no figure: 'no PCN adjusted population for U12345 on or before ...'."""
        if self.value is not None:
            return ""
        reason = f"no {self.kind_label} for {self.code} on or before {day_words(self.stands_for)}"
        if self.missing and self.missing != (self.code,):
            shown = ", ".join(self.missing[:5]) + (" ..." if len(self.missing) > 5 else "")
            reason += f" (none for {shown})"
        return reason

    @property
    def text(self) -> str:
        """The figure with its basis and source in one line, for exports and the CLI."""
        if self.value is None:
            return f"cannot be calculated: {self.reason}"
        words = f"{self.value:,} ({self.basis}; {self.source or 'source not recorded'})"
        return " ".join([words, *(f"[{w}]" for w in self.warnings)])


@dataclass(frozen=True)
class _Candidate:
    day: date
    basis: str
    value: Decimal
    source: str
    synthetic: bool
    preference: int  # on the same date, lower wins: entered, then the kind's measures in order

    def rank(self) -> tuple:
        """Newest first, then the preferred basis, then the source name: never left to the
        order the database returns rows in."""
        return (-self.day.toordinal(), self.preference, self.source)


def _whole(value) -> Decimal:
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _candidates(
    ids: Collection[int], on: dict[Kind, date], allow_later: bool, within: QuerySet | None = None
) -> dict[str, dict[int, list]]:
    """Kind -> every figure of it for these organisations (only those on or before the kind's
    date in `on` unless a later one may be used), for all the kinds in one query; read for
    the organisations `within` gives where it is given (it holds `ids`, and may hold more)."""
    found: dict[str, dict[int, list[_Candidate]]] = {kind.key: defaultdict(list) for kind in on}
    if not ids:
        return found

    def kinds_filter(field: str, measures) -> Q:
        """Each kind's measures among `measures`, on or before its date (`field`)."""
        wanted = [
            Q(
                measure__in=[m for m in kind.measures if m in measures],
                **({} if allow_later else {f"{field}__lte": day}),
            )
            for kind, day in on.items()
            if set(kind.measures) & measures
        ]
        return reduce(or_, wanted)

    # One query for both tables (a UNION, PopulationFigure first so its decimal column types the
    # result): the rule's query count does not grow with the kinds it reads.
    measures = {m for kind in on for m in kind.measures}
    wanted = ids if within is None else within
    figures = PopulationFigure.objects.filter(
        kinds_filter("as_at", measures), organisation_id__in=wanted
    ).values_list(
        "organisation_id",
        "as_at",
        "measure",
        "value",
        "import_run__file_name",
        "synthetic",
        "entered_by__username",
        "reason",
    )
    listed = {m for m in measures if m in ("registered", "qof")}
    if listed:
        lists = (
            ListSize.objects.filter(
                kinds_filter("extract_date", listed),
                organisation_id__in=wanted,
                sex="ALL",
                age="ALL",
            )
            .annotate(
                is_synthetic=Value(False, output_field=BooleanField()),
                who=Value(None, output_field=CharField()),
                why=Value("", output_field=CharField()),
            )
            .values_list(
                "organisation_id",
                "extract_date",
                "measure",
                "patients",
                "import_run__file_name",
                "is_synthetic",
                "who",
                "why",
            )
        )
        figures = figures.union(lists, all=True)
    # Which kinds count each measure, with its preference among the kind's measures.
    counted_as = defaultdict(list)
    for kind, day in on.items():
        for index, measure in enumerate(kind.measures):
            counted_as[measure].append((found[kind.key], None if allow_later else day, index))
    for org_id, day, measure, value, file_name, synthetic, who, reason in figures:
        if who:
            basis, source = "entered", f"entered by {who}: {reason}"
        else:
            basis, source = measure, file_name or ("synthetic demo figure" if synthetic else "")
        value, source, synthetic = _whole(value), source or "file not recorded", bool(synthetic)
        for kind_found, latest, index in counted_as[measure]:
            if latest is None or day <= latest:
                preference = 0 if basis == "entered" else 1 + index
                kind_found[org_id].append(
                    _Candidate(day, basis, value, source, synthetic, preference)
                )
    return found


def _choose(candidates: list[_Candidate], on: date) -> tuple[_Candidate | None, bool]:
    """The figure the rule takes, and whether it is from after `on`."""
    earlier = [c for c in candidates if c.day <= on]
    if earlier:
        return min(earlier, key=_Candidate.rank), False
    later = [c for c in candidates if c.day > on]
    if later:
        return min(later, key=lambda c: (c.day, c.preference, c.source)), True
    return None, False


def _kind_for(purpose: str, kind: str | None) -> tuple[Kind, Purpose]:
    kinds, purposes = rules()
    if purpose not in purposes:
        raise ValueError(f"unknown population purpose {purpose!r}: one of {', '.join(purposes)}")
    chosen = purposes[purpose]
    kind = kind or chosen.kinds[0]
    if kind not in chosen.kinds:
        raise ValueError(f"the {chosen.label} purpose counts {', '.join(chosen.kinds)}, not {kind}")
    return kinds[kind], chosen


def _one(code, kind, purpose, on, chosen: list[tuple[_Candidate, bool]], missing, own=False):
    if not chosen:
        return Population(code, kind.key, purpose.key, on, None, missing=tuple(missing))
    if len(chosen) == 1:  # a practice's own figure: as below, without the sums and sorting
        figure, later = chosen[0]
        return Population(
            code=code,
            kind=kind.key,
            purpose=purpose.key,
            stands_for=on,
            value=figure.value,
            dates=(figure.day,),
            bases=(figure.basis,),
            sources=(figure.source,),
            counted=0 if own else 1,
            missing=tuple(sorted(missing)),
            later=later,
            synthetic=figure.synthetic,
            own=own,
        )
    figures = [c for c, _ in chosen]
    return Population(
        code=code,
        kind=kind.key,
        purpose=purpose.key,
        stands_for=on,
        value=sum((c.value for c in figures), Decimal(0)),
        dates=tuple(sorted({c.day for c in figures})),
        bases=tuple(sorted({c.basis for c in figures}, key=list(BASIS_LABELS).index)),
        sources=tuple(sorted({c.source for c in figures})),
        counted=0 if own else len(figures),
        missing=tuple(sorted(missing)),
        later=any(later for _, later in chosen),
        synthetic=any(c.synthetic for c in figures),
        own=own,
    )


def populations(
    orgs: Iterable[Organisation],
    on: date,
    *,
    purpose: str,
    kind: str | None = None,
    members_on: date | None = None,
    allow_later: bool = False,
) -> dict[int, Population]:
    """Each organisation's population of `kind` for `purpose`, standing for `on`, counted over
    its members on `members_on` (default `on`). Keyed by organisation id."""
    orgs = list(orgs)
    spec, use = _kind_for(purpose, kind)
    practices_of = practices_under(orgs, members_on or on)
    wanted = set().union(*practices_of.values(), (o.pk for o in orgs)) if orgs else set()
    candidates = _candidates(wanted, {spec: on}, allow_later)[spec.key]
    chosen = {org_id: _choose(found, on) for org_id, found in candidates.items()}
    without = {
        pid for ids in practices_of.values() for pid in ids if chosen.get(pid, (None,))[0] is None
    }
    codes = _codes(without)
    found = {}
    for org in orgs:
        members = practices_of[org.pk] if org.kind != OrgKind.PRACTICE else {org.pk}
        used = [chosen[pid] for pid in members if chosen.get(pid, (None,))[0] is not None]
        if org.kind == OrgKind.PRACTICE:
            found[org.pk] = _one(org.code, spec, use, on, used, [])
        elif used:
            missing = [codes[pid] for pid in members if pid in without]
            found[org.pk] = _one(org.code, spec, use, on, used, missing)
        else:
            missing = [codes[pid] for pid in members if pid in without]
            own = chosen.get(org.pk, (None,))
            found[org.pk] = _one(
                org.code, spec, use, on, [own] if own[0] else [], missing, own=own[0] is not None
            )
    return found


def practice_populations(
    practice_ids: Iterable[int | Organisation],
    on: date,
    *,
    purpose: str,
    kind: str | None = None,
    allow_later: bool = False,
) -> dict[int, Population]:
    """Each practice's own figure by the rule, for many practices in two queries at most (one
    when practices rather than ids are given: their codes are known). Practices with no figure
    are present, with value None and the reason."""
    kind = _kind_for(purpose, kind)[0].key
    return practice_populations_of_kinds(
        practice_ids, {kind: on}, purpose=purpose, allow_later=allow_later
    )[kind]


def practice_populations_of_kinds(
    practice_ids: Iterable[int | Organisation],
    on: dict[str, date],
    *,
    purpose: str,
    allow_later: bool = False,
    within: QuerySet | None = None,
) -> dict[str, dict[int, Population]]:
    """Kind -> `practice_populations` of that kind on its date in `on`, for several kinds in
    the same two queries at most (a schedule's registered, weighted and adjusted lists).
    `within`, a query of organisation ids holding every one of the practices, reads their
    figures by a subquery rather than listing thousands of ids."""
    if not on:
        return {}  # no kind asked for (a year no rate table covers): nothing to read
    given = list(practice_ids)
    known = {p.pk: p.code for p in given if isinstance(p, Organisation)}
    ids = {p.pk if isinstance(p, Organisation) else p for p in given}
    specs = {kind: _kind_for(purpose, kind) for kind in on}
    candidates = _candidates(
        ids, {spec: on[kind] for kind, (spec, _) in specs.items()}, allow_later, within
    )
    best = {
        kind: {pid: _choose(candidates[kind].get(pid, []), on[kind]) for pid in ids} for kind in on
    }
    # A figure that is missing names its practice.
    codes = known | _codes(
        pid
        for chosen in best.values()
        for pid, (figure, _) in chosen.items()
        if figure is None and pid not in known
    )
    return {
        kind: {
            pid: _one(
                (known if chosen[0] else codes).get(pid, ""),
                spec,
                use,
                on[kind],
                [chosen] if chosen[0] else [],
                [],
            )
            for pid, chosen in best[kind].items()
        }
        for kind, (spec, use) in specs.items()
    }


def _codes(ids) -> dict[int, str]:
    """ODS codes, asked only for organisations without a figure (their reason names them)."""
    ids = set(ids)
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}


def population(org: Organisation, on: date, **options) -> Population:
    return populations([org], on, **options)[org.pk]


def combined(
    code: str, figures: Iterable[Population], on: date, *, purpose: str, kind: str | None = None
) -> Population:
    """The sum of practices' figures (of one kind, for one purpose and date) as one figure with
    their bases, dates and sources, naming the practices without one: an area's patients for
    coverage or access, a network's for a month's payment."""
    figures = list(figures)
    kinds = {f.kind for f in figures} or {None}
    spec, use = _kind_for(purpose, kind or (kinds.pop() if len(kinds) == 1 else None))
    found = [f for f in figures if f.value is not None]
    if not found:
        return Population(code, spec.key, use.key, on, None, missing=_codes_missing(figures))
    return Population(
        code=code,
        kind=spec.key,
        purpose=use.key,
        stands_for=on,
        value=sum((f.value for f in found), Decimal(0)),
        dates=tuple(sorted({d for f in found for d in f.dates})),
        bases=tuple(sorted({b for f in found for b in f.bases}, key=list(BASIS_LABELS).index)),
        sources=tuple(sorted({s for f in found for s in f.sources})),
        counted=sum(max(f.counted, 1) for f in found),
        missing=_codes_missing(figures),
        later=any(f.later for f in found),
        synthetic=any(f.synthetic for f in found),
    )


def _codes_missing(figures: list[Population]) -> tuple[str, ...]:
    return tuple(
        sorted(
            {f.code for f in figures if f.value is None} | {c for f in figures for c in f.missing}
        )
    )
