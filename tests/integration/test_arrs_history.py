"""ARRS as it was, through the actions, the area page and `pcnhub arrs`: refusals that save
nothing, overrides and over-budget confirmation, the area page's access and query bound, and
the command's text and CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from payments.entries import add_staff, approve_override, make_claim, network_arrs
from payments.models import ArrsClaim, ArrsOverride
from tests import factories as f

PHARMACIST = {
    "ref": "CP1",
    "role": "clinical_pharmacist",
    "band": "7",
    "wte": Decimal("1.00"),
    "start": date(2019, 4, 1),
    "end": None,
    "annual_salary": Decimal("45000"),
    "annual_ni": Decimal("5000"),
    "annual_pension": Decimal("6000"),
    "employer": "Surgery 1",
}


@pytest.fixture
def ics_finance(area):
    user = f.UserFactory(username="ics_finance")
    f.RoleAssignmentFactory(user=user, role="commissioner_finance", organisation=area["ics"])
    return user


def test_the_2019_20_entitlement_is_in_pounds_on_the_des_list(area):
    found = network_arrs([area["this_pcn"]], "2019/20", on=date(2019, 8, 1))[area["this_pcn"].pk]
    # two practices of 10,000 at 1 January 2019: not over 100,000, so 1 WTE of each
    assert found.main.sum == Decimal("53942.25")
    assert found.main.label == "2019/20 entitlement"
    assert "20,000 patients not over 100,000" in found.main.sum_formula


def test_a_claim_before_go_live_or_the_roles_start_is_refused_and_nothing_saved(
    area, this_pcn_manager
):
    member = add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    with pytest.raises(ValidationError, match="went live on 1 July 2019"):
        make_claim(member=member, month=date(2019, 6, 1), by=this_pcn_manager)
    physio = add_staff(
        pcn=area["this_pcn"],
        by=this_pcn_manager,
        **{**PHARMACIST, "ref": "FCP1", "role": "first_contact_physiotherapist"},
    )
    with pytest.raises(ValidationError, match="claims start on 1 April 2020"):
        make_claim(member=physio, month=date(2020, 3, 1), by=this_pcn_manager)
    assert not ArrsClaim.objects.exists()


def test_over_the_maximum_needs_an_approved_override(area, this_pcn_manager, finance_user):
    member = add_staff(
        pcn=area["this_pcn"], by=this_pcn_manager, **{**PHARMACIST, "start": date(2024, 4, 1)}
    )
    month = date(2024, 5, 1)  # allowed £56,000 / 12 = £4,666.67
    with pytest.raises(ValidationError, match="needs an override approved by finance"):
        make_claim(member=member, month=month, by=this_pcn_manager, amount=Decimal("5000"))
    assert not ArrsClaim.objects.exists()
    with pytest.raises(ValidationError, match="give the reason"):
        approve_override(
            member=member, month=month, amount=Decimal("5000"), reason=" ", by=finance_user
        )
    assert not ArrsOverride.objects.exists()
    approve_override(
        member=member, month=month, amount=Decimal("5000"), reason="back pay", by=finance_user
    )
    claim = make_claim(member=member, month=month, by=this_pcn_manager, amount=Decimal("5000"))
    assert "under the override of £5,000.00" in claim.formula


def test_a_claim_over_budget_is_refused_until_confirmed(area, this_pcn_manager):
    # 2019/20 entitlement £53,942.25; each pharmacist's month is capped at £3,150.83
    members = [
        add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **{**PHARMACIST, "ref": f"CP{i}"})
        for i in range(10)
    ]
    for month in (date(2019, 7, 1), date(2019, 8, 1)):
        for member in members[:8]:
            make_claim(member=member, month=month, by=this_pcn_manager)  # 16: £50,413.28
    make_claim(member=members[8], month=date(2019, 9, 1), by=this_pcn_manager)  # £53,564.11
    with pytest.raises(ValidationError, match="£56,714.94, £2,772.69 over its £53,942.25"):
        make_claim(member=members[9], month=date(2019, 9, 1), by=this_pcn_manager)
    assert not ArrsClaim.objects.filter(staff=members[9]).exists()
    make_claim(
        member=members[9], month=date(2019, 9, 1), by=this_pcn_manager, over_budget_confirmed=True
    )
    assert ArrsClaim.objects.count() == 18


def test_the_area_page_for_finance_and_not_for_other_roles(
    client, area, ics_finance, programme_office_user, this_pcn_manager, this_pcn_manager_claims
):
    url = reverse("arrs_area", args=["Q01"]) + "?year=2019/20"
    client.force_login(ics_finance)
    page = client.get(url)
    assert page.status_code == 200
    assert "£53,942.25" in page.text and "2019/20 entitlement" in page.text
    assert "the latest month&#x27;s claims" in page.text or "latest month's claims" in page.text
    for person in (programme_office_user, this_pcn_manager):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(ics_finance)
    assert client.get(reverse("arrs_area", args=["U00001"])).status_code == 404


@pytest.fixture
def this_pcn_manager_claims(area, this_pcn_manager):
    member = add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    make_claim(member=member, month=date(2019, 7, 1), by=this_pcn_manager)
    paramedic = add_staff(
        pcn=area["this_pcn"],
        by=this_pcn_manager,
        **{**PHARMACIST, "ref": "PARA1", "role": "paramedic", "start": date(2021, 4, 1)},
    )
    make_claim(member=paramedic, month=date(2021, 5, 1), by=this_pcn_manager)


def test_the_api_gives_the_budgets_with_totals_to_those_who_may_see_them(
    api, area, ics_finance, programme_office_user, this_pcn_manager, this_pcn_manager_claims
):
    api.force_login(ics_finance)
    response = api.get("/api/payments/Q01/arrs/?year=2019/20")
    assert response.status_code == 200, response.content
    body = response.json()
    [mine] = [n for n in body["networks"] if n["pcn"]["code"] == "U00001"]
    [entitlement] = mine["budgets"]
    assert entitlement["sum"] == "53942.25" and entitlement["claimed"] == "3150.83"
    assert entitlement["label"] == "2019/20 entitlement"
    [total] = body["totals"]
    assert total["figures"]["claimed"] == "3150.83"
    assert "latest month's claims" in body["projection_rule"]
    assert api.get("/api/payments/Q01/arrs/?year=1999/00").status_code == 400
    assert api.get("/api/payments/Q01/arrs/").status_code == 400
    # An area's budgets are for finance and commissioners; a network's for whoever sees it.
    api.force_login(programme_office_user)
    assert api.get("/api/payments/Q01/arrs/?year=2019/20").status_code == 403
    api.force_login(this_pcn_manager)
    assert api.get("/api/payments/Q01/arrs/?year=2019/20").status_code == 404
    own = api.get("/api/payments/U00001/arrs/?year=2019/20")
    assert own.status_code == 200 and own.json()["networks"][0]["budgets"][0]["sum"]
    assert api.get("/api/payments/U00002/arrs/?year=2019/20").status_code == 404


@pytest.mark.parametrize("extra", [0, 10])
def test_the_area_page_makes_a_bounded_number_of_queries(
    client, area, ics_finance, django_assert_max_num_queries, extra
):
    f.more_networks(area["commissioner"], extra)
    client.force_login(ics_finance)
    url = reverse("arrs_area", args=["Q01"]) + "?year=2024/25"
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_the_area_page_lists_claims_for_roles_without_a_maximum(
    client, area, ics_finance, this_pcn_manager_claims
):
    client.force_login(ics_finance)
    page = client.get(reverse("arrs_area", args=["Q01"]) + "?year=2021/22")
    assert "Claims for roles with no maximum on file" in page.text
    assert "PARA1" in page.text
    # no ARR Sum per weighted patient for 2021/22 on file: said, not 0
    assert "cannot be calculated: Not found" in page.text


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("arrs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_text_and_csv(area, this_pcn_manager_claims):
    text, _ = _run("--year", "2019/20", "--scope", "Q01", "--format", "text")
    assert "U00001 This PCN - 2019/20 entitlement: sum £53,942.25; claimed £3,150.83" in text
    assert "Total 2 networks - 2019/20 entitlement: sum £107,884.50" in text
    assert "Projected to 31 March" in text
    body, _ = _run("--year", "2019/20", "--scope", "Q01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["PCN code"] for r in rows] == ["U00002", "U00001", "Total"]  # by name
    assert rows[1]["Sum (£)"] == "53942.25" and rows[1]["Claimed (£)"] == "3150.83"
    assert rows[2]["Sum (£)"] == "107884.50"


def test_the_command_says_what_cannot_be_calculated(area):
    text, err = _run("--year", "2024/25", "--scope", "01X")
    # no weighted populations on file: both ARR Sum and GP ARRS sum cannot be calculated
    assert "ARR Sum: sum cannot be calculated: no weighted population" in text
    assert "GP ARRS sum: sum cannot be calculated" in text
    assert "4 budgets cannot be calculated" in err
