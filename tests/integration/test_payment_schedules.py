"""Payment schedules from the registry: membership by month, payees, paid months, arrears."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.models import Measure, PopulationFigure
from payments.models import Achievement, CareHomeBeds, PaidLine, RateVersion, RevisionStatus
from payments.schedule import mark_paid, schedule
from payments.versions import (
    approve_revision,
    propose_revision,
    reject_revision,
    versions_for,
)
from registrations import actions
from tests import factories as f

# The networks are approved and have a nominated payee (tests/conftest.py), so they are paid.
pytestmark = pytest.mark.usefixtures("approved_networks")


@pytest.fixture
def populations(area):
    """Weighted and adjusted populations for each practice at 1 January 2024."""
    for practice, weighted in zip(area["practices"], (11_000, 9_500, 10_500), strict=True):
        for measure, value in ((Measure.WEIGHTED, weighted), (Measure.ADJUSTED, weighted - 500)):
            PopulationFigure.objects.create(
                organisation=practice, as_at=date(2024, 1, 1), measure=measure, value=value
            )
        f.ListSizeFactory(organisation=practice, extract_date=date(2024, 1, 1), patients=10_000)


def amounts(found, entitlement, pcn="U00001"):
    return {
        s.line.month: s.line.amount
        for s in found.lines
        if s.line.entitlement == entitlement and s.line.pcn.code == pcn and not s.arrears_for
    }


def test_the_rate_files_are_in_every_migrated_database(db):
    assert RateVersion.objects.filter(from_file=True).count() == 7
    assert [v.label for v in versions_for("2024/25")][-1] == "2024/25 revision (September 2024)"


def test_a_schedule_pays_the_nominated_payee_on_the_members_lists(
    area, drafted, this_pcn_manager, commissioner_user
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome="approved_exception",
        exception_reason="rural",
        panel_date=date(2019, 5, 16),
        decision_makers="PCCC",
    )
    found = schedule([area["this_pcn"]], "2019/20")
    core = [s.line for s in found.lines if s.line.entitlement == "core"]
    assert len(core) == 12 and core[0].amount == Decimal("2500.00")  # 20,000 x 1.50 / 12
    assert core[0].payee.code == "A00001"  # the nominated payee, not the PCN
    assert "sum of 2 practices' registered list at 1 Jan 2019" in core[0].basis_source


def test_without_a_nominated_payee_the_pcn_is_named_and_its_lines_withheld(area, approved_networks):
    approved_networks.update(payee_practice=None)
    found = schedule([area["this_pcn"]], "2019/20")
    line = next(s.line for s in found.lines if s.line.entitlement == "core")
    assert line.payee.code == "U00001" and "no nominated payee on record" in line.payee.name
    assert line.amount is None and line.calculable and line.status == "withheld"
    assert line.withheld.startswith("no nominated payee: none on record for U00001")
    # The practices' own payment is not withheld: the network is approved.
    own = [s.line for s in found.lines if s.line.paid_to == "practice"]
    assert own and not any(line.withheld for line in own)


def test_a_move_pays_the_old_pcn_to_the_month_before_and_conserves_the_total(area, moved):
    """Surgery 2 moves on 1 April 2021: 2021/22 pays it with the other PCN all year; the
    networks went live in July 2019 and are paid from April (backdated)."""
    both = [area["this_pcn"], area["other_pcn"]]
    before = schedule(both, "2020/21")
    after = schedule(both, "2021/22")
    assert set(amounts(before, "core").values()) == {Decimal("2500.00")}
    assert set(amounts(after, "core").values()) == {Decimal("1250.00")}
    assert set(amounts(after, "core", "U00002").values()) == {Decimal("2500.00")}
    total = lambda found: sum(s.line.amount for s in found.lines if s.line.entitlement == "core")  # noqa: E731
    assert total(before) == total(after) == Decimal("45000.00")


def test_beds_points_and_the_assessed_share_come_from_what_the_commissioner_entered(
    area, populations
):
    CareHomeBeds.objects.create(pcn=area["this_pcn"], month=date(2024, 5, 1), beds=40)
    Achievement.objects.create(
        pcn=area["this_pcn"], year="2024/25", improvement_share=Decimal("0.5")
    )
    found = schedule([area["this_pcn"]], "2024/25", known_on=date(2024, 6, 1))
    assert amounts(found, "care_home_premium") == {date(2024, 5, 1): Decimal("400.00")}
    # 19,500 adjusted (10,500 + 9,000) x £0.9744 x 50%
    assert amounts(found, "capacity_access_improvement") == {date(2025, 3, 1): Decimal("9500.40")}
    practices = {
        s.line.payee.code for s in found.lines if s.line.entitlement == "network_participation"
    }
    assert practices == {"A00001", "A00002"}


def test_a_backdated_revision_leaves_paid_months_alone_and_adds_arrears(
    area, populations, finance_user
):
    pcn = area["this_pcn"]
    for month in (date(2024, 4, 1), date(2024, 5, 1)):
        mark_paid(pcn=pcn, month=month, by=finance_user, known_on=date(2024, 6, 1))
    paid_april = PaidLine.objects.get(
        paid_month__month=date(2024, 4, 1), entitlement="enhanced_access"
    )
    assert paid_april.amount == Decimal("12470.25")  # 19,500 x 7.674 / 12
    found = schedule([pcn], "2024/25", known_on=date(2024, 10, 1))
    arrears = [s for s in found.lines if s.arrears_for and s.line.entitlement == "enhanced_access"]
    assert [(s.arrears_for, s.line.month, s.line.amount) for s in arrears] == [
        (
            date(2024, 4, 1),
            date(2024, 6, 1),
            Decimal("489.13"),
        ),  # 12,959.38 - 12,470.25 (rounded lines)
        (date(2024, 5, 1), date(2024, 6, 1), Decimal("489.13")),
    ]
    assert "Arrears for April 2024" in arrears[0].line.formula
    paid = [s for s in found.lines if s.paid and s.line.entitlement == "enhanced_access"]
    assert {s.line.amount for s in paid} == {Decimal("12470.25")}  # never rewritten
    june = mark_paid(pcn=pcn, month=date(2024, 6, 1), by=finance_user, known_on=date(2024, 10, 1))
    assert june.lines.filter(arrears=True, entitlement="enhanced_access").count() == 2
    again = schedule([pcn], "2024/25", known_on=date(2024, 10, 1))
    assert not [s for s in again.lines if s.arrears_for and not s.paid]  # made good, once


def test_recomputing_gives_identical_lines(area, populations):
    first = schedule([area["this_pcn"], area["other_pcn"]], "2024/25", known_on=date(2025, 1, 1))
    second = schedule([area["this_pcn"], area["other_pcn"]], "2024/25", known_on=date(2025, 1, 1))
    assert first.lines == second.lines


def test_marking_a_month_twice_or_without_finance_rights_is_refused(
    area, finance_user, this_pcn_manager
):
    mark_paid(pcn=area["this_pcn"], month=date(2019, 7, 1), by=finance_user)
    with pytest.raises(ValidationError, match="already marked paid"):
        mark_paid(pcn=area["this_pcn"], month=date(2019, 7, 1), by=finance_user)
    with pytest.raises(PermissionDenied):
        mark_paid(pcn=area["this_pcn"], month=date(2019, 8, 1), by=this_pcn_manager)


def test_a_revision_must_supersede_the_latest_version(
    db, finance_user, this_pcn_manager, england_finance
):
    common = {
        "year": "2023/24",
        "entitlement": "core",
        "value": Decimal("1.55"),
        "label": "test",
        "published": date(2023, 9, 1),
        "effective_from": date(2023, 4, 1),
        "source": "a letter",
        "status": "confirmed",
        "note": "",
        "reason": "the autumn letter",
    }
    with pytest.raises(ValidationError, match="would overlap it"):
        propose_revision(**common, supersedes="an older one", by=finance_user)
    with pytest.raises(ValidationError, match="published must be after"):
        propose_revision(
            **{**common, "published": date(2023, 1, 1)},
            supersedes="2023/24 Network Contract DES",
            by=finance_user,
        )
    with pytest.raises(ValidationError, match="say why the rate is revised"):
        propose_revision(
            **{**common, "reason": " "}, supersedes="2023/24 Network Contract DES", by=finance_user
        )
    with pytest.raises(PermissionDenied):
        propose_revision(**common, supersedes="2023/24 Network Contract DES", by=this_pcn_manager)
    version = propose_revision(**common, supersedes="2023/24 Network Contract DES", by=finance_user)
    assert version.history.first().history_user == finance_user
    assert [v.label for v in versions_for("2023/24")] == ["2023/24 Network Contract DES"]
    approve_revision(version=version, by=england_finance)
    assert versions_for("2023/24")[-1].rates[0].value == Decimal("1.55")


def test_a_revision_of_several_rates_adds_each_to_the_same_proposal(
    db, finance_user, england_finance
):
    common = {
        "year": "2023/24",
        "label": "2023/24 uplift",
        "published": date(2023, 9, 1),
        "effective_from": date(2023, 4, 1),
        "source": "letter",
        "status": "confirmed",
        "note": "",
        "supersedes": "2023/24 Network Contract DES",
        "reason": "the uplift letter",
        "by": finance_user,
    }
    first = propose_revision(entitlement="core", value=Decimal("1.55"), **common)
    again = propose_revision(entitlement="enhanced_access", value=Decimal("7.70"), **common)
    assert first.pk == again.pk
    assert sorted(r.entitlement for r in again.rates.all()) == ["core", "enhanced_access"]
    with pytest.raises(ValidationError, match="already revises core"):
        propose_revision(entitlement="core", value=Decimal("1.60"), **common)
    with pytest.raises(ValidationError, match="takes the same dates"):
        propose_revision(
            entitlement="clinical_director",
            value=Decimal("0.8"),
            **{**common, "published": date(2023, 9, 2)},
        )
    # Another person's proposal is not theirs to add to.
    with pytest.raises(ValidationError, match="already has a version called"):
        propose_revision(
            entitlement="clinical_director",
            value=Decimal("0.8"),
            **{**common, "by": england_finance},
        )


REVISION = {
    "year": "2019/20",
    "entitlement": "core",
    "value": Decimal("1.80"),
    "label": "2019/20 core uplift",
    "published": date(2019, 6, 1),
    "effective_from": date(2019, 4, 1),
    "source": "a letter",
    "status": "confirmed",
    "note": "",
    "supersedes": "2019/20 Network Contract DES",
    "reason": "core funding uplifted",
}


def core_in_july(area):
    found = schedule([area["this_pcn"]], "2019/20", known_on=date(2019, 7, 1))
    return amounts(found, "core")[date(2019, 7, 1)]


def test_local_finance_proposes_and_only_a_second_england_finance_user_approves(
    area, finance_user, england_finance, second_england_finance
):
    proposal = propose_revision(**REVISION, by=finance_user)
    assert proposal.status == RevisionStatus.PROPOSED
    assert core_in_july(area) == Decimal("2500.00")  # 20,000 x 1.50 / 12: not in force yet
    with pytest.raises(PermissionDenied):
        approve_revision(version=proposal, by=finance_user)  # finance over one commissioner
    with pytest.raises(PermissionDenied):
        reject_revision(version=proposal, by=finance_user, reason="no")
    approve_revision(version=proposal, by=england_finance, reason="checked the letter")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.approved_by) == (RevisionStatus.APPROVED, england_finance)
    assert core_in_july(area) == Decimal("3000.00")  # 20,000 x 1.80 / 12
    steps = [(h.history_user, h.status, h.history_change_reason) for h in proposal.history.all()]
    assert steps == [
        (england_finance, "approved", "approved: checked the letter"),
        (finance_user, "proposed", "proposed: core funding uplifted"),
    ]
    with pytest.raises(ValidationError, match="already approved"):
        approve_revision(version=proposal, by=second_england_finance)


def test_the_proposer_may_not_approve_their_own(area, england_finance, second_england_finance):
    proposal = propose_revision(**REVISION, by=england_finance)
    with pytest.raises(PermissionDenied, match="not its proposer"):
        approve_revision(version=proposal, by=england_finance)
    approve_revision(version=proposal, by=second_england_finance)
    assert core_in_july(area) == Decimal("3000.00")


def test_a_rejected_revision_is_never_used(area, finance_user, england_finance):
    proposal = propose_revision(**REVISION, by=finance_user)
    with pytest.raises(ValidationError, match="say why"):
        reject_revision(version=proposal, by=england_finance, reason="")
    reject_revision(version=proposal, by=england_finance, reason="the letter was withdrawn")
    proposal.refresh_from_db()
    assert proposal.status == RevisionStatus.REJECTED
    assert proposal.decision_reason == "the letter was withdrawn"
    assert [v.label for v in versions_for("2019/20")] == ["2019/20 Network Contract DES"]
    assert core_in_july(area) == Decimal("2500.00")
    with pytest.raises(ValidationError, match="already rejected"):
        approve_revision(version=proposal, by=england_finance)


def test_approving_a_proposal_that_no_longer_supersedes_the_latest_is_refused(
    area, finance_user, england_finance, second_england_finance
):
    first = propose_revision(**REVISION, by=finance_user)
    rival = propose_revision(
        **{**REVISION, "label": "rival", "value": Decimal("2.00"), "published": date(2019, 7, 1)},
        by=second_england_finance,
    )
    approve_revision(version=first, by=england_finance)
    with pytest.raises(ValidationError, match="can no longer be approved") as refused:
        approve_revision(version=rival, by=england_finance)
    assert "would overlap it" in str(refused.value)
    rival.refresh_from_db()
    assert rival.status == RevisionStatus.PROPOSED and rival.approved_by is None
    assert core_in_july(area) == Decimal("3000.00")
