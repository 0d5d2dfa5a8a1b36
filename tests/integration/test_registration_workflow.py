"""The registration workflow through its actions: who may do what, and what each step keeps."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.models import ListSize
from registrations import actions
from registrations.facts import results_of, with_members
from registrations.models import (
    BankDetailsView,
    Registration,
    RegistrationMember,
    Status,
    Transition,
)
from registrations.rules import Result
from tests import factories as f

PANEL = {"panel_date": date(2019, 5, 16), "decision_makers": "Primary Care Commissioning Committee"}


def fresh(registration):
    return with_members(Registration.objects.filter(pk=registration.pk)).get()


def results(registration):
    return {r.code: r for r in results_of(fresh(registration), date(2019, 7, 1))}


def test_a_draft_starts_from_the_registry_members_and_their_1_january_lists(drafted, area):
    members = list(drafted.members.values_list("practice__code", flat=True))
    assert sorted(members) == ["A00001", "A00002"]
    assert drafted.commissioner == area["commissioner"]
    assert drafted.status == Status.DRAFT
    found = results(drafted)
    assert found["population_minimum"].result == Result.FAIL
    assert "20,000 patients at 1 January 2019" in found["population_minimum"].reason
    others = {code: r.result for code, r in found.items() if code != "population_minimum"}
    assert set(others.values()) == {Result.PASS}, others


def test_bank_details_are_stored_encrypted_and_shown_masked(drafted):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_sort_code, bank_account_number FROM registrations_registration")
        stored = cursor.fetchone()
    assert "123456" not in stored[0] and "12345678" not in stored[1]
    registration = Registration.objects.get(pk=drafted.pk)
    assert registration.bank_sort_code == "123456"
    assert registration.masked_sort_code == "**-**-56"
    assert registration.masked_account_number == "****5678"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bank_sort_code", "12-34-5", "must be 6 digits"),
        ("bank_sort_code", "ab-cd-ef", "must be 6 digits"),
        ("bank_account_number", "1234567", "must be 8 digits"),
        ("bank_account_number", "123456789", "must be 8 digits"),
    ],
)
def test_malformed_bank_details_are_refused_and_nothing_changes(
    drafted, this_pcn_manager, field, value, message
):
    with pytest.raises(ValidationError, match=message):
        actions.update_details(registration=drafted, by=this_pcn_manager, **{field: value})
    registration = Registration.objects.get(pk=drafted.pk)
    assert (registration.bank_sort_code, registration.bank_account_number) == (
        "123456",
        "12345678",
    )


def test_a_clinical_director_outside_the_members_is_refused(drafted, this_pcn_manager, area):
    with pytest.raises(ValidationError, match="must work in a member practice; A00003"):
        actions.update_details(
            registration=drafted,
            by=this_pcn_manager,
            clinical_director_practice=area["practices"][2],
        )
    assert Registration.objects.get(pk=drafted.pk).clinical_director_practice.code == "A00001"


def test_unknown_closed_or_taken_practices_are_refused_and_the_members_stay(
    drafted, this_pcn_manager, area
):
    closed = f.PracticeFactory(code="A00009", close_date=date(2019, 3, 31))
    with pytest.raises(ValidationError) as refused:
        actions.set_members(
            registration=drafted,
            codes=["A00001", "B99999", closed.code, "A00003"],
            by=this_pcn_manager,
        )
    text = " ".join(refused.value.messages)
    assert "B99999: no practice with this ODS code" in text
    assert "A00009: closed on 31 March 2019" in text
    assert "A00003: the registry has it in U00002 on 1 July 2019" in text
    assert sorted(drafted.members.values_list("practice__code", flat=True)) == [
        "A00001",
        "A00002",
    ]


def test_a_practice_in_another_submitted_registration_is_refused(
    drafted, this_pcn_manager, other_pcn_manager, area
):
    other = actions.start_registration(
        pcn=area["other_pcn"], year_label="2019/20", by=other_pcn_manager
    )
    actions.submit(registration=other, by=other_pcn_manager)
    extra = f.PracticeFactory(code="A00004")
    RegistrationMember.objects.create(registration=other, practice=extra)
    with pytest.raises(ValidationError, match="A00004: already in U00002's 2019/20 registration"):
        actions.set_members(
            registration=drafted, codes=["A00001", "A00002", "A00004"], by=this_pcn_manager
        )


def test_submission_freezes_list_sizes_and_records_the_step(drafted, this_pcn_manager):
    actions.submit(registration=drafted, by=this_pcn_manager, reason="ready for panel")
    member = drafted.members.get(practice__code="A00001")
    assert (member.list_size, member.list_size_date) == (10_000, date(2019, 1, 1))
    assert member.list_size_basis == "registered list at 1 Jan 2019"
    step = Transition.objects.get(registration=drafted)
    assert (step.from_status, step.to_status, step.by) == ("draft", "submitted", this_pcn_manager)
    assert {r["code"]: r["result"] for r in step.rule_results}["population_minimum"] == "fail"
    with pytest.raises(ValidationError, match="cannot be changed"):
        actions.update_details(registration=drafted, by=this_pcn_manager, area_description="x")


def test_submission_never_freezes_a_later_list_and_the_minimum_says_why(drafted, this_pcn_manager):
    """A member whose only list is from after 1 January 2019 has none for the DES: the network's
    list cannot be calculated, and the rule says so rather than counting it 0."""
    ListSize.objects.filter(organisation__code="A00002").update(extract_date=date(2021, 1, 1))
    actions.submit(registration=drafted, by=this_pcn_manager, reason="ready for panel")
    member = drafted.members.get(practice__code="A00002")
    assert (member.list_size, member.list_size_date) == (None, None)
    assert member.list_size_basis == "no registered list for A00002 on or before 1 Jan 2019"
    step = Transition.objects.get(registration=drafted)
    minimum = {r["code"]: r for r in step.rule_results}["population_minimum"]
    assert minimum["result"] == "fail"
    assert minimum["reason"].startswith(
        "cannot be calculated: no registered list for A00002 on or before 1 Jan 2019"
    )


def test_a_pcn_manager_cannot_decide_and_cannot_touch_another_pcn(
    drafted, this_pcn_manager, other_pcn_manager
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    with pytest.raises(PermissionDenied):
        actions.decide(registration=drafted, by=this_pcn_manager, outcome=Status.APPROVED, **PANEL)
    with pytest.raises(PermissionDenied):
        actions.update_details(registration=drafted, by=other_pcn_manager, area_description="x")
    with pytest.raises(PermissionDenied):
        actions.reveal_bank_details(registration=drafted, by=this_pcn_manager)


def test_a_decision_on_a_registration_never_submitted_is_refused(drafted, commissioner_user):
    with pytest.raises(ValidationError, match="only a submitted registration can be decided"):
        actions.decide(registration=drafted, by=commissioner_user, outcome=Status.APPROVED, **PANEL)
    assert not Transition.objects.filter(registration=drafted).exists()


def test_approval_is_refused_while_a_rule_fails_then_given_with_an_exception(
    drafted, this_pcn_manager, commissioner_user, programme_office_user
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.start_review(registration=drafted, by=commissioner_user)
    with pytest.raises(ValidationError, match="cannot approve: Network list size"):
        actions.decide(registration=drafted, by=commissioner_user, outcome=Status.APPROVED, **PANEL)
    with pytest.raises(ValidationError, match="say why the exception is approved"):
        actions.decide(
            registration=drafted,
            by=commissioner_user,
            outcome=Status.APPROVED_EXCEPTION,
            **PANEL,
        )
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome=Status.APPROVED_EXCEPTION,
        exception_reason="rural and remote natural community",
        conditions="review the footprint at the 2020/21 registration",
        **PANEL,
    )
    drafted.refresh_from_db()
    assert drafted.status == Status.APPROVED_EXCEPTION
    assert results(drafted)["population_minimum"].result == Result.WARNING
    actions.assure(registration=drafted, by=programme_office_user, reason="STP panel 23 May")
    steps = list(Transition.objects.filter(registration=drafted).values_list("to_status", "by"))
    assert steps == [
        ("submitted", this_pcn_manager.pk),
        ("under_review", commissioner_user.pk),
        ("approved_exception", commissioner_user.pk),
        ("assured", programme_office_user.pk),
    ]
    decision = Transition.objects.get(registration=drafted, to_status="approved_exception")
    assert decision.panel_date == date(2019, 5, 16)
    assert decision.decision_makers == "Primary Care Commissioning Committee"


def test_a_returned_registration_keeps_its_reasons_and_can_be_resubmitted(
    drafted, this_pcn_manager, commissioner_user
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    with pytest.raises(ValidationError, match="say why"):
        actions.decide(registration=drafted, by=commissioner_user, outcome=Status.RETURNED, **PANEL)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome=Status.RETURNED,
        reason="below 30,000: merge with a neighbour or make the rural case",
        **PANEL,
    )
    assert Registration.objects.get(pk=drafted.pk).status == Status.RETURNED
    actions.update_details(registration=drafted, by=this_pcn_manager, area_description="Wider")
    actions.submit(registration=drafted, by=this_pcn_manager)
    assert Registration.objects.get(pk=drafted.pk).status == Status.SUBMITTED


def test_only_the_ics_programme_office_assures(drafted, this_pcn_manager, commissioner_user):
    drafted.population_exception = "rural"
    drafted.save()
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(registration=drafted, by=commissioner_user, outcome=Status.APPROVED, **PANEL)
    with pytest.raises(PermissionDenied):
        actions.assure(registration=drafted, by=commissioner_user)


def test_each_view_of_the_full_bank_details_is_recorded(drafted, finance_user):
    shown = actions.reveal_bank_details(registration=drafted, by=finance_user)
    assert shown["bank_sort_code"] == "123456"
    view = BankDetailsView.objects.get(registration=drafted)
    assert view.viewed_by == finance_user


def test_every_change_is_in_the_history_with_who_and_why(drafted, this_pcn_manager):
    actions.update_details(
        registration=drafted, by=this_pcn_manager, reason="new CD", clinical_director_name="Dr B"
    )
    latest = drafted.history.first()
    assert latest.history_user == this_pcn_manager
    assert latest.history_change_reason == "new CD"
    assert latest.prev_record.clinical_director_name == "Dr Ada Clinician"


def test_a_second_registration_for_the_same_year_is_refused(drafted, this_pcn_manager, area):
    with pytest.raises(ValidationError, match="already has a registration for 2019/20"):
        actions.start_registration(pcn=area["this_pcn"], year_label="2019/20", by=this_pcn_manager)


def test_the_next_year_starts_from_this_years_registration(drafted, this_pcn_manager, area):
    following = actions.start_registration(
        pcn=area["this_pcn"], year_label="2020/21", by=this_pcn_manager
    )
    assert following.clinical_director_name == "Dr Ada Clinician"
    assert following.bank_account_number == "12345678"
    assert following.members.count() == 2


def test_a_member_list_is_frozen_with_its_warnings(drafted, this_pcn_manager):
    """A list a year older than the DES date is frozen with the words that say so."""
    practice = drafted.members.first().practice
    ListSize.objects.filter(organisation=practice).update(extract_date=date(2018, 1, 1))
    actions.submit(registration=drafted, by=this_pcn_manager)
    member = drafted.members.get(practice=practice)
    assert member.list_size_date == date(2018, 1, 1)
    assert member.list_size_basis == (
        "registered list at 1 Jan 2018; figure from 1 Jan 2018, 1 year older than 1 Jan 2019 "
        "(over 6 months)"
    )
