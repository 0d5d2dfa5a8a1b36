"""What an importer hands the writer: plain polars frames in the registry's own terms."""

from dataclasses import dataclass, field
from datetime import date

import polars as pl

# Organisation fields a file may supply. A null in the frame means "this file does not say",
# so it never blanks a value another file supplied.
ORG_FIELDS = (
    "name",
    "era_label",
    "ons_code",
    "address",
    "postcode",
    "open_date",
    "close_date",
    "status",
    "prescribing_setting",
    "contract_type",
    "supplier",
    "phone",
)


@dataclass
class RegistryBatch:
    """Everything one file says.

    organisations: code, kind and any of ORG_FIELDS.
    dated_links: child, parent, rel_type, valid_from, valid_to: relationships the file dates
        itself (ODS ePCN partner rows, epraccur commissioner join and left dates).
    snapshot_links: child, parent (null = none), rel_type: who was where on `as_of`, the file's
        extract date (NHS Digital map files); a change starts a new row on that date.
    list_sizes: code, extract_date, measure, sex, age, patients.
    registers: code, qof_year, group_code, register, list_type, list_size.
    reference: other QOF tables, each in the shape of its writer spec.
    populations: code, measure, as_at, value (text, to the hundredth): weighted, adjusted or
        registered populations for PopulationFigure.
    """

    kind: str
    layout: str = ""
    period: date | None = None
    rows_read: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    organisations: pl.DataFrame | None = None
    dated_links: pl.DataFrame | None = None
    snapshot_links: pl.DataFrame | None = None
    as_of: date | None = None
    list_sizes: pl.DataFrame | None = None
    registers: pl.DataFrame | None = None
    # QOF reference tables by the writer's table name ("QOF indicators", ...).
    reference: dict[str, pl.DataFrame] = field(default_factory=dict)
    populations: pl.DataFrame | None = None
