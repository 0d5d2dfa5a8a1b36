"""/org/<code>/population/: a population entered by hand with a reason, shown in the
organisation page's Populations table; the action's refusals and who may enter."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.actions import enter_population
from organisations.models import PopulationFigure, Relationship, RelType
from organisations.population import population
from tests import factories as f

pytestmark = pytest.mark.django_db

GOOD = {
    "measure": "weighted",
    "as_at": "01/01/2020",
    "value": "8292.59",
    "reason": "PCSE statement of 3 Feb 2020",
}


def url(org):
    return f"/org/{org.code}/population/"


@pytest.mark.parametrize("who", ["commissioner_user", "finance_user", "registry_admin"])
def test_entry_saves_figure_and_the_page_shows_it(client, area, who, request):
    person = request.getfixturevalue(who)
    practice = area["practices"][0]
    client.force_login(person)
    assert client.get(url(practice)).status_code == 200
    response = client.post(url(practice), GOOD)
    assert response.status_code == 302
    figure = PopulationFigure.objects.get()
    assert (figure.measure, figure.as_at, figure.value) == (
        "weighted",
        date(2020, 1, 1),
        Decimal("8292.59"),
    )
    assert (figure.entered_by, figure.reason) == (person, GOOD["reason"])
    record = figure.history.first()
    assert (record.history_user, record.history_change_reason) == (person, GOOD["reason"])
    page = client.get(f"/org/{practice.code}/").content.decode()
    assert 'id="population-figures"' in page
    assert "8,292.59" in page and f"Entered by {person.username}: {GOOD['reason']}" in page


def test_entry_updates_a_figure_and_keeps_history(area, commissioner_user):
    practice = area["practices"][0]
    for value in ("8000", "8292.59"):
        enter_population(
            organisation=practice,
            measure="weighted",
            as_at=date(2020, 1, 1),
            value=Decimal(value),
            reason=f"letter {value}",
            by=commissioner_user,
        )
    figure = PopulationFigure.objects.get()
    assert figure.value == Decimal("8292.59") and figure.history.count() == 2
    found = population(practice, date(2020, 2, 1), purpose="payment", kind="weighted")
    assert found.value == Decimal("8292.59")
    assert found.source == f"entered by {commissioner_user.username}: letter 8292.59"


@pytest.mark.parametrize("who", ["this_pcn_manager", "programme_office_user", "outsider"])
def test_wrong_role_gets_404(client, area, who, request):
    client.force_login(request.getfixturevalue(who))
    practice = area["practices"][0]
    assert client.get(url(practice)).status_code == 404
    assert client.post(url(practice), GOOD).status_code == 404
    assert not PopulationFigure.objects.exists()


def test_page_links_to_entry_only_for_those_who_may(client, area, commissioner_user):
    practice = area["practices"][0]
    client.force_login(commissioner_user)
    assert url(practice) in client.get(f"/org/{practice.code}/").content.decode()


def test_bad_form_shows_error_summary_and_saves_nothing(client, area, commissioner_user):
    client.force_login(commissioner_user)
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(
        url(area["practices"][0]), {"measure": "weighted", "as_at": future, "value": "-1"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    for message in ("The population must be zero or more", "Enter where the figure is from"):
        assert message in content
    assert not PopulationFigure.objects.exists()


def test_future_date_is_refused_on_the_form(client, area, commissioner_user):
    client.force_login(commissioner_user)
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(url(area["practices"][0]), {**GOOD, "as_at": future})
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()
    assert not PopulationFigure.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"as_at": date.today() + timedelta(days=1)}, "as_at"),
        ({"value": Decimal("-0.01")}, "value"),
        ({"reason": "  "}, "reason"),
        ({"measure": "qof"}, "measure"),
    ],
)
def test_action_refuses_bad_entries(area, commissioner_user, changes, field):
    values = {
        "measure": "adjusted",
        "as_at": date(2020, 1, 1),
        "value": Decimal("100"),
        "reason": "letter",
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        enter_population(organisation=area["this_pcn"], by=commissioner_user, **values)
    assert field in refused.value.error_dict
    assert not PopulationFigure.objects.exists()


def test_action_refuses_a_user_without_permission(area, this_pcn_manager):
    with pytest.raises(PermissionDenied):
        enter_population(
            organisation=area["this_pcn"],
            measure="adjusted",
            as_at=date(2020, 1, 1),
            value=Decimal("100"),
            reason="letter",
            by=this_pcn_manager,
        )


def test_a_commissioner_may_not_enter_for_a_practice_it_no_longer_commissions(
    area, commissioner_user
):
    """Entered figures move payments: only today's commissioner enters them, not one that
    held the practice before it moved away."""
    practice = area["practices"][2]
    elsewhere = f.CommissionerFactory(code="02X")
    today = date.today()
    Relationship.objects.filter(child=practice).update(valid_to=today - timedelta(days=1))
    f.RelationshipFactory(
        child=practice, parent=elsewhere, rel_type=RelType.PRACTICE_COMMISSIONER, valid_from=today
    )
    with pytest.raises(PermissionDenied):
        enter_population(
            organisation=practice,
            measure="weighted",
            as_at=date(2020, 1, 1),
            value=Decimal("100"),
            reason="letter",
            by=commissioner_user,
        )
    assert not PopulationFigure.objects.exists()


def test_synthetic_figure_is_tagged(client, area, commissioner_user):
    PopulationFigure.objects.create(
        organisation=area["this_pcn"],
        measure="adjusted",
        as_at=date(2020, 1, 1),
        value=Decimal("21000.5"),
        synthetic=True,
    )
    client.force_login(commissioner_user)
    page = client.get(f"/org/{area['this_pcn'].code}/").content.decode()
    assert "Synthetic</strong>" in page and "Synthetic demo figure" in page
