"""Who may be paid (approved on the month's first day, a nominated payee with bank details),
and paid history that cannot change (issue 11, sections 2 and 3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisations.models import ListSize, Measure, PopulationFigure
from payments.models import PaidHistoryError, PaidLine, PaidMonth, ShareRule
from payments.schedule import mark_paid, schedule
from payments.shareout import share_out
from registrations import actions
from registrations.changes import decide_change, request_change
from registrations.models import ChangeKind

YEAR = "2019/20"


def core(found, pcn="U00001"):
    return [s for s in found.lines if s.line.entitlement == "core" and s.line.pcn.code == pcn]


def test_a_draft_network_is_paid_nothing_until_approved_and_then_receives_arrears(
    area, drafted, this_pcn_manager, commissioner_user, finance_user
):
    pcn = area["this_pcn"]
    for month in (4, 5, 6):
        mark_paid(pcn=pcn, month=date(2019, month, 1), by=finance_user)
    assert not PaidLine.objects.filter(paid_month__pcn=pcn).exists()
    draft = schedule([pcn], YEAR)
    april = core(draft)[0]
    assert april.line.amount is None and april.calculable and april.withheld
    assert april.line.status == "withheld"
    # Judged on the go-live (backdated to April); the draft was begun later than that.
    assert april.line.withheld == "not approved: no approved registration for U00001 on 1 Jul 2019"
    assert draft.missing_note.endswith(f"and {len(draft.withheld)} entitlements withheld")
    assert draft.total == Decimal("0.00")

    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome="approved_exception",
        exception_reason="rural",
        panel_date=date(2019, 6, 20),
        decision_makers="PCCC",
    )
    approved = schedule([pcn], YEAR)
    # Core for April-June was never due before July's statement (payments/calendar), so it
    # is not arrears: it is July's catch-up, as it was for every network in 2019/20.
    assert not [s for s in core(approved) if s.arrears_for]
    catch_up = [s for s in core(approved) if s.for_month < date(2019, 7, 1)]
    assert [(s.for_month, s.paid_month, s.line.amount) for s in catch_up] == [
        (date(2019, m, 1), date(2019, 7, 1), Decimal("2500.00")) for m in (4, 5, 6)
    ]
    assert catch_up[0].line.payee.code == "A00001"
    assert not PaidLine.objects.filter(paid_month__pcn=pcn).exists()  # paid months unchanged
    july = mark_paid(pcn=pcn, month=date(2019, 7, 1), by=finance_user)
    assert july.lines.filter(entitlement="core", arrears=False).count() == 4  # April-July
    assert not [
        s for s in core(schedule([pcn], YEAR)) if not s.paid and s.for_month < date(2019, 8, 1)
    ]


def test_a_decision_taken_after_go_live_pays_from_the_month_after_its_panel(
    area, drafted, this_pcn_manager, commissioner_user
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome="approved_exception",
        exception_reason="rural",
        panel_date=date(2019, 9, 12),
        decision_makers="PCCC",
    )
    paid = {s.line.month for s in core(schedule([area["this_pcn"]], YEAR)) if s.payable}
    assert min(paid) == date(2019, 10, 1) and len(paid) == 6


def test_a_configuration_recorded_from_ods_is_approved_from_its_members_ods_start(
    area, approved_networks
):
    """Recorded in December 2019, its members in ODS from 1 July 2019: paid from April."""
    found = schedule([area["this_pcn"], area["other_pcn"]], YEAR)
    assert all(s.payable for s in core(found)) and len(core(found)) == 12
    assert all(s.payable for s in core(found, "U00002"))


def test_a_configuration_recorded_from_ods_follows_the_workflow_after(
    area, approved_networks, programme_office_user
):
    """Assured after it was recorded: its status from then is assured, before then approved."""
    from payments.inputs import _effective, _status_on
    from registrations.models import Registration, Status, Transition

    registration = Registration.objects.get(pcn=area["this_pcn"])
    actions.assure(registration=registration, by=programme_office_user, reason="checked")
    steps = [
        (_effective(at, panel_date), to_status)
        for at, panel_date, to_status in Transition.objects.filter(registration=registration)
        .order_by("at", "pk")
        .values_list("at", "panel_date", "to_status")
    ]
    created, july, today = date(2019, 12, 1), date(2019, 7, 1), date.today()

    def status_on(day):
        return _status_on(registration, steps, created, july, day)

    assert status_on(date(2019, 6, 30)) is None
    assert status_on(date(2019, 8, 1)) == Status.APPROVED
    assert status_on(today) == Status.ASSURED


def test_practices_are_not_paid_their_own_while_their_network_is_not_approved(area, drafted):
    own = [s.line for s in schedule([area["this_pcn"]], YEAR).lines if s.line.paid_to == "practice"]
    assert own and all(line.amount is None for line in own)
    assert all(
        line.withheld.startswith("not approved: U00001, the network the practice is a member of")
        for line in own
    )


def to_surgery_2(area, requester, decider, effective: date, decided: date) -> None:
    """An approved change of this network's nominated payee to Surgery 2 (A00002)."""
    change = request_change(
        by=requester,
        kind=ChangeKind.PAYEE,
        pcn=area["this_pcn"],
        payee_practice=area["practices"][1],
        bank_account_name="Surgery 2 Partnership",
        bank_sort_code="654321",
        bank_account_number="11223344",
        effective_date=effective,
        reason="Surgery 2 now holds the network's account",
    )
    decide_change(change=change, by=decider, approve=True, committee="PCCC", decision_date=decided)


def test_network_money_goes_to_the_payee_on_record_on_the_first_of_the_month(
    area, approved_networks, this_pcn_manager, commissioner_user
):
    to_surgery_2(area, this_pcn_manager, commissioner_user, date(2020, 1, 1), date(2019, 12, 10))
    payees = {s.line.month: s.line.payee.code for s in core(schedule([area["this_pcn"]], YEAR))}
    assert payees[date(2019, 12, 1)] == "A00001" and payees[date(2020, 1, 1)] == "A00002"


def test_a_payee_change_never_overrides_a_later_years_own_payee(
    area, approved_networks, this_pcn_manager, commissioner_user
):
    """Surgery 2 became the payee in January 2020; the 2020/21 registration names Surgery 1
    again: 2020/21 is paid to Surgery 1, the year's own choice."""
    from registrations.actions import record_from_ods
    from registrations.models import Registration

    to_surgery_2(area, this_pcn_manager, commissioner_user, date(2020, 1, 1), date(2019, 12, 10))
    record_from_ods(year_label="2020/21", on=date(2020, 4, 1), by=None)
    later = Registration.objects.get(pcn=area["this_pcn"], des_year="2020/21")
    later.payee_practice = area["practices"][0]
    later.bank_account_name = "Surgery 1 Partnership"
    later.bank_sort_code = "123456"
    later.bank_account_number = "87654321"
    later.save()
    this_year = {s.line.month: s.line.payee.code for s in core(schedule([area["this_pcn"]], YEAR))}
    assert this_year[date(2020, 3, 1)] == "A00002"
    next_year = core(schedule([area["this_pcn"]], "2020/21"))
    assert {s.line.payee.code for s in next_year} == {"A00001"}


def test_a_backdated_payee_change_never_pays_a_paid_month_twice(
    area, approved_networks, this_pcn_manager, commissioner_user, finance_user
):
    """December and January paid to Surgery 1; a payee change back to 1 December then
    approved: the paid months are not paid again to Surgery 2, and February goes to it."""
    for month in (date(2019, 12, 1), date(2020, 1, 1)):
        mark_paid(pcn=area["this_pcn"], month=month, by=finance_user)
    to_surgery_2(area, this_pcn_manager, commissioner_user, date(2019, 12, 1), date(2020, 2, 10))
    found = schedule([area["this_pcn"]], YEAR)
    assert not [s for s in core(found) if s.arrears_for is not None]
    due = {s.line.month: s.line.payee.code for s in core(found) if not s.paid}
    assert due[date(2020, 2, 1)] == "A00002"


def test_a_difference_after_the_whole_year_is_paid_is_listed_not_lost(
    area, approved_networks, finance_user
):
    """Every month of 2019/20 paid; a list then corrected upwards: the difference is listed
    as due with the reason, never dropped."""
    from payments.schedule import mark_paid_through

    mark_paid_through(
        pcns=[area["this_pcn"]],
        through=date(2020, 3, 1),
        known_on=date(2020, 4, 1),
        by=finance_user,
    )
    ListSize.objects.filter(extract_date=date(2019, 1, 1)).update(patients=12_000)
    found = schedule([area["this_pcn"]], YEAR)
    late = [s for s in core(found) if s.arrears_for is not None]
    assert late and all(s.line.amount is None for s in late)
    assert "every month of 2019/20 is already paid" in late[0].line.withheld
    assert found.withheld  # counted beside the totals


def test_marking_paid_needs_a_person_and_a_month_only_once(area, approved_networks, finance_user):
    pcn = area["this_pcn"]
    with pytest.raises(PermissionDenied, match="needs the person"):
        mark_paid(pcn=pcn, month=date(2019, 4, 1), by=None)
    assert not PaidMonth.objects.exists()
    mark_paid(pcn=pcn, month=date(2019, 4, 1), by=finance_user)
    lines = list(PaidLine.objects.values_list("pk", "amount"))
    with pytest.raises(ValidationError, match="already marked paid for U00001"):
        mark_paid(pcn=pcn, month=date(2019, 4, 15), by=finance_user)
    assert list(PaidLine.objects.values_list("pk", "amount")) == lines
    assert PaidMonth.objects.count() == 1


@pytest.mark.parametrize(
    ("month", "refusal"),
    [
        (date(2099, 4, 1), "no rates on file for 2099/00, so nothing to pay"),
        (date(1919, 7, 1), "no rates on file for 1919/20, so nothing to pay"),
        (date(2019, 9, 1), "cannot be marked paid before it starts: the latest month"),
    ],
)
def test_a_month_outside_the_rates_or_not_yet_begun_is_refused(
    area, approved_networks, finance_user, month, refusal
):
    with pytest.raises(ValidationError, match=refusal):
        mark_paid(pcn=area["this_pcn"], month=month, by=finance_user, known_on=date(2019, 8, 20))
    assert not PaidMonth.objects.exists()


def test_a_paid_line_keeps_what_it_was_paid_on(area, approved_networks, finance_user):
    # August: core for April to July is paid with July's statement (payments/calendar).
    mark_paid(pcn=area["this_pcn"], month=date(2019, 8, 1), by=finance_user)
    kept = PaidLine.objects.get(entitlement="core")
    assert (kept.payee_code, kept.paid_to, kept.pcn_code, kept.basis) == (
        "A00001",
        "network",
        "U00001",
        "registered",
    )
    assert kept.basis_value == Decimal("20000") and kept.basis_as_at == date(2019, 1, 1)
    assert "registered list at 1 Jan 2019" in kept.basis_source
    assert kept.rate == Decimal("1.5") and kept.version and kept.label == "Core PCN funding"
    assert kept.paid_month.month == date(2019, 8, 1) and kept.paid_month.marked_by == finance_user


def test_paid_lines_and_months_cannot_be_updated_or_deleted(area, approved_networks, finance_user):
    paid = mark_paid(pcn=area["this_pcn"], month=date(2019, 8, 1), by=finance_user)
    line = paid.lines.first()
    line.amount = Decimal("1.00")
    for attempt in (
        line.save,
        line.delete,
        paid.save,
        paid.delete,
        lambda: PaidLine.objects.update(amount=0),
        lambda: PaidLine.objects.all().delete(),
        lambda: paid.lines.update(amount=0),
        lambda: PaidMonth.objects.filter(pk=paid.pk).delete(),
        lambda: PaidLine._base_manager.filter(pk=line.pk).update(amount=0),
        lambda: PaidLine._base_manager.filter(pk=line.pk).delete(),
        lambda: PaidLine.objects.bulk_create(
            [line], update_conflicts=True, unique_fields=["id"], update_fields=["amount"]
        ),
    ):
        with pytest.raises(PaidHistoryError):
            attempt()
    # A new object given a paid line's primary key is an INSERT, which the key refuses.
    copy = PaidLine.objects.get(pk=line.pk)
    copy._state.adding = True
    copy.amount = Decimal("1.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert PaidLine.objects.get(pk=line.pk).amount != Decimal("1.00")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger that refuses UPDATE and DELETE of paid history exists on PostgreSQL "
    "only; on SQLite the models refuse (test above)",
)
def test_the_database_refuses_to_change_paid_history(area, approved_networks, finance_user):
    paid = mark_paid(pcn=area["this_pcn"], month=date(2019, 8, 1), by=finance_user)
    for sql, params in (
        ("UPDATE payments_paidline SET amount = 0", []),
        ("DELETE FROM payments_paidline", []),
        ("UPDATE payments_paidmonth SET known_on = '2030-01-01' WHERE id = %s", [paid.pk]),
        ("DELETE FROM payments_paidmonth WHERE id = %s", [paid.pk]),
    ):
        with (
            pytest.raises(DatabaseError, match="paid history never changes"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    assert PaidLine.objects.filter(paid_month=paid).count() == paid.lines.count() > 0


@pytest.fixture
def weighted(area, approved_networks):
    """Weighted populations at 1 January 2019, so the participation payment can be paid."""
    for practice, value in zip(area["practices"], (11_000, 9_500, 10_500), strict=True):
        PopulationFigure.objects.create(
            organisation=practice, as_at=date(2019, 1, 1), measure=Measure.WEIGHTED, value=value
        )
    ShareRule.objects.create(pcn=area["this_pcn"], year=YEAR, entitlement="", method="equal")


def test_a_practice_paid_line_is_never_shared_out_again(area, weighted, finance_user):
    pcn = area["this_pcn"]
    mark_paid(pcn=pcn, month=date(2020, 3, 1), by=finance_user)
    assert PaidLine.objects.filter(paid_to="practice").exists()
    found = schedule([pcn], YEAR)
    shares = share_out(pcn, found)
    network = sum(
        (s.line.amount for s in found.lines if s.payable and s.line.paid_to == "network"),
        Decimal(0),
    )
    assert shares.received == network == shares.shared


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(paid=st.sets(st.integers(4, 15), max_size=4))
def test_marking_months_paid_never_changes_a_share_out(area, weighted, finance_user, paid):
    pcn = area["this_pcn"]
    before = share_out(pcn, schedule([pcn], YEAR))
    with transaction.atomic():
        for m in sorted(paid):
            mark_paid(pcn=pcn, month=date(2019 + (m > 12), (m - 1) % 12 + 1, 1), by=finance_user)
        after = share_out(pcn, schedule([pcn], YEAR))
        transaction.set_rollback(True)
    assert (after.received, after.shares, after.unallocated) == (
        before.received,
        before.shares,
        before.unallocated,
    )
