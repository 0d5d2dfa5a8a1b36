"""The as-at query layer: who was where, and how many patients, on a given date.

Populations (which figure, of which kind, for which purpose and date) are not here: they have
one rule of their own, organisations.population.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.db.models import Case, Count, Q, QuerySet, Value, When

from organisations.models import (
    HIERARCHY,
    PARENT_REL,
    DiseaseRegister,
    FigureRevision,
    ListSize,
    Measure,
    Organisation,
    OrgKind,
    Relationship,
    RelType,
)


def valid_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


# Which relationship links a parent kind straight to the practices below it, and through which
# chain: a commissioner holds practices directly; an ICS through its commissioners; a region
# through its ICSs and their commissioners.
_PRACTICE_PATH = {
    OrgKind.PCN: [RelType.PRACTICE_PCN],
    OrgKind.COMMISSIONER: [RelType.PRACTICE_COMMISSIONER],
    OrgKind.ICS: [RelType.COMMISSIONER_ICS, RelType.PRACTICE_COMMISSIONER],
    OrgKind.REGION: [RelType.ICS_REGION, RelType.COMMISSIONER_ICS, RelType.PRACTICE_COMMISSIONER],
}
_CHILD_REL = {
    OrgKind.REGION: RelType.ICS_REGION,
    OrgKind.ICS: RelType.COMMISSIONER_ICS,
    OrgKind.COMMISSIONER: RelType.PCN_COMMISSIONER,
    OrgKind.PCN: RelType.PRACTICE_PCN,
}


def child_kind(kind: str) -> str | None:
    index = HIERARCHY.index(kind)
    return HIERARCHY[index + 1] if index + 1 < len(HIERARCHY) else None


def members(org: Organisation, day: date) -> QuerySet[Organisation]:
    """The organisations directly below org on day (a PCN's practices, an ICS's commissioners)."""
    rel = _CHILD_REL.get(org.kind)
    if rel is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        parent_links__in=Relationship.objects.filter(valid_on(day), parent=org, rel_type=rel)
    ).distinct()


def practices_in_no_pcn(org: Organisation, day: date) -> QuerySet[Organisation]:
    """A commissioner's practices that were in no PCN on day (empty for other kinds), by name:
    every one, whether or not it counts; organisations.counted says which do and why not."""
    if org.kind != OrgKind.COMMISSIONER:
        return Organisation.objects.none()
    in_pcn = Relationship.objects.filter(valid_on(day), rel_type=RelType.PRACTICE_PCN)
    return (
        Organisation.objects.filter(
            parent_links__in=Relationship.objects.filter(
                valid_on(day), parent=org, rel_type=RelType.PRACTICE_COMMISSIONER
            )
        )
        .exclude(parent_links__in=in_pcn)
        .distinct()
        .order_by("name")
    )


def practices_under(orgs, day: date) -> dict[int, set[int]]:
    """For each organisation, the practices under it on day, following the hierarchy down.
    One query per level, however many organisations and practices."""
    return _reach(orgs, day, OrgKind.PRACTICE, _PRACTICE_PATH)


def commissioners_under(orgs, day: date) -> dict[int, set[int]]:
    """For each organisation, the commissioners under it on day (a commissioner: itself)."""
    return _reach(orgs, day, OrgKind.COMMISSIONER, _COMMISSIONER_PATH)


_COMMISSIONER_PATH = {
    OrgKind.ICS: [RelType.COMMISSIONER_ICS],
    OrgKind.REGION: [RelType.ICS_REGION, RelType.COMMISSIONER_ICS],
}


def _reach(orgs, day: date, target: str, paths: dict[str, list[str]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for org in orgs:
        if org.kind == target:
            found[org.pk] = {org.pk}
        elif org.kind in paths:
            by_kind.setdefault(org.kind, []).append(org.pk)
        else:
            found[org.pk] = set()
    for kind, roots in by_kind.items():
        reach = {root: {root} for root in roots}
        for rel in paths[kind]:
            wanted = set().union(*reach.values())
            links: dict[int, set[int]] = {}
            rows = Relationship.objects.filter(
                valid_on(day), parent_id__in=wanted, rel_type=rel
            ).values_list("parent_id", "child_id")
            for parent_id, child_id in rows:
                links.setdefault(parent_id, set()).add(child_id)
            reach = {
                root: set().union(*(links.get(i, set()) for i in ids))
                for root, ids in reach.items()
            }
        found.update(reach)
    return found


# ODS statuses of a practice with no patients, where the file gives no close date.
NOT_OPEN_STATUSES = ("closed", "dormant")


def open_practices(practice_ids, day: date, within: Q | None = None) -> set[int]:
    """Of the practices given (and kept by `within`, e.g. a user's scope_filter), those open on
    `day`: a commissioner's or a PCN's link to a closed or dormant practice is often never
    ended in the ODS files, and such a practice has no patients. One query."""
    return set(
        Organisation.objects.filter(pk__in=practice_ids)
        .filter(within if within is not None else Q())
        .filter(Q(open_date__isnull=True) | Q(open_date__lte=day))
        .filter(Q(close_date__isnull=True) | Q(close_date__gte=day))
        .exclude(status__in=NOT_OPEN_STATUSES, close_date__isnull=True)
        .values_list("pk", flat=True)
    )


def member_practice_ids(org: Organisation, day: date) -> set[int]:
    return practices_under([org], day)[org.pk]


def parent(org: Organisation, day: date, rel_type: str | None = None) -> Organisation | None:
    rel_type = rel_type or PARENT_REL.get(org.kind)
    if rel_type is None:
        return None
    link = (
        Relationship.objects.filter(valid_on(day), child=org, rel_type=rel_type)
        .select_related("parent")
        .order_by("-valid_from")
        .first()
    )
    return link.parent if link else None


def ancestors(org: Organisation, day: date) -> list[Organisation]:
    """Breadcrumb trail from the region down to org's parent, as it stood on day.

    A practice in no PCN climbs through its commissioner instead."""
    trail = []
    current = org
    while current.kind in PARENT_REL:
        above = parent(current, day)
        if above is None and current.kind == OrgKind.PRACTICE:
            above = parent(current, day, RelType.PRACTICE_COMMISSIONER)
        if above is None:
            break
        trail.append(above)
        current = above
    return list(reversed(trail))


def practice_spans(org: Organisation) -> dict[int, list[tuple[date, date | None]]]:
    """Every practice ever under org, with the spans of time it was (chained through the
    levels between them). One query per level, whatever the number of practices."""
    if org.kind == OrgKind.PRACTICE:
        return {org.pk: [(date.min, None)]}
    spans: dict[int, list[tuple[date, date | None]]] = {org.pk: [(date.min, None)]}
    for rel in _PRACTICE_PATH[org.kind]:
        rows = Relationship.objects.filter(parent_id__in=spans, rel_type=rel).values_list(
            "child_id", "parent_id", "valid_from", "valid_to"
        )
        below: dict[int, list[tuple[date, date | None]]] = {}
        for child_id, parent_id, start, end in rows:
            for parent_start, parent_end in spans[parent_id]:
                joint_start = max(start, parent_start)
                ends = [e for e in (end, parent_end) if e is not None]
                joint_end = min(ends) if ends else None
                if joint_end is None or joint_start <= joint_end:
                    below.setdefault(child_id, []).append((joint_start, joint_end))
        spans = below
    return spans


def list_size_trend(org: Organisation, measure: str = Measure.REGISTERED) -> list[tuple[date, int]]:
    """Total patients at each extract date, counting the practices that were members on that
    date; dates with no member figures fall back to the organisation's own published ones."""
    spans = practice_spans(org)
    totals: dict[date, int] = {}
    rows = ListSize.objects.filter(
        organisation_id__in=spans, measure=measure, sex="ALL", age="ALL"
    ).values_list("extract_date", "organisation_id", "patients")
    for extract_date, org_id, patients in rows:
        if any(s <= extract_date and (e is None or extract_date <= e) for s, e in spans[org_id]):
            totals[extract_date] = totals.get(extract_date, 0) + patients
    if org.kind != OrgKind.PRACTICE:
        own = ListSize.objects.filter(organisation=org, measure=measure, sex="ALL", age="ALL")
        for extract_date, patients in own.values_list("extract_date", "patients"):
            totals.setdefault(extract_date, patients)
    return sorted(totals.items())


def age_sex_profile(org: Organisation, day: date) -> tuple[date | None, list[tuple[str, int, int]]]:
    """(extract date, [(age, male, female)]) from the latest age breakdown on or before day.

    Uses the organisation's own rows; for a PCN or above with none, sums its members'."""
    ids = [org.pk]
    base = ListSize.objects.filter(measure=Measure.REGISTERED, sex__in=["MALE", "FEMALE"])
    base = base.exclude(age="ALL").filter(extract_date__lte=day)
    latest = base.filter(organisation_id__in=ids).order_by("-extract_date").first()
    if latest is None and org.kind != OrgKind.PRACTICE:
        ids = list(member_practice_ids(org, day))
        latest = base.filter(organisation_id__in=ids).order_by("-extract_date").first()
    if latest is None:
        return None, []
    rows = list(
        base.filter(organisation_id__in=ids, extract_date=latest.extract_date).values_list(
            "age", "sex", "patients"
        )
    )
    # A month may have both the five-year and the single-year file; show one basis, the finer.
    single_years = any(age.isdigit() for age, _, _ in rows)
    counts: dict[str, list[int]] = {}
    for age, sex, patients in rows:
        if single_years and "_" in age:
            continue
        pair = counts.setdefault(age, [0, 0])
        pair[0 if sex == "MALE" else 1] += patients
    return latest.extract_date, sorted(
        ((age, m, f) for age, (m, f) in counts.items()), key=lambda row: _age_key(row[0])
    )


def _age_key(age: str) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in age).split()
    return int(digits[0]) if digits else 999


def search(term: str, limit: int = 25, within: Q | None = None) -> QuerySet[Organisation]:
    """Organisations whose ODS code is term or whose name contains it. `within` (e.g. a
    scope_filter) narrows the rows before the limit, so a user's own matches are not crowded
    out by ones they cannot see."""
    term = term.strip()
    if not term:
        return Organisation.objects.none()
    found = Organisation.objects.filter(Q(code__iexact=term) | Q(name__icontains=term))
    if within is not None:
        found = found.filter(within)
    # Top of the hierarchy first, before the limit, so regions are never cut for practices.
    level = Case(*(When(kind=kind, then=Value(i)) for i, kind in enumerate(HIERARCHY)))
    return found.order_by(level, "name")[:limit]


def relationships_of(org: Organisation) -> QuerySet[Relationship]:
    """Every relationship row with org at either end, newest first: its own moves and its
    members' joins and departures, each with the import run that wrote it."""
    return (
        Relationship.objects.filter(Q(child=org) | Q(parent=org))
        .select_related("child", "parent", "import_run")
        .order_by("-valid_from", "rel_type", "child__name")
    )


def import_runs_touching(org: Organisation):
    """Import runs that wrote a relationship, list size or register row for org."""
    from imports.models import ImportRun

    return (
        ImportRun.objects.filter(
            Q(pk__in=Relationship.objects.filter(Q(child=org) | Q(parent=org)).values("import_run"))
            | Q(pk__in=ListSize.objects.filter(organisation=org).values("import_run"))
            | Q(pk__in=DiseaseRegister.objects.filter(organisation=org).values("import_run"))
        )
        .select_related("run_by")
        .order_by("-started_at", "-id")
    )


def figure_revisions(org: Organisation) -> QuerySet[FigureRevision]:
    """Published figures for org that a later file revised, newest first."""
    return FigureRevision.objects.filter(organisation=org).order_by("-id")


class FieldDelta(NamedTuple):
    field: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class FieldChange:
    when: datetime
    who: str
    history_type: str  # django-simple-history's +, ~ or -
    action: str  # "created", "changed" or "deleted"
    reason: str
    changes: tuple[FieldDelta, ...]  # a creation lists the values it started with


_HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _delta(model, name: str, before, after) -> FieldDelta:
    return FieldDelta(name, str(model._meta.get_field(name).verbose_name), before, after)


def _m2m_states(records, fields) -> dict[str, dict[int, tuple]]:
    """Each many-to-many field's members in each history record, as the names they point at:
    one query a field for every record (simple-history's own diff asks two a field a record)."""
    states = {}
    ids = [r.history_id for r in records]
    for field in fields:
        through = getattr(records[0], field.name).model
        target = field.m2m_reverse_field_name()
        rows = list(through.objects.filter(history_id__in=ids).values_list("history_id", target))
        names = field.related_model.objects.in_bulk({pk for _, pk in rows})
        found: dict[int, list] = {i: [] for i in ids}
        for history_id, pk in rows:
            found[history_id].append(str(names.get(pk, f"#{pk}")))
        states[field.name] = {i: tuple(sorted(v)) for i, v in found.items()}
    return states


def field_changes(obj, limit: int | None = 50) -> list[FieldChange]:
    """Newest-first edits to a historied object's own fields (django-simple-history), each
    diffed against the record before it: one query for the records (one extra is fetched as
    the oldest one's baseline), and one for each many-to-many field it keeps. Pages show the
    latest `limit`; the API asks for all (limit=None)."""
    model = type(obj)
    history = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history if limit is None else history[: limit + 1])
    shown = records if limit is None else records[:limit]
    m2m = list(getattr(model.history.model, "_history_m2m_fields", ()))
    states = _m2m_states(records, m2m) if records and m2m else {}
    plain_excluded = [f.name for f in m2m]
    changes = []
    for newer, older in zip(shown, [*records[1:], None][: len(shown)], strict=True):
        if older is not None:
            deltas = [
                _delta(model, c.field, c.old, c.new)
                for c in newer.diff_against(older, excluded_fields=plain_excluded).changes
            ]
            for field in m2m:
                was, now = (states[field.name][r.history_id] for r in (older, newer))
                if was != now:
                    deltas.append(_delta(model, field.name, ", ".join(was), ", ".join(now)))
        else:
            tracked = [f.name for f in newer.tracked_fields if f.editable and not f.primary_key]
            deltas = [
                _delta(model, name, None, getattr(newer, name))
                for name in sorted(tracked)
                if getattr(newer, name) not in (None, "")
            ]
            deltas += [
                _delta(model, f.name, None, ", ".join(states[f.name][newer.history_id]))
                for f in m2m
                if states[f.name][newer.history_id]
            ]
        changes.append(
            FieldChange(
                when=newer.history_date,
                who=newer.history_user.get_username() if newer.history_user else "",
                history_type=newer.history_type,
                action=_HISTORY_ACTIONS.get(newer.history_type, newer.history_type),
                reason=newer.history_change_reason or "",
                changes=tuple(deltas),
            )
        )
    return changes


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    open: int
    total: int


def counts_by_kind(day: date, within: Q | None = None) -> list[KindCount]:
    """How many organisations of each kind (open on day, and ever), top of the hierarchy
    first, in one query."""
    rows = (
        Organisation.objects.filter(within if within is not None else Q())
        .values("kind")
        .annotate(
            total=Count("id"),
            open=Count(
                "id",
                filter=(Q(open_date__isnull=True) | Q(open_date__lte=day))
                & (Q(close_date__isnull=True) | Q(close_date__gte=day)),
            ),
        )
    )
    found = {row["kind"]: row for row in rows}
    return [
        KindCount(kind, kind.label, found[kind]["open"], found[kind]["total"])
        for kind in HIERARCHY
        if kind in found
    ]
