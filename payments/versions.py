"""Rate versions in the database: loading the shipped files, reading a year's chain back as
specs for the calculator, and adding a revision by hand (recorded, never overlapping)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.permissions import Permission, holds_anywhere
from payments.models import Rate, RateVersion
from payments.rates import RateSpec, VersionSpec, rate_files

RATE_FIELDS = (
    "entitlement",
    "value",
    "per",
    "unit",
    "start",
    "end",
    "basis",
    "basis_date",
    "payee",
    "source",
    "status",
    "note",
)


def load_rate_files(**kwargs) -> int:
    """Add the shipped versions the database does not hold yet; returns how many. The payment
    calendars are checked here too, so one that pays a month before it is earned stops migrate."""
    from payments.calendar import calendar_files

    calendar_files()
    added = 0
    known = set(RateVersion.objects.values_list("year", "label"))
    for versions in rate_files().values():
        for spec in versions:
            if (spec.year, spec.label) in known:
                continue
            _store(spec, by=None, from_file=True)
            added += 1
    return added


def _store(spec: VersionSpec, by, from_file: bool) -> RateVersion:
    version = RateVersion(
        year=spec.year,
        label=spec.label,
        published=spec.published,
        effective_from=spec.effective_from,
        source=spec.source,
        from_file=from_file,
        created_by=by,
    )
    version._history_user = by
    version.save()
    Rate.objects.bulk_create(
        Rate(version=version, **{name: getattr(rate, name) for name in RATE_FIELDS})
        for rate in spec.rates
    )
    return version


def versions_for(year: str) -> list[VersionSpec]:
    """The year's chain of versions, oldest first, as the calculator takes them."""
    chain = RateVersion.objects.filter(year=year).prefetch_related("rates").order_by("published")
    return [
        VersionSpec(
            year=v.year,
            label=v.label,
            published=v.published,
            effective_from=v.effective_from,
            source=v.source,
            rates=tuple(
                RateSpec(**{name: getattr(r, name) for name in RATE_FIELDS}) for r in v.rates.all()
            ),
        )
        for v in chain
    ]


@transaction.atomic
def add_revision(
    *,
    year: str,
    entitlement: str,
    value: Decimal,
    label: str,
    published: date,
    effective_from: date,
    source: str,
    status: str,
    note: str,
    supersedes: str,
    by,
) -> RateVersion:
    """A new version revising one entitlement's rate. It must supersede the latest version
    of the year (the one it names) and be published after it: versions never overlap. A
    revision that changes several rates at once adds each to its own version: name the same
    version (added by hand, same published and effective dates) to add the next rate to it."""
    if not holds_anywhere(by, Permission.EDIT_RATES):
        raise PermissionDenied("only commissioner finance may add a rate version")
    chain = versions_for(year)
    errors: dict[str, list[str]] = {}
    if not chain:
        raise ValidationError({"year": [f"no rates on file for {year}"]})
    latest = chain[-1]
    current = {r.entitlement: r for v in chain for r in v.rates}
    stored = RateVersion.objects.get(year=year, label=latest.label)
    if label == latest.label and not stored.from_file:
        return _add_to(
            stored,
            latest,
            current,
            entitlement,
            value,
            published,
            effective_from,
            source,
            status,
            note,
            by,
        )
    if supersedes != latest.label:
        errors.setdefault("supersedes", []).append(
            f"a new version must supersede the latest, {latest.label!r}; superseding "
            f"{supersedes!r} would overlap it"
        )
    if published <= latest.published:
        errors.setdefault("published", []).append(
            f"published must be after {latest.published:%-d %B %Y}, when {latest.label!r} was"
        )
    errors.update(_rate_problems(year, current, entitlement, value, status, note))
    if RateVersion.objects.filter(year=year, label=label).exists():
        errors.setdefault("label", []).append(f"{year} already has a version called {label!r}")
    if errors:
        raise ValidationError(errors)
    base = current[entitlement]
    if not base.start <= effective_from <= base.end:
        raise ValidationError(
            {"effective_from": [f"must fall within the rate's period, {base.start} to {base.end}"]}
        )
    revised = RateSpec(
        **{
            **{name: getattr(base, name) for name in RATE_FIELDS},
            "value": value,
            "source": source,
            "status": status,
            "note": note,
        }
    )
    spec = VersionSpec(year, label, published, effective_from, source, (revised,))
    return _store(spec, by=by, from_file=False)


def latest_published(year: str) -> date | None:
    return RateVersion.objects.filter(year=year).aggregate(last=Max("published"))["last"]


def _add_to(
    stored, latest, current, entitlement, value, published, effective_from, source, status, note, by
):
    """Another rate of the same hand-added revision (same dates), refused if it has one."""
    errors = _rate_problems(stored.year, current, entitlement, value, status, note)
    if (published, effective_from) != (latest.published, latest.effective_from):
        errors["published"] = [
            f"{latest.label!r} was published {latest.published} effective {latest.effective_from}; "
            "a rate added to it takes the same dates"
        ]
    if any(r.entitlement == entitlement for r in latest.rates):
        errors["entitlement"] = [f"{latest.label!r} already revises {entitlement}"]
    if errors:
        raise ValidationError(errors)
    base = current[entitlement]
    values = {name: getattr(base, name) for name in RATE_FIELDS}
    values.update(value=value, source=source, status=status, note=note)
    rate = Rate(version=stored, **values)
    rate._history_user = by
    rate.save()
    return stored


def _rate_problems(year, current, entitlement, value, status, note) -> dict[str, list[str]]:
    errors = {}
    if entitlement not in current:
        errors["entitlement"] = [f"{year} has no {entitlement} rate to revise"]
    if value is None or value < 0:
        errors["value"] = ["the rate must be zero or more"]
    if status != "confirmed" and not note.strip():
        errors["note"] = ["say why the figure is not confirmed"]
    return errors


def basis_date(year: str, basis: str = "registered"):
    """The date the year's rates take a population basis at (1 January before the year in
    every year on file), from the rate data itself."""
    dates = {r.basis_date for v in versions_for(year) for r in v.rates if r.basis == basis}
    if not dates:
        raise ValidationError({"year": [f"no {basis} rates on file for {year}"]})
    return max(dates)


def first_year() -> str | None:
    return RateVersion.objects.order_by("year").values_list("year", flat=True).first()
