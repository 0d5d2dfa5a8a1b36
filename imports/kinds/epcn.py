"""ODS ePCN: PCNs and their core partner practices (facts.md 6.2).

The workbook `ePCN.xlsx` has a PCN details sheet and a core partner sheet; ODS users also
export each sheet to CSV, so each sheet imports on its own too. Headers name CCGs up to 2022
and sub-ICB locations after; both are commissioners, the era goes into the label. Partner rows
are dated by ODS (start and end), so memberships are taken as dated; a PCN's commissioner is
a snapshot as at the file's latest date.
"""

import polars as pl

from imports.batch import RegistryBatch
from imports.problems import Problems
from imports.source import (
    ADDRESS,
    SourceFile,
    check_pattern,
    era_of,
    header_names,
    match_columns,
    normalise_header,
    parse_dates,
    read_csv,
    read_xlsx_sheet,
)

DETAILS = {
    "pcn_code": ("PCN Code",),
    "pcn_name": ("PCN Name",),
    "commissioner": (
        "Current Clinical Commissioning Group Code",
        "Current CCG Code",
        "Current Sub ICB Loc Code",
        "Current Sub ICB Location Code",
    ),
    "commissioner_name": (
        "Clinical Commissioning Group Name",
        "CCG Name",
        "Sub ICB Location",
        "Sub ICB Loc Name",
        "Sub ICB Location Name",
    ),
    "open_date": ("Open Date", "Open Date (YYYYMMDD)"),
    "close_date": ("Close Date", "Close Date (YYYYMMDD)"),
    **{f"address_{i}": (f"Address Line {i}",) for i in range(1, 6)},
    "postcode": ("Postcode",),
}
PARTNERS = {
    "practice": ("Partner Organisation Code",),
    "practice_name": ("Partner Name",),
    "practice_commissioner": (
        "Practice Parent CCG Code",
        "Practice Parent Sub ICB Loc Code",
        "Practice Parent Sub ICB Location Code",
    ),
    "practice_commissioner_name": (
        "Practice Parent CCG Name",
        "Practice Parent Sub ICB Loc Name",
        "Practice Parent Sub ICB Location Name",
    ),
    "pcn_code": ("PCN Code",),
    "pcn_name": ("PCN Name",),
    "commissioner": (
        "PCN Parent CCG Code",
        "PCN Parent Sub ICB Loc Code",
        "PCN Parent Sub ICB Location Code",
    ),
    "commissioner_name": (
        "PCN Parent CCG Name",
        "PCN Parent Sub ICB Loc Name",
        "PCN Parent Sub ICB Location Name",
    ),
    "start": ("Practice to PCN Relationship Start Date",),
    "end": ("Practice to PCN Relationship End Date",),
    "match": (
        "Practice CCG and PCN CCG match?",
        "Practice CCG and PCN CCG Match",
        "Practice Sub ICB Loc and PCN Sub ICB Loc Match",
        "Practice Sub ICB and PCN Sub ICB Match?",
    ),
}
SHEETS = {"details": ("PCN Details", "PCNDetails"), "partners": ("PCN Core Partner Details",)}


def _header_kind(source: SourceFile) -> str | None:
    names = header_names(source)
    if normalise_header("Partner Organisation Code") in names:
        return "partners"
    opened = {normalise_header(a) for a in DETAILS["open_date"]}
    if normalise_header("PCN Code") in names and opened & names:
        return "details"
    return None


def _text_dates(frame: pl.DataFrame, columns) -> pl.DataFrame:
    """Excel may hold YYYYMMDD dates as numbers: 20191001.0 reads back as text with '.0'."""
    return frame.with_columns(pl.col(c).str.replace(r"\.0$", "") for c in columns)


def _details(frame: pl.DataFrame, problems: Problems, era: str):
    frame = match_columns(frame, problems, required=DETAILS)
    if frame is None:
        return None
    frame = _text_dates(frame, ["open_date", "close_date"])
    check_pattern(frame, problems, "pcn_code", "pcn")
    check_pattern(frame, problems, "commissioner", "commissioner")
    frame = parse_dates(frame, problems, "open_date", "%Y%m%d", required=True)
    frame = parse_dates(frame, problems, "close_date", "%Y%m%d")
    problems.add_rows(frame.filter(pl.col("pcn_code").is_duplicated()), "pcn_code", "each PCN once")
    if problems.total:
        return None
    pcns = frame.select(
        code="pcn_code",
        kind=pl.lit("pcn"),
        name="pcn_name",
        address=ADDRESS,
        postcode="postcode",
        open_date="open_date",
        close_date="close_date",
        status=pl.when(pl.col("close_date").is_null())
        .then(pl.lit("active"))
        .otherwise(pl.lit("closed")),
    )
    commissioners = frame.select(
        code="commissioner",
        kind=pl.lit("commissioner"),
        name="commissioner_name",
        era_label=pl.lit(era),
    ).unique("code")
    links = frame.select(
        child="pcn_code",
        parent="commissioner",
        rel_type=pl.lit("pcn_commissioner"),
        valid_from="open_date",
    )
    period = frame.select(pl.max_horizontal("open_date", "close_date").max()).item()
    return [pcns, commissioners], links, period


def _partners(frame: pl.DataFrame, problems: Problems, era: str):
    frame = match_columns(frame, problems, required=PARTNERS)
    if frame is None:
        return None
    frame = _text_dates(frame, ["start", "end"])
    check_pattern(frame, problems, "practice", "practice")
    check_pattern(frame, problems, "pcn_code", "pcn")
    check_pattern(frame, problems, "commissioner", "commissioner")
    check_pattern(frame, problems, "practice_commissioner", "commissioner")
    frame = parse_dates(frame, problems, "start", "%Y%m%d", required=True)
    frame = parse_dates(frame, problems, "end", "%Y%m%d")
    backwards = frame.filter(pl.col("end") < pl.col("start"))
    problems.add_rows(backwards, "end", "a date after the start")
    duplicated = frame.filter(pl.struct("practice", "pcn_code", "start").is_duplicated())
    problems.add_rows(duplicated, "practice", "one row per practice, PCN and start")
    if problems.total:
        return None
    practices = frame.select(code="practice", kind=pl.lit("practice"), name="practice_name")
    pcns = frame.select(code="pcn_code", kind=pl.lit("pcn"), name="pcn_name")
    commissioners = pl.concat(
        [
            frame.select(code="commissioner", name="commissioner_name"),
            frame.select(code="practice_commissioner", name="practice_commissioner_name"),
        ]
    ).with_columns(kind=pl.lit("commissioner"), era_label=pl.lit(era))
    memberships = frame.select(
        child="practice",
        parent="pcn_code",
        rel_type=pl.lit("practice_pcn"),
        valid_from="start",
        valid_to="end",
    )
    period = frame.select(pl.max_horizontal("start", "end").max()).item()
    orgs = [practices.unique("code", keep="last"), pcns.unique("code", keep="last")]
    return [*orgs, commissioners.unique("code", keep="last")], memberships, period


def _batch(kind, source, parts, rows_read) -> RegistryBatch:
    org_frames, dated, snapshot, periods = [], None, None, []
    for name, (orgs, links, period) in parts.items():
        org_frames.extend(orgs)
        periods.append(period)
        if name == "partners":
            dated = links
        else:
            snapshot = links
    organisations = pl.concat(org_frames, how="diagonal").unique("code", keep="first")
    return RegistryBatch(
        kind=kind,
        layout="sub-ICB era"
        if (organisations["era_label"] == "sub-ICB location").any()
        else "CCG era",
        period=max(p for p in periods if p is not None),
        rows_read=rows_read,
        organisations=organisations,
        dated_links=dated,
        snapshot_links=snapshot,
        as_of=max(p for p in periods if p is not None),
    )


PARSERS = {"details": _details, "partners": _partners}


class Workbook:
    KIND = "epcn"
    LABEL = "ODS ePCN workbook (ePCN.xlsx)"

    @staticmethod
    def detect(source: SourceFile) -> bool:
        return source.is_xlsx and b"PCN Core Partner Details" in _sheet_names(source)

    @staticmethod
    def parse(source: SourceFile, problems: Problems) -> RegistryBatch | None:
        import fastexcel

        names = fastexcel.read_excel(source.data).sheet_names
        parts, rows_read = {}, 0
        for part, candidates in SHEETS.items():
            sheet = next((n for n in names if n in candidates), None)
            if sheet is None:
                problems.add(None, None, ", ".join(names), f"a sheet named {candidates[0]}")
                continue
            frame = read_xlsx_sheet(source, sheet)
            rows_read += frame.height
            sheet_problems = Problems(f"{source.name} [{sheet}]")
            parsed = PARSERS[part](frame, sheet_problems, era_of(frame.columns).commissioner)
            problems.items.extend(sheet_problems.items)
            problems.total += sheet_problems.total
            if parsed:
                parts[part] = parsed
        if problems.total:
            return None
        return _batch(Workbook.KIND, source, parts, rows_read)


def _sheet_names(source: SourceFile) -> bytes:
    """Sheet names live in xl/workbook.xml; enough to recognise the workbook without parsing."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
            return archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError):
        return b""


class _CsvSheet:
    PART = ""

    @classmethod
    def detect(cls, source: SourceFile) -> bool:
        return not source.is_xlsx and _header_kind(source) == cls.PART

    @classmethod
    def parse(cls, source: SourceFile, problems: Problems) -> RegistryBatch | None:
        frame = read_csv(source, problems)
        if frame is None:
            return None
        parsed = PARSERS[cls.PART](frame, problems, era_of(frame.columns).commissioner)
        if parsed is None:
            return None
        return _batch(cls.KIND, source, {cls.PART: parsed}, frame.height)


class DetailsCsv(_CsvSheet):
    KIND = "epcn-details"
    LABEL = "ODS ePCN PCN details (CSV export)"
    PART = "details"


class PartnersCsv(_CsvSheet):
    KIND = "epcn-partners"
    LABEL = "ODS ePCN core partner details (CSV export)"
    PART = "partners"
