"""Gathers the facts the checker needs for many registrations at once, in a fixed number of
queries however many there are: every PCN in England is checked in one pass."""

from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.db.models import Prefetch
from shapely.geometry import shape
from shapely.ops import unary_union

from organisations.models import Relationship, RelType
from organisations.population import Population, practice_populations
from organisations.queries import valid_on
from registrations.models import Registration, RegistrationMember, Status
from registrations.rules import MemberFacts, RegistrationFacts, RuleResult, check
from registrations.years import DesYear, des_year

# Registrations that claim their members: a draft or a returned one claims nothing yet.
CLAIMING = frozenset(Status) - {Status.DRAFT, Status.RETURNED}


def area_parts(geojson: dict | None) -> int | None:
    """How many separate pieces the mapped area falls into, or None without a usable map."""
    if not geojson:
        return None
    features = geojson.get("features") if geojson.get("type") == "FeatureCollection" else None
    geometries = (
        [f["geometry"] for f in features if f.get("geometry")]
        if features is not None
        else [geojson.get("geometry", geojson)]
    )
    merged = unary_union([shape(g).buffer(0) for g in geometries])
    return len(getattr(merged, "geoms", [merged])) if not merged.is_empty else None


def current_members(registration: Registration, day: date | None = None):
    """Members on `day` (default: every member not yet gone)."""
    return [
        m
        for m in registration.members.all()
        if (day is None and m.left_on is None)
        or (
            day is not None
            and (m.joined_on is None or m.joined_on <= day)
            and (m.left_on is None or m.left_on >= day)
        )
    ]


def with_members(queryset):
    return queryset.select_related(
        "pcn", "commissioner", "clinical_director_practice", "payee_practice"
    ).prefetch_related(
        Prefetch("members", queryset=RegistrationMember.objects.select_related("practice")),
        "documents",
    )


def des_lists(practices, year: DesYear) -> dict[int, Population]:
    """Each practice's (ids or Organisations) registered list for the DES year by the population
    rule: the latest on or before the year's list_size_date, never a later one (a practice
    without one has none)."""
    practices = list(practices)
    if not practices:
        return {}
    return practice_populations(practices, year.list_size_date, purpose="des_registration")


LIST_FIELDS = ["list_size", "list_size_date", "list_size_basis", "list_size_source"]


def list_fields(found: Population | None) -> dict:
    """A member's frozen list as stored: figure, date, the rule's words and the file."""
    if found is None or found.value is None:
        return {
            "list_size": None,
            "list_size_date": None,
            "list_size_basis": found.reason if found else "",
            "list_size_source": "",
        }
    return {
        "list_size": found.patients,
        "list_size_date": found.as_at,
        # Frozen with its warnings (stale, synthetic): they must stay beside the figure.
        "list_size_basis": "; ".join([found.basis, *found.warnings]),
        "list_size_source": found.source,
    }


def practice_facts(practices, year: DesYear, sized=None) -> dict[int, MemberFacts]:
    """What the rules need of each practice for the year: open on the go-live date, contract,
    commissioner, list size at the year's 1 January (for the `sized` ids only, default all)
    and every PCN whose registration of the year claims it."""
    on = year.go_live
    practices = {p.pk: p for p in practices}
    ids = set(practices)
    wanted = ids if sized is None else set(sized)
    lists = des_lists([practices[pk] for pk in wanted if pk in practices], year)
    commissioner_of = dict(
        Relationship.objects.filter(
            valid_on(on), child_id__in=ids, rel_type=RelType.PRACTICE_COMMISSIONER
        ).values_list("child_id", "parent__code")
    )
    claimed: dict[int, set[str]] = defaultdict(set)
    for practice_id, pcn_code in RegistrationMember.objects.filter(
        registration__des_year=year.label,
        registration__status__in=CLAIMING,
        practice_id__in=ids,
        left_on__isnull=True,
    ).values_list("practice_id", "registration__pcn__code"):
        claimed[practice_id].add(pcn_code)
    return {
        pk: MemberFacts(
            code=practice.code,
            name=practice.name,
            is_open=practice.close_date is None or practice.close_date >= on,
            contract_type=practice.contract_type,
            commissioner_code=commissioner_of.get(pk),
            **list_fields(lists.get(pk)),
            other_pcns=tuple(sorted(claimed[pk])),
        )
        for pk, practice in practices.items()
    }


def member_facts(member: RegistrationMember, base: MemberFacts, pcn_code: str) -> MemberFacts:
    """A member as its registration sees it: its frozen list size, and no claim by itself."""
    frozen = {}
    if member.list_size is not None:
        frozen = {
            "list_size": member.list_size,
            "list_size_date": member.list_size_date,
            "list_size_basis": member.list_size_basis,
            "list_size_source": member.list_size_source,
        }
    others = tuple(code for code in base.other_pcns if code != pcn_code)
    return replace(base, other_pcns=others, **frozen)


def gather(
    registrations: list[Registration], today: date, members_on: date | None = None
) -> dict[int, RegistrationFacts]:
    """Facts for each registration (its members, documents and prefetched relations loaded),
    with its members on `members_on` (default: those not yet gone)."""
    by_year: dict[str, list[Registration]] = defaultdict(list)
    for registration in registrations:
        by_year[registration.des_year].append(registration)
    facts: dict[int, RegistrationFacts] = {}
    for label, group in by_year.items():
        current = {r.pk: current_members(r, members_on) for r in group}
        practices = {m.practice for members in current.values() for m in members}
        unsized = {
            m.practice_id for members in current.values() for m in members if m.list_size is None
        }
        known = practice_facts(practices, des_year(label), sized=unsized)
        for registration in group:
            code = registration.pcn.code
            members = [
                member_facts(m, known[m.practice_id], code) for m in current[registration.pk]
            ]
            cd = registration.clinical_director_practice
            facts[registration.pk] = RegistrationFacts(
                pcn_code=registration.pcn.code,
                commissioner_code=registration.commissioner.code,
                members=tuple(members),
                today=today,
                clinical_director_name=registration.clinical_director_name,
                clinical_director_practice=cd.code if cd else "",
                payee_practice=registration.payee_practice.code
                if registration.payee_practice_id
                else "",
                payee_provider=registration.payee_provider_name,
                has_bank_details=registration.has_bank_details,
                documents={d.key: d.signed_on for d in registration.documents.all()},
                population_exception=registration.population_exception,
                cross_boundary_reason=registration.cross_boundary_reason,
                area_parts=area_parts(registration.area_map),
            )
    return facts


def results_for(registrations: list[Registration], today: date) -> dict[int, list[RuleResult]]:
    facts = gather(registrations, today)
    return {r.pk: check(facts[r.pk], des_year(r.des_year)) for r in registrations if r.pk in facts}


def results_of(registration: Registration, today: date) -> list[RuleResult]:
    return results_for([registration], today)[registration.pk]
