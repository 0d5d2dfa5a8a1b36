"""Apply a RegistryBatch to the database: diff against what is there, then bulk-write.

Runs inside the caller's transaction. Organisations and relationships keep full history
(django-simple-history, who and why); list sizes and registers carry the import run that
wrote them, and a revised figure for an existing snapshot is updated in place with the run
recorded. Re-applying the same batch writes nothing.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from imports.batch import ORG_FIELDS, RegistryBatch
from imports.bulk import insert_rows
from imports.models import ImportRun
from imports.problems import Problems
from organisations.actions import EDITABLE_FIELDS
from organisations.models import (
    REL_KINDS,
    DiseaseRegister,
    FigureRevision,
    ListSize,
    Organisation,
    PopulationFigure,
    QofIndicator,
    QofMaximumPoints,
    QofValidationOutcome,
    Relationship,
)

BATCH_SIZE = 2000
ONE_DAY = timedelta(days=1)
Progress = Callable[[str, int, int], None]


@dataclass
class Counts:
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, table: str, what: str, n: int = 1) -> None:
        row = self.tables.setdefault(table, {"created": 0, "changed": 0, "unchanged": 0})
        row[what] += n

    def total(self, what: str) -> int:
        return sum(row[what] for row in self.tables.values())


def write(
    batch: RegistryBatch, *, run: ImportRun, by, problems: Problems, progress: Progress
) -> Counts:
    counts = Counts()
    reason = f"import run {run.pk}: {run.file_name}"
    ids = _write_organisations(batch, counts, problems, by=by, reason=reason, progress=progress)
    problems.raise_if_any()
    links = _Links(
        ids, run=run, by=by, reason=reason, counts=counts, period=batch.as_of or batch.period
    )
    if batch.dated_links is not None:
        progress("relationships", 0, batch.dated_links.height)
        links.apply_dated(batch.dated_links)
    if batch.snapshot_links is not None:
        progress("relationships", 0, batch.snapshot_links.height)
        links.apply_snapshot(batch.snapshot_links, batch.as_of)
    links.save()
    _end_links_at_closure(batch, ids, by=by, reason=reason, counts=counts)
    if batch.list_sizes is not None:
        _write_figures(LIST_SIZES, batch.list_sizes, run, counts, progress)
    if batch.registers is not None:
        _write_figures(REGISTERS, batch.registers, run, counts, progress)
    for table, frame in batch.reference.items():
        _write_figures(REFERENCE[table], frame, run, counts, progress)
    if batch.populations is not None:
        _write_populations(batch.populations, run, counts, by=by, reason=reason)
    return counts


def _referenced_codes(batch: RegistryBatch) -> pl.DataFrame:
    """Every (code, kind) the relationships name, so parents known only by code exist."""
    frames = []
    for links in (batch.dated_links, batch.snapshot_links):
        if links is None:
            continue
        for rel_type, (child_kind, parent_kind) in REL_KINDS.items():
            these = links.filter(pl.col("rel_type") == rel_type.value)
            frames.append(these.select(code="child", kind=pl.lit(child_kind.value)))
            frames.append(these.select(code="parent", kind=pl.lit(parent_kind.value)))
    if not frames:
        return pl.DataFrame(schema={"code": pl.String, "kind": pl.String})
    return pl.concat(frames).drop_nulls("code").unique("code")


def _write_organisations(batch, counts, problems, *, by, reason, progress) -> dict[str, int]:
    supplied = batch.organisations
    referenced = _referenced_codes(batch)
    if supplied is None:
        supplied = referenced.with_columns(name=pl.col("code"))
    else:
        stubs = referenced.join(supplied.select("code"), on="code", how="anti")
        supplied = pl.concat([supplied, stubs.with_columns(name=pl.col("code"))], how="diagonal")
    fields = [f for f in ORG_FIELDS if f in supplied.columns]
    rows = supplied.select("code", "kind", *fields).to_dicts()
    if not rows:
        return {}
    period = batch.as_of or batch.period
    progress("organisations", 0, len(rows))
    existing = {o.code: o for o in Organisation.objects.filter(code__in=[r["code"] for r in rows])}
    created, changed = [], {}
    for row in rows:
        org = existing.get(row["code"])
        if org is None:
            values = {f: v for f, v in row.items() if v is not None}
            values.setdefault("name", row["code"])
            values["details_as_of"] = period
            created.append(Organisation(**values))
            continue
        if org.kind != row["kind"]:
            problems.add(None, "code", row["code"], f"an ODS code of a {org.kind}, as registered")
            continue
        if org.details_as_of and (period is None or period < org.details_as_of):
            # A newer file (or a hand correction) already described this organisation; an
            # older file, or one whose date is unknown, must not undo it.
            counts.add("organisations", "unchanged")
            continue
        dirty = []
        for name in fields:
            value = row[name]
            if value is None or getattr(org, name) == value:
                continue
            # A stub's name is its code; any real name replaces it, but a code never replaces
            # a real name, and a change of case alone (QOF files use title case) is no change.
            if name == "name" and (value == org.code or value.casefold() == org.name.casefold()):
                continue
            setattr(org, name, value)
            dirty.append(name)
        if dirty:
            if period:
                org.details_as_of = max(period, org.details_as_of or period)
                dirty.append("details_as_of")
            changed.setdefault(tuple(dirty), []).append(org)
        else:
            counts.add("organisations", "unchanged")
    _say_where_corrections_are_replaced(changed, counts, reason)
    if created:
        bulk_create_with_history(
            created,
            Organisation,
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
        counts.add("organisations", "created", len(created))
    # One UPDATE per set of changed fields: a new ODS layout that repacks addresses should
    # not rewrite every column of every practice.
    for changed_fields, orgs in changed.items():
        bulk_update_with_history(
            orgs,
            Organisation,
            list(changed_fields),
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
        counts.add("organisations", "changed", len(orgs))
    progress("organisations", len(rows), len(rows))
    codes = [r["code"] for r in rows]
    return dict(Organisation.objects.filter(code__in=codes).values_list("code", "id"))


def _say_where_corrections_are_replaced(changed: dict, counts, reason: str) -> None:
    """A newer file may replace what a person corrected by hand (its date is later than the
    correction's): the run's notes and the organisation's history name the correction."""
    orgs = {org.pk: (org, fields) for fields, group in changed.items() for org in group}
    if not orgs:
        return
    # Each organisation's last change before this file (by a file or a person) and the one
    # before it, to tell which fields the person changed.
    last: dict[int, list] = {}
    records = Organisation.history.filter(id__in=orgs).select_related("history_user")
    for record in records.order_by("history_date", "history_id").iterator(chunk_size=2000):
        last[record.id] = [*last.get(record.id, [])[-1:], record]
    for pk, pair in last.items():
        record = pair[-1]
        if len(pair) < 2 or (record.history_change_reason or "").startswith("import run "):
            continue
        org, fields = orgs[pk]
        replaced = [
            name
            for name in fields
            if name in EDITABLE_FIELDS
            and getattr(record, name) != getattr(pair[0], name)  # the person changed it
            and getattr(record, name) != getattr(org, name)  # and this file changes it
        ]
        if not replaced:
            continue
        who = record.history_user.username if record.history_user else "someone"
        words = (
            f"{org.code}: {', '.join(replaced)} corrected by hand by {who} on "
            f"{record.history_date:%-d %b %Y} ({record.history_change_reason}) replaced by "
            "this newer file"
        )
        counts.notes.append(words)
        org._change_reason = f"{reason}; replaces a hand correction: {words}"


@dataclass
class _Link:
    id: int | None
    parent_id: int
    valid_from: date
    valid_to: date | None
    # The date of the file that last wrote the row (for a row entered by hand, the day it
    # took effect): a file only overrides rows from files no newer than itself.
    period: date
    dirty: bool = False
    deleted: bool = False

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def overlaps(self, start: date, end: date | None) -> bool:
        return self.valid_from <= (end or date.max) and (self.valid_to or date.max) >= start

    def end(self, day: date) -> None:
        day = max(day, self.valid_from)
        if self.valid_to != day:
            self.valid_to = day
            self.dirty = True


class _Links:
    """Relationship timelines for the children in a batch, changed in memory, then saved."""

    def __init__(self, ids: dict[str, int], *, run, by, reason, counts: Counts, period):
        self.ids, self.run, self.by, self.reason, self.counts = ids, run, by, reason, counts
        # An undated file (an epraccur no one dated) is the oldest: it fills gaps, and never
        # overrides a row a dated file set.
        self.period = period or date.min
        self.timelines: dict[tuple[int, str], list[_Link]] = defaultdict(list)
        self.loaded: set[int] = set()
        # A relationship cannot outlive either side: ODS leaves some rows of closed practices
        # open, and they must not reopen what the closure ended.
        self.closed = dict(
            Organisation.objects.filter(pk__in=ids.values(), close_date__isnull=False).values_list(
                "id", "close_date"
            )
        )

    def _load(self, frame: pl.DataFrame) -> None:
        children = {self.ids[c] for c in frame["child"].unique().to_list()} - self.loaded
        if not children:
            return
        rows = Relationship.objects.filter(child_id__in=children).values_list(
            "id",
            "child_id",
            "rel_type",
            "parent_id",
            "valid_from",
            "valid_to",
            "import_run_id",
            "import_run__period",
        )
        for pk, child_id, rel_type, parent_id, start, end, run_id, period in rows.iterator(2000):
            # A row from an undated file is as old as can be (any file may correct it); one
            # entered by hand counts from the day it took effect.
            link = _Link(pk, parent_id, start, end, period or (date.min if run_id else start))
            self.timelines[child_id, rel_type].append(link)
        for timeline in self.timelines.values():
            timeline.sort(key=lambda link: link.valid_from)
        self.loaded |= children

    def _bounded_by_newer(self, timeline, parent_id, start, end):
        """(start, end) cut back by other parents' rows from newer files, or None if a newer
        file already covers the start."""
        for link in timeline:
            if link.deleted or link.parent_id == parent_id or link.period <= self.period:
                continue
            if link.overlaps(start, end):
                if link.valid_from <= start:
                    return None
                end = link.valid_from - ONE_DAY
        return start, end

    def apply_dated(self, frame: pl.DataFrame) -> None:
        """ODS dates its relationships. A row under the same parent that overlaps takes this
        file's dates (or a new row starts); then other parents' rows that this file
        contradicts give way: an earlier one ends the day before, a later one starts the day
        after, one inside is removed (its history is kept). Rows from newer files win."""
        self._load(frame)
        frame = frame.sort("child", "rel_type", "valid_from")
        for child, parent, rel_type, start, end in frame.select(
            "child", "parent", "rel_type", "valid_from", "valid_to"
        ).iter_rows():
            child_id, parent_id = self.ids[child], self.ids[parent]
            timeline = self.timelines[child_id, rel_type]
            closures = [self.closed[i] for i in (child_id, parent_id) if i in self.closed]
            if closures:
                end = min([end, *closures] if end else closures)
                if end < start:
                    continue
            bounded = self._bounded_by_newer(timeline, parent_id, start, end)
            if bounded is None:
                self.counts.add("relationships", "unchanged")
                continue
            start, end = bounded
            self._place(timeline, parent_id, start, end)
            for link in timeline:
                if link.deleted or link.parent_id == parent_id or not link.overlaps(start, end):
                    continue
                if link.valid_from < start:
                    link.end(start - ONE_DAY)
                elif end is not None and (link.valid_to is None or link.valid_to > end):
                    link.valid_from, link.dirty = end + ONE_DAY, True
                else:
                    link.deleted = True

    def _place(self, timeline: list[_Link], parent_id, start, end) -> None:
        same = [
            link
            for link in timeline
            if not link.deleted and link.parent_id == parent_id and link.overlaps(start, end)
        ]
        exact = next((link for link in same if link.valid_from == start), None)
        target = exact or (same[0] if same else None)
        if target is None:
            timeline.append(_Link(None, parent_id, start, end, self.period))
            timeline.sort(key=lambda link: link.valid_from)
            return
        if target.period > self.period or (target.valid_from, target.valid_to) == (start, end):
            # Already so, or a newer file has said more about this membership.
            self.counts.add("relationships", "unchanged")
            return
        target.valid_from, target.valid_to, target.dirty = start, end, True
        target.period = self.period
        for duplicate in same:
            if duplicate is not target and duplicate.period <= self.period:
                duplicate.deleted = True

    def apply_snapshot(self, frame: pl.DataFrame, as_of: date) -> None:
        """A snapshot says who was where on as_of: a different parent ends the current row the
        day before and starts a new one; no parent ends the current row. A snapshot older
        than what the registry already holds for that child is set aside."""
        self._load(frame.drop_nulls("child"))
        if "valid_from" not in frame.columns:
            frame = frame.with_columns(valid_from=pl.lit(None, pl.Date))
        older = 0
        rows = frame.select("child", "parent", "rel_type", "valid_from").iter_rows()
        for child, parent, rel_type, known_start in rows:
            timeline = self.timelines[self.ids[child], rel_type]
            parent_id = self.ids[parent] if parent is not None else None
            current = next(
                (link for link in timeline if not link.deleted and link.holds_on(as_of)), None
            )
            if current is not None and current.parent_id == parent_id:
                self.counts.add("relationships", "unchanged")
                continue
            if any(link.valid_from > as_of for link in timeline if not link.deleted):
                older += 1
                continue
            if current is not None:
                current.end(as_of - ONE_DAY)
            if parent_id is not None:
                # A first-ever row may start on the date the file gives (e.g. a PCN's open
                # date); otherwise a change takes effect on the snapshot date.
                start = (
                    known_start if not timeline and known_start and known_start <= as_of else as_of
                )
                timeline.append(_Link(None, parent_id, start, None, self.period))
            elif current is None:
                self.counts.add("relationships", "unchanged")
        if older:
            self.counts.notes.append(
                f"{older} row(s) describe {as_of}, earlier than the registry's later records "
                "for those practices; they were not applied (import files oldest first)."
            )

    def save(self) -> None:
        created, changed_ids, deleted_ids = [], {}, []
        for (child_id, rel_type), timeline in self.timelines.items():
            for link in timeline:
                if link.deleted:
                    if link.id is not None:
                        deleted_ids.append(link.id)
                elif link.id is None:
                    created.append(
                        Relationship(
                            child_id=child_id,
                            parent_id=link.parent_id,
                            rel_type=rel_type,
                            valid_from=link.valid_from,
                            valid_to=link.valid_to,
                            import_run=self.run,
                        )
                    )
                elif link.dirty:
                    changed_ids[link.id] = link
        if created:
            bulk_create_with_history(
                created,
                Relationship,
                batch_size=BATCH_SIZE,
                default_user=self.by,
                default_change_reason=self.reason,
            )
            self.counts.add("relationships", "created", len(created))
        if changed_ids:
            objs = list(Relationship.objects.filter(pk__in=changed_ids))
            for obj in objs:
                link = changed_ids[obj.pk]
                obj.valid_from, obj.valid_to, obj.import_run = (
                    link.valid_from,
                    link.valid_to,
                    self.run,
                )
            bulk_update_with_history(
                objs,
                Relationship,
                ["valid_from", "valid_to", "import_run"],
                batch_size=BATCH_SIZE,
                default_user=self.by,
                default_change_reason=self.reason,
            )
            self.counts.add("relationships", "changed", len(objs))
        # A row a newer file contradicts over its whole span is removed; deleting instance by
        # instance lets django-simple-history keep it, with who and why.
        for obj in Relationship.objects.filter(pk__in=deleted_ids):
            obj._history_user, obj._change_reason = self.by, self.reason
            obj.delete()
        if deleted_ids:
            self.counts.add("relationships", "changed", len(deleted_ids))


def _end_links_at_closure(batch, ids, *, by, reason, counts) -> None:
    """A closed organisation's relationships (as member or as parent) end on its close date."""
    orgs = batch.organisations
    if orgs is None or "close_date" not in orgs.columns:
        return
    closed = orgs.drop_nulls("close_date").select("code", "close_date").rows()
    if not closed:
        return
    close_on = {ids[code]: day for code, day in closed}
    open_links = Relationship.objects.filter(valid_to__isnull=True).filter(
        child_id__in=close_on
    ) | Relationship.objects.filter(valid_to__isnull=True, parent_id__in=close_on)
    ended = []
    for link in open_links:
        day = close_on.get(link.child_id) or close_on.get(link.parent_id)
        if link.valid_from <= day:
            link.valid_to = day
            ended.append(link)
    if ended:
        bulk_update_with_history(
            ended,
            Relationship,
            ["valid_to"],
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
        counts.add("relationships", "changed", len(ended))


def _attach_ids(frame: pl.DataFrame, counts: Counts, what: str):
    """Organisation ids for the codes a list-size file names; unknown codes are rejected."""
    ids = dict(Organisation.objects.values_list("code", "id"))
    known = pl.DataFrame(
        {"code": list(ids), "organisation_id": list(ids.values())},
        schema={"code": pl.String, "organisation_id": pl.Int64},
    )
    joined = frame.join(known, on="code", how="left")
    unknown = joined.filter(pl.col("organisation_id").is_null())
    if unknown.height:
        counts.rejected += unknown.height
        sample = ", ".join(unknown["code"].unique().sort().head(10).to_list())
        counts.notes.append(
            f"{unknown.height:,} row(s) of {what} name organisations not in the registry and were "
            f"rejected (e.g. {sample}); import the ODS files for that period first."
        )
    return joined.drop_nulls("organisation_id")


def _diff(frame, existing, keys, value_cols):
    """Split frame into new rows, changed rows (with the existing id) and an unchanged count."""
    joined = frame.join(existing, on=keys, how="left", suffix="_old", nulls_equal=True)
    new = joined.filter(pl.col("id").is_null())
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_old")) for c in value_cols])
    matched = joined.filter(pl.col("id").is_not_null())
    changed = matched.filter(differs)
    return new, changed, matched.height - changed.height


@dataclass(frozen=True)
class _Figures:
    """A table of published figures keyed by snapshot, and by organisation where it has
    organisation_id among its keys (list sizes, QOF registers, QOF reference tables)."""

    model: type
    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    schema: dict
    snapshot: str  # the key column that names the snapshot (extract date, QOF year)


LIST_SIZES = _Figures(
    ListSize,
    "list sizes",
    ("organisation_id", "extract_date", "measure", "sex", "age"),
    ("patients",),
    {
        "extract_date": pl.Date,
        "measure": pl.String,
        "sex": pl.String,
        "age": pl.String,
        "patients": pl.Int64,
    },
    "extract_date",
)
REGISTERS = _Figures(
    DiseaseRegister,
    "QOF registers",
    ("organisation_id", "qof_year", "group_code"),
    ("register", "list_type", "list_size"),
    {
        "qof_year": pl.String,
        "group_code": pl.String,
        "register": pl.Int64,
        "list_type": pl.String,
        "list_size": pl.Int64,
    },
    "qof_year",
)


QOF_INDICATORS = _Figures(
    QofIndicator,
    "QOF indicators",
    ("qof_year", "code"),
    (
        "description",
        "points",
        "group_code",
        "group_description",
        "domain_code",
        "domain_description",
        "list_type",
    ),
    {
        "qof_year": pl.String,
        "code": pl.String,
        "description": pl.String,
        "points": pl.Int64,
        "group_code": pl.String,
        "group_description": pl.String,
        "domain_code": pl.String,
        "domain_description": pl.String,
        "list_type": pl.String,
    },
    "qof_year",
)
QOF_MAXIMUM_POINTS = _Figures(
    QofMaximumPoints,
    "QOF maximum points",
    ("organisation_id", "qof_year"),
    ("maximum_points",),
    {"qof_year": pl.String, "maximum_points": pl.Int64},
    "qof_year",
)
QOF_VALIDATIONS = _Figures(
    QofValidationOutcome,
    "QOF validation outcomes",
    ("organisation_id", "qof_year", "rule"),
    ("description",),
    {"qof_year": pl.String, "rule": pl.String, "description": pl.String},
    "qof_year",
)
REFERENCE = {spec.table: spec for spec in (QOF_INDICATORS, QOF_MAXIMUM_POINTS, QOF_VALIDATIONS)}


def _write_figures(spec: _Figures, frame, run, counts, progress) -> None:
    by_organisation = "organisation_id" in spec.keys
    if by_organisation:
        frame = _attach_ids(frame, counts, spec.table)
    progress(spec.table, 0, frame.height)
    snapshots = frame[spec.snapshot].unique().to_list()
    columns = ("id", *spec.keys, *spec.values)
    rows = spec.model.objects.filter(**{f"{spec.snapshot}__in": snapshots}).values_list(*columns)
    schema = {"id": pl.Int64, **({"organisation_id": pl.Int64} if by_organisation else {})}
    schema.update(spec.schema)
    existing = pl.DataFrame(list(rows.iterator(10000)), schema=schema, orient="row")
    new, changed, unchanged = _diff(frame, existing, list(spec.keys), list(spec.values))
    counts.add(spec.table, "unchanged", unchanged)
    insert_rows(
        spec.model,
        [*spec.keys, *spec.values, "import_run_id"],
        new.select(*spec.keys, *spec.values, import_run_id=pl.lit(run.pk)),
        on_progress=lambda done: progress(spec.table, done, frame.height),
    )
    counts.add(spec.table, "created", new.height)
    if changed.height:
        objs = [
            spec.model(id=row["id"], import_run=run, **{v: row[v] for v in spec.values})
            for row in changed.iter_rows(named=True)
        ]
        spec.model.objects.bulk_update(objs, [*spec.values, "import_run"], batch_size=BATCH_SIZE)
        FigureRevision.objects.bulk_create(
            [
                FigureRevision(
                    table=spec.table,
                    row_id=row["id"],
                    organisation_id=row.get("organisation_id"),
                    field=value,
                    before="" if row[f"{value}_old"] is None else str(row[f"{value}_old"]),
                    after="" if row[value] is None else str(row[value]),
                    import_run=run,
                )
                for row in changed.iter_rows(named=True)
                for value in spec.values
                if row[value] != row[f"{value}_old"]
            ],
            batch_size=BATCH_SIZE,
        )
        counts.add(spec.table, "changed", changed.height)
        counts.notes.append(f"{changed.height} {spec.table} figure(s) revised by this file.")


POPULATIONS = "population figures"


def _write_populations(frame: pl.DataFrame, run, counts, *, by, reason) -> None:
    """Weighted, adjusted and registered populations, with history (they are few: one a
    practice a year). A figure a person entered for the same organisation, measure and date
    stands (the population rule prefers it too); a changed value is updated in place and
    recorded as a FigureRevision, as list sizes are."""
    from decimal import Decimal

    ids = dict(
        Organisation.objects.filter(code__in=frame["code"].unique().to_list()).values_list(
            "code", "id"
        )
    )
    wanted = {
        (ids[code], measure, day): Decimal(value)
        for code, measure, day, value in frame.select("code", "measure", "as_at", "value").rows()
    }
    existing = {
        (f.organisation_id, f.measure, f.as_at): f
        for f in PopulationFigure.objects.filter(
            organisation_id__in={k[0] for k in wanted}, as_at__in={k[2] for k in wanted}
        )
    }
    created, changed, revisions, kept = [], [], [], 0
    for (org_id, measure, day), value in wanted.items():
        figure = existing.get((org_id, measure, day))
        if figure is None:
            created.append(
                PopulationFigure(
                    organisation_id=org_id, measure=measure, as_at=day, value=value, import_run=run
                )
            )
        elif figure.entered_by_id is not None:
            kept += 1
        elif figure.value == value and not figure.synthetic:
            counts.add(POPULATIONS, "unchanged")
        else:
            if figure.value != value:
                revisions.append(
                    FigureRevision(
                        table=POPULATIONS,
                        row_id=figure.pk,
                        organisation_id=org_id,
                        field="value",
                        before=str(figure.value),
                        after=str(value),
                        import_run=run,
                    )
                )
            figure.value, figure.import_run, figure.synthetic = value, run, False
            changed.append(figure)
    if created:
        bulk_create_with_history(
            created,
            PopulationFigure,
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
        counts.add(POPULATIONS, "created", len(created))
    if changed:
        bulk_update_with_history(
            changed,
            PopulationFigure,
            ["value", "import_run", "synthetic"],
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
        FigureRevision.objects.bulk_create(revisions, batch_size=BATCH_SIZE)
        counts.add(POPULATIONS, "changed", len(changed))
        counts.notes.append(f"{len(changed)} {POPULATIONS} revised by this file.")
    if kept:
        counts.add(POPULATIONS, "unchanged", kept)
        counts.notes.append(
            f"{kept} figure(s) entered by hand for the same organisation, measure and date were "
            "kept: a figure entered with a reason stands over a file's."
        )
