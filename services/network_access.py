"""Each network's weekly access requirement on a day against what it provides, for the pages
and the `access` command, in a fixed number of queries however many networks.

For a day D: the network scheme in force (services.toml [[schemes]] with a requirement:
Extended Hours 1 July 2019 to 30 September 2022, Enhanced Access from 1 October 2022); its
population by the population rule (organisations.population, purpose "access"): the kind the
scheme counts (registered list, PCN adjusted population), at the list date the scheme fixes
for D's DES year, over the network's members on D; the required minutes a week by the
scheme's rate and rounding (services.requirements); the provided minutes, the network's own
provision record of that scheme standing on D (its latest on or before D; none is 0 minutes
provided, which is a fact, not a missing figure). Where the population cannot be had (or a
member has no figure: a requirement is never set on part of a network), the requirement
cannot be calculated and says why; nothing counts it as zero.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.population import Population, day_words, populations
from organisations.queries import valid_on
from pcnhub.nhs_calendar import year_of
from services.catalogue import ListDate, Scheme, network_scheme_on, schemes
from services.models import Provision
from services.requirements import (
    WindowCheck,
    hours_and_minutes,
    met,
    required_minutes,
    window_checks,
)


@dataclass
class NetworkAccess:
    network: Organisation
    day: date
    scheme: Scheme | None
    list_date: ListDate | None = None
    population: Population | None = None
    required: Decimal | None = None  # None: cannot be calculated (see reason)
    record: Provision | None = None  # the network's record of the scheme standing on the day
    checks: list[WindowCheck] = field(default_factory=list)
    reason: str = ""

    @property
    def provided(self) -> int:
        return self.record.minutes if self.record else 0

    @property
    def met(self) -> bool | None:
        if self.required is None:
            return None
        return met(self.required, self.provided, self.checks)

    @property
    def required_words(self) -> str:
        if self.required is None:
            return f"cannot be calculated: {self.reason}"
        return f"{hours_and_minutes(self.required)} ({_minutes(self.required)} minutes)"

    @property
    def provided_words(self) -> str:
        return f"{hours_and_minutes(self.provided)} ({self.provided:,} minutes)"

    @property
    def met_words(self) -> str:
        if self.met is None:
            return "cannot be calculated"
        return "met" if self.met else "not met"

    @property
    def rule(self) -> str:
        """The rule in words, with its figures: what the page and the command print."""
        if self.scheme is None:
            return ""
        s = self.scheme
        rounding = {
            "quarter_hour": "rounded to the nearest quarter hour (half-way up)",
            "none": "not rounded",
        }[s.rounding]
        words = (
            f"{s.minutes_per_1000} minutes a week per 1,000 of the network's "
            f"{_kind_words(s.population)}"
        )
        if self.list_date:
            words += f" at {day_words(self.list_date.on)}"
        words += f", {rounding}"
        if s.standard_hours:
            words += (
                "; minutes enough to cover the Network Standard Hours ("
                + ", ".join(w.words for w in s.standard_hours)
                + ")"
            )
        return words


def _minutes(value: Decimal) -> str:
    value = value.normalize()
    return f"{value:,.2f}" if value != value.to_integral_value() else f"{int(value):,}"


def _kind_words(kind: str) -> str:
    return {"registered": "registered patients", "adjusted": "PCN adjusted population"}.get(
        kind, kind
    )


def no_scheme_reason(day: date) -> str:
    running = [s for s in schemes().values() if s.requirement]
    dates = "; ".join(f"{s.name} {s.dates_words}" for s in running)
    return f"no network access scheme in force on {day_words(day)} ({dates})"


def networks_in(area: Organisation, day: date, within: Q | None = None) -> list[Organisation]:
    """The PCNs of the area on the day (a PCN: itself), by name. Two queries at most."""
    if area.kind == OrgKind.PCN:
        return [area]
    from organisations.queries import commissioners_under

    commissioners = commissioners_under([area], day)[area.pk]
    pcn_ids = Relationship.objects.filter(
        valid_on(day), rel_type=RelType.PCN_COMMISSIONER, parent_id__in=commissioners
    ).values("child_id")
    found = Organisation.objects.filter(pk__in=pcn_ids, kind=OrgKind.PCN)
    if within is not None:
        found = found.filter(within)
    return list(found.order_by("name", "code"))


def network_access(networks: list[Organisation], day: date) -> list[NetworkAccess]:
    """Each network's requirement on the day against its provision (module docstring)."""
    scheme = network_scheme_on(day)
    if scheme is None:
        reason = no_scheme_reason(day)
        return [NetworkAccess(n, day, None, reason=reason) for n in networks]
    year = year_of(day)
    list_date = scheme.list_date(year)
    if list_date is None:
        reason = f"no list date on file for {scheme.name} in {year} (services.toml)"
        return [NetworkAccess(n, day, scheme, reason=reason) for n in networks]
    figures = (
        populations(
            networks, list_date.on, purpose="access", kind=scheme.population, members_on=day
        )
        if networks
        else {}
    )
    records = Provision.objects.filter(
        provider__in=[n.pk for n in networks], scheme=scheme.key, valid_from__lte=day
    ).order_by("provider_id", "valid_from")
    standing = {r.provider_id: r for r in records}
    found = []
    for network in networks:
        population = figures[network.pk]
        record = standing.get(network.pk)
        row = NetworkAccess(network, day, scheme, list_date, population, record=record)
        row.checks = window_checks(
            scheme.standard_hours,
            record.evening_minutes if record else 0,
            record.weekend_minutes if record else 0,
        )
        if population.value is None:
            row.reason = population.reason
        elif population.missing:
            shown = ", ".join(population.missing[:5])
            row.reason = (
                f"{len(population.missing)} member{'s' if len(population.missing) != 1 else ''}"
                f" without a {population.kind_label} at {day_words(list_date.on)} ({shown}): "
                "a requirement is not set on part of a network"
            )
        else:
            row.required = required_minutes(
                population.value, scheme.minutes_per_1000, scheme.rounding
            )
        found.append(row)
    return found
