"""Change control for approved networks: request, preview the impact, decide, and on approval
write the effective-dated registry and registration rows.

A change applies to the PCN's registration in force on its effective date. Its effective
date may not come before the last approved change of either network, so history is only
ever appended to. The notice period is the year's data (registrations/years/*.toml); a
shorter notice is shown in the preview, and the committee decides.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.permissions import Permission
from organisations import actions as registry
from organisations.models import Organisation, OrgKind, Relationship, RelType
from organisations.population import Population, combined, practice_populations
from organisations.queries import parent, valid_on
from registrations.actions import (
    normalise_account_number,
    normalise_sort_code,
    require,
    start_of,
)
from registrations.coverage import in_force
from registrations.encryption import UNREADABLE, Unreadable
from registrations.facts import gather, practice_facts, with_members
from registrations.models import (
    APPROVED_STATUSES,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Origin,
    Registration,
    RegistrationMember,
    Status,
    Transition,
)
from registrations.rules import RegistrationFacts, RuleResult, check
from registrations.years import des_year

PCN_CODE = re.compile(r"^U\d{5}$")
LEAVING = (ChangeKind.REMOVE, ChangeKind.CLOSURE, ChangeKind.MERGER)
MEMBER_KINDS = (ChangeKind.MOVE, ChangeKind.ADD, *LEAVING)
CLINICAL_DIRECTOR_FIELDS = (
    "clinical_director_name",
    "clinical_director_profession",
    "clinical_director_practice",
)
# What each kind of change asks for, besides its effective date and reason.
KIND_FIELDS = {
    ChangeKind.MOVE: ("practice", "target_pcn"),
    ChangeKind.ADD: ("practice",),
    ChangeKind.REMOVE: ("practice",),
    ChangeKind.CLOSURE: ("practice",),
    ChangeKind.MERGER: ("practice", "absorbing_practice"),
    ChangeKind.CLINICAL_DIRECTOR: CLINICAL_DIRECTOR_FIELDS,
    ChangeKind.PAYEE: (
        "payee_practice",
        "payee_provider_name",
        "bank_account_name",
        "bank_sort_code",
        "bank_account_number",
    ),
    ChangeKind.SPLIT: ("new_pcn_code", "new_pcn_name", "practices", *CLINICAL_DIRECTOR_FIELDS),
    ChangeKind.MERGE: ("target_pcn",),
}
# The kinds that change the registration's own details rather than its members.
DETAIL_FIELDS = {
    kind: KIND_FIELDS[kind] for kind in (ChangeKind.CLINICAL_DIRECTOR, ChangeKind.PAYEE)
}


def registration_in_force(pcn: Organisation | None, day: date) -> Registration | None:
    """The PCN's approved registration in force on `day`, members loaded."""
    if pcn is None:
        return None
    chosen = in_force(list(with_members(Registration.objects.filter(pcn=pcn))), day).get(pcn.pk)
    return chosen[0] if chosen and chosen[1] in APPROVED_STATUSES else None


def _member_on(registration: Registration, practice: Organisation, day: date):
    return next(
        (
            m
            for m in registration.members.all()
            if m.practice_id == practice.pk
            and (m.joined_on is None or m.joined_on <= day)
            and (m.left_on is None or m.left_on >= day)
        ),
        None,
    )


def last_approved_change(*pcns: Organisation) -> date | None:
    ids = [p.pk for p in pcns if p is not None]
    return ChangeRequest.objects.filter(
        Q(pcn_id__in=ids) | Q(target_pcn_id__in=ids), status=ChangeStatus.APPROVED
    ).aggregate(last=Max("effective_date"))["last"]


def _elsewhere(practice: Organisation, day: date, pcn: Organisation) -> str:
    """The other PCN holding the practice on `day` by an approved registration or ODS, or ''."""
    member = (
        RegistrationMember.objects.filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=day),
            Q(left_on__isnull=True) | Q(left_on__gte=day),
            practice=practice,
            registration__status__in=APPROVED_STATUSES,
        )
        .exclude(registration__pcn=pcn)
        .values_list("registration__pcn__code", flat=True)
        .first()
    )
    if member:
        return member
    link = parent(practice, day, RelType.PRACTICE_PCN)
    return link.code if link is not None and link != pcn else ""


def problems(change: ChangeRequest, practices: list[Organisation]) -> dict[str, list[str]]:
    """Everything wrong with the change as requested, by form field; empty when it can go ahead."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    day = change.effective_date
    source = registration_in_force(change.pcn, day)
    if source is None:
        add("effective_date", f"{change.pcn.code} has no approved registration in force on {day}")
        return errors
    last = last_approved_change(change.pcn, change.target_pcn)
    if last is not None and day < last:
        add(
            "effective_date",
            f"the effective date {day} is before the last approved change ({last}); "
            "changes are recorded in date order",
        )
    if not change.reason.strip():
        add("reason", "say why the change is made")
    kind = change.kind
    if kind in MEMBER_KINDS and change.practice is None:
        add("practice", "choose the practice")
    elif kind in MEMBER_KINDS:
        practice = change.practice
        is_member = _member_on(source, practice, day) is not None
        if kind == ChangeKind.ADD:
            if is_member:
                add("practice", f"{practice.code} is already a member")
            elif not practice.is_open_on(day):
                add("practice", f"{practice.code} is not open on {day}")
            elif other := _elsewhere(practice, day, change.pcn):
                add(
                    "practice",
                    f"{practice.code} is in {other} on {day}; request a move from that PCN",
                )
        elif not is_member:
            add("practice", f"{practice.code} is not a member of {change.pcn.code} on {day}")
    if kind in (ChangeKind.MOVE, ChangeKind.MERGE):
        target = registration_in_force(change.target_pcn, day)
        if change.target_pcn is None or change.target_pcn == change.pcn:
            add("target_pcn", "choose the other PCN")
        elif target is None:
            add(
                "target_pcn",
                f"{change.target_pcn.code} has no approved registration in force on {day}",
            )
    if kind == ChangeKind.MERGER and (
        change.absorbing_practice is None or change.absorbing_practice == change.practice
    ):
        add("absorbing_practice", "choose the practice it merges into")
    if kind in (ChangeKind.CLINICAL_DIRECTOR, ChangeKind.SPLIT):
        _check_clinical_director(change, source, practices, day, add)
    if kind == ChangeKind.PAYEE:
        _check_payee(change, source, day, add)
    if kind == ChangeKind.SPLIT:
        _check_split(change, source, practices, day, add)
    return errors


def _check_clinical_director(change, source, practices, day, add) -> None:
    if not change.clinical_director_name.strip():
        add("clinical_director_name", "name the Clinical Director")
    where = change.clinical_director_practice
    within = (
        {p.pk for p in practices}
        if change.kind == ChangeKind.SPLIT
        else {m.practice_id for m in source.members.all() if _member_on(source, m.practice, day)}
    )
    if where is None or where.pk not in within:
        add(
            "clinical_director_practice",
            "the Clinical Director must work in a member practice"
            + (" of the new PCN" if change.kind == ChangeKind.SPLIT else ""),
        )


def _check_payee(change, source, day, add) -> None:
    if change.payee_practice is None and not change.payee_provider_name.strip():
        add("payee_practice", "name a member practice or another provider as payee")
    if change.payee_practice is not None and _member_on(source, change.payee_practice, day) is None:
        add("payee_practice", f"{change.payee_practice.code} is not a member practice")
    for name, normalise in (
        ("bank_sort_code", normalise_sort_code),
        ("bank_account_number", normalise_account_number),
    ):
        if isinstance(getattr(change, name), Unreadable):
            add(name, UNREADABLE)
            continue
        try:
            setattr(change, name, normalise(getattr(change, name) or ""))
        except ValidationError as error:
            for message in error.message_dict[name]:
                add(name, message)
    if not (change.bank_sort_code and change.bank_account_number):
        add("bank_sort_code", "give the payee's sort code and account number")


def _check_split(change, source, practices, day, add) -> None:
    if not PCN_CODE.fullmatch(change.new_pcn_code or ""):
        add("new_pcn_code", f"{change.new_pcn_code!r} is not a PCN ODS code like U12345")
    elif Organisation.objects.filter(code=change.new_pcn_code).exists():
        add("new_pcn_code", f"{change.new_pcn_code} is already in the registry")
    if not change.new_pcn_name.strip():
        add("new_pcn_name", "name the new PCN")
    members = {m.practice_id for m in source.members.all() if _member_on(source, m.practice, day)}
    if not practices:
        add("practices", "choose the practices that form the new PCN")
    elif outside := [p.code for p in practices if p.pk not in members]:
        add("practices", f"not members of {change.pcn.code}: {', '.join(outside)}")
    elif members <= {p.pk for p in practices}:
        add("practices", f"leave at least one practice in {change.pcn.code}")


@dataclass(frozen=True)
class PcnImpact:
    code: str
    name: str
    members_before: tuple[str, ...]
    members_after: tuple[str, ...]
    size_before: int | None  # the DES 1 January lists; None where a member has none
    size_after: int | None
    results_after: list[RuleResult]
    on_day_before: Population  # the members' lists on the change's date, by the rule
    on_day_after: Population


@dataclass(frozen=True)
class Impact:
    pcns: list[PcnImpact]
    notes: list[str]
    lists: str  # which lists the 1 January figures are, in words


def _des_size(facts: RegistrationFacts) -> int | None:
    return None if facts.unlisted else facts.list_size


def _on_day(before, after, day: date) -> dict[tuple[str, str], Population]:
    """Each PCN's members' lists on the change's date, before and after, by the population
    rule (the latest on or before it, never later; an old one says how old): a change dated
    years after the registration's 1 January still shows what is on file for its own date."""
    codes = {m.code for facts in (*before.values(), *after.values()) for m in facts.members}
    practices = list(Organisation.objects.filter(code__in=codes, kind=OrgKind.PRACTICE))
    figures = practice_populations(practices, day, purpose="on_the_day")
    lists = {p.code: figures[p.pk] for p in practices}
    found = {}
    for side, facts_of in (("before", before), ("after", after)):
        for code, facts in facts_of.items():
            members = [lists[m.code] for m in facts.members if m.code in lists]
            found[code, side] = combined(code, members, day, purpose="on_the_day")
    return found


def _without(facts: RegistrationFacts, codes: set[str]) -> RegistrationFacts:
    return replace(facts, members=tuple(m for m in facts.members if m.code not in codes))


def _joining(facts: RegistrationFacts, practices, year, leaving_from: str) -> RegistrationFacts:
    known = practice_facts(practices, year)
    joiners = tuple(
        replace(
            known[p.pk],
            other_pcns=tuple(
                c for c in known[p.pk].other_pcns if c not in (facts.pcn_code, leaving_from)
            ),
        )
        for p in practices
    )
    return replace(facts, members=facts.members + joiners)


def impact(change: ChangeRequest, practices: list[Organisation] | None = None) -> Impact | None:
    """Both networks' members and populations before and after, and the rules after."""
    day = change.effective_date
    practices = practices if practices is not None else list(change.practices.all())
    source = registration_in_force(change.pcn, day)
    if source is None:
        return None
    target = registration_in_force(change.target_pcn, day)
    year = des_year(source.des_year)
    today = timezone.localdate()
    facts = gather([r for r in (source, target) if r is not None], today)
    before = {source.pcn.code: facts[source.pk]}
    if target is not None:
        before[target.pcn.code] = facts[target.pk]
    after = dict(before)
    source_code = source.pcn.code
    kind = change.kind
    if kind in LEAVING or kind == ChangeKind.MOVE:
        after[source_code] = _without(before[source_code], {change.practice.code})
    if kind == ChangeKind.ADD:
        after[source_code] = _joining(before[source_code], [change.practice], year, "")
    if kind == ChangeKind.MOVE and target is not None:
        after[target.pcn.code] = _joining(
            before[target.pcn.code], [change.practice], year, source_code
        )
    if kind == ChangeKind.MERGE and target is not None:
        leaving = [m.practice for m in source.members.all() if _member_on(source, m.practice, day)]
        after[source_code] = _without(before[source_code], {p.code for p in leaving})
        after[target.pcn.code] = _joining(before[target.pcn.code], leaving, year, source_code)
    if kind == ChangeKind.CLINICAL_DIRECTOR:
        cd = change.clinical_director_practice
        after[source_code] = replace(
            before[source_code],
            clinical_director_name=change.clinical_director_name,
            clinical_director_practice=cd.code if cd else "",
        )
    if kind == ChangeKind.PAYEE:
        after[source_code] = replace(
            before[source_code],
            payee_practice=change.payee_practice.code if change.payee_practice else "",
            payee_provider=change.payee_provider_name,
            has_bank_details=bool(change.bank_sort_code and change.bank_account_number),
        )
    if kind == ChangeKind.SPLIT:
        codes = {p.code for p in practices}
        after[source_code] = _without(before[source_code], codes)
        cd = change.clinical_director_practice
        new = RegistrationFacts(
            pcn_code=change.new_pcn_code,
            commissioner_code=before[source_code].commissioner_code,
            members=(),
            today=today,
            clinical_director_name=change.clinical_director_name,
            clinical_director_practice=cd.code if cd else "",
        )
        before[change.new_pcn_code] = new
        after[change.new_pcn_code] = _joining(new, practices, year, source_code)
    names = {source_code: source.pcn.name, change.new_pcn_code: change.new_pcn_name}
    if target is not None:
        names[target.pcn.code] = target.pcn.name
    on_day = _on_day(before, after, day)
    pcns = [
        PcnImpact(
            code=code,
            name=names.get(code, code),
            members_before=tuple(sorted(m.code for m in before[code].members)),
            members_after=tuple(sorted(m.code for m in after[code].members)),
            size_before=_des_size(before[code]),
            size_after=_des_size(after[code]),
            results_after=check(after[code], year),
            on_day_before=on_day[code, "before"],
            on_day_after=on_day[code, "after"],
        )
        for code in after
    ]
    notes = []
    notice = (day - (change.requested_at.date() if change.requested_at else today)).days
    if notice < year.notice_days:
        notes.append(
            f"{notice} days' notice, less than the {year.notice_days} days the year's policy "
            f"asks ({year.notice_source})"
        )
    lists = (
        f"Registered lists at {year.list_size_date:%-d %B %Y}, the {year.label} DES rule of the "
        f"registration in force ({year.list_size_source})"
    )
    return Impact(pcns=pcns, notes=notes, lists=lists)


@transaction.atomic
def request_change(*, by, practices: list[Organisation] | None = None, **fields) -> ChangeRequest:
    """Record a requested change, or refuse it whole with every problem by field."""
    change = ChangeRequest(**fields, requested_by=by)
    require(by, Permission.DRAFT_REGISTRATION, change.pcn)
    practices = practices or []
    errors = problems(change, practices)
    if errors:
        raise ValidationError(errors)
    change._history_user = by
    change.save()
    change.practices.set(practices)
    return change


@transaction.atomic
def decide_change(
    *,
    change: ChangeRequest,
    by,
    approve: bool,
    committee: str,
    decision_date: date,
    notes: str = "",
) -> ChangeRequest:
    """The committee's decision. Approval checks the change again and writes its rows."""
    source = registration_in_force(change.pcn, change.effective_date)
    commissioner = source.commissioner if source else parent(change.pcn, change.effective_date)
    require(by, Permission.DECIDE_REGISTRATION, commissioner or change.pcn)
    if change.status != ChangeStatus.REQUESTED:
        raise ValidationError(f"this change was already {change.get_status_display().lower()}")
    errors = {}
    if not committee.strip():
        errors["committee"] = ["name the committee that decided"]
    if decision_date is None or decision_date > timezone.localdate():
        errors["decision_date"] = ["give the date of the decision, not in the future"]
    if not approve and not notes.strip():
        errors["decision_notes"] = ["say why the change is rejected"]
    if errors:
        raise ValidationError(errors)
    change.decided_by = by
    change.decided_at = timezone.now()
    change.committee = committee.strip()
    change.decision_date = decision_date
    change.decision_notes = notes.strip()
    practices = list(change.practices.all())
    if approve:
        still = problems(change, practices)
        if still:
            raise ValidationError(still)
        _apply(change, practices, by)
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    change._history_user = by
    change._change_reason = f"{change.get_status_display()} by {committee.strip()}"
    change.save()
    return change


def _why(change: ChangeRequest) -> str:
    return f"change request {change.pk} ({change.get_kind_display().lower()}): {change.reason}"


def _leave(registration: Registration, practice: Organisation, day: date, by, why: str) -> None:
    member = _member_on(registration, practice, day)
    member.left_on = day - timedelta(days=1)
    member._history_user = by
    member._change_reason = why
    member.save()


def _join(registration: Registration, practice: Organisation, day: date, by, why: str) -> None:
    year = des_year(registration.des_year)
    base = practice_facts([practice], year)[practice.pk]
    if registration.members.filter(practice=practice).exists():
        raise ValidationError(
            f"{practice.code} was a member of {registration.pcn.code}'s {year.label} "
            "registration before; record its return in next year's registration"
        )
    member = RegistrationMember(
        registration=registration,
        practice=practice,
        joined_on=day,
        list_size=base.list_size,
        list_size_date=base.list_size_date,
        list_size_basis=base.list_size_basis,
        list_size_source=base.list_size_source,
    )
    member._history_user = by
    member._change_reason = why
    member.save()


def _transfer(practice, source, target, day, by, why) -> None:
    registry.move(
        child=practice, to=target.pcn, rel_type=RelType.PRACTICE_PCN, on=day, by=by, reason=why
    )
    _leave(source, practice, day, by, why)
    _join(target, practice, day, by, why)


def _apply(change: ChangeRequest, practices: list[Organisation], by) -> None:
    day = change.effective_date
    why = _why(change)
    source = registration_in_force(change.pcn, day)
    kind = change.kind
    if kind == ChangeKind.MOVE:
        _transfer(
            change.practice, source, registration_in_force(change.target_pcn, day), day, by, why
        )
    elif kind == ChangeKind.ADD:
        registry.move(
            child=change.practice,
            to=change.pcn,
            rel_type=RelType.PRACTICE_PCN,
            on=day,
            by=by,
            reason=why,
        )
        _join(source, change.practice, day, by, why)
    elif kind in LEAVING:
        if Relationship.objects.filter(
            valid_on(day), child=change.practice, parent=change.pcn, rel_type=RelType.PRACTICE_PCN
        ).exists():
            registry.end_relationship(
                child=change.practice, rel_type=RelType.PRACTICE_PCN, on=day, by=by, reason=why
            )
        _leave(source, change.practice, day, by, why)
    elif kind in DETAIL_FIELDS:
        for name in DETAIL_FIELDS[kind]:
            setattr(source, name, getattr(change, name))
        if kind == ChangeKind.CLINICAL_DIRECTOR:
            source.clinical_director_start = day
        source._history_user = by
        source._change_reason = why
        source.save()
    elif kind == ChangeKind.MERGE:
        target = registration_in_force(change.target_pcn, day)
        for member in list(source.members.all()):
            if _member_on(source, member.practice, day):
                _transfer(member.practice, source, target, day, by, why)
    elif kind == ChangeKind.SPLIT:
        change.created_pcn = _split(change, source, practices, day, by, why)


def _split(change, source, practices, day, by, why) -> Organisation:
    """A new PCN under the same commissioner, approved from the effective date, taking the
    chosen practices with it."""
    pcn = Organisation(
        code=change.new_pcn_code, kind=OrgKind.PCN, name=change.new_pcn_name, open_date=day
    )
    pcn._history_user = by
    pcn._change_reason = why
    pcn.save()
    registry.move(
        child=pcn,
        to=source.commissioner,
        rel_type=RelType.PCN_COMMISSIONER,
        on=day,
        by=by,
        reason=why,
    )
    registration = Registration(
        pcn=pcn,
        commissioner=source.commissioner,
        des_year=source.des_year,
        status=Status.APPROVED,
        origin=Origin.FORM,
        clinical_director_name=change.clinical_director_name,
        clinical_director_profession=change.clinical_director_profession,
        clinical_director_practice=change.clinical_director_practice,
        clinical_director_start=day,
        area_description=f"Split from {source.pcn.name} ({source.pcn.code})",
    )
    registration._history_user = by
    registration._change_reason = why
    registration.save()
    Transition.objects.create(
        registration=registration,
        from_status="",
        to_status=Status.APPROVED,
        # In force from the effective date (when that is past); recorded_at keeps the truth.
        at=min(timezone.now(), start_of(day)),
        by=by,
        reason=why,
        decision_makers=change.committee,
    )
    for practice in practices:
        _transfer(practice, source, registration, day, by, why)
    return pcn


def entitlement_effect(change: ChangeRequest, by):
    """The change in payments for the year it takes effect, if it were approved now: the
    registration preview meets the payment schedules here. Nothing is saved."""
    from payments.whatif import what_if
    from pcnhub.nhs_calendar import year_of

    practices = list(change.practices.all())

    def approve() -> list[Organisation]:
        _apply(change, practices, by)
        return [change.created_pcn] if change.created_pcn else []

    pcns = [p for p in (change.pcn, change.target_pcn) if p is not None]
    return what_if(
        pcns=pcns,
        year=year_of(change.effective_date),
        known_on=timezone.localdate(),
        change=approve,
    )
