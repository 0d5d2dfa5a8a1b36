"""Registration writes: drafting, the workflow steps, documents and bank details.

Each action checks who may do it (the same rule for pages, API and CLI), checks the input
whole before writing anything, runs in one transaction, and leaves who/when/why behind:
a Transition row per workflow step and django-simple-history rows for every field change.
"""

import re
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission
from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.queries import members as registry_members
from organisations.queries import parent, valid_on
from registrations.encryption import Unreadable
from registrations.facts import (
    CLAIMING,
    LIST_FIELDS,
    current_members,
    des_lists,
    list_fields,
    results_of,
    with_members,
)
from registrations.models import (
    APPROVED_STATUSES,
    AWAITING_DECISION,
    BankDetailsView,
    Origin,
    Registration,
    RegistrationDocument,
    RegistrationMember,
    Status,
    Transition,
    VariationStatus,
)
from registrations.rules import Result
from registrations.years import des_year

DETAIL_FIELDS = {
    "area_description",
    "area_map",
    "clinical_director_name",
    "clinical_director_profession",
    "clinical_director_practice",
    "clinical_director_sessions",
    "clinical_director_wte",
    "clinical_director_start",
    "payee_practice",
    "payee_provider_name",
    "payee_provider_code",
    "bank_account_name",
    "bank_sort_code",
    "bank_account_number",
    "extended_hours",
    "extended_hours_signed_on",
    "cross_boundary_reason",
}
BANK_FIELDS = ("bank_account_name", "bank_sort_code", "bank_account_number")


def require(user, permission: Permission, org: Organisation) -> None:
    if not has_permission(user, permission, org):
        raise PermissionDenied(f"you may not {permission.value.replace('_', ' ')} for {org.code}")


def normalise_sort_code(value: str) -> str:
    """'12-34-56' or '12 34 56' -> '123456'; anything else is refused with what was expected."""
    digits = re.sub(r"[\s-]", "", value or "")
    if digits and not re.fullmatch(r"\d{6}", digits):
        raise ValidationError(
            {"bank_sort_code": f"sort code {value!r} must be 6 digits, like 12-34-56"}
        )
    return digits


def normalise_account_number(value: str) -> str:
    digits = re.sub(r"\s", "", value or "")
    if digits and not re.fullmatch(r"\d{8}", digits):
        raise ValidationError({"bank_account_number": f"account number {value!r} must be 8 digits"})
    return digits


def _save(registration: Registration, by, reason: str) -> None:
    registration._history_user = by
    registration._change_reason = reason
    registration.save()


@transaction.atomic
def start_registration(*, pcn: Organisation, year_label: str, by) -> Registration:
    """A draft for the year, filled from the previous year's registration if there is one,
    else from the members the registry holds on the go-live date."""
    require(by, Permission.DRAFT_REGISTRATION, pcn)
    if pcn.kind != OrgKind.PCN:
        raise ValidationError(f"{pcn.code} is a {pcn.get_kind_display()}, not a PCN")
    year = des_year(year_label)
    if Registration.objects.filter(pcn=pcn, des_year=year.label).exists():
        raise ValidationError(f"{pcn.code} already has a registration for {year.label}")
    commissioner = parent(pcn, year.go_live, RelType.PCN_COMMISSIONER) or parent(
        pcn, timezone.localdate(), RelType.PCN_COMMISSIONER
    )
    if commissioner is None:
        raise ValidationError(f"the registry holds no commissioner for {pcn.code}")
    previous = (
        with_members(Registration.objects.filter(pcn=pcn, des_year__lt=year.label))
        .order_by("-des_year")
        .first()
    )
    registration = Registration(pcn=pcn, commissioner=commissioner, des_year=year.label)
    if previous is not None:
        for name in DETAIL_FIELDS:
            setattr(registration, name, getattr(previous, name))
        practices = [m.practice for m in current_members(previous)]
    else:
        practices = list(registry_members(pcn, year.go_live))
    _save(registration, by, f"registration for {year.label} started")
    RegistrationMember.objects.bulk_create(
        RegistrationMember(registration=registration, practice=p) for p in practices
    )
    return registration


def in_other_pcns(pcn: Organisation, practice_ids, on) -> dict[int, str]:
    """Practices the registry holds in another PCN on `on`: they move by change request."""
    return dict(
        Relationship.objects.filter(
            valid_on(on), child_id__in=practice_ids, rel_type=RelType.PRACTICE_PCN
        )
        .exclude(parent=pcn)
        .values_list("child_id", "parent__code")
    )


def _member_problems(registration: Registration, practices: list[Organisation], codes) -> list[str]:
    year = des_year(registration.des_year)
    on = year.go_live
    problems = []
    known = {p.code: p for p in practices}
    for code in codes:
        practice = known.get(code)
        if practice is None:
            problems.append(f"{code}: no practice with this ODS code in the registry")
        elif practice.close_date and practice.close_date < on:
            problems.append(f"{code}: closed on {practice.close_date:%-d %B %Y}")
    ids = [p.pk for p in practices]
    for code, pcn_code in (
        RegistrationMember.objects.filter(
            practice_id__in=ids,
            registration__des_year=year.label,
            registration__status__in=CLAIMING,
            left_on__isnull=True,
        )
        .exclude(registration=registration)
        .values_list("practice__code", "registration__pcn__code")
    ):
        problems.append(f"{code}: already in {pcn_code}'s {year.label} registration")
    code_of = {p.pk: p.code for p in practices}
    for practice_id, pcn_code in in_other_pcns(registration.pcn, ids, on).items():
        problems.append(
            f"{code_of[practice_id]}: the registry has it in {pcn_code} on {on:%-d %B %Y}; "
            "move it through a change request"
        )
    return problems


@transaction.atomic
def set_members(*, registration: Registration, codes: list[str], by) -> None:
    """Replace the member list with these ODS codes, or change nothing and say why."""
    require(by, Permission.DRAFT_REGISTRATION, registration.pcn)
    _require_editable(registration)
    codes = [c.strip().upper() for c in codes if c.strip()]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValidationError(f"listed more than once: {', '.join(duplicates)}")
    if not codes:
        raise ValidationError("name at least one member practice")
    practices = list(Organisation.objects.filter(code__in=codes, kind=OrgKind.PRACTICE))
    problems = _member_problems(registration, practices, codes)
    if problems:
        raise ValidationError(problems)
    existing = {m.practice_id: m for m in registration.members.all()}
    wanted = {p.pk for p in practices}
    for practice_id, member in existing.items():
        if practice_id not in wanted:
            member._history_user = by
            member.delete()
    RegistrationMember.objects.bulk_create(
        RegistrationMember(registration=registration, practice=p)
        for p in practices
        if p.pk not in existing
    )
    _save(registration, by, "members changed: " + ", ".join(sorted(codes)))


def _require_editable(registration: Registration) -> None:
    if not registration.is_editable:
        raise ValidationError(
            f"a registration that is {registration.get_status_display().lower()} cannot be "
            "changed; it can be edited while a draft or once returned"
        )


@transaction.atomic
def update_details(*, registration: Registration, by, reason: str = "", **changes) -> Registration:
    """Change the registration's details (Clinical Director, payee, area, ...) while editable."""
    require(by, Permission.DRAFT_REGISTRATION, registration.pcn)
    _require_editable(registration)
    unknown = set(changes) - DETAIL_FIELDS
    if unknown:
        raise ValidationError(f"these fields cannot be set here: {', '.join(sorted(unknown))}")
    errors = {}
    for name, normalise in (
        ("bank_sort_code", normalise_sort_code),
        ("bank_account_number", normalise_account_number),
    ):
        if name in changes:
            try:
                changes[name] = normalise(changes[name])
            except ValidationError as error:
                errors.update(error.message_dict)
    member_ids = {m.practice_id for m in current_members(registration)}
    cd_practice = changes.get("clinical_director_practice", registration.clinical_director_practice)
    if cd_practice is not None and cd_practice.pk not in member_ids:
        errors["clinical_director_practice"] = (
            f"the Clinical Director must work in a member practice; {cd_practice.code} is not one"
        )
    payee = changes.get("payee_practice", registration.payee_practice)
    if payee is not None and payee.pk not in member_ids:
        errors["payee_practice"] = (
            f"{payee.code} is not a member practice; name another provider instead"
        )
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(registration, name, value)
    _save(registration, by, reason or "details changed")
    return registration


def _results_snapshot(registration: Registration) -> list[dict]:
    fresh = with_members(Registration.objects.filter(pk=registration.pk)).get()
    return [
        {"code": r.code, "result": r.result.value, "reason": r.reason}
        for r in results_of(fresh, timezone.localdate())
    ]


def _move(registration: Registration, to: Status, by, reason: str, at=None, **extra) -> Transition:
    step = Transition.objects.create(
        registration=registration,
        from_status=registration.status,
        to_status=to,
        at=at or timezone.now(),
        by=by,
        reason=reason,
        rule_results=_results_snapshot(registration),
        **extra,
    )
    registration.status = to
    _save(registration, by, f"{Status(to).label}: {reason}" if reason else Status(to).label)
    return step


@transaction.atomic
def submit(*, registration: Registration, by, reason: str = "") -> Transition:
    """The PCN sends its registration; each member's list is frozen from the registry by the
    population rule (at the year's list_size_date, never a later figure), with its words and
    file."""
    require(by, Permission.DRAFT_REGISTRATION, registration.pcn)
    if not registration.is_editable:
        raise ValidationError(
            f"only a draft or returned registration can be submitted; this one is "
            f"{registration.get_status_display().lower()}"
        )
    members = current_members(registration)
    if not members:
        raise ValidationError("name at least one member practice before submitting")
    year = des_year(registration.des_year)
    lists = des_lists([m.practice_id for m in members], year)
    for member in members:
        for name, value in list_fields(lists.get(member.practice_id)).items():
            setattr(member, name, value)
    RegistrationMember.objects.bulk_update(members, LIST_FIELDS)
    return _move(registration, Status.SUBMITTED, by, reason)


@transaction.atomic
def start_review(*, registration: Registration, by) -> Transition:
    require(by, Permission.DECIDE_REGISTRATION, registration.commissioner)
    if registration.status != Status.SUBMITTED:
        raise ValidationError("only a submitted registration can be taken under review")
    return _move(registration, Status.UNDER_REVIEW, by, "")


DECISIONS = (Status.APPROVED, Status.APPROVED_EXCEPTION, Status.RETURNED)


@transaction.atomic
def decide(
    *,
    registration: Registration,
    by,
    outcome: Status,
    panel_date: date,
    decision_makers: str,
    reason: str = "",
    conditions: str = "",
    exception_reason: str = "",
) -> Transition:
    """The commissioner's panel decision. Approval needs every rule to pass or warn; a list
    below the minimum needs an approved exception with its reason."""
    require(by, Permission.DECIDE_REGISTRATION, registration.commissioner)
    if registration.status not in AWAITING_DECISION:
        raise ValidationError(
            f"only a submitted registration can be decided; this one is "
            f"{registration.get_status_display().lower()}"
        )
    if outcome not in DECISIONS:
        raise ValidationError(f"{outcome!r} is not a decision")
    errors = {}
    if not decision_makers.strip():
        errors["decision_makers"] = "name the decision makers"
    if panel_date is None:
        errors["panel_date"] = "give the panel date"
    elif panel_date > timezone.localdate():
        errors["panel_date"] = "the panel date cannot be in the future"
    if outcome == Status.RETURNED and not reason.strip():
        errors["reason"] = "say why the registration is returned"
    if outcome == Status.APPROVED_EXCEPTION and not exception_reason.strip():
        errors["exception_reason"] = "say why the exception is approved"
    if errors:
        raise ValidationError(errors)
    if outcome == Status.APPROVED_EXCEPTION:
        registration.population_exception = exception_reason.strip()
        _save(registration, by, "population exception recorded")
    if outcome in APPROVED_STATUSES:
        fresh = with_members(Registration.objects.filter(pk=registration.pk)).get()
        failures = [r for r in results_of(fresh, timezone.localdate()) if r.result == Result.FAIL]
        if failures:
            raise ValidationError([f"cannot approve: {r.title}: {r.reason}" for r in failures])
    registration.panel_date = panel_date
    registration.decision_makers = decision_makers.strip()
    registration.conditions = conditions.strip()
    return _move(
        registration,
        outcome,
        by,
        reason.strip(),
        panel_date=panel_date,
        decision_makers=decision_makers.strip(),
        conditions=conditions.strip(),
    )


@transaction.atomic
def assure(*, registration: Registration, by, reason: str = "") -> Transition:
    require(by, Permission.ASSURE_REGISTRATION, registration.commissioner)
    if registration.status not in (Status.APPROVED, Status.APPROVED_EXCEPTION):
        raise ValidationError("only an approved registration can be assured")
    return _move(registration, Status.ASSURED, by, reason)


@transaction.atomic
def record_variation(
    *, member: RegistrationMember, status: VariationStatus, signed_on: date | None, by
) -> RegistrationMember:
    """Track a member practice's contract variation (GMS/PMS/APMS) for DES sign-up."""
    require(by, Permission.DECIDE_REGISTRATION, member.registration.commissioner)
    if status == VariationStatus.SIGNED and signed_on is None:
        raise ValidationError({"variation_signed_on": "give the date the variation was signed"})
    member.variation_status = status
    member.variation_signed_on = signed_on if status == VariationStatus.SIGNED else None
    member._history_user = by
    member._change_reason = f"contract variation {VariationStatus(status).label.lower()}"
    member.save()
    return member


@transaction.atomic
def attach_document(
    *, registration: Registration, key: str, signed_on: date, file=None, by
) -> RegistrationDocument:
    require(by, Permission.DRAFT_REGISTRATION, registration.pcn)
    year = des_year(registration.des_year)
    if key not in {d.key for d in year.documents}:
        raise ValidationError({"key": f"{key!r} is not a document the {year.label} DES asks for"})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "the signing date cannot be in the future"})
    document, _ = RegistrationDocument.objects.get_or_create(
        registration=registration, key=key, defaults={"signed_on": signed_on, "uploaded_by": by}
    )
    document.signed_on = signed_on
    document.uploaded_by = by
    if file is not None:
        document.file = file
    document._history_user = by
    document.save()
    return document


def reveal_bank_details(*, registration: Registration, by, channel: str = "page") -> dict:
    """The bank details in full, for finance only; every look is recorded. A detail stored
    under a key that is not configured is None and named in `unreadable`, never shown."""
    require(by, Permission.VIEW_BANK_DETAILS, registration.pcn)
    BankDetailsView.objects.create(registration=registration, viewed_by=by, channel=channel)
    values = {name: getattr(registration, name) for name in BANK_FIELDS}
    unreadable = [name for name, value in values.items() if isinstance(value, Unreadable)]
    return {**values, **dict.fromkeys(unreadable), "unreadable": unreadable}


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@transaction.atomic
def record_from_ods(*, year_label: str, on: date, by, within: set[int] | None = None) -> int:
    """Record the configuration the registry holds on `on` (from the ODS ePCN files) as
    approved registrations for the year, for PCNs that have none: how a commissioner starts
    using PCN Hub for networks approved before it, and how the national configuration is
    checked. Returns how many registrations were recorded."""
    from simple_history.utils import bulk_create_with_history

    year = des_year(year_label)
    links = Relationship.objects.filter(valid_on(on), rel_type=RelType.PCN_COMMISSIONER)
    if within is not None:
        links = links.filter(parent_id__in=within)
    commissioner_of = dict(
        links.exclude(child__registrations__des_year=year.label).values_list(
            "child_id", "parent_id"
        )
    )
    members_of: dict[int, list[int]] = {}
    for practice_id, pcn_id in Relationship.objects.filter(
        valid_on(on), rel_type=RelType.PRACTICE_PCN, parent_id__in=commissioner_of
    ).values_list("child_id", "parent_id"):
        members_of.setdefault(pcn_id, []).append(practice_id)
    lists = des_lists({p for ids in members_of.values() for p in ids}, year)
    registrations = bulk_create_with_history(
        [
            Registration(
                pcn_id=pcn_id,
                commissioner_id=commissioner_of[pcn_id],
                des_year=year.label,
                status=Status.APPROVED,
                origin=Origin.ODS,
            )
            for pcn_id in members_of
        ],
        Registration,
        default_user=by,
        default_change_reason=f"recorded from the ODS configuration on {on:%-d %B %Y}",
    )
    saved = {
        r.pcn_id: r
        for r in Registration.objects.filter(
            des_year=year.label, pcn_id__in=members_of, origin=Origin.ODS
        )
    }
    RegistrationMember.objects.bulk_create(
        RegistrationMember(
            registration=saved[pcn_id],
            practice_id=practice_id,
            **list_fields(lists.get(practice_id)),
        )
        for pcn_id, practice_ids in members_of.items()
        for practice_id in practice_ids
    )
    Transition.objects.bulk_create(
        Transition(
            registration=registration,
            from_status="",
            to_status=Status.APPROVED,
            at=start_of(on),
            by=by,
            reason=f"recorded from the ODS configuration on {on:%-d %B %Y}",
        )
        for registration in saved.values()
    )
    return len(registrations)
