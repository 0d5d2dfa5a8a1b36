"""Outcome measures: trajectories one value a period, RAG from tolerance, and measures PCN
Hub computes from its own data against known registry states."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from delivery.measures import (
    COUNTED_BASIS,
    computed,
    computed_measures,
    define_measure,
    rag,
    record_actual,
    rows,
    set_trajectory,
    update_measure,
)
from delivery.models import Measure, Programme
from payments.entries import add_staff
from registrations import actions
from registrations.models import Status
from services.actions import Entry, end_provision, record_provision, record_signups
from tests import factories as f


@pytest.mark.parametrize(
    ("direction", "planned", "actual", "expected"),
    [
        ("up", "80", "78", "green"),
        ("up", "80", "77", "amber"),
        ("up", "80", "73", "red"),
        ("down", "10", "12", "green"),
        ("down", "10", "16.5", "red"),
    ],
)
def test_rag_follows_tolerance_against_the_plan(direction, planned, actual, expected):
    assert rag(direction, Decimal("2.5"), Decimal(planned), Decimal(actual)) == expected


@pytest.fixture
def coverage_measure(area):
    programme = Programme.objects.create(
        name="PCN coverage", start=date(2019, 4, 1), end=date(2021, 3, 31)
    )
    programme.organisations.add(area["commissioner"])
    return Measure.objects.create(
        programme=programme,
        descriptor="Practices in an approved PCN",
        unit="%",
        baseline_value=0,
        baseline_date=date(2019, 4, 1),
        target_value=100,
        target_date=date(2019, 6, 30),
        tolerance=Decimal("5"),
        computed="pcn_practices_pct",
        area=area["commissioner"],
    )


def test_the_coverage_measure_is_computed_from_approved_registrations(
    coverage_measure, drafted, this_pcn_manager, commissioner_user
):
    set_trajectory(
        measure=coverage_measure, values={"Q1 2019/20": Decimal("100")}, by=commissioner_user
    )
    [before] = rows(coverage_measure, date(2026, 11, 23))
    assert (before.actual, before.rag) == (Decimal("0.00"), "red")
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome=Status.APPROVED_EXCEPTION,
        exception_reason="rural",
        panel_date=date(2019, 5, 16),
        decision_makers="PCCC",
    )
    for step in drafted.transitions.all():
        step.at = step.at.replace(year=2019, month=5, day=20)
        step.save()
    [after] = rows(coverage_measure, date(2026, 11, 23))
    assert (after.actual, after.source, after.rag) == (
        Decimal("66.70"),
        f"computed by PCN Hub; {COUNTED_BASIS}",
        "red",
    )


def test_a_trajectory_with_two_values_for_one_period_is_refused(
    coverage_measure, commissioner_user
):
    with pytest.raises(ValidationError, match="both Q1 2019/20: one value a period"):
        set_trajectory(
            measure=coverage_measure,
            values={"Q1 2019/20": Decimal("50"), "2019/20 Q1": Decimal("60")},
            by=commissioner_user,
        )
    assert not coverage_measure.points.exists()
    with pytest.raises(ValidationError, match="computes this measure"):
        record_actual(
            measure=coverage_measure,
            period="Q1 2019/20",
            value=Decimal("1"),
            evidence="x",
            by=commissioner_user,
        )


def test_an_entered_measure_needs_evidence_and_shows_on_the_programme_page(
    client, area, commissioner_user
):
    programme = Programme.objects.create(
        name="Access", start=date(2019, 4, 1), end=date(2021, 3, 31)
    )
    programme.organisations.add(area["commissioner"])
    measure = Measure.objects.create(
        programme=programme,
        descriptor="Minutes of extended access per 1,000 a week",
        unit="minutes",
        baseline_value=20,
        baseline_date=date(2019, 4, 1),
        target_value=30,
        target_date=date(2020, 3, 31),
        tolerance=Decimal("2"),
    )
    set_trajectory(
        measure=measure,
        values={"H1 2019/20": Decimal("25"), "H2 2019/20": Decimal("30")},
        by=commissioner_user,
    )
    with pytest.raises(ValidationError, match="say where the figure comes from"):
        record_actual(
            measure=measure,
            period="H1 2019/20",
            value=Decimal("24"),
            evidence="",
            by=commissioner_user,
        )
    record_actual(
        measure=measure,
        period="H1 2019/20",
        value=Decimal("24"),
        evidence="hub rota",
        by=commissioner_user,
    )
    client.force_login(commissioner_user)
    page = client.get(reverse("programme", args=[programme.pk]))
    assert "Minutes of extended access per 1,000 a week" in page.text
    assert "entered: hub rota" in page.text and "Green" in page.text


# Computed measures against known registry states: the standing cast's commissioner 01X has
# this PCN (Surgeries 1 and 2) and the other PCN (Surgery 3), 10,000 patients each.


def value(key, area, day):
    found = computed(key)
    assert found is not None, key
    result = found.compute(area, day)
    return None if result is None else f"{result:.2f}"


def test_computed_keys_take_a_service_or_role_on_file_and_keep_the_old_ones():
    keys = {c.key for c in computed_measures()}
    assert {"pcn_practices_pct", "pcn_patients_pct", "arrs_wte", "funds_spent_pct"} <= keys
    assert {"service_pct:online_consultation", "arrs_wte:clinical_pharmacist"} <= keys
    assert {"extended_access_pct", "extended_access_minutes"} <= keys
    assert computed("service_pct:video_clinics") is None
    assert computed("arrs_wte:") is None and computed("no_such_key") is None
    assert (
        computed("arrs_wte:clinical_pharmacist").label
        == "ARRS staff in post: Clinical pharmacist (WTE)"
    )


def test_extended_access_measures_follow_provision_membership_and_closure(
    area, moved, commissioner_user
):
    record_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        valid_from=date(2019, 7, 1),
        evening_minutes=450,
        weekend_minutes=150,
        by=commissioner_user,
    )
    ccg = area["commissioner"]
    assert value("extended_access_pct", ccg, date(2019, 6, 30)) == "0.00"  # no provision yet
    assert value("extended_access_pct", ccg, date(2019, 7, 1)) == "66.67"
    assert value("extended_access_minutes", ccg, date(2019, 7, 1)) == "20.00"
    assert value("extended_access_minutes", area["this_pcn"], date(2019, 7, 1)) == "30.00"
    # Surgery 2 leaves this PCN on 1 April 2021: its patients leave the PCN's provision.
    assert value("extended_access_pct", ccg, date(2021, 4, 1)) == "33.33"
    assert value("extended_access_minutes", area["this_pcn"], date(2021, 4, 1)) == "60.00"
    first = area["practices"][0]
    first.close_date = date(2021, 6, 30)
    first.save()
    assert value("extended_access_pct", ccg, date(2021, 7, 1)) == "0.00"  # closed
    end_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        on=date(2021, 6, 1),
        by=commissioner_user,
    )
    assert value("extended_access_minutes", ccg, date(2021, 6, 1)) == "0.00"  # ended
    empty = f.CommissionerFactory(code="02X")
    assert value("extended_access_pct", empty, date(2021, 6, 1)) is None  # no practices


def test_service_measure_counts_signed_up_or_live_practices(area, moved, commissioner_user):
    one, two, three = area["practices"]
    record_signups(
        entries=[
            Entry(one, "electronic_repeat_dispensing", "live", date(2019, 7, 1)),
            Entry(two, "electronic_repeat_dispensing", "planned", date(2019, 7, 1)),
            Entry(three, "electronic_repeat_dispensing", "signed_up", date(2020, 1, 1)),
        ],
        by=commissioner_user,
        reason="test",
    )
    key = "service_pct:electronic_repeat_dispensing"
    assert value(key, area["commissioner"], date(2019, 6, 30)) == "0.00"
    assert value(key, area["commissioner"], date(2019, 7, 1)) == "33.33"
    assert value(key, area["commissioner"], date(2020, 1, 1)) == "66.67"
    assert value(key, area["region"], date(2020, 1, 1)) == "66.67"
    assert value(key, area["this_pcn"], date(2020, 1, 1)) == "50.00"
    assert value(key, area["this_pcn"], date(2021, 4, 1)) == "100.00"  # Surgery 2 has left
    three.close_date = date(2021, 9, 30)
    three.save()
    assert value(key, area["other_pcn"], date(2021, 10, 1)) == "0.00"  # Surgery 2, planned
    assert value("service_pct:home_visiting", area["commissioner"], date(2020, 1, 1)) == "0.00"


def test_arrs_wte_for_one_role_or_all_in_post_on_the_day(area, finance_user):
    def staff(ref, role, wte, start, end=None, in_baseline=False, pcn="this_pcn"):
        add_staff(
            pcn=area[pcn],
            by=finance_user,
            ref=ref,
            role=role,
            wte=Decimal(wte),
            start=start,
            end=end,
            annual_salary=Decimal("40000"),
            employer="Surgery 1",
            in_baseline=in_baseline,
        )

    staff("CP1", "clinical_pharmacist", "1.0", date(2019, 8, 1))
    staff("CP2", "clinical_pharmacist", "0.6", date(2019, 8, 1), end=date(2019, 12, 31))
    staff("CP0", "clinical_pharmacist", "1.0", date(2018, 4, 1), in_baseline=True)
    staff("SP1", "social_prescribing_link_worker", "0.5", date(2019, 9, 1), pcn="other_pcn")
    ccg = area["commissioner"]
    assert value("arrs_wte:clinical_pharmacist", ccg, date(2019, 7, 31)) == "0.00"
    assert value("arrs_wte:clinical_pharmacist", ccg, date(2019, 12, 31)) == "1.60"
    assert value("arrs_wte:clinical_pharmacist", ccg, date(2020, 1, 1)) == "1.00"
    assert value("arrs_wte:social_prescribing_link_worker", ccg, date(2020, 1, 1)) == "0.50"
    assert value("arrs_wte", ccg, date(2020, 1, 1)) == "1.50"
    assert value("arrs_wte:clinical_pharmacist", area["other_pcn"], date(2020, 1, 1)) == "0.00"
    assert value("arrs_wte:clinical_pharmacist", area["this_pcn"], date(2019, 10, 1)) == "1.60"


def test_funds_spent_against_allocation_to_the_day(area, commissioner_user):
    from payments.funds import advance, create_fund, record_eoi, record_spend

    fund = create_fund(
        commissioner=area["commissioner"],
        name="Resilience 2019/20",
        kind="resilience",
        year="2019/20",
        by=commissioner_user,
        allocation=Decimal("10000.00"),
    )
    award = record_eoi(
        fund=fund,
        recipient=area["practices"][0],
        purpose="telephony",
        amount=Decimal("8000"),
        eoi_on=date(2019, 7, 10),
        by=commissioner_user,
    )
    for stage, day in (("approved", 8), ("mou", 20), ("transferred", 30)):
        advance(award=award, to=stage, on=date(2019, 8, day), by=commissioner_user)
    for month, amount in ((9, "2500"), (12, "5000")):
        record_spend(
            award=award, month=date(2019, month, 1), amount=Decimal(amount), by=commissioner_user
        )
    ccg = area["commissioner"]
    assert value("funds_spent_pct", ccg, date(2019, 8, 31)) == "0.00"
    assert value("funds_spent_pct", ccg, date(2019, 9, 1)) == "25.00"
    assert value("funds_spent_pct", ccg, date(2019, 11, 30)) == "25.00"
    assert value("funds_spent_pct", ccg, date(2019, 12, 1)) == "75.00"
    assert value("funds_spent_pct", area["region"], date(2019, 12, 1)) == "75.00"
    assert value("funds_spent_pct", None, date(2019, 12, 1)) == "75.00"
    assert value("funds_spent_pct", ccg, date(2020, 4, 1)) is None  # no 2020/21 fund


def test_a_computed_measure_on_a_programme_reads_its_actuals_by_period(area, commissioner_user):
    programme = Programme.objects.create(
        name="Online access", start=date(2019, 4, 1), end=date(2021, 3, 31)
    )
    programme.organisations.add(area["commissioner"])
    measure = define_measure(
        programme=programme,
        by=commissioner_user,
        descriptor="Practices offering online consultation",
        unit="%",
        direction="up",
        baseline_value=Decimal("0"),
        baseline_date=date(2019, 4, 1),
        target_value=Decimal("100"),
        target_date=date(2020, 3, 31),
        tolerance=Decimal("10"),
        computed="service_pct:online_consultation",
        area=area["commissioner"],
    )
    set_trajectory(
        measure=measure,
        values=[("Q2 2019/20", "30"), ("Q4 2019/20", "100")],
        by=commissioner_user,
    )
    one, two, _ = area["practices"]
    record_signups(
        entries=[
            Entry(one, "online_consultation", "live", date(2019, 8, 1)),
            Entry(two, "online_consultation", "signed_up", date(2020, 2, 1)),
        ],
        by=commissioner_user,
        reason="test",
    )
    q2, q4 = rows(measure, date(2026, 11, 23))
    assert (q2.period, q2.actual, q2.rag) == ("Q2 2019/20", Decimal("33.33"), "green")
    assert (q4.period, q4.actual, q4.rag) == ("Q4 2019/20", Decimal("66.67"), "red")
    assert q4.source == "computed by PCN Hub"


def test_defining_a_measure_checks_its_key_area_and_dates(
    area, commissioner_user, this_pcn_manager
):
    programme = Programme.objects.create(
        name="Funds", start=date(2019, 4, 1), end=date(2021, 3, 31)
    )
    programme.organisations.add(area["commissioner"])
    fields = {
        "descriptor": "Funds spent",
        "unit": "%",
        "direction": "up",
        "baseline_value": Decimal("0"),
        "baseline_date": date(2019, 4, 1),
        "target_value": Decimal("100"),
        "target_date": date(2020, 3, 31),
        "tolerance": Decimal("5"),
    }
    with pytest.raises(ValidationError) as refused:
        define_measure(
            programme=programme,
            by=commissioner_user,
            **{**fields, "target_date": date(2019, 1, 1)},
            computed="funds_spent_pct",
            area=area["this_pcn"],
        )
    errors = refused.value.message_dict
    assert "before the baseline date" in errors["target_date"][0]
    assert "commissioner, not a PCN" in errors["area"][0]
    with pytest.raises(ValidationError, match="you may not see all of England"):
        define_measure(programme=programme, by=commissioner_user, **fields, computed="arrs_wte")
    with pytest.raises(ValidationError, match="computes nothing called 'service_pct:x'"):
        define_measure(
            programme=programme, by=commissioner_user, **fields, computed="service_pct:x"
        )
    with pytest.raises(PermissionDenied):
        define_measure(programme=programme, by=this_pcn_manager, **fields)
    # A missing date is a refusal naming it, never a database integrity error.
    with pytest.raises(ValidationError) as undated:
        define_measure(
            programme=programme, by=commissioner_user, **{**fields, "baseline_date": None}
        )
    assert undated.value.message_dict == {"baseline_date": ["give the date of the baseline"]}
    entered = define_measure(programme=programme, by=commissioner_user, **fields)
    record_actual(
        measure=entered, period="Q1 2019/20", value="10", evidence="ledger", by=commissioner_user
    )
    with pytest.raises(ValidationError, match="has entered actuals"):
        update_measure(
            measure=entered,
            by=commissioner_user,
            computed="funds_spent_pct",
            area=area["commissioner"],
        )
    update_measure(measure=entered, by=commissioner_user, tolerance=Decimal("2"), reason="tighter")
    assert entered.history.first().history_change_reason == "tighter"
    with pytest.raises(ValidationError, match="is not a number PCN Hub can keep"):
        set_trajectory(measure=entered, values=[("Q1 2019/20", "1e20")], by=commissioner_user)
