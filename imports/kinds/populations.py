"""Weighted, adjusted and registered populations per practice or PCN and date, from CSV or
the first sheet of an .xlsx, into PopulationFigure (read by organisations.population).

Three layouts, each recognised from its header (names compared case- and spacing-
insensitively, as every kind does):

1. PCN Hub's plain layout (`populations`): `ODS code`, `Measure`, `Date`, `Value`, one
   figure a row. Measure is weighted, adjusted or registered (also "contractor weighted
   population", "weighted population", "PCN adjusted population", "adjusted population",
   "registered population", "registered patients"); the date is YYYY-MM-DD or DD/MM/YYYY
   (or 01JAN2020, as NHS Digital writes it). Also accepted: `Code`, `Organisation code`,
   `Practice or PCN code` for the code; `As at`, `As at date` for the date; `Population`
   for the value; `Name` and `Note` are read and not kept.
2. NHS Digital's "NHS Payments to General Practice" practice-level CSV
   (`payments-to-gp`): `Practice Code` and `Number of Weighted Patients (Last Known
   Figure)` (or `... (Average)`), one file per financial year named like
   nhspaymentsgp-19-20-*.csv. Its figures are the year's AVERAGE of the quarterly counts,
   not a count at a date (facts: shared/data/nhs/README.md section 6), so the weighted
   figure is stored at the LAST day of the financial year (31 March 2020 for 19-20): the
   population rule never uses it for an earlier date. Its registered column, an average
   too, is not imported. The run's notes say both. The identifying columns (region, CCG or
   sub-ICB location, PCN, name, postcode, contract type) are read and not kept: the
   registry comes from ODS.
3. NHS England's population tables as in the Network Contract DES funding calculators
   (`des-populations`): `Practice Code` and/or `PCN Code`; at least one of `Adjusted
   Population` (or `PCN Adjusted Population`), `Contractor Weighted Population` (or
   `Weighted Population`, `CWP`), `Registered Population` (or `Registered Patients`,
   `Registered List`); and the date in a column named `Date`, `As at`, `As at date`,
   `Population date` or `Reference date`. A row's figures are its practice's when it names
   one, else its PCN's; a blank cell is no figure. `Practice Name`, `PCN Name`, `CCG
   Code`, `Sub ICB Location Code`, `ICB Code`, `STP Code`, `Region Code` and their names
   are read and not kept.

Values are numbers of patients, zero or more, kept to the hundredth (a longer fraction is
rounded half up, and the notes say how many). The whole file is refused, nothing written,
for a non-numeric or negative value, a measure not known, a date not readable or after
today, an ODS code that is not a practice or PCN in the registry, or two values for the same
organisation, measure and date.
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import polars as pl
from django.utils import timezone

from imports.batch import RegistryBatch
from imports.problems import Problems
from imports.source import SourceFile, check_pattern, normalise_header, parse_extract_date
from imports.source import read_table as _read_table

HUNDREDTH = Decimal("0.01")
EXCEL_EPOCH = date(1899, 12, 30)
LARGEST = Decimal("9999999999.99")  # PopulationFigure.value: 12 digits, 2 after the point

MEASURE_WORDS = {
    "weighted": "weighted",
    "weighted population": "weighted",
    "contractor weighted population": "weighted",
    "contractor weighted": "weighted",
    "cwp": "weighted",
    "adjusted": "adjusted",
    "adjusted population": "adjusted",
    "pcn adjusted population": "adjusted",
    "pcn adjusted": "adjusted",
    "registered": "registered",
    "registered population": "registered",
    "registered patients": "registered",
    "registered list": "registered",
}
MEASURES_EXPECTED = "weighted, adjusted or registered (or e.g. contractor weighted population)"
DATE_EXPECTED = "a date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2020-01-01 or 01/01/2020"
VALUE_EXPECTED = "a number of patients, zero or more, e.g. 8292.59"


def _names(*aliases: str) -> set[str]:
    return {normalise_header(a) for a in aliases}


def header_of(source: SourceFile) -> set[str]:
    """The normalised header of a CSV, or of an .xlsx workbook's first sheet."""
    if not source.is_xlsx:
        from imports.source import header_names

        return header_names(source)
    import fastexcel

    try:
        sheet = fastexcel.read_excel(source.data).load_sheet(0, n_rows=0)
        return {normalise_header(c.name) for c in sheet.available_columns()}
    except Exception:  # an unreadable workbook is simply not this kind
        return set()


def canonical_measure(word: str | None) -> str | None:
    return MEASURE_WORDS.get(" ".join((word or "").lower().split()))


def parse_day(value: str | None) -> date | None:
    """ISO, DD/MM/YYYY or NHS Digital's 01JAN2020; a spreadsheet date cell reads as
    '2020-01-01 00:00:00'."""
    if not value:
        return None
    return parse_extract_date(re.sub(r"[ T]00:00(:00)?(\.0+)?$", "", value.strip()))


def parse_value(value: str | None) -> Decimal | None:
    """A non-negative number (thousands commas allowed), or None when it is not one."""
    try:
        number = Decimal((value or "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and 0 <= number <= LARGEST else None


def _report(problems: Problems, bad: pl.DataFrame, column: str, expected: str) -> None:
    """Report rows under the file's own column: where a layout spreads one of our columns
    over several of its own, `<column>_from` names which one each row came from."""
    source = f"{column}_from"
    if source not in bad.columns:
        problems.add_rows(bad, column, expected)
        return
    for theirs in bad[source].unique(maintain_order=True).to_list():
        problems.add_rows(bad.filter(pl.col(source) == theirs), theirs, expected, column)


class _PopulationFile:
    KIND = LABEL = ""
    REQUIRED: dict[str, tuple[str, ...]] = {}
    OPTIONAL: dict[str, tuple[str, ...]] = {}
    # A national publication may list organisations the registry does not hold as practices;
    # such rows are set aside with a note rather than refusing the file.
    SET_ASIDE_UNKNOWN = False

    @classmethod
    def read(cls, source: SourceFile, problems: Problems) -> pl.DataFrame | None:
        frame = _read_table(source, problems, required=cls.REQUIRED, optional=cls.OPTIONAL)
        if frame is None or not source.is_xlsx or "as_at" not in frame.columns:
            return frame
        # A date cell of a workbook read as text is its serial number (days from 1899-12-30).
        serial = pl.col("as_at").str.extract(r"^(\d{5})(\.0+)?$").cast(pl.Int64)
        excel = (pl.lit(EXCEL_EPOCH) + pl.duration(days=serial)).dt.strftime("%Y-%m-%d")
        return frame.with_columns(as_at=pl.coalesce(excel, pl.col("as_at")))

    @classmethod
    def finish(
        cls,
        frame: pl.DataFrame,
        problems: Problems,
        *,
        layout: str,
        rows_read: int,
        notes: list[str],
        period: date | None = None,
    ) -> RegistryBatch | None:
        """Check long rows (__row, code, measure, as_at as text or date, value as text) and
        build the batch: the checks every layout shares."""
        from organisations.models import Organisation, OrgKind

        frame = frame.with_columns(pl.col("code").str.to_uppercase())
        codes = frame["code"].drop_nulls().unique().to_list()
        known = set(
            Organisation.objects.filter(
                code__in=codes, kind__in=[OrgKind.PRACTICE, OrgKind.PCN]
            ).values_list("code", flat=True)
        )
        is_known = pl.col("code").is_in(list(known)).fill_null(False)
        unknown = frame.filter(~is_known)
        if cls.SET_ASIDE_UNKNOWN and unknown.height:
            check_pattern(unknown, problems, "code", "any")
            frame = frame.filter(is_known)
            shown = ", ".join(unknown["code"].drop_nulls().sort().head(10).to_list())
            notes = [
                *notes,
                f"{unknown.height} row(s) name organisations that are not practices or PCNs in "
                f"the registry and were set aside ({shown}); NHS Digital pays some walk-in "
                "and out-of-hours centres, which ODS lists under another prescribing setting.",
            ]
        else:
            _report(problems, unknown, "code", "the ODS code of a practice or PCN in the registry")
        measures = frame["measure"].map_elements(canonical_measure, return_dtype=pl.String)
        problems.add_rows(frame.filter(measures.is_null()), "measure", MEASURES_EXPECTED)
        if frame.schema["as_at"] == pl.String:
            days = frame["as_at"].map_elements(parse_day, return_dtype=pl.Date)
            problems.add_rows(frame.filter(days.is_null()), "as_at", DATE_EXPECTED)
        else:
            days = frame["as_at"]
        today = timezone.localdate()
        future = frame.filter((days > today).fill_null(False))
        problems.add_rows(future, "as_at", f"a date on or before today ({today:%Y-%m-%d})")
        values = [parse_value(v) for v in frame["value"].to_list()]
        bad = frame.filter(pl.Series([v is None for v in values], dtype=pl.Boolean))
        _report(problems, bad, "value", VALUE_EXPECTED)
        frame = frame.with_columns(measure=measures, as_at=days)
        twice = frame.filter(pl.struct("code", "measure", "as_at").is_duplicated())
        _report(problems, twice, "code", "one value per organisation, measure and date")
        if problems.total:
            return None
        rounded = [v.quantize(HUNDREDTH, rounding=ROUND_HALF_UP) for v in values]
        fractions = sum(1 for v, r in zip(values, rounded, strict=True) if v != r)
        if fractions:
            notes = [*notes, f"{fractions} value(s) rounded to the hundredth."]
        figures = frame.select("code", "measure", "as_at").with_columns(
            value=pl.Series([str(r) for r in rounded], dtype=pl.String)
        )
        return RegistryBatch(
            kind=cls.KIND,
            layout=layout,
            period=period or (max(figures["as_at"].to_list()) if figures.height else None),
            rows_read=rows_read,
            skipped=rows_read - frame["__row"].n_unique(),
            notes=notes,
            populations=figures,
        )


class Plain(_PopulationFile):
    KIND = "populations"
    LABEL = "Populations: ODS code, measure, date, value (PCN Hub's layout)"
    REQUIRED = {
        "code": ("ODS code", "Code", "Organisation code", "Practice or PCN code"),
        "measure": ("Measure",),
        "as_at": ("Date", "As at", "As at date"),
        "value": ("Value", "Population"),
    }
    OPTIONAL = {"name": ("Name", "Organisation name"), "note": ("Note", "Notes")}

    @classmethod
    def detect(cls, source: SourceFile) -> bool:
        names = header_of(source)
        return all(names & _names(*aliases) for aliases in cls.REQUIRED.values())

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        frame = cls.read(source, problems)
        if frame is None:
            return None
        return cls.finish(
            frame.select("__row", "code", "measure", "as_at", "value"),
            problems,
            layout="ODS code, measure, date, value",
            rows_read=frame.height,
            notes=[],
        )


WEIGHTED_AVERAGE = (
    "Number of Weighted Patients (Last Known Figure)",
    "Number of Weighted Patients (Average)",
    "Number of Weighted Patients",
)
REGISTERED_AVERAGE = (
    "Number of Registered Patients (Last Known Figure)",
    "Number of Registered Patients (Average)",
    "Number of Registered Patients",
)
FINANCIAL_YEAR = re.compile(r"(?<!\d)(\d{2})-(\d{2})(?!\d)")


def financial_year_of(name: str) -> int | None:
    """The year a financial year starts in from a name like nhspaymentsgp-19-20-...csv."""
    for first, second in FINANCIAL_YEAR.findall(name):
        if (int(first) + 1) % 100 == int(second):
            return 2000 + int(first)
    return None


class PaymentsToGp(_PopulationFile):
    KIND = "payments-to-gp"
    LABEL = "NHS Payments to General Practice: weighted patients (year average)"
    SET_ASIDE_UNKNOWN = True
    REQUIRED = {"code": ("Practice Code",), "weighted": WEIGHTED_AVERAGE}
    OPTIONAL = {
        "registered": REGISTERED_AVERAGE,
        "region": ("NHS England (Region) code", "NHS England Region code", "Region Code"),
        "commissioner": ("CCG Code", "Sub ICB Location Code", "Sub ICB Loc Code"),
        "pcn": ("PCN Code",),
        "practice_name": ("Practice Name",),
        "postcode": ("Practice Postcode",),
        "contract_type": ("Contract Type",),
    }

    @classmethod
    def detect(cls, source: SourceFile) -> bool:
        names = header_of(source)
        return normalise_header("Practice Code") in names and bool(
            names & _names(*WEIGHTED_AVERAGE)
        )

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        start = financial_year_of(source.name)
        if start is None:
            problems.add(
                None,
                None,
                source.name,
                "a file name with its financial year, e.g. nhspaymentsgp-19-20-populations.csv",
            )
        frame = cls.read(source, problems)
        if frame is None or start is None:
            return None
        year = f"{start}-{(start + 1) % 100:02d}"
        year_end = date(start + 1, 3, 31)
        long = frame.select(
            "__row",
            "code",
            measure=pl.lit("weighted"),
            as_at=pl.lit(year_end),
            value="weighted",
            value_from=pl.lit("weighted"),
        )
        problems.labels["as_at"] = "(the year in the file name)"
        notes = [
            f"Weighted patients are the average over {year}, NHS Payments to General Practice "
            f"(NHS Digital), not a count at a date: stored at {year_end:%-d %B %Y}, the end of "
            "the year, so they are never used for an earlier date.",
            "The file's registered patients (a year average, not a list at a date) were not "
            "imported; registered lists come from NHS Digital's extracts.",
        ]
        return cls.finish(
            long,
            problems,
            layout=f"{year} year average",
            rows_read=frame.height,
            notes=notes,
            period=year_end,
        )


DES_MEASURES = {
    "adjusted": ("Adjusted Population", "PCN Adjusted Population"),
    "weighted": ("Contractor Weighted Population", "Weighted Population", "CWP"),
    "registered": ("Registered Population", "Registered Patients", "Registered List"),
}
DES_DATE = ("Date", "As at", "As at date", "Population date", "Reference date")


class DesPopulations(_PopulationFile):
    KIND = "des-populations"
    LABEL = "NHS England PCN adjusted / contractor weighted populations (DES calculators)"
    REQUIRED = {"as_at": DES_DATE}
    OPTIONAL = {
        "practice": ("Practice Code", "Practice ODS Code"),
        "pcn": ("PCN Code", "PCN ODS Code"),
        **DES_MEASURES,
        **{
            name.lower().replace(" ", "_"): (name,)
            for name in (
                "Practice Name",
                "PCN Name",
                "CCG Code",
                "CCG Name",
                "Sub ICB Location Code",
                "Sub ICB Location Name",
                "ICB Code",
                "ICB Name",
                "STP Code",
                "STP Name",
                "Region Code",
                "Region Name",
            )
        },
    }

    @classmethod
    def detect(cls, source: SourceFile) -> bool:
        names = header_of(source)
        coded = names & _names("Practice Code", "Practice ODS Code", "PCN Code", "PCN ODS Code")
        measured = names & _names(*(a for aliases in DES_MEASURES.values() for a in aliases))
        return bool(coded and measured and names & _names(*DES_DATE))

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        frame = cls.read(source, problems)
        if frame is None:
            return None
        held = [m for m in DES_MEASURES if frame[m].is_not_null().any()]
        frame = frame.with_columns(
            code=pl.coalesce("practice", "pcn"),
            code_from=pl.when(pl.col("practice").is_null())
            .then(pl.lit("pcn"))
            .otherwise(pl.lit("practice")),
        )
        problems.add_rows(
            frame.filter(pl.col("code").is_null()), "practice", "a practice code or a PCN code"
        )
        parts = [
            frame.filter(pl.col(m).is_not_null()).select(
                "__row",
                "code",
                "code_from",
                measure=pl.lit(m),
                as_at="as_at",
                value=m,
                value_from=pl.lit(m),
            )
            for m in held
        ]
        if not parts:
            problems.add(None, None, None, "at least one population figure")
            return None
        long = pl.concat(parts).drop_nulls("code")
        return cls.finish(
            long,
            problems,
            layout="DES population table",
            rows_read=frame.height,
            notes=[],
        )
