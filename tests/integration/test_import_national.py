"""Every national file kind imports, with the counts the data folder's README gives.

Skipped when ../shared/data/nhs is absent, so the project stands alone on any machine."""

from datetime import date

import pytest

from imports.actions import import_file
from organisations import queries
from organisations.models import ListSize, Organisation, Relationship

pytestmark = pytest.mark.django_db


def ok(path):
    run = import_file(path=path)
    assert run.status == "succeeded", run.problems[:3]
    return run


@pytest.fixture
def registry_2019(nhs_data):
    ok(nhs_data / "ods-epraccur-2019-11/epraccur.csv")
    return nhs_data


def test_epraccur_2019_has_6830_active_gp_practices(registry_2019):
    active = Organisation.objects.filter(kind="practice", status="active", close_date=None)
    assert active.count() == 6830


def test_epraccur_2026_layout_has_6574_active_gp_practices(nhs_data):
    run = ok(nhs_data / "ods-epraccur-2026-06/epraccur.csv")
    assert run.layout == "2026"
    assert Organisation.objects.filter(kind="practice", status="active").count() == 6574


def test_epcn_2019_has_1250_pcns_and_6757_memberships(registry_2019):
    ok(registry_2019 / "ods-epcn-2019-12/ePCN.xlsx")
    assert Organisation.objects.filter(kind="pcn").count() == 1250
    current = Relationship.objects.filter(rel_type="practice_pcn", valid_to=None)
    assert current.count() == 6757


@pytest.mark.parametrize(
    "sheet", ["ods-epcn-2022-05/pcn_core_partner_details.csv", "ods-epcn-2023-01/pcn_details.csv"]
)
def test_epcn_csv_exports_import(registry_2019, sheet):
    ok(registry_2019 / sheet)


def test_practice_totals_2021_sum_to_england(registry_2019):
    run = ok(registry_2019 / "patients-registered-2021-01/gp-reg-pat-prac-all.csv")
    assert run.rows_read == 6658
    # Practices that opened after the 2019 ODS file are rejected, with a note naming them.
    rejected = _rejected_patients(registry_2019)
    assert run.rejected == len(rejected) > 0
    assert any("not in the registry" in note for note in run.notes)
    total = sum(ListSize.objects.values_list("patients", flat=True))
    assert total == 60_606_345 - sum(rejected)


def _rejected_patients(data):
    import polars as pl

    frame = pl.read_csv(data / "patients-registered-2021-01/gp-reg-pat-prac-all.csv")
    known = set(Organisation.objects.values_list("code", flat=True))
    return frame.filter(~pl.col("CODE").is_in(list(known)))["NUMBER_OF_PATIENTS"].to_list()


def test_map_2020_places_131_practices_in_no_pcn(registry_2019):
    ok(registry_2019 / "ods-epcn-2019-12/ePCN.xlsx")
    ok(registry_2019 / "patients-registered-2020-09/gp-reg-pat-prac-map.csv")
    day = date(2020, 9, 1)
    in_pcn = Relationship.objects.filter(queries.valid_on(day), rel_type="practice_pcn")
    mapped = Relationship.objects.filter(queries.valid_on(day), rel_type="practice_commissioner")
    assert mapped.values("child").distinct().count() - in_pcn.count() >= 131


def test_qof_prevalence_and_geography_2019_20(registry_2019):
    run = ok(registry_2019 / "qof-2019-20/PREVALENCE_1920.csv")
    sizes = ListSize.objects.filter(measure="qof", extract_date=date(2020, 1, 1))
    assert run.rows_read == 141_120
    assert sizes.count() + run.rejected // 2 >= 6_700
    run = ok(registry_2019 / "qof-2019-20/MAPPING_NHS_GEOGRAPHIES_1920.csv")
    assert run.rows_read == 6720


def test_single_year_of_age_regions_file(registry_2019):
    ok(registry_2019 / "patients-registered-2026-08/gp-reg-pat-prac-map.csv")
    run = ok(registry_2019 / "patients-registered-2026-08/gp-reg-pat-prac-sing-age-regions.csv.gz")
    assert run.rows_read == 282_253
    england = ListSize.objects.filter(organisation__kind="region", sex="ALL", age="ALL")
    assert england.count() == 7


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("qof-2018-19/INDICATOR_MAPPINGS_1819_v2.csv", 77),
        ("qof-2018-19/ORGANISATION_REFERENCE_1819_v2.csv", 6873),
        ("qof-2020-21/MAPPING_INDICATORS_2021_v2.csv", 68),
        ("qof-2020-21/ORGANISATION_REFERENCE_2021.csv", 6571),
        ("qof-2020-21/PRACTICE_VALIDATION_OUTCOMES_2021.csv", 209),
    ],
)
def test_qof_reference_files_import(registry_2019, name, rows):
    assert ok(registry_2019 / name).rows_read == rows


def test_every_national_file_is_a_kind_pcn_hub_imports(nhs_data):
    from imports.kinds import recognised

    files = [p for p in nhs_data.rglob("*") if p.is_file() and p.name != "README.md"]
    assert files and [p.name for p in files if not recognised(p)] == []


def test_national_loader_lists_every_file(nhs_data):
    from imports.national import national_files

    files = {p for p in nhs_data.rglob("*") if p.is_file() and p.suffix != ".md"}
    # ePCN sheets also come as CSV exports of the same workbook; the loader takes the workbook.
    exports = {p for p in files if p.name.startswith("pcn_") and p.suffix == ".csv"}
    listed = national_files(nhs_data)
    assert {p for p in listed if nhs_data in p.parents} == files - exports
    beside = sorted((nhs_data.parent / "payments-to-gp-populations").glob("*.csv"))
    assert [p for p in listed if nhs_data not in p.parents] == beside
