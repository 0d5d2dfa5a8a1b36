"""ARRS through its actions and page: staff records, claims within and over the maximum, the
budget with its warning, and who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organisations.models import Measure, PopulationFigure
from payments.entries import add_staff, budget_for, make_claim
from payments.models import ArrsClaim, ArrsOverride, StaffMember

# The networks are approved and have a nominated payee (tests/conftest.py), so they are paid.
pytestmark = pytest.mark.usefixtures("approved_networks")

PHARMACIST = {
    "ref": "CP1",
    "role": "clinical_pharmacist",
    "band": "7",
    "wte": Decimal("1.00"),
    "start": date(2024, 4, 1),
    "end": None,
    "annual_salary": Decimal("48000"),
    "annual_ni": Decimal("5500"),
    "annual_pension": Decimal("6900"),
    "employer": "Surgery 1",
}


@pytest.fixture
def weighted(area):
    for practice in area["practices"][:2]:
        PopulationFigure.objects.create(
            organisation=practice, as_at=date(2024, 1, 1), measure=Measure.WEIGHTED, value=2_000
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": date(2024, 3, 1)}, "end", "is before the start date"),
        ({"wte": Decimal("-0.5")}, "wte", "must be more than 0"),
        ({"role": "astronaut"}, "role", "not an ARRS role"),
        ({"annual_salary": Decimal("-1")}, "annual_salary", "cannot be negative"),
    ],
)
def test_a_bad_staff_record_is_refused_and_nothing_saved(
    area, this_pcn_manager, changes, field, message
):
    with pytest.raises(ValidationError) as refused:
        add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **{**PHARMACIST, **changes})
    assert message in " ".join(refused.value.message_dict[field])
    assert not StaffMember.objects.exists()


def test_claims_within_and_over_the_maximum_and_the_budget_warning(
    area, this_pcn_manager, other_pcn_manager, weighted
):
    member = add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    claim = make_claim(member=member, month=date(2024, 4, 1), by=this_pcn_manager)
    assert claim.amount == Decimal("5033.33")  # £60,400 / 12, under £62,340 / 12 = £5,195
    with pytest.raises(ValidationError, match="is over the"):
        make_claim(
            member=member, month=date(2024, 5, 1), by=this_pcn_manager, amount=Decimal("9000")
        )
    with pytest.raises(ValidationError, match="already has a claim for April 2024"):
        make_claim(member=member, month=date(2024, 4, 1), by=this_pcn_manager)
    with pytest.raises(PermissionDenied):
        make_claim(member=member, month=date(2024, 6, 1), by=other_pcn_manager)
    budget = budget_for(area["this_pcn"], "2024/25", Decimal("4000"))
    # ARR Sum 4,000 x £22.894 = £91,576; claimed £5,033.33 and eleven months to come
    assert budget.sum == Decimal("91576.00") and budget.claimed == Decimal("5033.33")
    assert not budget.over_committed
    add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **{**PHARMACIST, "ref": "CP2"})
    assert budget_for(area["this_pcn"], "2024/25", Decimal("4000")).over_committed


def test_the_arrs_page_adds_staff_and_claims_with_evidence(
    client, area, this_pcn_manager, commissioner_user, weighted
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("arrs", args=["U00001"]) + "?year=2024/25"
    client.force_login(this_pcn_manager)
    form = {
        f"staff-{k}": v
        for k, v in {**PHARMACIST, "in_baseline": "no", "end": "", "london": ""}.items()
    }
    bad = client.post(url, {**form, "staff-end": "2024-03-01"})
    assert "is before the start date" in bad.text
    assert client.post(url, form).status_code == 302
    member = StaffMember.objects.get()
    claimed = client.post(
        url,
        {
            "claim-staff": str(member.pk),
            "claim-month": "2024-04-01",
            "claim-amount": "",
            "claim-evidence": SimpleUploadedFile("payslip.pdf", b"%PDF-1.4 payslip"),
        },
    )
    assert claimed.status_code == 302
    assert ArrsClaim.objects.get().evidence.name.endswith(".pdf")
    page = client.get(url)
    assert "ARR Sum" in page.text and "4,000 weighted patients x £22.894" in page.text
    client.force_login(commissioner_user)
    assert "Add a staff record" not in client.get(url).text


def test_finance_approves_a_claim_above_the_maximum_on_the_page(
    client, area, this_pcn_manager, finance_user, weighted
):
    member = add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    url = reverse("arrs", args=["U00001"]) + "?year=2024/25"
    form = {
        "override-staff": str(member.pk),
        "override-month": "2024-05-01",
        "override-amount": "5600",
        "override-reason": "back pay agreed at the panel",
    }
    client.force_login(this_pcn_manager)
    assert "Allow a claim above the maximum" not in client.get(url).text
    assert client.post(url, form).status_code == 404
    client.force_login(finance_user)
    within = client.post(url, {**form, "override-amount": "100"})
    assert "is within the" in within.text and "There is a problem" in within.text
    assert client.post(url, {**form, "override-reason": ""}).status_code == 200
    assert not ArrsOverride.objects.exists()
    assert client.post(url, form).status_code == 302
    page = client.get(url)
    assert "back pay agreed at the panel" in page.text and "5,600.00" in page.text
    claim = make_claim(
        member=member, month=date(2024, 5, 1), by=this_pcn_manager, amount=Decimal("5600")
    )
    assert "under the override of £5,600.00" in claim.formula
    assert ArrsOverride.objects.get().history.get().history_user == finance_user


def test_claims_are_paid_to_the_nominated_payee_in_the_schedule(area, this_pcn_manager):
    from payments.schedule import schedule

    member = add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    make_claim(member=member, month=date(2024, 5, 1), by=this_pcn_manager)
    found = schedule([area["this_pcn"]], "2024/25")
    [line] = [s.line for s in found.lines if s.line.entitlement == "arrs"]
    assert (line.month, line.amount) == (date(2024, 5, 1), Decimal("5033.33"))
    assert line.formula.startswith("CP1 (clinical pharmacist): £5,033.33 cost")


def test_a_month_is_claimed_for_everyone_the_records_allow(client, area, this_pcn_manager):
    add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    add_staff(
        pcn=area["this_pcn"],
        by=this_pcn_manager,
        **{**PHARMACIST, "ref": "OLD", "in_baseline": True},
    )
    client.force_login(this_pcn_manager)
    url = reverse("arrs", args=["U00001"]) + "?year=2024/25"
    assert client.post(url, {"claim-all": "2024-06-01"}).status_code == 302
    assert list(ArrsClaim.objects.values_list("staff__ref", flat=True)) == ["CP1"]  # not baseline


def test_2019_20_warns_when_more_staff_are_in_post_than_the_flat_entitlement(
    area, this_pcn_manager
):
    from payments.entries import flat_warnings, network_budget

    for ref in ("CP1", "CP2"):
        add_staff(
            pcn=area["this_pcn"],
            by=this_pcn_manager,
            **{**PHARMACIST, "ref": ref, "start": date(2019, 7, 1)},
        )
    _, flat = network_budget(area["this_pcn"], "2019/20")
    assert flat["clinical_pharmacist"] == Decimal(1)
    assert flat_warnings(area["this_pcn"], "2019/20", flat) == [
        "2019/20 pays for 1 WTE clinical pharmacist; 2.00 WTE are in post"
    ]


def test_claiming_a_month_for_many_staff_takes_no_more_queries_than_for_one(
    area, this_pcn_manager, weighted
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payments.entries import claim_month

    def claim(month):
        with CaptureQueriesContext(connection) as queries:
            made = claim_month(pcn=area["this_pcn"], month=month, by=this_pcn_manager)
        return len(made), len(queries)

    add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **PHARMACIST)
    one, for_one = claim(date(2024, 4, 1))
    for i in range(2, 7):
        add_staff(pcn=area["this_pcn"], by=this_pcn_manager, **{**PHARMACIST, "ref": f"CP{i}"})
    many, for_many = claim(date(2024, 5, 1))
    assert (one, many) == (1, 6)
    assert for_many <= for_one
    assert ArrsClaim.history.filter(month=date(2024, 5, 1)).count() == 6
