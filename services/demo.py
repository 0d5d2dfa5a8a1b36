"""Demo service roll-out for the demo area, 2019 to 2021: synthetic figures from one seeded
generator, recorded through the real actions by each CCG's primary care team.

- Sign-ups for every practice: online consultation planned from April 2019, most signed up
  in 2019/20 and live a few months later, a few never and a few withdrawn in 2021; electronic
  repeat dispensing signed up through 2019 and live in 2020; MDT go-live by network, planned
  from April 2020 and live between October 2020 and September 2021; home visiting live in
  some networks. Practices in no PCN take no network service. A practice that closes has no
  record after it closed.
- Extended access for every network from the July 2019 go-live, reviewed each April (2020,
  2021) for the members of the day, as the network's Extended Hours: about 30 minutes per
  1,000 patients a week, some networks short of it, one that stopped in April 2020 and
  started again in October; one practice in no PCN offers its own, as the CCG's extended
  access, the other none. From 1 October 2022 every network offers Enhanced Access, about 60
  minutes per 1,000 patients a week, some short of it.
"""

import math
import random
from datetime import date

from accounts.models import Role, RoleAssignment
from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.queries import members, open_practices, valid_on
from services.actions import Entry, end_provision, record_provision, record_signups
from services.queries import practice_patients

SEED = 2019
GO_LIVE = date(2019, 7, 1)
REVIEWS = (GO_LIVE, date(2020, 4, 1), date(2021, 4, 1))
ENHANCED = date(2022, 10, 1)
PAUSED, RESUMED = date(2020, 4, 1), date(2020, 10, 1)
REASON = "demo: synthetic figures"


def _day(rng: random.Random, start: date, end: date) -> date:
    """A first of the month between the two dates."""
    months = (end.year - start.year) * 12 + end.month - start.month
    chosen = start.month - 1 + rng.randint(0, months)
    return date(start.year + chosen // 12, chosen % 12 + 1, 1)


def _later(day: date, rng: random.Random, low: int, high: int) -> date:
    chosen = day.month - 1 + rng.randint(low, high)
    return date(day.year + chosen // 12, chosen % 12 + 1, 1)


def _practice_timeline(rng: random.Random) -> list[tuple[str, str, date]]:
    """(service, status, from) for the practice's own services."""
    found = []
    roll = rng.random()
    if roll < 0.1:
        found.append(("online_consultation", "not_signed_up", date(2019, 4, 1)))
    else:
        found.append(("online_consultation", "planned", date(2019, 4, 1)))
        signed = _day(rng, date(2019, 7, 1), date(2020, 3, 1))
        found.append(("online_consultation", "signed_up", signed))
        live = _later(signed, rng, 1, 6)
        found.append(("online_consultation", "live", live))
        if roll > 0.95:
            found.append(("online_consultation", "withdrawn", _later(live, rng, 6, 12)))
    signed = _day(rng, date(2019, 4, 1), date(2019, 12, 1))
    if rng.random() < 0.15:
        found.append(("electronic_repeat_dispensing", "planned", signed))
    else:
        found.append(("electronic_repeat_dispensing", "signed_up", signed))
        found.append(("electronic_repeat_dispensing", "live", _later(signed, rng, 2, 8)))
    return found


def _network_timeline(rng: random.Random) -> list[tuple[str, str, date]]:
    """(service, status, from) that a network's practices share."""
    found = [
        ("mdt_go_live", "planned", date(2020, 4, 1)),
        ("mdt_go_live", "live", _day(rng, date(2020, 10, 1), date(2021, 9, 1))),
    ]
    if rng.random() < 0.4:
        found.append(("home_visiting", "live", _day(rng, date(2019, 10, 1), date(2021, 6, 1))))
    return found


def _teams() -> dict[int, object]:
    """Commissioner id -> its primary care team's demo user, who records for its area."""
    return {
        a.organisation_id: a.user
        for a in RoleAssignment.objects.filter(
            role=Role.COMMISSIONER, organisation__kind=OrgKind.COMMISSIONER
        ).select_related("user")
    }


def _signups(rng: random.Random, teams: dict[int, object]) -> int:
    links = Relationship.objects.filter(
        rel_type=RelType.PRACTICE_COMMISSIONER, parent_id__in=teams
    ).select_related("child")
    practices_of: dict[int, list[Organisation]] = {}
    for link in sorted(links, key=lambda link: link.child.code):
        practices_of.setdefault(link.parent_id, []).append(link.child)
    pcn_of = dict(
        Relationship.objects.filter(valid_on(GO_LIVE), rel_type=RelType.PRACTICE_PCN).values_list(
            "child_id", "parent_id"
        )
    )
    shared = {pcn: _network_timeline(rng) for pcn in sorted(set(pcn_of.values()))}
    recorded = 0
    for commissioner_id, practices in sorted(practices_of.items()):
        entries = []
        for practice in practices:
            timeline = _practice_timeline(rng)
            timeline += shared.get(pcn_of.get(practice.pk), [])
            entries += [
                Entry(practice, service, status, day)
                for service, status, day in timeline
                if practice.close_date is None or day <= practice.close_date
            ]
        record_signups(entries=entries, by=teams[commissioner_id], reason=REASON)
        recorded += len(entries)
    return recorded


def _minutes(patients: int, factor: float, per_1000: int = 30, evening_share: float = 0.75):
    """Evening and weekend minutes a week for `factor` x `per_1000` minutes per 1,000
    patients, rounded up to the quarter hour as the extended hours DES counts them (facts.md
    4)."""
    total = math.ceil(patients / 1000 * per_1000 * factor / 15) * 15
    evening = math.ceil(total * evening_share / 15) * 15
    return evening, total - evening


def _provision(rng: random.Random, teams: dict[int, object]) -> int:
    pcn_links = Relationship.objects.filter(
        rel_type=RelType.PCN_COMMISSIONER, parent_id__in=teams
    ).select_related("child")
    pcns = sorted({(link.child.code, link.child, link.parent_id) for link in pcn_links})
    factors = {code: rng.choice((0.8, 1.0, 1.0, 1.1, 1.2)) for code, _, _ in pcns}
    paused = pcns[len(pcns) // 2][0]
    recorded = 0
    for code, pcn, commissioner_id in pcns:
        by = teams[commissioner_id]
        for review in REVIEWS:
            if code == paused and review == PAUSED:
                end_provision(
                    provider=pcn,
                    scheme="extended_hours",
                    on=PAUSED,
                    by=by,
                    reason="hub closed: " + REASON,
                )
                review = RESUMED
            practices = list(
                Organisation.objects.filter(
                    pk__in=open_practices({m.pk for m in members(pcn, review)}, review)
                )
            )
            if not practices:
                continue
            patients = sum(practice_patients([p.pk for p in practices], review).values())
            evening, weekend = _minutes(patients, factors[code])
            record_provision(
                provider=pcn,
                scheme="extended_hours",
                valid_from=review,
                evening_minutes=evening,
                weekend_minutes=weekend,
                practices=practices,
                by=by,
                description="Weekday evenings 18:30-20:00 and Saturday mornings at the hub",
                reason=REASON,
            )
            recorded += 1
        recorded += _enhanced(pcn, factors[code], by)
    in_no_pcn = (
        Organisation.objects.filter(
            kind=OrgKind.PRACTICE, parent_links__rel_type=RelType.PRACTICE_COMMISSIONER
        )
        .exclude(parent_links__rel_type=RelType.PRACTICE_PCN)
        .distinct()
        .order_by("code")
        .first()
    )
    if in_no_pcn is not None:
        commissioner_id = in_no_pcn.parent_links.get(
            rel_type=RelType.PRACTICE_COMMISSIONER
        ).parent_id
        size = practice_patients([in_no_pcn.pk], GO_LIVE).get(in_no_pcn.pk, 0)
        evening, weekend = _minutes(size, 1.0)
        record_provision(
            provider=in_no_pcn,
            scheme="ccg_extended_access",
            valid_from=GO_LIVE,
            evening_minutes=evening,
            weekend_minutes=weekend,
            by=teams[commissioner_id],
            description="Tuesday and Thursday evenings at the practice",
            reason=REASON,
        )
        recorded += 1
    return recorded


def _enhanced(pcn: Organisation, factor: float, by) -> int:
    """The network's Enhanced Access from 1 October 2022: about 60 minutes per 1,000 of its
    registered patients (the demo's stand-in for the adjusted population), two fifths of it
    on Saturdays."""
    practices = list(
        Organisation.objects.filter(
            pk__in=open_practices({m.pk for m in members(pcn, ENHANCED)}, ENHANCED)
        )
    )
    if not practices:
        return 0
    patients = sum(practice_patients([p.pk for p in practices], ENHANCED).values())
    evening, weekend = _minutes(patients, factor, per_1000=60, evening_share=0.6)
    record_provision(
        provider=pcn,
        scheme="enhanced_access",
        valid_from=ENHANCED,
        evening_minutes=evening,
        weekend_minutes=weekend,
        practices=practices,
        by=by,
        description="Network Standard Hours: weekday evenings 18:30-20:00 and Saturdays "
        "09:00-17:00 across the network's sites",
        reason=REASON,
    )
    return 1


def seed() -> str:
    """Sign-ups and provision for the demo area; what was recorded, to print."""
    rng = random.Random(SEED)
    teams = _teams()
    signups = _signups(rng, teams)
    provision = _provision(rng, teams)
    return f"Services: {signups} sign-up records, {provision} extended access records (2019-2022)"
