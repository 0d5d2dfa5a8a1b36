"""Rate tables as data: one TOML file per financial year in payments/rates/, each a chain of
versions (the DES as published, then any in-year revision) naming the source of every figure.

A version carries the rates it sets; a later version in the same year supersedes the earlier
one for the entitlements it names, from its effective-from date, for any calculation made on
or after its published date. So a revision published in September and effective from April
leaves April's payment as it was made, and produces arrears (payments.schedule).
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

RATES_DIR = Path(__file__).parent / "rates"
PERS = ("year", "month", "period", "point", "assessed")
UNITS = (
    "per_registered_patient",
    "per_weighted_patient",
    "per_adjusted_patient",
    "per_bed",
    "per_point",
)
BASES = ("registered", "weighted", "adjusted", "practice_weighted", "beds", "points")
PAYEES = ("pcn", "practice")
STATUSES = ("confirmed", "single_source", "conflict", "derived", "unconfirmed")

ENTITLEMENTS = {
    "core": "Core PCN funding",
    "core_registered": "Core PCN funding (registered list part)",
    "core_adjusted": "Core PCN funding (Adjusted Population part)",
    "clinical_director": "Clinical Director contribution",
    "clinical_director_top_up": "Clinical Director temporary top-up",
    "extended_hours": "Extended Hours Access",
    "network_participation": "Network Participation Payment",
    "care_home_premium": "Care Home Premium",
    "pcn_support": "PCN support payment",
    "leadership_management": "PCN Leadership and Management",
    "enhanced_access": "Enhanced Access",
    "capacity_access_support": "Capacity and Access Support Payment",
    "capacity_access_improvement": "Capacity and Access Improvement Payment",
    "investment_impact_fund": "Investment and Impact Fund",
    "arrs": "Additional Roles Reimbursement",  # from claims (payments.arrs), not a rate
}


class RateDataError(ValueError):
    """A rate file or a new version that cannot be used as it stands."""


@dataclass(frozen=True)
class RateSpec:
    entitlement: str
    value: Decimal
    per: str
    unit: str
    start: date
    end: date
    basis: str
    basis_date: date
    payee: str
    source: str
    status: str
    note: str = ""

    @property
    def label(self) -> str:
        return ENTITLEMENTS[self.entitlement]


@dataclass(frozen=True)
class VersionSpec:
    year: str
    label: str
    published: date
    effective_from: date
    source: str
    rates: tuple[RateSpec, ...]


def _field(data: dict, key: str, kind, where: str):
    value = data.get(key)
    if not isinstance(value, kind):
        raise RateDataError(f"{where}: '{key}' must be a {kind.__name__}, found {value!r}")
    return value


def _choice(data: dict, key: str, allowed, where: str) -> str:
    value = _field(data, key, str, where)
    if value not in allowed:
        raise RateDataError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def parse_rate(data: dict, where: str) -> RateSpec:
    try:
        value = Decimal(_field(data, "value", str, where))
    except InvalidOperation:
        raise RateDataError(f"{where}: value {data.get('value')!r} is not a number") from None
    if value < 0:
        raise RateDataError(f"{where}: value {value} is negative")
    period = data.get("period")
    if not (
        isinstance(period, list) and len(period) == 2 and all(isinstance(d, date) for d in period)
    ):
        raise RateDataError(f"{where}: period must be [start, end] dates")
    if period[1] < period[0]:
        raise RateDataError(
            f"{where}: the period ends ({period[1]}) before it starts ({period[0]})"
        )
    status = _choice(data, "status", STATUSES, where)
    note = str(data.get("note", ""))
    if status != "confirmed" and not note:
        raise RateDataError(f"{where}: a {status} figure must say why in its note")
    entitlement = _choice(data, "entitlement", tuple(ENTITLEMENTS), where)
    return RateSpec(
        entitlement=entitlement,
        value=value,
        per=_choice(data, "per", PERS, where),
        unit=_choice(data, "unit", UNITS, where),
        start=period[0],
        end=period[1],
        basis=_choice(data, "basis", BASES, where),
        basis_date=_field(data, "basis_date", date, where),
        payee=_choice(data, "payee", PAYEES, where),
        source=_field(data, "source", str, where),
        status=status,
        note=note,
    )


def parse_year(data: dict, where: str) -> list[VersionSpec]:
    year = _field(data, "year", str, where)
    versions = []
    for i, item in enumerate(data.get("versions", []), start=1):
        at = f"{where} version {i}"
        rates = tuple(
            parse_rate(rate, f"{at} rate {j}") for j, rate in enumerate(item.get("rates", []), 1)
        )
        names = [r.entitlement for r in rates]
        if len(names) != len(set(names)):
            raise RateDataError(f"{at}: an entitlement is listed twice")
        versions.append(
            VersionSpec(
                year=year,
                label=_field(item, "label", str, at),
                published=_field(item, "published", date, at),
                effective_from=_field(item, "effective_from", date, at),
                source=_field(item, "source", str, at),
                rates=rates,
            )
        )
    check_chain(versions, where)
    return versions


def check_chain(versions: list[VersionSpec], where: str) -> None:
    """Each version is published after the one it supersedes: versions form one chain."""
    for earlier, later in zip(versions, versions[1:], strict=False):
        if later.published <= earlier.published:
            raise RateDataError(
                f"{where}: {later.label!r} (published {later.published}) does not come after "
                f"{earlier.label!r} (published {earlier.published}); versions must form a chain"
            )


@cache
def rate_files() -> dict[str, list[VersionSpec]]:
    """Every financial year's versions, from the files, oldest year first."""
    found = {}
    for path in sorted(RATES_DIR.glob("*.toml")):
        versions = parse_year(tomllib.loads(path.read_text("utf-8")), path.name)
        found[versions[0].year] = versions
    return found
