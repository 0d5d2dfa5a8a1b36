"""Service roll-out writes: a practice's status for a service from a date, many at once (the
import and the demo), and the extended access a PCN or practice offers from a date. Each is
checked whole, runs in one transaction, and keeps who, when, before and after, and why in the
history.

Who may record: RECORD_SERVICES over the practice (or the provider and every practice it
covers): the commissioner for its area, and a PCN's or a practice's own staff for their
current practices (accounts.permissions), from the date each became theirs (not_theirs_on).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.permissions import (
    CURRENT_MEMBERS_ONLY,
    ROLE_PERMISSIONS,
    Permission,
    descendants,
    has_permission,
)
from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.queries import members, open_practices, valid_on
from services.catalogue import schemes, services
from services.models import Provision, SignUp, SignUpStatus

NOTE_LENGTH = SignUp._meta.get_field("note").max_length
MAX_MINUTES = 100_000  # a week's minutes; appointments may run side by side, but not this many


def may_record(user, org: Organisation) -> bool:
    return has_permission(user, Permission.RECORD_SERVICES, org)


def _require(by, org: Organisation) -> None:
    if not may_record(by, org):
        raise PermissionDenied(f"you may not record services for {org.code}")


def not_theirs_on(user, wanted) -> set[tuple[int, date]]:
    """Of (organisation, day) pairs the user may record for, those that were not theirs on
    the day, as (organisation id, day).

    A PCN's or a practice's own staff reach their practices as they are now
    (accounts.permissions.CURRENT_MEMBERS_ONLY), so a practice that joined their PCN on
    1 April 2021 is theirs to record for from that day, not for the years it was in another
    network; a commissioner's or a national role reaches its area over any period. One query
    for the user's roles, and for such staff one walk down the hierarchy per date asked about.
    """
    if user.is_superuser:
        return set()
    held = [
        (role, org_id)
        for role, org_id in user.role_assignments.values_list("role", "organisation_id")
        if Permission.RECORD_SERVICES in ROLE_PERMISSIONS.get(role, ())
    ]
    staff = {org_id for role, org_id in held if role in CURRENT_MEMBERS_ONLY}
    if not staff or any(org_id is None for _, org_id in held):
        return set()
    wider = {org_id for role, org_id in held if role not in CURRENT_MEMBERS_ONLY}
    any_day = set().union(*descendants(wider).values()) if wider else set()
    asked: dict[date, set[int]] = {}
    for org, day in wanted:
        if org.pk not in any_day:
            asked.setdefault(day, set()).add(org.pk)
    refused = set()
    for day, org_ids in asked.items():
        reach = set().union(*descendants(staff, on=day).values())
        refused |= {(org_id, day) for org_id in org_ids - reach}
    return refused


def not_theirs_message(org: Organisation, day: date) -> str:
    return (
        f"{org.code} was not one of your practices on {day:%-d %B %Y}: you record for a "
        "practice only while it is yours"
    )


def _require_theirs_on(by, orgs: list[Organisation], day: date) -> None:
    orgs = list({org.pk: org for org in orgs}.values())
    refused = not_theirs_on(by, [(org, day) for org in orgs])
    if refused:
        messages = [not_theirs_message(org, day) for org in orgs if (org.pk, day) in refused]
        raise ValidationError({"valid_from": messages})


@dataclass(frozen=True)
class Entry:
    """One status to record: what the sign-up form and each row of an import give."""

    practice: Organisation
    service: str
    status: str
    valid_from: date
    note: str = ""


def entry_problems(entry: Entry) -> dict[str, list[str]]:
    """What is wrong with an entry, by field (empty when nothing is)."""
    errors: dict[str, list[str]] = {}
    practice, day = entry.practice, entry.valid_from
    if practice.kind != OrgKind.PRACTICE:
        errors["practice"] = [f"{practice.code} is not a GP practice"]
    if entry.service not in services():
        known = ", ".join(services())
        errors["service"] = [f"{entry.service!r} is not a service on file ({known})"]
    if entry.status not in SignUpStatus.values:
        known = ", ".join(label.lower() for label in SignUpStatus.labels)
        errors["status"] = [f"{entry.status!r} is not a status ({known})"]
    if practice.close_date and day > practice.close_date:
        errors["valid_from"] = [
            f"{practice.code} closed on {practice.close_date:%-d %B %Y}, before {day:%-d %B %Y}"
        ]
    elif practice.open_date and day < practice.open_date:
        errors["valid_from"] = [
            f"{practice.code} opened on {practice.open_date:%-d %B %Y}, after {day:%-d %B %Y}"
        ]
    if len(entry.note) > NOTE_LENGTH:
        errors["note"] = [f"a note of at most {NOTE_LENGTH} characters"]
    return errors


@transaction.atomic
def record_signup(
    *,
    practice: Organisation,
    service: str,
    status: str,
    valid_from: date,
    by,
    note: str = "",
    reason: str = "",
) -> SignUp:
    """The practice's status for the service from `valid_from`, until its next record. A
    record on the same date is corrected, its earlier value kept in the history."""
    _require(by, practice)
    entry = Entry(practice, service, status, valid_from, note.strip())
    errors = entry_problems(entry)
    if not_theirs_on(by, [(practice, valid_from)]):
        errors.setdefault("valid_from", []).append(not_theirs_message(practice, valid_from))
    if errors:
        raise ValidationError(errors)
    record = SignUp.objects.filter(
        practice=practice, service=service, valid_from=valid_from
    ).first()
    corrected = record is not None
    record = record or SignUp(practice=practice, service=service, valid_from=valid_from)
    record.status, record.note = status, entry.note
    record._history_user = by
    record._change_reason = reason.strip() or ("corrected" if corrected else "recorded")
    record.save()
    return record


@transaction.atomic
def record_signups(*, entries: list[Entry], by, reason: str) -> tuple[int, int]:
    """Many statuses at once, all or none: (records created, records corrected). Two entries
    for one practice, service and date are refused, as is any the single form would refuse."""
    refused = sorted({e.practice.code for e in entries if not may_record(by, e.practice)})
    if refused:
        raise PermissionDenied(f"you may not record services for {', '.join(refused)}")
    errors, seen = [], set()
    not_theirs = not_theirs_on(by, [(e.practice, e.valid_from) for e in entries])
    for entry in entries:
        key = (entry.practice.pk, entry.service, entry.valid_from)
        if key in seen:
            errors.append(f"{entry.practice.code} {entry.service} {entry.valid_from}: given twice")
        seen.add(key)
        problems = entry_problems(entry)
        if (entry.practice.pk, entry.valid_from) in not_theirs:
            problems.setdefault("valid_from", []).append(
                not_theirs_message(entry.practice, entry.valid_from)
            )
        for messages in problems.values():
            errors += [f"{entry.practice.code} {entry.service}: {m}" for m in messages]
    if errors:
        raise ValidationError(errors)
    existing = {
        (r.practice_id, r.service, r.valid_from): r
        for r in SignUp.objects.filter(
            practice_id__in={e.practice.pk for e in entries},
            service__in={e.service for e in entries},
            valid_from__in={e.valid_from for e in entries},
        )
    }
    new, changed = [], []
    for entry in entries:
        record = existing.get((entry.practice.pk, entry.service, entry.valid_from))
        if record is None:
            new.append(
                SignUp(
                    practice=entry.practice,
                    service=entry.service,
                    status=entry.status,
                    valid_from=entry.valid_from,
                    note=entry.note,
                )
            )
        elif (record.status, record.note) != (entry.status, entry.note):
            record.status, record.note = entry.status, entry.note
            changed.append(record)
    if new:
        bulk_create_with_history(new, SignUp, default_user=by, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed, SignUp, ["status", "note"], default_user=by, default_change_reason=reason
        )
    return len(new), len(changed)


def _covered(provider: Organisation, on: date, practices: list[Organisation] | None, by):
    """The practices a provision covers: those given, or by default a PCN's members on the
    day (a practice: itself). A PCN covers its own members only; all must be open."""
    errors = []
    if not practices:
        practices = list(members(provider, on)) if provider.kind == OrgKind.PCN else [provider]
        if not practices:
            errors.append(f"{provider.code} has no member practices on {on:%-d %B %Y}")
    not_practices = [p.code for p in practices if p.kind != OrgKind.PRACTICE]
    if not_practices:
        errors.append(f"not GP practices: {', '.join(not_practices)}")
    if provider.kind == OrgKind.PCN:
        member_ids = set(
            Relationship.objects.filter(
                valid_on(on), rel_type=RelType.PRACTICE_PCN, parent=provider
            ).values_list("child_id", flat=True)
        )
        outside = [p.code for p in practices if p.pk not in member_ids]
        if outside:
            errors.append(
                f"a PCN's provision covers its own members: {', '.join(outside)} "
                f"{'is' if len(outside) == 1 else 'are'} not in {provider.code} on {on:%-d %B %Y}"
            )
    shut = sorted({p.pk for p in practices} - open_practices({p.pk for p in practices}, on))
    if shut:
        codes = ", ".join(p.code for p in practices if p.pk in shut)
        errors.append(f"not open on {on:%-d %B %Y}: {codes}")
    if errors:
        raise ValidationError({"practices": errors})
    refused = [p.code for p in practices if not may_record(by, p)]
    if refused:
        raise PermissionDenied(f"you may not record services for {', '.join(refused)}")
    return practices


def scheme_problems(provider: Organisation, scheme: str | None, valid_from: date) -> list[str]:
    """Why a provision record of `provider` cannot count towards `scheme` from the date: each
    record belongs to exactly one scheme, which the provider must be one to provide, and
    which must run on its date (services.toml [[schemes]])."""
    known = schemes()
    names = "; ".join(f"{s.key} ({s.name})" for s in known.values())
    if not scheme:
        return [f"Choose the scheme this provision counts towards: {names}"]
    if scheme not in known:
        return [f"{scheme!r} is not an access scheme on file: {names}"]
    chosen = known[scheme]
    problems = []
    if provider.kind not in chosen.providers:
        who = " or ".join("a PCN" if k == "pcn" else "a practice" for k in chosen.providers)
        problems.append(f"{chosen.name} is provided by {who}, not {provider.code}")
    if valid_from and not chosen.in_force(valid_from):
        problems.append(f"{chosen.name} ran {chosen.dates_words}, not on {valid_from:%-d %B %Y}")
    return problems


def _save_provision(provider, scheme, valid_from, by, reason, **fields) -> tuple[Provision, bool]:
    record = Provision.objects.filter(
        provider=provider, scheme=scheme, valid_from=valid_from
    ).first()
    corrected = record is not None
    record = record or Provision(provider=provider, scheme=scheme, valid_from=valid_from)
    for name, value in fields.items():
        setattr(record, name, value)
    record._history_user = by
    record._change_reason = reason or ("corrected" if corrected else "recorded")
    record.save()
    return record, corrected


def _cover(record: Provision, practices: list[Organisation], by, reason: str) -> None:
    """Set the record's covered practices; the provision's history keeps them with each row,
    so each addition and removal shows with who and why (Provision.history, m2m)."""
    record._history_user, record._change_reason = by, reason
    record.practices.set(practices)


@transaction.atomic
def record_provision(
    *,
    provider: Organisation,
    valid_from: date,
    evening_minutes: int,
    weekend_minutes: int,
    by,
    scheme: str | None = None,
    practices: list[Organisation] | None = None,
    description: str = "",
    reason: str = "",
) -> Provision:
    """The extended access a PCN or practice offers under `scheme` from `valid_from` until
    its next record for that scheme: minutes a week in evenings and at weekends, for the
    practices it covers. A record without a scheme (or of a scheme the provider does not
    provide, or that does not run on the date) is refused and nothing is saved."""
    if provider.kind not in (OrgKind.PCN, OrgKind.PRACTICE):
        raise ValidationError({"provider": [f"{provider.code} is not a PCN or a GP practice"]})
    _require(by, provider)
    errors: dict[str, list[str]] = {}
    for name, value in (("evening_minutes", evening_minutes), ("weekend_minutes", weekend_minutes)):
        if value is None or value < 0 or value > MAX_MINUTES:
            errors[name] = [f"minutes a week, 0 to {MAX_MINUTES:,}"]
    if not errors and evening_minutes + weekend_minutes == 0:
        errors["evening_minutes"] = ["some minutes a week; to record that it stopped, end it"]
    if provider.close_date and valid_from > provider.close_date:
        errors["valid_from"] = [f"{provider.code} closed on {provider.close_date:%-d %B %Y}"]
    problems = scheme_problems(provider, scheme, valid_from)
    if problems:
        errors["scheme"] = problems
    if errors:
        raise ValidationError(errors)
    covered = _covered(provider, valid_from, practices, by)
    _require_theirs_on(by, [provider, *covered], valid_from)
    reason = reason.strip()
    record, _ = _save_provision(
        provider,
        scheme,
        valid_from,
        by,
        reason,
        evening_minutes=evening_minutes,
        weekend_minutes=weekend_minutes,
        description=description.strip(),
    )
    _cover(record, covered, by, reason or "covered")
    return record


def standing_provision(provider: Organisation, scheme: str, day: date) -> Provision | None:
    return (
        Provision.objects.filter(provider=provider, scheme=scheme, valid_from__lte=day)
        .order_by("valid_from")
        .last()
    )


@transaction.atomic
def end_provision(
    *, provider: Organisation, scheme: str | None = None, on: date, by, reason: str = ""
) -> Provision:
    """The provider offers no extended access under `scheme` from `on` (a record of no
    minutes)."""
    _require(by, provider)
    problems = scheme_problems(provider, scheme, None)
    if problems:
        raise ValidationError({"scheme": problems})
    _require_theirs_on(by, [provider], on)
    before = standing_provision(provider, scheme, on - timedelta(days=1))
    if before is None or before.minutes == 0:
        name = schemes()[scheme].name
        raise ValidationError(
            {
                "valid_from": [
                    f"{provider.code} has no {name} provision standing before {on:%-d %B %Y}"
                ]
            }
        )
    reason = reason.strip() or "ended"
    record, _ = _save_provision(
        provider, scheme, on, by, reason, evening_minutes=0, weekend_minutes=0, description=""
    )
    _cover(record, [], by, reason)
    return record
