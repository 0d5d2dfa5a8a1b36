"""Measure pages: an editor defines a measure, changes it, sets its trajectory one period and
value a line and records actuals with evidence; every refusal shows on the form; anyone who
is not an editor gets 404, and only editors see the links."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from delivery.measures import define_measure
from delivery.models import Measure, MeasurePoint, Programme

FIELDS = {
    "descriptor": "Practices offering online consultation",
    "unit": "",
    "direction": "up",
    "baseline_value": "0",
    "baseline_date": "2019-04-01",
    "target_value": "100",
    "target_date": "31/03/2021",
    "tolerance": "5",
    "computed": "service_pct:online_consultation",
    "area": "01x",
    "deliverable": "",
}


@pytest.fixture
def programme(area):
    found = Programme.objects.create(
        name="Digital primary care", start=date(2019, 4, 1), end=date(2021, 3, 31)
    )
    found.organisations.add(area["commissioner"])
    found.deliverables.create(kind="local", reference="Local 6", title="Online consultation")
    return found


@pytest.fixture
def entered(programme, commissioner_user):
    return define_measure(
        programme=programme,
        by=commissioner_user,
        descriptor="Extended access minutes per 1,000",
        unit="minutes",
        direction="up",
        baseline_value=Decimal("20"),
        baseline_date=date(2019, 4, 1),
        target_value=Decimal("30"),
        target_date=date(2020, 3, 31),
        tolerance=Decimal("2"),
    )


def test_an_editor_defines_a_computed_measure_from_the_programme_page(
    client, programme, commissioner_user
):
    client.force_login(commissioner_user)
    page = client.get(reverse("programme", args=[programme.pk]))
    assert reverse("measure_new", args=[programme.pk]) in page.text
    form = client.get(reverse("measure_new", args=[programme.pk]))
    assert "Computed by PCN Hub: % of practices signed up or live: Online consultation" in form.text
    assert "Computed by PCN Hub: ARRS staff in post: Clinical pharmacist (WTE)" in form.text
    deliverable = programme.deliverables.get()
    posted = client.post(
        reverse("measure_new", args=[programme.pk]), {**FIELDS, "deliverable": deliverable.pk}
    )
    measure = Measure.objects.get()
    assert posted.url.endswith(f"#measure-{measure.pk}")
    assert (measure.area.code, measure.unit, measure.deliverable) == ("01X", "%", deliverable)
    assert measure.target_date == date(2021, 3, 31)
    assert measure.history.get().history_user == commissioner_user
    shown = client.get(reverse("programme", args=[programme.pk]))
    assert reverse("measure_trajectory", args=[measure.pk]) in shown.text
    assert reverse("measure_actual", args=[measure.pk]) not in shown.text  # computed


def test_bad_input_shows_the_error_summary_and_saves_nothing(client, programme, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("measure_new", args=[programme.pk])
    for change, message in (
        ({"descriptor": "", "baseline_value": "lots"}, "Describe the outcome"),
        ({"target_date": "2019-02-30"}, "Enter target date as a real date"),
        ({"target_date": "2019-01-01"}, "is before the baseline date 1 April 2019"),
        ({"area": "ZZ9"}, "There is no region or STP/ICS or commissioner or PCN with ODS code ZZ9"),
        ({"area": "U00001", "computed": "funds_spent_pct"}, "commissioner, not a PCN"),
        ({"area": ""}, "you may not see all of England"),
        ({"computed": "service_pct:nope"}, "Select a valid choice"),
        ({"computed": "entered", "unit": ""}, "give the unit"),
        ({"tolerance": "-1"}, "greater than or equal to 0"),
        ({"baseline_value": "1" * 20}, "no more than 12 digits"),
    ):
        page = client.post(url, {**FIELDS, **change})
        assert page.status_code == 200, change
        assert "There is a problem" in page.text and message in page.text, change
    assert not Measure.objects.exists()


def test_an_editor_changes_a_measure(client, entered, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("measure_edit", args=[entered.pk])
    page = client.get(url)
    assert 'value="Extended access minutes per 1,000"' in page.text
    posted = client.post(
        url,
        {
            **FIELDS,
            "descriptor": "Extended access minutes per 1,000 a week",
            "unit": "",
            "computed": "extended_access_minutes",
        },
    )
    assert posted.status_code == 302
    entered.refresh_from_db()
    assert (entered.computed, entered.unit) == (
        "extended_access_minutes",
        "minutes per 1,000 a week",
    )
    assert entered.history.count() == 2


def test_the_trajectory_is_one_period_and_value_a_line(client, entered, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("measure_trajectory", args=[entered.pk])
    posted = client.post(url, {"trajectory": "Q1 2019/20, 22\nQ2 2019/20\t25\n\nH2 2019/20 30%"})
    assert posted.status_code == 302
    assert [(p.period, p.value) for p in entered.points.filter(planned=True)] == [
        ("Q1 2019/20", Decimal("22.00")),
        ("Q2 2019/20", Decimal("25.00")),
        ("H2 2019/20", Decimal("30.00")),
    ]
    shown = client.get(url)
    assert "Q1 2019/20, 22\nQ2 2019/20, 25\nH2 2019/20, 30</textarea>" in shown.text
    for text, message in (
        ("Q1 2019/20, 50\n2019/20 Q1, 60", "are both Q1 2019/20: one value a period"),
        ("Q1 2019/20, 50\nQ1 2019/20, 60", "Q1 2019/20 is given twice: one value a period"),
        ("Q5 2019/20, 50", "is not a period"),
        ("Q1 2019/20, eighty", "&#x27;eighty&#x27; is not a number"),
        ("nonsense", "Line 1, &#x27;nonsense&#x27;: give a period and a value"),
    ):
        page = client.post(url, {"trajectory": text})
        assert page.status_code == 200 and "There is a problem" in page.text, text
        assert message in page.text, text
    assert entered.points.filter(planned=True).count() == 3  # refused, left as it was


def test_actuals_are_entered_with_evidence_and_refused_for_computed_measures(
    client, entered, commissioner_user
):
    client.force_login(commissioner_user)
    url = reverse("measure_actual", args=[entered.pk])
    missing = client.post(url, {"period": "Q1 2019/20", "value": "21", "evidence": ""})
    assert "Say where the figure comes from" in missing.text
    bad = client.post(url, {"period": "Q9", "value": "21", "evidence": "rota"})
    assert "There is a problem" in bad.text and "is not a period" in bad.text
    done = client.post(url, {"period": "Q1 2019/20", "value": "21", "evidence": "hub rota"})
    assert done.status_code == 302
    assert MeasurePoint.objects.get(planned=False).evidence == "hub rota"
    entered.computed, entered.area = "extended_access_minutes", None
    entered.save()
    page = client.get(url)
    assert "PCN Hub computes this measure" in page.text and 'name="evidence"' not in page.text
    refused = client.post(url, {"period": "Q2 2019/20", "value": "21", "evidence": "rota"})
    assert "computes this measure; it takes no entries" in refused.text
    assert MeasurePoint.objects.filter(planned=False).count() == 1


@pytest.mark.parametrize("person", ["this_pcn_manager", "finance_user", "outsider"])
def test_anyone_but_an_editor_gets_404_and_no_links(client, entered, request, person):
    client.force_login(request.getfixturevalue(person))
    for name, pk in (
        ("measure_new", entered.programme_id),
        ("measure_edit", entered.pk),
        ("measure_trajectory", entered.pk),
        ("measure_actual", entered.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
        assert client.post(reverse(name, args=[pk]), FIELDS).status_code == 404, name
    page = client.get(reverse("programme", args=[entered.programme_id]))
    assert reverse("measure_edit", args=[entered.pk]) not in page.text
