"""The population rule (organisations.population): which figure, from which file, for which
date, and the words that must go with it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.models import ImportRun
from organisations.models import ListSize, Measure, PopulationFigure
from organisations.population import (
    add_months,
    age_words,
    months_between,
    population,
    populations,
    practice_populations,
)

JAN_2019, JAN_2020, JAN_2021 = date(2019, 1, 1), date(2020, 1, 1), date(2021, 1, 1)


def _qof(practice, day, patients, file_name="PREVALENCE_1819_v2.csv"):
    run = ImportRun.objects.create(file_name=file_name, checksum="x", kind="qof-prevalence")
    return ListSize.objects.create(
        organisation=practice,
        extract_date=day,
        measure=Measure.QOF,
        patients=patients,
        import_run=run,
    )


def test_population_des_list_from_qof_when_no_extract_before(area):
    """Only a QOF list at 1 Jan 2019 and an extract of 2021: the DES list is the QOF one."""
    practice = area["practices"][0]
    ListSize.objects.filter(organisation=practice).update(extract_date=JAN_2021)
    _qof(practice, JAN_2019, 9_500)
    found = population(practice, JAN_2019, purpose="des_registration")
    assert found.value == 9_500
    assert found.bases == ("qof",)
    assert found.dates == (JAN_2019,)
    assert found.sources == ("PREVALENCE_1819_v2.csv",)
    assert found.basis == "QOF list size at 1 Jan 2019"
    assert found.warnings == ()


def test_population_same_day_prefers_the_extract_and_says_so(area):
    practice = area["practices"][0]
    _qof(practice, JAN_2019, 9_500)
    found = population(practice, JAN_2019, purpose="des_registration")
    assert found.value == 10_000 and found.bases == ("registered",)


def test_population_never_later_unless_asked(area):
    practice = area["practices"][0]
    ListSize.objects.filter(organisation=practice).update(extract_date=JAN_2021)
    found = population(practice, JAN_2019, purpose="des_registration")
    assert found.value is None
    assert found.reason == "no registered list for A00001 on or before 1 Jan 2019"
    assert found.text.startswith("cannot be calculated: no registered list for A00001")
    asked = population(practice, JAN_2019, purpose="des_registration", allow_later=True)
    assert asked.value == 10_000 and asked.later
    assert "1 Jan 2021 figure used for 1 Jan 2019: none earlier on file" in asked.warnings


def test_population_stale_figure_says_how_old(area, settings):
    settings.POPULATION_STALE_MONTHS = 6
    practice = area["practices"][0]
    found = population(practice, date(2024, 1, 1), purpose="payment")
    assert found.is_stale
    assert found.warnings == (
        "figure from 1 Jan 2019, 5 years older than 1 Jan 2024 (over 6 months)",
    )
    assert not population(practice, date(2019, 7, 1), purpose="payment").is_stale


def test_population_pcn_sums_members_and_names_the_missing(area):
    ListSize.objects.filter(organisation=area["practices"][1]).delete()
    found = population(
        area["this_pcn"], JAN_2019, purpose="des_registration", members_on=date(2019, 7, 1)
    )
    assert found.value == 10_000 and found.counted == 1
    assert found.missing == ("A00002",)
    assert "1 member without a registered list at 1 Jan 2019: A00002" in found.warnings


def test_population_weighted_to_the_penny_entered_and_synthetic(area, commissioner_user):
    practice = area["practices"][0]
    PopulationFigure.objects.create(
        organisation=practice,
        measure=Measure.WEIGHTED,
        as_at=JAN_2020,
        value=Decimal("8292.59"),
        synthetic=True,
    )
    found = population(practice, JAN_2020, purpose="payment", kind="weighted")
    assert found.value == Decimal("8292.59") and found.synthetic
    assert "synthetic demo figure, not a published one" in found.warnings
    PopulationFigure.objects.create(
        organisation=practice,
        measure=Measure.ADJUSTED,
        as_at=JAN_2020,
        value=Decimal("9000"),
        entered_by=commissioner_user,
        reason="from the ICB's letter of 3 Feb 2020",
    )
    adjusted = population(practice, JAN_2020, purpose="payment", kind="adjusted")
    assert adjusted.bases == ("entered",)
    assert adjusted.source == "entered by commissioner: from the ICB's letter of 3 Feb 2020"
    assert str(adjusted.value) == "9000"


def test_population_pcn_with_no_adjusted_figure_is_missing(area):
    found = population(area["this_pcn"], JAN_2020, purpose="payment", kind="adjusted")
    assert found.value is None
    assert found.reason == (
        "no PCN adjusted population for U00001 on or before 1 Jan 2020 (none for A00001, A00002)"
    )


def test_population_refuses_a_kind_the_purpose_does_not_count(area):
    with pytest.raises(ValueError, match="counts registered"):
        population(area["this_pcn"], JAN_2020, purpose="des_registration", kind="weighted")
    with pytest.raises(ValueError, match="unknown population purpose"):
        population(area["this_pcn"], JAN_2020, purpose="guess")


def test_populations_fixed_queries(area, django_assert_max_num_queries):
    orgs = [area["region"], area["commissioner"], area["this_pcn"], *area["practices"]]
    with django_assert_max_num_queries(8):
        found = populations(orgs, JAN_2019, purpose="on_the_day", members_on=date(2019, 7, 1))
    assert found[area["region"].pk].value == 30_000
    with django_assert_max_num_queries(3):
        practice_populations([p.pk for p in area["practices"]], JAN_2019, purpose="on_the_day")


def test_population_stale_to_the_day(area, settings):
    """Six months to the day is not stale; a day more is, and says so."""
    settings.POPULATION_STALE_MONTHS = 6
    practice = area["practices"][0]
    assert not population(practice, date(2019, 7, 1), purpose="on_the_day").is_stale
    late = population(practice, date(2019, 7, 31), purpose="on_the_day")
    assert late.warnings == (
        "figure from 1 Jan 2019, 6 months 30 days older than 31 Jul 2019 (over 6 months)",
    )


def test_add_months_and_age_words():
    assert add_months(date(2019, 8, 31), 6) == date(2020, 2, 29)
    assert add_months(date(2019, 1, 1), 12) == date(2020, 1, 1)
    assert age_words(date(2019, 1, 1), date(2021, 4, 1)) == "2 years 3 months"
    assert age_words(date(2019, 1, 20), date(2019, 2, 1)) == "12 days"
    assert age_words(date(2019, 1, 1), date(2019, 1, 1)) == "0 days"


def test_months_between():
    assert months_between(date(2019, 1, 1), date(2019, 1, 31)) == 0
    assert months_between(date(2019, 1, 1), date(2019, 2, 1)) == 1
    assert months_between(date(2019, 1, 31), date(2019, 2, 28)) == 0


days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    snapshots=st.lists(
        st.tuples(days, st.sampled_from(["registered", "qof"]), st.integers(0, 50_000)),
        max_size=6,
        unique_by=lambda s: (s[0], s[1]),
    ),
    asked=days,
    later=st.booleans(),
)
def test_population_property_no_later_figure_unless_asked(area, snapshots, asked, later):
    """Whatever is on file, an answer uses a figure from after the date only when asked, and
    then says so; otherwise it is the latest on or before the date, or none."""
    practice = area["practices"][2]
    ListSize.objects.filter(organisation=practice).delete()
    ListSize.objects.bulk_create(
        ListSize(organisation=practice, extract_date=d, measure=m, patients=p)
        for d, m, p in snapshots
    )
    found = population(practice, asked, purpose="on_the_day", allow_later=later)
    on_or_before = [s for s in snapshots if s[0] <= asked]
    if on_or_before:
        newest = max(d for d, _, _ in on_or_before)
        assert found.dates == (newest,) and not found.later
    elif later and snapshots:
        assert found.later and found.dates[0] > asked
        assert any("none earlier on file" in w for w in found.warnings)
    else:
        assert found.value is None
    assert found.later == (found.value is not None and found.dates[0] > asked)
    if found.value is not None and not later:
        assert found.dates[0] <= asked
    assert all(d - asked <= timedelta(days=0) or later for d in found.dates)
