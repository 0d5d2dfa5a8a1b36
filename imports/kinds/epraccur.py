"""ODS epraccur: GP practices and other prescribing cost centres, England and Wales.

No header; 27 quoted columns (facts.md 6.1). Two layouts share the columns: the legacy one
(status A/C/D/P, prescribing setting 4 = GP practice) and the 2026 one (status
ACTIVE/INACTIVE/DORMANT, column 26 holds the ODS role, RO76 = GP practice). Only GP practices
enter the registry; other cost centres are counted as skipped. Each practice's commissioner
comes with the date it joined (column 16) and left (column 17).
"""

import polars as pl

from imports.batch import RegistryBatch
from imports.problems import Problems
from imports.source import ADDRESS, SourceFile, check_pattern, parse_dates, read_csv

KIND = "epraccur"
LABEL = "ODS epraccur (GP practices)"

COLUMNS = [
    "code",
    "name",
    "national_grouping",
    "high_level_health_geography",
    "address_1",
    "address_2",
    "address_3",
    "address_4",
    "address_5",
    "postcode",
    "open_date",
    "close_date",
    "status_code",
    "sub_type",
    "commissioner",
    "join_date",
    "left_date",
    "phone",
    "null_19",
    "null_20",
    "null_21",
    "amended",
    "null_23",
    "provider_purchaser",
    "null_25",
    "setting",
    "null_27",
]

LEGACY_STATUS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
NEW_STATUS = {"ACTIVE": "active", "INACTIVE": "closed", "DORMANT": "dormant"}
GP_SETTING = {"legacy": "4", "2026": "RO76"}
UNDATED = (
    "The file carries no date and none was given, so it added what the registry lacked but "
    "changed nothing a dated file had set. Import it again with its date (the upload form's "
    "date, --period, or a name such as epraccur-2022-12.csv) to update the registry."
)


def detect(source: SourceFile) -> bool:
    # Loose on purpose: a row with a field too many or too few should be recognised as
    # epraccur and then reported row by row, not turned away as an unknown file.
    line = source.first_line()
    return line.startswith('"') and abs(line.count('","') - (len(COLUMNS) - 1)) <= 3


def parse(source: SourceFile, problems: Problems) -> RegistryBatch | None:
    frame = read_csv(source, problems, columns=COLUMNS, has_header=False)
    if frame is None:
        return None
    statuses = set(frame["status_code"].drop_nulls().unique().to_list())
    layout = "2026" if statuses & set(NEW_STATUS) else "legacy"
    status_map = NEW_STATUS if layout == "2026" else LEGACY_STATUS
    bad_status = frame.filter(~pl.col("status_code").is_in(list(status_map)).fill_null(False))
    problems.add_rows(bad_status, "status_code", f"one of {', '.join(status_map)}")

    practices = frame.filter(pl.col("setting") == GP_SETTING[layout])
    skipped = frame.height - practices.height
    check_pattern(practices, problems, "code", "practice")
    check_pattern(practices.drop_nulls("commissioner"), problems, "commissioner", "commissioner")
    for column in ("open_date", "close_date", "join_date", "left_date"):
        practices = parse_dates(practices, problems, column, "%Y%m%d")
    duplicated = practices.filter(pl.col("code").is_duplicated())
    problems.add_rows(duplicated, "code", "each practice once")
    if problems.total:
        return None

    organisations = practices.select(
        "code",
        kind=pl.lit("practice"),
        name="name",
        address=ADDRESS,
        postcode="postcode",
        open_date="open_date",
        close_date="close_date",
        status=pl.col("status_code").replace_strict(status_map),
        prescribing_setting="setting",
        phone="phone",
    )
    links = practices.drop_nulls("commissioner").select(
        child="code",
        parent="commissioner",
        rel_type=pl.lit("practice_commissioner"),
        valid_from=pl.coalesce("join_date", "open_date"),
        valid_to="left_date",
    )
    # A practice with neither a join date nor an open date cannot be placed in time.
    links = links.drop_nulls("valid_from")
    notes = [f"{skipped} prescribing cost centre(s) that are not GP practices were skipped."]
    if not skipped:
        notes = []
    # epraccur carries no extract date, and its content's latest date is no guide (one row
    # dated 2099 would make the whole file "newest"): the date is the one a person stated.
    if source.stated is None:
        notes.append(UNDATED)
    return RegistryBatch(
        kind=KIND,
        layout=layout,
        period=source.stated,
        rows_read=frame.height,
        skipped=skipped,
        notes=notes,
        organisations=organisations,
        dated_links=links,
    )


class Epraccur:
    KIND, LABEL = KIND, LABEL
    detect = staticmethod(detect)
    parse = staticmethod(parse)
