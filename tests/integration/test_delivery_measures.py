"""Outcome measures: trajectories one value a period, RAG from tolerance, and measures PCN
Hub computes from its own data against known registry states."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from delivery.measures import rag, record_actual, rows, set_trajectory
from delivery.models import Measure, Programme
from registrations import actions
from registrations.models import Status


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
        "computed by PCN Hub",
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
