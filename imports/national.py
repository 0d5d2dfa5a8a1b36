"""Every national NHS file in ../shared/data/nhs, in the order they import, then the NHS
Payments to General Practice population files staged beside that folder, where present.

The first ODS files create the practices; after that, oldest period first, since snapshot
files apply in time order (a snapshot older than what the registry holds is set aside). The
payments files come last, once every practice they name is in the registry."""

from pathlib import Path

NATIONAL_FILES = [
    "ods-epraccur-2019-11/epraccur.csv",
    "ods-epcn-2019-12/ePCN.xlsx",
    "qof-2018-19/PREVALENCE_1819_v2.csv",
    "qof-2018-19/INDICATOR_MAPPINGS_1819_v2.csv",
    "qof-2018-19/ORGANISATION_REFERENCE_1819_v2.csv",
    "qof-2019-20/PREVALENCE_1920.csv",
    "qof-2019-20/MAPPING_NHS_GEOGRAPHIES_1920.csv",
    "patients-registered-2020-09/gp-reg-pat-prac-map.csv",
    "patients-registered-2021-01/gp-reg-pat-prac-all.csv",
    "qof-2020-21/PREVALENCE_2021_v2.csv",
    "qof-2020-21/MAPPING_INDICATORS_2021_v2.csv",
    "qof-2020-21/ORGANISATION_REFERENCE_2021.csv",
    "qof-2020-21/PRACTICE_VALIDATION_OUTCOMES_2021.csv",
    "qof-2020-21/MAPPING_NHS_GEOGRAPHIES_2021.csv",
    "patients-registered-2022-01/gp-reg-pat-prac-map.csv",
    "ods-epcn-2022-05/ePCN.xlsx",
    "ods-epraccur-2022-12/epraccur.csv",
    "ods-epcn-2023-01/ePCN.xlsx",
    "patients-registered-2025-04/gp-reg-pat-prac-all.csv",
    "ods-epraccur-2025-09/epraccur.csv",
    "ods-epraccur-2026-06/epraccur.csv",
    "patients-registered-2026-08/gp-reg-pat-prac-map.csv",
    "patients-registered-2026-08/gp-reg-pat-prac-sing-age-regions.csv.gz",
]


# Weighted populations, each the average over its financial year (imports.kinds.populations).
POPULATION_DIR = "payments-to-gp-populations"
POPULATION_FILES = [
    f"nhspaymentsgp-{year}-populations.csv" for year in ("19-20", "20-21", "21-22", "22-23")
]


def national_files(data_dir: Path) -> list[Path]:
    beside = Path(data_dir).parent / POPULATION_DIR
    populations = [beside / name for name in POPULATION_FILES if (beside / name).is_file()]
    return [Path(data_dir) / name for name in NATIONAL_FILES] + populations
