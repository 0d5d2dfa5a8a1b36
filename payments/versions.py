"""Rate versions in the database: loading the shipped files, reading a year's approved chain
back as specs for the calculator, and revising a rate by hand: proposed by finance, put in force
only by a second person with England-wide finance rights (recorded, never overlapping)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission, holds_anywhere
from payments.models import Rate, RateVersion, RevisionStatus
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


def _store(spec: VersionSpec, by, *, from_file: bool, reason="", supersedes=None) -> RateVersion:
    """A shipped file is approved as it loads (it is the published DES); a version made by
    hand starts as a proposal."""
    version = RateVersion(
        year=spec.year,
        label=spec.label,
        published=spec.published,
        effective_from=spec.effective_from,
        source=spec.source,
        from_file=from_file,
        created_by=by,
        reason=reason,
        supersedes=supersedes,
        status=RevisionStatus.APPROVED if from_file else RevisionStatus.PROPOSED,
        approved_at=timezone.now() if from_file else None,
    )
    version._history_user = by
    version._change_reason = "loaded from payments/rates" if from_file else f"proposed: {reason}"
    version.save()
    Rate.objects.bulk_create(
        Rate(version=version, **{name: getattr(rate, name) for name in RATE_FIELDS})
        for rate in spec.rates
    )
    return version


def versions_for(year: str) -> list[VersionSpec]:
    """The year's chain of approved versions, oldest first, as the calculator takes them: a
    proposal or a rejected revision is never paid on."""
    chain = (
        RateVersion.objects.filter(year=year, status=RevisionStatus.APPROVED)
        .prefetch_related("rates")
        .order_by("published")
    )
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


def may_decide(user, version: RateVersion) -> bool:
    """National rates move every network's money: only England-wide finance decides, and
    never on its own proposal."""
    return has_permission(user, Permission.EDIT_RATES) and version.created_by_id != user.pk


@transaction.atomic
def propose_revision(
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
    reason: str,
    by,
) -> RateVersion:
    """Propose a new version revising one entitlement's rate; it takes effect once approved
    (approve_revision). It must supersede the latest approved version of the year (the one it
    names) and be published after it: versions never overlap. A revision that changes several
    rates at once is one proposal: name your own proposal again (same published and effective
    dates) to add the next rate to it."""
    if not holds_anywhere(by, Permission.EDIT_RATES):
        raise PermissionDenied("only commissioner finance may propose a rate version")
    chain = versions_for(year)
    errors: dict[str, list[str]] = {}
    if not chain:
        raise ValidationError({"year": [f"no rates on file for {year}"]})
    latest = chain[-1]
    current = {r.entitlement: r for v in chain for r in v.rates}
    own = RateVersion.objects.filter(
        year=year, label=label, status=RevisionStatus.PROPOSED, created_by=by
    ).first()
    if own is not None:
        return _add_to(
            own, current, entitlement, value, published, effective_from, source, status, note, by
        )
    errors.update(_supersedes_problems(latest, supersedes, published))
    errors.update(_rate_problems(year, current, entitlement, value, status, note))
    if not reason.strip():
        errors["reason"] = ["say why the rate is revised"]
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
    superseded = RateVersion.objects.get(year=year, label=latest.label)
    return _store(spec, by=by, from_file=False, reason=reason.strip(), supersedes=superseded)


@transaction.atomic
def approve_revision(*, version: RateVersion, by, reason: str = "") -> RateVersion:
    """A second person with England-wide finance rights puts a proposal in force. Refused
    unless it still supersedes the latest approved version and is published after it (another
    revision approved since would otherwise be overlapped)."""
    version = _decidable(version, by)
    # Lock the version it supersedes, so two proposals on it cannot both be approved at once.
    RateVersion.objects.select_for_update().filter(pk=version.supersedes_id).first()
    latest = versions_for(version.year)[-1]
    superseded = version.supersedes.label if version.supersedes else ""
    errors = _supersedes_problems(latest, superseded, version.published)
    if errors:
        raise ValidationError(
            {
                field: [f"{version.label!r} can no longer be approved: {m}" for m in messages]
                for field, messages in errors.items()
            }
        )
    return _decide(version, RevisionStatus.APPROVED, reason.strip(), by)


@transaction.atomic
def reject_revision(*, version: RateVersion, by, reason: str) -> RateVersion:
    """A second person turns a proposal down, saying why; it is never paid on."""
    version = _decidable(version, by)
    if not reason.strip():
        raise ValidationError({"reason": ["say why the revision is rejected"]})
    return _decide(version, RevisionStatus.REJECTED, reason.strip(), by)


def _decidable(version: RateVersion, by) -> RateVersion:
    """The proposal re-read under a lock: decided once, by someone who may."""
    version = RateVersion.objects.select_for_update().get(pk=version.pk)
    if not may_decide(by, version):
        raise PermissionDenied(
            "only a second person with England-wide finance rights, not its proposer, may "
            "approve or reject a rate revision"
        )
    if version.status != RevisionStatus.PROPOSED:
        raise ValidationError({"status": [f"{version.label!r} is already {version.status}"]})
    return version


def _decide(version: RateVersion, status: str, reason: str, by) -> RateVersion:
    version.status = status
    version.approved_by = by
    version.approved_at = timezone.now()
    version.decision_reason = reason
    version._history_user = by
    version._change_reason = f"{status}: {reason}" if reason else status
    version.save()
    return version


def _supersedes_problems(latest: VersionSpec, supersedes: str, published: date):
    errors: dict[str, list[str]] = {}
    if supersedes != latest.label:
        errors["supersedes"] = [
            f"a new version must supersede the latest, {latest.label!r}; superseding "
            f"{supersedes!r} would overlap it"
        ]
    if published <= latest.published:
        errors["published"] = [
            f"published must be after {latest.published:%-d %B %Y}, when {latest.label!r} was"
        ]
    return errors


def _add_to(own, current, entitlement, value, published, effective_from, source, status, note, by):
    """Another rate of the proposer's own pending revision (same dates), refused if it has one."""
    errors = _rate_problems(own.year, current, entitlement, value, status, note)
    if (published, effective_from) != (own.published, own.effective_from):
        errors["published"] = [
            f"{own.label!r} was published {own.published} effective {own.effective_from}; "
            "a rate added to it takes the same dates"
        ]
    if own.rates.filter(entitlement=entitlement).exists():
        errors["entitlement"] = [f"{own.label!r} already revises {entitlement}"]
    if errors:
        raise ValidationError(errors)
    base = current[entitlement]
    values = {name: getattr(base, name) for name in RATE_FIELDS}
    values.update(value=value, source=source, status=status, note=note)
    rate = Rate(version=own, **values)
    rate._history_user = by
    rate.save()
    return own


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
