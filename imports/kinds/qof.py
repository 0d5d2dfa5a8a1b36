"""NHS Digital QOF files (facts.md 6.4): prevalence registers, the geography map, and the
reference tables (indicators, practices' maximum points, validation outcomes).

The QOF year comes from the file name (PREVALENCE_1920 → 2019/20); the dates the figures
describe come from the source catalogue: list sizes at 1 January of the QOF year, geography
at its end.
"""

import polars as pl

from imports.batch import RegistryBatch
from imports.catalogue import qof_date, qof_year_from_name
from imports.kinds import geography
from imports.kinds.base import HeaderedCsv
from imports.problems import Problems
from imports.source import SourceFile, check_pattern, check_unique, era_of, parse_counts


class QofCsv(HeaderedCsv):
    """Reads the QOF year from the file name, checks the rows, then builds the batch."""

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        year = qof_year_from_name(source.name)
        if year is None:
            problems.add(None, None, source.name, "a QOF file name with its year, e.g. _1920")
        read = cls.read(source, problems)
        if read is None or year is None:
            return None
        raw, frame = read
        frame = cls.check(frame, problems)
        if problems.total:
            return None
        return cls.batch(raw, frame, year)

    @classmethod
    def check(cls, frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
        return frame

    @classmethod
    def batch(cls, raw: pl.DataFrame, frame: pl.DataFrame, year: str) -> RegistryBatch:
        raise NotImplementedError


class Prevalence(QofCsv):
    KIND = "qof-prevalence"
    LABEL = "QOF prevalence (PREVALENCE_yyyy.csv)"
    SIGNATURE = {"REGISTER", "PATIENT_LIST_TYPE"}
    REQUIRED = {
        "code": ("PRACTICE_CODE",),
        "group_code": ("GROUP_CODE", "INDICATOR_GROUP_CODE"),
        "register": ("REGISTER",),
        "list_type": ("PATIENT_LIST_TYPE",),
        "list_size": ("PATIENT_LIST_SIZE", "PRACTICE_LIST_SIZE"),
    }

    @classmethod
    def check(cls, frame, problems):
        check_pattern(frame, problems, "code", "practice")
        frame = parse_counts(frame, problems, "register", blank_ok=True)
        frame = parse_counts(frame, problems, "list_size")
        check_unique(frame, problems, ["code", "group_code"], "practice and disease group")
        return frame

    @classmethod
    def batch(cls, raw, frame, year):
        day = qof_date(year, "list_size_date")
        totals = frame.filter(pl.col("list_type") == "TOTAL").unique("code", keep="first")
        return RegistryBatch(
            kind=cls.KIND,
            layout=year,
            period=day,
            rows_read=frame.height,
            registers=frame.select(
                "code", "group_code", "register", "list_type", "list_size", qof_year=pl.lit(year)
            ),
            list_sizes=totals.select(
                "code",
                extract_date=pl.lit(day),
                measure=pl.lit("qof"),
                sex=pl.lit("ALL"),
                age=pl.lit("ALL"),
                patients="list_size",
            ),
        )


class GeographyMapping(QofCsv):
    KIND = "qof-geography"
    LABEL = "QOF geography mapping (MAPPING_NHS_GEOGRAPHIES_yyyy.csv)"
    SIGNATURE = {"PCN_ODS_CODE", "REGION_ODS_CODE"}
    REQUIRED = {
        "region": ("REGION_ODS_CODE",),
        "region_ons": ("REGION_ONS_CODE",),
        "region_name": ("REGION_NAME",),
        "ics": ("STP_ODS_CODE", "ICB_ODS_CODE"),
        "ics_ons": ("STP_ONS_CODE", "ICB_ONS_CODE"),
        "ics_name": ("STP_NAME", "ICB_NAME"),
        "commissioner": ("CCG_ODS_CODE", "SUB_ICB_LOC_ODS_CODE"),
        "commissioner_ons": ("CCG_ONS_CODE", "SUB_ICB_LOC_ONS_CODE"),
        "commissioner_name": ("CCG_NAME", "SUB_ICB_LOC_NAME"),
        "pcn": ("PCN_ODS_CODE",),
        "pcn_name": ("PCN_NAME",),
        "practice": ("PRACTICE_CODE",),
        "practice_name": ("PRACTICE_NAME",),
    }
    OPTIONAL = {"nat_ons": ("NAT_ONS_CODE",), "nat": ("NAT_CODE",), "country": ("COUNTRY",)}

    @classmethod
    def check(cls, frame, problems):
        geography.check(frame, problems)
        return frame

    @classmethod
    def batch(cls, raw, frame, year):
        day = qof_date(year, "geography_date")
        return geography.batch(cls.KIND, frame, era_of(raw.columns), as_of=day, layout=year)


class _ReferenceCsv(QofCsv):
    """A QOF reference table kept as published: TABLE names its writer spec, COLUMNS the
    columns it keeps."""

    TABLE = ""
    COLUMNS: tuple[str, ...] = ()

    @classmethod
    def batch(cls, raw, frame, year):
        table = frame.select(*cls.COLUMNS, qof_year=pl.lit(year))
        return RegistryBatch(
            kind=cls.KIND,
            layout=year,
            period=qof_date(year, "list_size_date"),
            rows_read=frame.height,
            reference={cls.TABLE: table},
        )


class Indicators(_ReferenceCsv):
    KIND = "qof-indicators"
    LABEL = "QOF indicator mapping (INDICATOR_MAPPINGS_yyyy / MAPPING_INDICATORS_yyyy)"
    SIGNATURE = {"INDICATOR_CODE", "INDICATOR_POINT_VALUE"}
    # NHS Digital wrote the 2018-19 file in Windows-1252 (smart quotes, an en dash).
    FALLBACK_ENCODING = "cp1252"
    REQUIRED = {
        "code": ("INDICATOR_CODE",),
        "points": ("INDICATOR_POINT_VALUE",),
        "group_code": ("GROUP_CODE", "INDICATOR_GROUP_CODE"),
        "group_description": ("GROUP_DESCRIPTION", "INDICATOR_GROUP_DESCRIPTION"),
        "domain_code": ("DOMAIN_CODE",),
        "domain_description": ("DOMAIN_DESCRIPTION",),
        "list_type": ("PATIENT_LIST_TYPE",),
    }
    OPTIONAL = {"description": ("INDICATOR_DESCRIPTION",)}
    TABLE = "QOF indicators"
    COLUMNS = (*REQUIRED, "description")

    @classmethod
    def check(cls, frame, problems):
        frame = parse_counts(frame, problems, "points", of="points")
        check_unique(frame, problems, ["code"], "indicator")
        return frame.with_columns(pl.col("description").fill_null(""))


class MaximumPoints(_ReferenceCsv):
    KIND = "qof-organisation-reference"
    LABEL = "QOF organisation reference: maximum points (ORGANISATION_REFERENCE_yyyy)"
    SIGNATURE = {"PRACTICE_CODE", "REVISED_MAXIMUM_POINTS"}
    REQUIRED = {"code": ("PRACTICE_CODE",), "maximum_points": ("REVISED_MAXIMUM_POINTS",)}
    # The 2018-19 edition also repeats the practice's geography; PCN Hub takes that from the
    # geography files, so these columns are accepted and not kept.
    OPTIONAL = {
        name.lower(): (name,)
        for name in (
            "PRACTICE_NAME",
            "CCG_CODE",
            "CCG_ONS_CODE",
            "CCG_NAME",
            "STP_ONS_CODE",
            "STP_NAME",
            "REGIONAL_LOCAL_OFFICE_CODE",
            "REGIONAL_LOCAL_OFFICE_ONS_CODE",
            "REGIONAL_LOCAL_OFFICE_NAME",
            "REGION_CODE",
            "REGION_ONS_CODE",
            "REGION_NAME",
            "COUNTRY",
        )
    }
    TABLE = "QOF maximum points"
    COLUMNS = ("code", "maximum_points")

    @classmethod
    def check(cls, frame, problems):
        check_pattern(frame, problems, "code", "practice")
        check_unique(frame, problems, ["code"], "practice")
        return parse_counts(frame, problems, "maximum_points", blank_ok=True, of="points")


class ValidationOutcomes(_ReferenceCsv):
    KIND = "qof-validation-outcomes"
    LABEL = "QOF practice validation outcomes (PRACTICE_VALIDATION_OUTCOMES_yyyy)"
    SIGNATURE = {"PRACTICE_CODE", "VALIDATION_RULE"}
    REQUIRED = {
        "code": ("PRACTICE_CODE",),
        "rule": ("VALIDATION_RULE",),
        "description": ("RULE_DESCRIPTION",),
    }
    TABLE = "QOF validation outcomes"
    COLUMNS = ("code", "rule", "description")

    @classmethod
    def check(cls, frame, problems):
        check_pattern(frame, problems, "code", "practice")
        check_unique(frame, problems, ["code", "rule"], "practice and rule")
        return frame
