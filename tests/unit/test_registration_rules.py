"""The DES checker on plain facts: each rule at its boundaries, and the year files."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrations.rules import (
    CHECKS,
    MemberFacts,
    RegistrationFacts,
    Result,
    check,
    run_rule,
    worst,
)
from registrations.years import YearDataError, des_year, des_years, parse_year, year_in_force

YEAR = des_year("2019/20")


def member(code="A00001", size=10_000, **changes):
    base = MemberFacts(
        code=code,
        name=f"Surgery {code}",
        is_open=True,
        contract_type="GMS",
        commissioner_code="01X",
        list_size=size,
        list_size_date=date(2019, 1, 1),
    )
    return replace(base, **changes)


def facts(*members, **changes):
    base = RegistrationFacts(
        pcn_code="U00001",
        commissioner_code="01X",
        members=members or (member(),),
        today=date(2019, 5, 1),
        clinical_director_name="Dr A Clinician",
        clinical_director_practice="A00001",
        payee_practice="A00001",
        has_bank_details=True,
        documents={
            "initial_agreement": date(2019, 5, 10),
            "full_agreement": date(2019, 6, 20),
            "data_sharing": date(2019, 6, 20),
        },
    )
    return replace(base, **changes)


def result_of(code, f):
    return run_rule(YEAR.rule(code), f, YEAR)


def sized(total):
    """One member carrying the whole list: the rules see the network's sum."""
    return facts(member(size=total))


@pytest.mark.parametrize(
    ("patients", "expected"),
    [(29_999, Result.FAIL), (30_000, Result.PASS), (50_000, Result.PASS), (50_001, Result.PASS)],
)
def test_population_minimum_boundary(patients, expected):
    assert result_of("population_minimum", sized(patients)).result == expected


@pytest.mark.parametrize(
    ("patients", "expected"),
    [(29_999, Result.PASS), (30_000, Result.PASS), (50_000, Result.PASS), (50_001, Result.WARNING)],
)
def test_population_maximum_is_a_warning_only(patients, expected):
    outcome = result_of("population_guide_maximum", sized(patients))
    assert outcome.result == expected


def test_an_approved_exception_turns_the_minimum_failure_into_a_warning_with_its_reason():
    outcome = result_of(
        "population_minimum",
        replace(sized(24_598), population_exception="rural and remote natural community"),
    )
    assert outcome.result == Result.WARNING
    assert "24,598" in outcome.reason and "rural and remote" in outcome.reason


def test_a_member_without_a_list_means_the_minimum_cannot_be_calculated_not_a_partial_sum():
    f = facts(member("A00001", 20_000), member("A00002", 10_000), member("A00003", None))
    outcome = result_of("population_minimum", f)
    assert f.list_size == 30_000 and f.unlisted == ("A00003",)
    assert outcome.result == Result.FAIL
    assert outcome.reason.startswith(
        "cannot be calculated: no registered list for A00003 on or before 1 Jan 2019"
    )
    maximum = result_of("population_guide_maximum", f)
    assert maximum.result == Result.WARNING and "cannot be calculated" in maximum.reason


def test_a_missing_list_with_an_approved_exception_is_a_warning_that_still_says_so():
    f = replace(facts(member("A00001", None)), population_exception="island practice")
    outcome = result_of("population_minimum", f)
    assert outcome.result == Result.WARNING
    assert "cannot be calculated: no registered list for A00001" in outcome.reason
    assert "island practice" in outcome.reason


def test_older_figures_are_named_with_their_date():
    f = facts(member(size=40_000, list_size_date=date(2018, 1, 1)))
    assert "latest lists on or before 1 Jan 2019 used, from 1 Jan 2018" in (
        result_of("population_minimum", f).reason
    )


def test_members_must_be_open_and_hold_an_eligible_contract():
    assert result_of("members_eligible", facts()).result == Result.PASS
    closed = facts(member(is_open=False))
    assert result_of("members_eligible", closed).result == Result.FAIL
    wrong = facts(member(contract_type="OTHER"))
    assert (
        "not a GMS, PMS or APMS contract: A00001 (OTHER)"
        in result_of("members_eligible", wrong).reason
    )
    unknown = result_of("members_eligible", facts(member(contract_type="")))
    assert unknown.result == Result.WARNING and "not recorded" in unknown.reason
    empty = replace(facts(), members=())
    assert result_of("members_eligible", empty).result == Result.FAIL


def test_a_practice_in_two_pcns_fails():
    outcome = result_of("single_membership", facts(member(other_pcns=("U00002",))))
    assert outcome.result == Result.FAIL
    assert "A00001 (also in U00002)" in outcome.reason


def test_clinical_director_must_work_in_a_member_practice():
    assert result_of("clinical_director", facts()).result == Result.PASS
    outside = facts(clinical_director_practice="B99999")
    assert result_of("clinical_director", outside).result == Result.FAIL
    assert result_of("clinical_director", facts(clinical_director_name="")).result == Result.FAIL


def test_nominated_payee_is_a_member_or_a_named_provider_with_bank_details():
    assert result_of("nominated_payee", facts()).result == Result.PASS
    provider = facts(payee_practice="", payee_provider="Demo GP Federation Ltd")
    assert result_of("nominated_payee", provider).result == Result.PASS
    assert result_of("nominated_payee", facts(payee_practice="B99999")).result == Result.FAIL
    assert result_of("nominated_payee", facts(payee_practice="")).result == Result.FAIL
    no_bank = facts(has_bank_details=False)
    assert "bank details are missing" in result_of("nominated_payee", no_bank).reason


def test_documents_warn_before_the_deadline_fail_after_and_note_lateness():
    none = {}
    before = result_of("documents", facts(documents=none, today=date(2019, 5, 15)))
    assert before.result == Result.WARNING and "due by 15 May 2019" in before.reason
    after = result_of("documents", facts(documents=none, today=date(2019, 5, 16)))
    assert after.result == Result.FAIL and "missing, was due 15 May 2019" in after.reason
    late = facts(
        documents={**facts().documents, "initial_agreement": date(2019, 5, 16)},
        today=date(2019, 7, 1),
    )
    assert result_of("documents", late).result == Result.WARNING
    assert result_of("documents", facts(today=date(2019, 7, 1))).result == Result.PASS


def test_members_outside_the_commissioner_fail_unless_flagged_cross_boundary():
    outside = facts(member(commissioner_code="02Y"))
    assert result_of("commissioner_boundary", outside).result == Result.FAIL
    flagged = replace(outside, cross_boundary_reason="natural community spans the border")
    assert result_of("commissioner_boundary", flagged).result == Result.WARNING


def test_a_map_in_pieces_is_a_warning():
    assert result_of("contiguous_area", facts()).result == Result.PASS
    assert result_of("contiguous_area", facts(area_parts=1)).result == Result.PASS
    assert result_of("contiguous_area", facts(area_parts=2)).result == Result.WARNING


def test_a_good_registration_passes_every_rule_and_each_result_names_its_source():
    results = check(facts(member(size=35_000)), YEAR)
    assert [r.code for r in results] == [r.code for r in YEAR.rules]
    assert all(r.result == Result.PASS for r in results), results
    assert all(r.source for r in results)


@given(
    sizes=st.lists(st.one_of(st.none(), st.integers(0, 60_000)), min_size=1, max_size=8),
    exception=st.sampled_from(["", "rural"]),
)
def test_population_rules_agree_with_the_sum(sizes, exception):
    f = facts(
        *(member(f"A{i:05d}", s) for i, s in enumerate(sizes)), population_exception=exception
    )
    total = sum(s or 0 for s in sizes)
    known = None not in sizes  # a missing member's list: the sum cannot be calculated
    minimum = result_of("population_minimum", f).result
    maximum = result_of("population_guide_maximum", f).result
    assert (minimum == Result.PASS) == (known and total >= 30_000)
    assert (minimum == Result.FAIL) == ((not known or total < 30_000) and not exception)
    assert (maximum == Result.WARNING) == (not known or total > 50_000)


def test_worst_orders_fail_over_warning_over_pass():
    assert worst([Result.PASS, Result.WARNING]) == Result.WARNING
    assert worst([Result.WARNING, Result.FAIL, Result.PASS]) == Result.FAIL
    assert worst([]) == Result.PASS


def test_every_year_on_file_parses_and_uses_known_checks():
    years = des_years()
    assert {"2019/20", "2020/21"} <= set(years)
    for year in years.values():
        assert year.rules and all(r.check in CHECKS for r in year.rules)
        assert year.go_live >= year.starts


def test_the_year_in_force_rolls_over():
    assert year_in_force(date(2019, 3, 31)) is None
    assert year_in_force(date(2019, 5, 1)).label == "2019/20"
    assert year_in_force(date(2026, 11, 23)).label == max(des_years())


def test_a_year_file_naming_an_unknown_check_or_milestone_is_refused():
    data = {
        "year": "2099/00",
        "title": "t",
        "starts": date(2099, 4, 1),
        "ends": date(2100, 3, 31),
        "list_size_date": date(2099, 1, 1),
        "list_size_source": "s",
        "rules": [{"code": "x", "title": "x", "check": "no_such_check", "source": "s"}],
    }
    with pytest.raises(YearDataError, match="no_such_check"):
        parse_year(data, "2099-00.toml", CHECKS)
    data["rules"] = []
    data["documents"] = [{"key": "k", "label": "l", "due": "nowhere", "source": "s"}]
    with pytest.raises(YearDataError, match="nowhere"):
        parse_year(data, "2099-00.toml", CHECKS)
