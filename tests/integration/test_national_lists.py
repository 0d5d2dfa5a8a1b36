"""The population rule on the real 2019 files: registrations' member lists and the national
PCN size distribution. Skipped when ../shared/data/nhs is absent."""

from datetime import date
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from imports.actions import import_file
from registrations import actions
from registrations.coverage import coverage
from registrations.distribution import distribution
from registrations.models import RegistrationMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def ok(path):
    run = import_file(path=path)
    assert run.status == "succeeded", run.problems[:3]
    return run


def qof_totals(path) -> dict[str, int]:
    frame = pl.read_csv(path, infer_schema_length=0)
    size = "PATIENT_LIST_SIZE" if "PATIENT_LIST_SIZE" in frame.columns else "PRACTICE_LIST_SIZE"
    totals = frame.filter(pl.col("PATIENT_LIST_TYPE") == "TOTAL").unique("PRACTICE_CODE")
    return dict(zip(totals["PRACTICE_CODE"], totals[size].cast(pl.Int64), strict=True))


@pytest.fixture
def epcn_2019(nhs_data):
    ok(nhs_data / "ods-epraccur-2019-11/epraccur.csv")
    ok(nhs_data / "ods-epcn-2019-12/ePCN.xlsx")
    return nhs_data


def test_2019_registration_members_have_the_qof_1819_list_at_1_january_2019(epcn_2019):
    ok(epcn_2019 / "qof-2018-19/PREVALENCE_1819_v2.csv")
    ok(epcn_2019 / "qof-2019-20/PREVALENCE_1920.csv")
    admin = f.UserFactory(username="registry", is_superuser=True)
    actions.record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=admin)
    expected = qof_totals(epcn_2019 / "qof-2018-19/PREVALENCE_1819_v2.csv")
    members = RegistrationMember.objects.select_related("practice")
    listed = [m for m in members if m.list_size is not None]
    assert len(listed) > 6_600
    for member in listed:
        assert member.list_size_date == date(2019, 1, 1)  # never the 2020 list
        assert member.list_size_basis == "QOF list size at 1 Jan 2019"
        assert member.list_size_source == "PREVALENCE_1819_v2.csv"
        assert member.list_size == expected[member.practice.code]
    for member in members:
        if member.list_size is None:
            assert member.practice.code not in expected
            assert member.list_size_basis == (
                f"no registered list for {member.practice.code} on or before 1 Jan 2019"
            )


def test_england_at_1_january_2020_on_qof_1920_lists_alone(epcn_2019):
    ok(epcn_2019 / "qof-2019-20/PREVALENCE_1920.csv")
    found = coverage(None, date(2020, 1, 1), kind="qof")
    lists = qof_totals(epcn_2019 / "qof-2019-20/PREVALENCE_1920.csv")
    # Only practices with registered patients count: each has a QOF 2019-20 list.
    assert 6_600 < found.practices <= len(lists)
    assert found.list_bases == [("QOF list size at 1 Jan 2020", found.practices)]
    assert found.list_sources == ("PREVALENCE_1920.csv",)
    assert found.not_counted and found.not_counted_summary.startswith("not counted: ")
    assert found.patients <= sum(lists.values())
    # The distribution, checked against the files: current core partners' lists summed by PCN.
    partners = pl.read_csv(
        epcn_2019 / "ods-epcn-2019-12/pcn_core_partner_details.csv", infer_schema_length=0
    )
    by_pcn: dict[str, list[str]] = {}
    for practice, pcn in zip(
        partners["Partner Organisation Code"], partners["PCN Code"], strict=True
    ):
        by_pcn.setdefault(pcn, []).append(practice)
    sized = [
        (len(codes), sum(lists[c] for c in codes))
        for codes in by_pcn.values()
        if all(c in lists for c in codes)
    ]
    sizes = found.sizes
    assert sizes.pcns + len(found.unsized) == 1_250
    assert sizes == distribution(sized)
    out = StringIO()
    call_command("coverage", "--on", "2020-01-01", "--basis", "qof", "--format", "csv", stdout=out)
    text = out.getvalue()
    assert f"PCNs sized,{sizes.pcns}" in text
    assert f"50th percentile of PCN size,{sizes.percentile(50)}" in text
    assert "QOF list size (" in text and "2020-01-01" in text
