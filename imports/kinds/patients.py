"""NHS Digital "Patients Registered at a GP Practice" (facts.md 6.3).

Practice totals (`gp-reg-pat-prac-all`), five-year bands (`-quin-age`), single years of age
(`-sing-age-*`, practice or regional variants) become list-size snapshots on the file's
EXTRACT_DATE. The map file (`-map`) places each practice in its PCN, commissioner, STP/ICS and
region on that date. Columns are matched by name: the CCG-era and sub-ICB-era layouts differ
in the commissioner columns only.
"""

import polars as pl

from imports.batch import RegistryBatch
from imports.kinds import geography
from imports.kinds.base import HeaderedCsv
from imports.problems import Problems
from imports.source import (
    SourceFile,
    check_pattern,
    check_unique,
    era_of,
    latest_date,
    no_later_than,
    parse_counts,
    parse_extract_date,
)

COMMISSIONER = ("CCG_CODE", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOC_CODE")
COMMISSIONER_ONS = ("ONS_CCG_CODE", "ONS_SUB_ICB_LOCATION_CODE", "ONS_SUB_ICB_LOC_CODE")
SEXES = ("ALL", "MALE", "FEMALE")


def _extract_date(frame: pl.DataFrame, problems: Problems):
    """One file, one extract date: every row must carry the same, parseable date."""
    values = frame["extract_date"].unique().to_list()
    parsed = {v: parse_extract_date(v) for v in values}
    latest = latest_date()
    for value, day in parsed.items():
        same = pl.col("extract_date") == value if value else pl.col("extract_date").is_null()
        if day is None:
            problems.add_rows(frame.filter(same), "extract_date", "a date like 01JAN2021")
        elif day > latest:
            problems.add_rows(frame.filter(same), "extract_date", no_later_than(latest))
    days = {d for d in parsed.values() if d}
    if len(days) > 1:
        problems.add(None, "extract_date", ", ".join(map(str, sorted(days))), "one extract date")
    return days.pop() if len(days) == 1 else None


def _sizes(frame, problems, *, age_column, ages_expected: str) -> pl.DataFrame:
    frame = parse_counts(frame, problems, "patients")
    bad_sex = frame.filter(~pl.col("sex").is_in(SEXES).fill_null(False))
    problems.add_rows(bad_sex, "sex", "ALL, MALE or FEMALE")
    bad_age = frame.filter(pl.col(age_column).is_null())
    problems.add_rows(bad_age, age_column, ages_expected)
    return frame


class _ListSizeFile(HeaderedCsv):
    """Shared reading for files whose rows are (organisation, sex, age, patients)."""

    AGE = "age"
    AGES = "an age"
    CODES = "any"  # which ODS code pattern the organisation column must match
    ALLOW = ("U",)  # NHS Digital's aggregate of practices in no PCN
    LAYOUT = ""

    @classmethod
    def rows(cls, frame: pl.DataFrame) -> pl.DataFrame:
        return frame

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        read = cls.read(source, problems)
        if read is None:
            return None
        raw, frame = read
        day = _extract_date(frame, problems)
        kept = cls.rows(frame)
        check_pattern(kept, problems, "code", cls.CODES, allow=cls.ALLOW)
        kept = _sizes(kept, problems, age_column=cls.AGE, ages_expected=cls.AGES)
        check_unique(kept, problems, ["code", "sex", cls.AGE], "organisation, sex and age")
        if problems.total:
            return None
        sizes = kept.select(
            "code",
            extract_date=pl.lit(day),
            measure=pl.lit("registered"),
            sex="sex",
            age=pl.col(cls.AGE).str.replace("-", "_"),
            patients="patients",
        )
        skipped = frame.height - kept.height
        return RegistryBatch(
            kind=cls.KIND,
            layout=cls.layout(raw.columns, frame),
            period=day,
            rows_read=frame.height,
            skipped=skipped,
            notes=[f"{skipped} row(s) for organisation types not held were skipped."]
            if skipped
            else [],
            list_sizes=sizes,
        )

    @classmethod
    def layout(cls, columns: list[str], frame: pl.DataFrame) -> str:
        return cls.LAYOUT


class PracticeTotals(_ListSizeFile):
    KIND = "gp-reg-pat-prac-all"
    LABEL = "NHS Digital patients registered: practice totals (gp-reg-pat-prac-all)"
    CODES = "practice"
    ALLOW = ()
    SIGNATURE = {"TYPE", "CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"}
    REQUIRED = {
        "publication": ("PUBLICATION",),
        "extract_date": ("EXTRACT_DATE",),
        "type": ("TYPE",),
        "commissioner": COMMISSIONER,
        "commissioner_ons": COMMISSIONER_ONS,
        "code": ("CODE",),
        "postcode": ("POSTCODE",),
        "sex": ("SEX",),
        "age": ("AGE",),
        "patients": ("NUMBER_OF_PATIENTS",),
    }

    @classmethod
    def rows(cls, frame):
        return frame.filter(pl.col("type") == "GP")

    @classmethod
    def layout(cls, columns, frame):
        return era_of(columns).layout


class QuinaryAge(_ListSizeFile):
    KIND = "gp-reg-pat-prac-quin-age"
    LABEL = "NHS Digital patients registered: five-year age bands (gp-reg-pat-prac-quin-age)"
    SIGNATURE = {"ORG_TYPE", "ORG_CODE", "AGE_GROUP_5"}
    REQUIRED = {
        "publication": ("PUBLICATION",),
        "extract_date": ("EXTRACT_DATE",),
        "org_type": ("ORG_TYPE",),
        "code": ("ORG_CODE",),
        "ons_code": ("ONS_CODE",),
        "sex": ("SEX",),
        "age_group": ("AGE_GROUP_5",),
        "patients": ("NUMBER_OF_PATIENTS",),
    }
    OPTIONAL = {"postcode": ("POSTCODE",)}
    AGE = "age_group"
    AGES = "a five-year band like 0_4, 95+ or ALL"
    LAYOUT = "five-year bands"


class SingleYearAge(_ListSizeFile):
    KIND = "gp-reg-pat-prac-sing-age"
    LABEL = "NHS Digital patients registered: single year of age (gp-reg-pat-prac-sing-age-*)"
    SIGNATURE = {"ORG_CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"}
    REQUIRED = {
        "extract_date": ("EXTRACT_DATE",),
        "code": ("ORG_CODE",),
        "sex": ("SEX",),
        "age": ("AGE",),
        "patients": ("NUMBER_OF_PATIENTS",),
    }
    OPTIONAL = {
        "publication": ("PUBLICATION",),
        "org_type": ("ORG_TYPE",),
        "ons_code": ("ONS_CODE",),
        "commissioner": COMMISSIONER,
        "commissioner_ons": COMMISSIONER_ONS,
        "postcode": ("POSTCODE",),
    }

    @classmethod
    def layout(cls, columns, frame):
        regional = frame["org_type"].drop_nulls().len() > 0
        return "regional (PCN and above)" if regional else "practice"


class PracticeMap(HeaderedCsv):
    KIND = "gp-reg-pat-prac-map"
    LABEL = "NHS Digital practice to PCN, commissioner, ICS and region map (gp-reg-pat-prac-map)"
    SIGNATURE = {"PRACTICE_CODE", "PCN_CODE", "COMM_REGION_CODE"}
    REQUIRED = {
        "publication": ("PUBLICATION",),
        "extract_date": ("EXTRACT_DATE",),
        "practice": ("PRACTICE_CODE",),
        "practice_name": ("PRACTICE_NAME",),
        "practice_postcode": ("PRACTICE_POSTCODE",),
        "pcn": ("PCN_CODE",),
        "pcn_name": ("PCN_NAME",),
        "commissioner_ons": COMMISSIONER_ONS,
        "commissioner": COMMISSIONER,
        "commissioner_name": ("CCG_NAME", "SUB_ICB_LOCATION_NAME", "SUB_ICB_LOC_NAME"),
        "ics_ons": ("ONS_STP_CODE", "ONS_ICB_CODE"),
        "ics": ("STP_CODE", "ICB_CODE"),
        "ics_name": ("STP_NAME", "ICB_NAME"),
        "region_ons": ("ONS_COMM_REGION_CODE",),
        "region": ("COMM_REGION_CODE",),
        "region_name": ("COMM_REGION_NAME",),
    }
    OPTIONAL = {"practice_supplier": ("SUPPLIER_NAME",)}

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        read = cls.read(source, problems)
        if read is None:
            return None
        raw, frame = read
        day = _extract_date(frame, problems)
        geography.check(frame, problems)
        if problems.total:
            return None
        era = era_of(raw.columns)
        return geography.batch(cls.KIND, frame, era, as_of=day, layout=era.layout)
