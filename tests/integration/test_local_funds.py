"""Local funds: per-head allocation, awards from expression of interest to transfer in order,
spend within the award, and progress against the 75%-by-December trajectory."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organisations.models import ListSize
from payments.funds import advance, create_fund, progress, record_eoi, record_spend
from payments.models import AwardStage, LocalFund


@pytest.fixture
def fund(area, commissioner_user):
    return create_fund(
        commissioner=area["commissioner"],
        name="Resilience 2019/20",
        kind="resilience",
        year="2019/20",
        by=commissioner_user,
        allocation=Decimal("10000.00"),
    )


def test_a_per_head_fund_is_sized_from_the_commissioners_lists(area, commissioner_user):
    fund = create_fund(
        commissioner=area["commissioner"],
        name="Development",
        kind="development",
        year="2019/20",
        by=commissioner_user,
        per_head=Decimal("1.50"),
    )
    assert fund.allocation == Decimal("45000.00")  # 30,000 patients at 1 January 2019
    assert "£1.50 x 30,000 registered patients" in fund.source


def test_a_per_head_fund_is_refused_when_a_practice_has_no_list(area, commissioner_user):
    """Never sized on part of the population: the practice without a list is named."""
    ListSize.objects.filter(organisation=area["practices"][2]).delete()
    with pytest.raises(
        ValidationError,
        match="cannot be calculated: no registered list on or before 1 January 2019 for A00003",
    ):
        create_fund(
            commissioner=area["commissioner"],
            name="Development",
            kind="development",
            year="2019/20",
            by=commissioner_user,
            per_head=Decimal("1.50"),
        )
    assert not LocalFund.objects.exists()


def test_an_award_moves_through_its_stages_in_order_and_spend_stays_within_it(
    area, fund, commissioner_user, this_pcn_manager
):
    award = record_eoi(
        fund=fund,
        recipient=area["practices"][0],
        purpose="telephony",
        amount=Decimal("6000"),
        eoi_on=date(2019, 7, 10),
        by=commissioner_user,
    )
    with pytest.raises(ValidationError, match="cannot go to 'Funds transferred'"):
        advance(award=award, to=AwardStage.TRANSFERRED, on=date(2019, 8, 1), by=commissioner_user)
    with pytest.raises(ValidationError, match="once the funds are transferred"):
        record_spend(award=award, month=date(2019, 9, 1), amount=Decimal("1"), by=commissioner_user)
    for stage, day in (
        (AwardStage.APPROVED, 8),
        (AwardStage.MOU, 20),
        (AwardStage.TRANSFERRED, 30),
    ):
        advance(award=award, to=stage, on=date(2019, 8, day), by=commissioner_user)
    record_spend(award=award, month=date(2019, 10, 1), amount=Decimal("4000"), by=commissioner_user)
    with pytest.raises(ValidationError, match="would exceed the £6,000.00 award"):
        record_spend(
            award=award, month=date(2019, 11, 1), amount=Decimal("2500"), by=commissioner_user
        )
    second = record_eoi(
        fund=fund,
        recipient=area["practices"][1],
        purpose="staff",
        amount=Decimal("5000"),
        eoi_on=date(2019, 7, 11),
        by=commissioner_user,
    )
    with pytest.raises(ValidationError, match="would commit £11,000.00 of a £10,000.00 fund"):
        advance(award=second, to=AwardStage.APPROVED, on=date(2019, 8, 8), by=commissioner_user)
    with pytest.raises(PermissionDenied):
        record_eoi(
            fund=fund,
            recipient=area["practices"][0],
            purpose="x",
            amount=Decimal("1"),
            eoi_on=date(2019, 7, 1),
            by=this_pcn_manager,
        )
    found = progress(fund, date(2020, 4, 1))
    # 40% spent by 31 December against 75%, and by 31 March against 100%: behind twice
    assert found.behind == [
        (date(2019, 12, 31), Decimal("0.75"), Decimal("0.4")),
        (date(2020, 3, 31), Decimal("1.00"), Decimal("0.4")),
    ]
    assert found.by_month[8] == (date(2019, 12, 1), Decimal("0.4"), Decimal("0.75"))


def test_the_funds_page_shows_the_trajectory_and_the_warning(client, area, fund, commissioner_user):
    award = record_eoi(
        fund=fund,
        recipient=area["practices"][0],
        purpose="telephony",
        amount=Decimal("6000"),
        eoi_on=date(2019, 7, 10),
        by=commissioner_user,
    )
    for stage in (AwardStage.APPROVED, AwardStage.MOU, AwardStage.TRANSFERRED):
        advance(award=award, to=stage, on=date(2019, 8, 30), by=commissioner_user)
    client.force_login(commissioner_user)
    page = client.get(reverse("funds", args=["01X"]), {"year": "2019/20"})
    assert "Behind the trajectory" in page.text and "Trajectory (%)" in page.text
    spent = client.post(
        reverse("fund", args=[fund.pk]),
        {
            "step": "spend",
            "spend-award": award.pk,
            "spend-month": "Nov 2019",
            "spend-amount": "8000",
        },
    )
    assert "would exceed" in spent.text
    ok = client.post(
        reverse("fund", args=[fund.pk]),
        {
            "step": "spend",
            "spend-award": award.pk,
            "spend-month": "Nov 2019",
            "spend-amount": "6000",
        },
    )
    assert ok.status_code == 302
