"""Change control: requests checked whole, the impact preview, and on approval the right
effective-dated rows in the registry and in the registrations."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.models import Organisation, Relationship, RelType
from registrations import actions
from registrations.changes import decide_change, impact, request_change
from registrations.coverage import coverage
from registrations.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Registration,
    RegistrationMember,
)
from registrations.rules import Result

EFFECTIVE = date(2021, 4, 1)
DECISION = {"committee": "Primary Care Commissioning Committee", "decision_date": date(2021, 3, 10)}


@pytest.fixture
def approved(area, registry_admin):
    """Both networks recorded from the ODS configuration as approved 2019/20 registrations."""
    actions.record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=registry_admin)
    # Each network's own account is its nominated payee, with bank details, so it is paid.
    for registration in Registration.objects.select_related("pcn"):
        registration.payee_provider_name = f"{registration.pcn.name} network account"
        registration.payee_provider_code = registration.pcn.code
        registration.bank_sort_code, registration.bank_account_number = "123456", "87654321"
        registration.save()
    return {r.pcn.code: r for r in Registration.objects.all()}


def move(area, by, **changes):
    fields = {
        "kind": ChangeKind.MOVE,
        "pcn": area["this_pcn"],
        "target_pcn": area["other_pcn"],
        "practice": area["practices"][1],
        "effective_date": EFFECTIVE,
        "reason": "the practice's patients look to the other town",
    }
    return request_change(by=by, **{**fields, **changes})


def test_the_preview_shows_both_populations_before_and_after_and_the_rules_after(
    area, approved, this_pcn_manager
):
    change = move(area, this_pcn_manager)
    preview = {p.code: p for p in impact(change).pcns}
    assert (preview["U00001"].size_before, preview["U00001"].size_after) == (20_000, 10_000)
    assert (preview["U00002"].size_before, preview["U00002"].size_after) == (10_000, 20_000)
    assert preview["U00002"].members_after == ("A00002", "A00003")
    rules = {r.code: r.result for r in preview["U00002"].results_after}
    assert rules["population_minimum"] == Result.FAIL
    assert rules["single_membership"] == Result.PASS  # it leaves U00001 as it joins


def test_approval_writes_the_effective_dated_registry_and_registration_rows(
    area, approved, this_pcn_manager, commissioner_user
):
    change = move(area, this_pcn_manager)
    decide_change(change=change, by=commissioner_user, approve=True, **DECISION)
    practice = area["practices"][1]
    rows = list(
        Relationship.objects.filter(child=practice, rel_type=RelType.PRACTICE_PCN)
        .order_by("valid_from")
        .values_list("parent__code", "valid_from", "valid_to")
    )
    assert rows == [
        ("U00001", date(2019, 7, 1), date(2021, 3, 31)),
        ("U00002", date(2021, 4, 1), None),
    ]
    left = RegistrationMember.objects.get(registration=approved["U00001"], practice=practice)
    joined = RegistrationMember.objects.get(registration=approved["U00002"], practice=practice)
    assert (left.left_on, joined.joined_on, joined.list_size) == (
        date(2021, 3, 31),
        EFFECTIVE,
        10_000,
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == commissioner_user
    before = {
        n.registration.pcn.code: n.practices
        for n in coverage(area["commissioner"], EFFECTIVE - timedelta(days=1)).networks
    }
    assert before == {"U00001": 2, "U00002": 1}
    assert coverage(area["commissioner"], EFFECTIVE).practices_covered == 3
    assert coverage(area["commissioner"], EFFECTIVE).drift == []


def test_a_change_dated_before_the_last_approved_change_is_refused(
    area, approved, this_pcn_manager, commissioner_user
):
    decide_change(
        change=move(area, this_pcn_manager), by=commissioner_user, approve=True, **DECISION
    )
    with pytest.raises(ValidationError, match="before the last approved change"):
        request_change(
            by=this_pcn_manager,
            kind=ChangeKind.REMOVE,
            pcn=area["this_pcn"],
            practice=area["practices"][0],
            effective_date=date(2021, 1, 1),
            reason="closing",
        )


def test_adding_a_practice_already_in_another_pcn_is_refused(area, approved, this_pcn_manager):
    with pytest.raises(ValidationError, match="A00003 is in U00002 on 2021-04-01"):
        request_change(
            by=this_pcn_manager,
            kind=ChangeKind.ADD,
            pcn=area["this_pcn"],
            practice=area["practices"][2],
            effective_date=EFFECTIVE,
            reason="joining",
        )


def test_a_new_clinical_director_outside_the_members_is_refused(area, approved, this_pcn_manager):
    with pytest.raises(ValidationError, match="must work in a member practice"):
        request_change(
            by=this_pcn_manager,
            kind=ChangeKind.CLINICAL_DIRECTOR,
            pcn=area["this_pcn"],
            clinical_director_name="Dr New",
            clinical_director_practice=area["practices"][2],
            effective_date=EFFECTIVE,
            reason="retirement",
        )


def test_malformed_new_bank_details_are_refused(area, approved, this_pcn_manager):
    with pytest.raises(ValidationError) as refused:
        request_change(
            by=this_pcn_manager,
            kind=ChangeKind.PAYEE,
            pcn=area["this_pcn"],
            payee_practice=area["practices"][0],
            bank_sort_code="12-34",
            bank_account_number="12345678",
            effective_date=EFFECTIVE,
            reason="new bank",
        )
    assert "must be 6 digits" in str(refused.value)


def test_a_pcn_manager_cannot_approve_and_cannot_request_for_another_pcn(
    area, approved, this_pcn_manager, other_pcn_manager
):
    change = move(area, this_pcn_manager)
    with pytest.raises(PermissionDenied):
        decide_change(change=change, by=this_pcn_manager, approve=True, **DECISION)
    with pytest.raises(PermissionDenied):
        move(area, other_pcn_manager)
    assert ChangeRequest.objects.count() == 1


def test_a_closure_ends_the_membership_and_the_payee_change_updates_the_registration(
    area, approved, this_pcn_manager, commissioner_user
):
    closure = request_change(
        by=this_pcn_manager,
        kind=ChangeKind.CLOSURE,
        pcn=area["this_pcn"],
        practice=area["practices"][1],
        effective_date=EFFECTIVE,
        reason="contract ends",
    )
    decide_change(change=closure, by=commissioner_user, approve=True, **DECISION)
    assert Relationship.objects.get(
        child=area["practices"][1], rel_type=RelType.PRACTICE_PCN
    ).valid_to == date(2021, 3, 31)
    payee = request_change(
        by=this_pcn_manager,
        kind=ChangeKind.PAYEE,
        pcn=area["this_pcn"],
        payee_practice=area["practices"][0],
        bank_account_name="Surgery 1",
        bank_sort_code="20-00-00",
        bank_account_number="87654321",
        effective_date=EFFECTIVE,
        reason="new payee",
    )
    decide_change(change=payee, by=commissioner_user, approve=True, **DECISION)
    registration = Registration.objects.get(pk=approved["U00001"].pk)
    assert (registration.bank_sort_code, registration.payee_practice) == (
        "200000",
        area["practices"][0],
    )
    assert registration.history.first().history_change_reason.startswith("change request")


def test_a_split_creates_the_new_pcn_with_its_practices_from_the_effective_date(
    area, approved, commissioner_user
):
    split = request_change(
        by=commissioner_user,
        kind=ChangeKind.SPLIT,
        pcn=area["this_pcn"],
        new_pcn_code="U00009",
        new_pcn_name="New Town PCN",
        clinical_director_name="Dr Split",
        clinical_director_practice=area["practices"][1],
        practices=[area["practices"][1]],
        effective_date=EFFECTIVE,
        reason="two natural communities",
    )
    preview = {p.code: p for p in impact(split).pcns}
    assert preview["U00009"].members_after == ("A00002",)
    decide_change(change=split, by=commissioner_user, approve=True, **DECISION)
    new = Organisation.objects.get(code="U00009")
    assert (
        Relationship.objects.get(child=new, rel_type=RelType.PCN_COMMISSIONER).valid_from
        == EFFECTIVE
    )
    found = coverage(area["commissioner"], EFFECTIVE)
    assert {n.registration.pcn.code: n.practices for n in found.networks} == {
        "U00001": 1,
        "U00002": 1,
        "U00009": 1,
    }
    assert found.practices_covered == 3


def test_a_merge_moves_every_member_and_rejection_needs_a_reason(area, approved, commissioner_user):
    merge = request_change(
        by=commissioner_user,
        kind=ChangeKind.MERGE,
        pcn=area["other_pcn"],
        target_pcn=area["this_pcn"],
        effective_date=EFFECTIVE,
        reason="too small alone",
    )
    with pytest.raises(ValidationError, match="say why the change is rejected"):
        decide_change(change=merge, by=commissioner_user, approve=False, **DECISION)
    decide_change(change=merge, by=commissioner_user, approve=True, **DECISION)
    assert (
        Relationship.objects.get(
            child=area["practices"][2], rel_type=RelType.PRACTICE_PCN, valid_to__isnull=True
        ).parent
        == area["this_pcn"]
    )
    with pytest.raises(ValidationError, match="already approved"):
        decide_change(change=merge, by=commissioner_user, approve=True, **DECISION)


def test_the_preview_shows_the_change_in_payments_and_saves_nothing(
    area, approved, this_pcn_manager
):
    from registrations.changes import entitlement_effect

    change = move(area, this_pcn_manager)
    rows_before = Relationship.objects.count()
    money = {(d.payee.code, d.label): d for d in entitlement_effect(change, this_pcn_manager)}
    # Surgery 2 (10,000 patients) pays with U00002 from April 2021: £1.50 a year each.
    losing = money["U00001", "Core PCN funding"]
    gaining = money["U00002", "Core PCN funding"]
    assert (losing.before, losing.after) == (Decimal("30000.00"), Decimal("15000.00"))
    assert gaining.change == Decimal("15000.00") and losing.change == -gaining.change
    assert Relationship.objects.count() == rows_before
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.REQUESTED


def test_the_preview_gives_the_lists_on_the_changes_date_with_their_age(
    area, approved, this_pcn_manager
):
    """The 1 January lists are the registration's; on the change's own date the latest lists
    on file are shown too, and an old one says how old."""
    change = move(area, this_pcn_manager)
    found = impact(change)
    assert found.lists.startswith("Registered lists at 1 January 2019, the 2019/20 DES rule")
    preview = {p.code: p for p in found.pcns}
    after = preview["U00002"].on_day_after
    assert after.value == 20_000 and after.stands_for == EFFECTIVE
    assert "figure from 1 Jan 2019, 2 years 3 months older than 1 Apr 2021 (over 6 months)" in (
        after.warnings
    )


def test_a_change_in_2027_says_no_rate_table_covers_its_year(
    client, area, approved, this_pcn_manager
):
    change = move(area, this_pcn_manager, effective_date=date(2027, 5, 1))
    client.force_login(this_pcn_manager)
    page = client.get(f"/changes/{change.pk}/")
    assert page.status_code == 200
    assert "No rate table covers 2027/28" in page.text
    assert "Registered list on 1 May 2027, the change's date" in page.text
    assert "Figure from 1 Jan 2019, 8 years 4 months older than 1 May 2027" in page.text
