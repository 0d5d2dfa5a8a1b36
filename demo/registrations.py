"""Demo 2019/20 registrations for the demo area, in every workflow state, entered through the
real actions by the demo staff and then dated as the 2019 timetable had them (seeds 001, 003):
submissions by 15 May, CCG panels on 16-17 May, STP assurance on 23 May.

The states a commissioner meets: most networks assured; the small rural network approved
with a population exception and another approved, both awaiting the STP; one under review;
one submitted late; one returned with reasons; the PCN manager's own network still a draft.
The two practices in no PCN, and the members of networks not yet approved, stay uncovered.
"""

import random
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from organisations.actions import update_organisation
from organisations.models import ContractType, Organisation, OrgKind, RelType
from organisations.queries import parent
from registrations import actions
from registrations.models import Registration, Status, Transition, VariationStatus

YEAR = "2019/20"
SUBMITTED = date(2019, 5, 14)
LATE_SUBMISSION = date(2019, 5, 20)
REVIEW = date(2019, 5, 15)
PANELS = {"99X": date(2019, 5, 16), "99Y": date(2019, 5, 17), "99Z": date(2019, 5, 17)}
ASSURED = date(2019, 5, 23)
INITIAL_AGREEMENT = date(2019, 5, 10)
FULL_AGREEMENT = date(2019, 6, 27)
VARIATIONS_SIGNED = date(2019, 5, 31)
RURAL_PCN = "Upper Dale Rural"
RURAL_REASON = (
    "Rural and remote natural community: low population density over a large area; the "
    "nearest neighbouring network is 25 miles away"
)
RETURN_REASON = (
    "The initial Network Agreement is not signed by all members and the data-sharing "
    "agreement is missing; resubmit once signed"
)
SURNAMES = ("Okafor", "Hughes", "Patel", "Lindqvist", "Morgan", "Chen", "Walsh", "Adeyemi")


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _set_contract_types(by) -> None:
    """ODS does not publish contract types; the commissioner's contract register does."""
    for i, practice in enumerate(
        Organisation.objects.filter(kind=OrgKind.PRACTICE, contract_type="")
    ):
        kind = (
            ContractType.APMS
            if i % 23 == 0
            else ContractType.PMS
            if i % 5 == 0
            else ContractType.GMS
        )
        update_organisation(
            organisation=practice,
            by=by,
            reason="contract type from the commissioner's contract register",
            contract_type=kind,
        )


def _plan(pcns: list[Organisation], draft_pcn: Organisation) -> dict[int, str]:
    """Which state each network ends in."""
    by_ccg: dict[str, list[Organisation]] = {}
    for pcn in pcns:
        ccg = parent(pcn, date(2019, 7, 1), RelType.PCN_COMMISSIONER)
        by_ccg.setdefault(ccg.code, []).append(pcn)
    plan = {pcn.pk: "assured" for pcn in pcns}
    plan[draft_pcn.pk] = "draft"
    rural = next(p for p in pcns if p.name.upper().startswith(RURAL_PCN.upper()))
    plan[rural.pk] = "exception"
    wanted = {"99X": ["approved"], "99Y": ["under_review", "late"], "99Z": ["returned"]}
    for code, states in wanted.items():
        free = [p for p in by_ccg.get(code, []) if plan[p.pk] == "assured"]
        for pcn, state in zip(free, states, strict=False):
            plan[pcn.pk] = state
    return plan


def _complete(registration: Registration, rng: random.Random, by, documents: bool) -> None:
    members = [m.practice for m in registration.members.all()]
    lead = members[0]
    actions.update_details(
        registration=registration,
        by=by,
        reason="from the registration form received by email",
        area_description=f"The practices' registered populations around {lead.name.split()[0]}",
        clinical_director_name=f"Dr {rng.choice('ABCDEFGHJKLMNPRSTW')} {rng.choice(SURNAMES)}",
        clinical_director_profession="gp",
        clinical_director_practice=lead,
        clinical_director_sessions=rng.choice((2, 3, 4)),
        clinical_director_start=date(2019, 7, 1),
        payee_practice=lead,
        bank_account_name=f"{lead.name} partnership",
        bank_sort_code=f"{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
        bank_account_number=f"{rng.randrange(10**7, 10**8)}",
        extended_hours=True,
        extended_hours_signed_on=date(2019, 5, 10),
    )
    keys = ["initial_agreement"] + (["full_agreement", "data_sharing"] if documents else [])
    for key in keys:
        signed = INITIAL_AGREEMENT if key == "initial_agreement" else FULL_AGREEMENT
        actions.attach_document(registration=registration, key=key, signed_on=signed, by=by)


def _run(registration, state, staff, pcn_user, rng) -> None:
    ccg = registration.commissioner.code
    commissioner = staff[ccg]
    drafter = pcn_user if state == "draft" else commissioner
    decided = state in ("assured", "exception", "approved")
    _complete(registration, rng, drafter, documents=decided)
    if state == "draft":
        return
    actions.submit(registration=registration, by=commissioner)
    if state in ("under_review", "returned") or decided:
        actions.start_review(registration=registration, by=commissioner)
    panel = {"panel_date": PANELS[ccg], "decision_makers": "Primary Care Commissioning Committee"}
    if state == "returned":
        actions.decide(
            registration=registration,
            by=commissioner,
            outcome=Status.RETURNED,
            reason=RETURN_REASON,
            **panel,
        )
    elif decided:
        actions.decide(
            registration=registration,
            by=commissioner,
            outcome=Status.APPROVED_EXCEPTION if state == "exception" else Status.APPROVED,
            exception_reason=RURAL_REASON if state == "exception" else "",
            **panel,
        )
        for member in registration.members.all():
            signed = state != "approved"
            actions.record_variation(
                member=member,
                status=VariationStatus.SIGNED if signed else VariationStatus.ISSUED,
                signed_on=VARIATIONS_SIGNED if signed else None,
                by=commissioner,
            )
    if state == "assured":
        actions.assure(registration=registration, by=staff["stp"], reason="STP panel")
    dates = {
        Status.SUBMITTED: LATE_SUBMISSION if state == "late" else SUBMITTED,
        Status.UNDER_REVIEW: REVIEW,
        Status.RETURNED: PANELS[ccg],
        Status.APPROVED: PANELS[ccg],
        Status.APPROVED_EXCEPTION: PANELS[ccg],
        Status.ASSURED: ASSURED,
    }
    for step in Transition.objects.filter(registration=registration):
        step.at = _at(dates[step.to_status])
        step.save(update_fields=["at"])


@transaction.atomic
def seed(*, staff: dict, pcn_user, registry_admin, seed: int = 2019) -> int:
    """staff: commissioner users by CCG code, and "stp" for the STP programme office.
    Returns how many registrations were made (none when the year is already there)."""
    if Registration.objects.filter(des_year=YEAR).exists():
        return 0
    _set_contract_types(registry_admin)
    rng = random.Random(seed)
    pcns = list(Organisation.objects.filter(kind=OrgKind.PCN).order_by("code"))
    draft_pcn = pcn_user.role_assignments.get().organisation
    plan = _plan(pcns, draft_pcn)
    for pcn in pcns:
        starter = (
            pcn_user
            if plan[pcn.pk] == "draft"
            else staff[parent(pcn, date(2019, 7, 1), RelType.PCN_COMMISSIONER).code]
        )
        registration = actions.start_registration(pcn=pcn, year_label=YEAR, by=starter)
        _run(registration, plan[pcn.pk], staff, pcn_user, rng)
    return len(pcns)
