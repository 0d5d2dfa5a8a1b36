"""Practice → PCN → commissioner → STP/ICS → region, as one file says it stood on one date.

NHS Digital's map file and the QOF geography mapping say the same thing in different column
names; both are turned into this one shape and then into organisations and snapshot links.
"""

from datetime import date

import polars as pl

from imports.batch import RegistryBatch
from imports.problems import Problems
from imports.source import Era, check_pattern

# Codes NHS Digital writes for "not in a PCN".
NO_PCN = ("U", "Unallocated")

LEVELS = [
    # (our prefix, kind, relationship to the level above)
    ("practice", "practice", "practice_pcn"),
    ("pcn", "pcn", "pcn_commissioner"),
    ("commissioner", "commissioner", "commissioner_ics"),
    ("ics", "ics", "ics_region"),
    ("region", "region", None),
]


def check(frame: pl.DataFrame, problems: Problems) -> None:
    check_pattern(frame, problems, "practice", "practice")
    check_pattern(frame, problems, "pcn", "pcn", allow=NO_PCN)
    check_pattern(frame, problems, "commissioner", "commissioner")
    check_pattern(frame, problems, "ics", "ics")
    check_pattern(frame, problems, "region", "region")
    problems.add_rows(frame.filter(pl.col("practice").is_duplicated()), "practice", "each once")


def batch(kind: str, frame: pl.DataFrame, era: Era, *, as_of: date, layout: str) -> RegistryBatch:
    """The registry batch for a checked geography frame describing `as_of`."""
    return RegistryBatch(
        kind=kind,
        layout=layout,
        period=as_of,
        rows_read=frame.height,
        organisations=organisations(frame, era),
        snapshot_links=snapshot_links(frame),
        as_of=as_of,
    )


def organisations(frame: pl.DataFrame, era: Era) -> pl.DataFrame:
    frame = frame.with_columns(
        pl.when(pl.col("pcn").is_in(NO_PCN)).then(None).otherwise(pl.col("pcn")).alias("pcn")
    )
    eras = {"commissioner": era.commissioner, "ics": era.ics}
    parts = []
    for prefix, kind, _ in LEVELS:
        columns = {"code": prefix, "name": f"{prefix}_name"}
        for extra in ("ons", "postcode", "supplier"):
            if f"{prefix}_{extra}" in frame.columns:
                columns["ons_code" if extra == "ons" else extra] = f"{prefix}_{extra}"
        part = frame.select(**columns).drop_nulls("code").unique("code", keep="first")
        part = part.with_columns(kind=pl.lit(kind))
        if prefix in eras:
            part = part.with_columns(era_label=pl.lit(eras[prefix]))
        parts.append(part)
    return pl.concat(parts, how="diagonal")


def snapshot_links(frame: pl.DataFrame) -> pl.DataFrame:
    """Each practice's PCN (null for none) and commissioner; each level's parent above it.

    A PCN's commissioner is the one most of its practices sit under in the file."""
    frame = frame.with_columns(
        pl.when(pl.col("pcn").is_in(NO_PCN)).then(None).otherwise(pl.col("pcn")).alias("pcn")
    )
    pcn_commissioner = (
        frame.drop_nulls("pcn")
        .group_by("pcn", "commissioner")
        .len()
        .sort("pcn", "len", "commissioner", descending=[False, True, False])
        .unique("pcn", keep="first")
    )
    links = [
        frame.select(child="practice", parent="pcn", rel_type=pl.lit("practice_pcn")),
        frame.select(
            child="practice", parent="commissioner", rel_type=pl.lit("practice_commissioner")
        ),
        pcn_commissioner.select(
            child="pcn", parent="commissioner", rel_type=pl.lit("pcn_commissioner")
        ),
        frame.select(child="commissioner", parent="ics", rel_type=pl.lit("commissioner_ics")),
        frame.select(child="ics", parent="region", rel_type=pl.lit("ics_region")),
    ]
    return pl.concat(links).unique(maintain_order=True)
