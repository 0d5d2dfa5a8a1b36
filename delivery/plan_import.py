"""Import a plan from a spreadsheet laid out like the STP primary care implementation plan
(seed 002): one row a key action under its deliverable, an X in each period it has a
milestone in.

File layout: a CSV (UTF-8; Windows-1252 as Excel writes it is accepted) or the first sheet of
an .xlsx workbook. Title rows above the header are skipped; the header is the first row (of
the first ten) naming the deliverable or key actions column. Columns are matched by name,
ignoring case, spacing and punctuation, in any order:

    column                                 what
    Deliverable (National milestone date)  "National 1 - ..." or "Local deliverable 1 – ...":
                                           National or Local and its number start the cell
                                           (the reference, e.g. National 1); the rest is its
                                           title. A trailing date in parentheses, "(31 March
                                           2019)" or "(March 2019)", is its national
                                           milestone. Left empty on the deliverable's further
                                           rows (as a merged cell leaves them).
    Key actions (Action owner)             the action, its owners in parentheses at the end,
                                           comma-separated: people in PCN Hub (username or
                                           full name) or contacts.
    Action owner                           optional: the owners, comma-separated, instead of
                                           the parentheses.
    National milestone date                optional: a date (2019-03-31, 31/03/2019, 31 March
                                           2019, March 2019) instead of the parentheses.
    a column a period                      an X (or blank) marks a milestone in that period.
    Status, Why, Latest commentary         optional and ignored: the export writes them; PCN
                                           Hub works status out itself.

Period columns are headed in one row ("Q1 2019/20", "2019/20 H1") or two, the financial
year over its quarters (Q1 to Q4) or halves (H1, H2), as the STP plan has them. A header cell
merged across columns holds its text in the first only, so a year runs on to the right until
the next; a "Delivery milestone" banner over them all is allowed. Any quarter, half, year,
month or day nhs_calendar.parse reads may head a column.

A marked period must overlap the plan's period. One the plan's start or end cuts (the
export's first or last quarter when a plan starts or ends within one) stands for the plan's
part of it: a mark there is a milestone due when that part ends, in the longest period the
calendar names that ends then and lies inside it (Mar 2019 for Q4 2018/19 in a plan from 1
February 2019), or on that day (15 Nov 2020 for Q3 2020/21 in a plan to 15 November 2020).
The result warns of each such column. Exported again, the milestone is marked in the same
column, so a plan cut mid-quarter reads back as it was written out.

Into an existing plan, a deliverable whose reference is already there is matched (its title
is kept), and so is a key action with the same title under it. A matched action's mark adds
a milestone only where none of the action's milestones ends in that column's period: an
"Aug 2019" milestone covers the Q2 2019/20 column (and a 2019/20 H1 one) it is exported in,
so a plan exported and imported back into itself adds nothing. Nothing is changed or removed
otherwise.

Every check runs before anything is written; then the programme (when new), contacts,
deliverables, actions and milestones go through delivery.actions in one transaction. Any
problem, found before or while writing, rejects the whole file and nothing is written.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from delivery import actions
from delivery.models import Action, Deliverable, Programme
from delivery.plan import load
from imports.problems import Problems
from imports.source import SourceFile, normalise_header, read_csv
from pcnhub.nhs_calendar import (
    Period,
    half_of,
    month_period,
    parse,
    quarter_of,
    year_of,
    year_period,
)

COLUMNS = {
    "deliverable": ("Deliverable (National milestone date)", "Deliverable", "Deliverables"),
    "action": (
        "Key actions (Action owner)",
        "Key actions (Action owners)",
        "Key action (Action owner)",
        "Key actions",
        "Key action",
    ),
    "owner": ("Action owner", "Action owners", "Owner", "Owners"),
    "national_date": ("National milestone date", "National milestone"),
    # The export writes these beside the marks; an import leaves them to PCN Hub.
    "ignored": ("Status", "Why", "Latest commentary"),
}
ROLES = {normalise_header(name): role for role, names in COLUMNS.items() for name in names}
KNOWN = [n[0] for r, n in COLUMNS.items() if r != "ignored"] + [*COLUMNS["ignored"]]
BANNERS = {normalise_header(b) for b in ("Delivery milestone", "Delivery milestones")}
# The Latin X, and the Cyrillic capital Ha that plans pasted from Word documents carry.
MARKS = {"X", "\u0425"}
HEADER_SEARCH = 10
REFERENCE = re.compile(
    r"^(national|local)(?:\s+deliverables?)?\s*(\d+[a-z]?(?:\.\d+)*)(?!\w)\s*[-\u2013\u2014:.,]?\s*",
    re.I,
)
TRAILING = re.compile(r"\(([^()]*)\)\s*\.?\s*$")
PERIOD_EXPECTED = (
    "a period of the financial calendar, e.g. Q1 2019/20 or 2019/20 H2, or the year (2019/20) "
    "over its quarters (Q1 to Q4) or halves (H1, H2) in a second header row"
)
HEADER_EXPECTED = (
    "a header row (in the first ten rows) naming the columns Deliverable (National milestone "
    "date) and Key actions (Action owner), then a column for each quarter or half-year"
)


@dataclass
class PlanImportResult:
    programme: Programme
    deliverables_created: int = 0
    deliverables_matched: int = 0
    actions_created: int = 0
    actions_matched: int = 0
    milestones_created: int = 0
    contacts_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    index: int
    label: str  # as the person sees it: its header, or the column's letter
    role: str
    period: Period | None = None


@dataclass
class _Layout:
    first_data: int  # the index (in the rows read) of the first row under the header
    columns: dict[str, _Column]
    periods: list[_Column]

    def same_as(self, other: "_Layout") -> bool:
        mine = [(c.index, c.role, c.period) for c in [*self.columns.values(), *self.periods]]
        theirs = [(c.index, c.role, c.period) for c in [*other.columns.values(), *other.periods]]
        return sorted(mine, key=repr) == sorted(theirs, key=repr)


@dataclass
class _ActionRow:
    row: int
    title: str
    owners: list[str]
    periods: list[_Column] = field(default_factory=list)


@dataclass
class _DeliverableRow:
    row: int
    text: str
    kind: str = ""
    reference: str = ""  # empty when the cell could not be read
    title: str = ""
    national_milestone: date | None = None
    actions: list[_ActionRow] = field(default_factory=list)


Row = tuple[int, list[str | None]]


def import_plan(
    *,
    path: Path,
    by,
    programme: Programme | None = None,
    new_programme: dict | None = None,
    add_contacts: bool = False,
) -> PlanImportResult:
    """Add the file's deliverables, key actions and milestones to `programme`, or to a new
    one created from `new_programme` (create_programme's arguments). With `add_contacts`,
    owners PCN Hub does not know become new contacts instead of problems.

    Raises ImportRejected, having written nothing, when anything in the file is wrong."""
    if (programme is None) == (new_programme is None):
        raise ValueError("import into a programme, or give a new programme's details")
    if programme is not None:
        actions.require_editor(by, programme)
        start, end = programme.start, programme.end
    else:
        start, end = new_programme["start"], new_programme["end"]
    source = SourceFile.from_path(path)
    problems = Problems(source.name)
    rows = _cells(source, problems)
    problems.raise_if_any()
    layout = _find_layout(rows, problems)
    problems.raise_if_any()
    deliverables = _read_rows(rows, layout, problems)
    problems.raise_if_any()
    _check_periods(deliverables, start, end, problems)
    unknown = _unknown_owners(deliverables, layout, problems, add_contacts)
    problems.raise_if_any()
    with transaction.atomic():
        if programme is None:
            programme = actions.create_programme(**new_programme, by=by)
        result = PlanImportResult(programme)
        owner_label = (layout.columns.get("owner") or layout.columns["action"]).label
        for name, row in unknown:
            try:
                actions.add_contact(name=name, by=by)
            except ValidationError as error:
                problems.add(row, owner_label, name, f"a contact: {_message(error)}")
            else:
                result.contacts_added.append(name)
        _write(programme, deliverables, layout, by, problems, result)
        problems.raise_if_any()  # rolls the whole file back
    return result


# Reading --------------------------------------------------------------------------------


def _clean(value) -> str | None:
    text = "" if value is None else " ".join(str(value).split())
    return text or None


def letter(index: int) -> str:
    """A column's letter as Excel shows it: 0 is A, 26 is AA."""
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cells(source: SourceFile, problems: Problems) -> list[Row]:
    """Every non-blank row as (row number as the file shows it, cells as text), columns from A."""
    if source.is_xlsx:
        import fastexcel

        try:
            sheet = fastexcel.read_excel(source.data).load_sheet(
                0, header_row=None, skip_rows=0, dtypes="string"
            )
            frame = sheet.to_polars()
            # A sheet whose first columns are empty starts further right.
            offset = min((c.absolute_index for c in sheet.available_columns()), default=0)
        except (fastexcel.FastExcelError, pl.exceptions.PolarsError) as error:
            problems.add(None, None, str(error)[:80], "a readable .xlsx workbook")
            return []
        numbered = [
            (number, [None] * offset + [_clean(v) for v in values])
            for number, values in enumerate(frame.iter_rows(), start=1)
        ]
    elif not source.data.strip(b"\xef\xbb\xbf \t\r\n,"):
        numbered = []
    else:
        frame = read_csv(source, problems, has_header=False, fallback_encoding="cp1252")
        if frame is None:
            return []
        data = [c for c in frame.columns if c != "__row"]
        numbered = [
            (row[-1], [_clean(v) for v in row[:-1]])
            for row in frame.select(*data, "__row").iter_rows()
        ]
    found = [(number, cells) for number, cells in numbered if any(cells)]
    if not found:
        problems.add(None, None, None, "a plan: a header row, then a row for each key action")
    return found


def _cell(cells: list[str | None], column: _Column | None) -> str | None:
    if column is None or column.index >= len(cells):
        return None
    return cells[column.index]


def _is_mark(value: str) -> bool:
    return value.upper() in MARKS


def _is_header_row(cells: list[str | None], key_indexes: list[int]) -> bool:
    """A second or third header row: years or quarters, with nothing but a bracketed note
    ("(Action owner)") in the deliverable and key action columns, and no marks."""
    for index in key_indexes:
        value = cells[index] if index < len(cells) else None
        if value and not (value.startswith("(") and value.endswith(")")):
            return False
    return any(cells) and not any(v and _is_mark(v) for v in cells)


def _find_layout(rows: list[Row], problems: Problems) -> _Layout | None:
    for at, (_, cells) in enumerate(rows[:HEADER_SEARCH]):
        if any(v and ROLES.get(normalise_header(v)) in ("deliverable", "action") for v in cells):
            return _layout(rows, at, problems)
    number, cells = rows[0]
    problems.add(number, None, next(v for v in cells if v), HEADER_EXPECTED)
    return None


def _layout(rows: list[Row], at: int, problems: Problems) -> _Layout:
    """The header starting at rows[at]: which column is which, and each period column's
    period. Header rows beyond the first are those _is_header_row says (at most two more)."""
    first = rows[at][1]
    keys = [i for i, v in enumerate(first) if v and ROLES.get(normalise_header(v))]
    block = [rows[at]]
    for number, cells in rows[at + 1 : at + 3]:
        if number != block[-1][0] + 1 or not _is_header_row(cells, keys):
            break
        block.append((number, cells))
    width = max(len(cells) for _, cells in block)
    grid = [cells + [None] * (width - len(cells)) for _, cells in block]
    columns: dict[str, _Column] = {}
    candidates = []
    for index in range(width):
        name = " ".join(cells[index] for cells in grid if cells[index])
        role = ROLES.get(normalise_header(name)) if name else None
        if role is None:
            candidates.append(index)
        elif role in columns and role != "ignored":
            problems.add(block[0][0], name, name, "each column once")
        else:
            columns.setdefault(role, _Column(index, name, role))
    # A merged header cell holds its text in the first column only: carry it on to the
    # right (over the other period columns) in every header row but the last.
    filled = [list(cells) for cells in grid]
    for cells in filled[:-1]:
        carry = None
        for index in range(width):
            if index not in candidates:
                carry = None
            elif cells[index]:
                carry = cells[index]
            else:
                cells[index] = carry
    periods, seen = [], {}
    for index in candidates:
        own = [r for r, cells in enumerate(grid) if cells[index]]
        if not own:
            if any(index < len(cells) and cells[index] for _, cells in rows[at + len(block) :]):
                problems.add(
                    block[0][0],
                    letter(index),
                    None,
                    f"a header over column {letter(index)}: a period or one of the plan's columns",
                )
            continue
        label = " ".join(
            cells[index]
            for cells in filled
            if cells[index] and normalise_header(cells[index]) not in BANNERS
        )
        row = block[own[-1]][0]
        period = _period(label)
        if period is None:
            looks_like_period = re.search(r"\d|\b[QH]\s*\d\b", label, re.I)
            problems.add(
                row,
                label or letter(index),
                label,
                PERIOD_EXPECTED
                if looks_like_period
                else f"only the plan's columns ({', '.join(KNOWN)}) and periods such as Q1 2019/20",
            )
        elif period in seen:
            problems.add(row, label, label, f"each period once; {seen[period]} is the same")
        else:
            seen[period] = label
            periods.append(_Column(index, label, "period", period))
    for role in ("deliverable", "action"):
        if role not in columns:
            name = COLUMNS[role][0]
            problems.add(block[0][0], name, None, f"a column named {name}")
    if not periods and not problems.total:
        problems.add(
            block[0][0], None, None, "at least one milestone period column, e.g. Q1 2019/20"
        )
    return _Layout(at + len(block), columns, periods)


def _period(label: str) -> Period | None:
    """A period header as plans write them: "Q 1" for Q1, 2017-18 for 2017/18, and a
    year's own column headed "Year" under it."""
    text = re.sub(r"\b([QH])\s+(\d)\b", r"\1\2", label, flags=re.I)
    text = re.sub(r"\b(\d{4})\s*[-/]\s*(\d{2})\b", r"\1/\2", text)
    text = re.sub(r"\b(?:full |whole )?year\b", "", text, flags=re.I)
    try:
        return parse(text)
    except ValueError:
        return None


def _day(text: str) -> date | None:
    """A national milestone date: a day, or a month (its last day)."""
    try:
        period = parse(text)
    except ValueError:
        period = None
    if period is not None:
        return period.end if period.kind in ("day", "month") else None
    for fmt in ("%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel date cell read as its serial number
        return date(1899, 12, 30) + timedelta(days=int(float(text)))
    return None


def _split_owners(text: str) -> list[str]:
    found: dict[str, str] = {}
    for name in re.split(r"[,;]", text):
        name = " ".join(name.split())
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def _read_rows(rows: list[Row], layout: _Layout, problems: Problems) -> list[_DeliverableRow]:
    deliverable_column = layout.columns["deliverable"]
    keys = [deliverable_column.index, layout.columns["action"].index]
    found: list[_DeliverableRow] = []
    references: dict[str, int] = {}
    current: _DeliverableRow | None = None
    in_header = False  # within a repeated header
    for at, (number, cells) in enumerate(rows):
        if at < layout.first_data or (in_header and _is_header_row(cells, keys)):
            continue
        in_header = False
        text = _cell(cells, deliverable_column)
        if text and ROLES.get(normalise_header(text)) == "deliverable":
            # The STP plan repeats its header on every page; the repeat must match.
            if not _layout(rows, at, Problems("")).same_as(layout):
                problems.add(number, None, text, "the same header as at the top, or none")
            in_header = True
            continue
        if text and not (current and text == current.text):  # filled down from a merge
            current = _deliverable(number, text, cells, layout, problems)
            found.append(current)
            if current.reference:
                key = current.reference.casefold()
                if key in references:
                    problems.add(
                        number,
                        deliverable_column.label,
                        text,
                        f"each deliverable once; {current.reference} is also on row "
                        f"{references[key]}",
                    )
                references.setdefault(key, number)
        _action(number, cells, current, layout, problems)
    if not found and not problems.total:
        problems.add(None, None, None, "at least one deliverable under the header")
    return found


def _deliverable(number, text, cells, layout: _Layout, problems) -> _DeliverableRow:
    row = _DeliverableRow(number, text)
    found = REFERENCE.match(text)
    if not found or not text[found.end() :].strip():
        problems.add(
            number,
            layout.columns["deliverable"].label,
            text,
            "a deliverable starting with its reference and then its title, e.g. "
            "'National 1 - ...' or 'Local deliverable 1 – Workforce ...'",
        )
        return row
    kind, code = found[1].capitalize(), found[2]
    row.kind = Deliverable.Kind.NATIONAL if kind == "National" else Deliverable.Kind.LOCAL
    row.reference = f"{kind} {code}"
    row.title = text[found.end() :]
    trailing = TRAILING.search(row.title)
    if trailing and _day(trailing[1].strip()):
        row.national_milestone = _day(trailing[1].strip())
        row.title = row.title[: trailing.start()].rstrip()
    date_column = layout.columns.get("national_date")
    given = _cell(cells, date_column)
    if given:
        row.national_milestone = _day(given)
        if row.national_milestone is None:
            problems.add(
                number,
                date_column.label,
                given,
                "a date such as 2019-03-31, 31/03/2019, 31 March 2019 or March 2019, or blank",
            )
    return row


def _action(number, cells, deliverable, layout: _Layout, problems: Problems) -> None:
    action_column, owner_column = layout.columns["action"], layout.columns.get("owner")
    text = _cell(cells, action_column)
    marks = [(c, _cell(cells, c)) for c in layout.periods if _cell(cells, c)]
    owners_given = _cell(cells, owner_column)
    if text is None:
        for column, value in marks:
            problems.add(number, column.label, value, "a key action on the row of its marks")
        if owners_given:
            problems.add(number, owner_column.label, owners_given, "a key action for its owners")
        return
    if deliverable is None:
        problems.add(
            number,
            action_column.label,
            text,
            "a deliverable above this key action (its first key action shares its row)",
        )
        return
    title, owners = text, []
    trailing = TRAILING.search(text)
    if owners_given:
        owners = _split_owners(owners_given)
    elif trailing:
        title, owners = text[: trailing.start()].rstrip(), _split_owners(trailing[1])
    if not title:
        problems.add(number, action_column.label, text, "the key action, then its owners")
        return
    key = title.casefold()
    twin = next((a for a in deliverable.actions if a.title.casefold() == key), None)
    if twin:
        problems.add(
            number,
            action_column.label,
            title,
            f"each key action once under its deliverable; it is also on row {twin.row}",
        )
    action = _ActionRow(number, title, owners)
    for column, value in marks:
        if _is_mark(value):
            action.periods.append(column)
        else:
            problems.add(number, column.label, value, "X for a milestone in this period, or blank")
    deliverable.actions.append(action)


# Checks against PCN Hub -------------------------------------------------------------------


def _check_periods(deliverables, start: date, end: date, problems: Problems) -> None:
    """Each marked period must overlap the plan's; one the plan's start or end cuts is read
    by _in_plan."""
    plan = f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    for deliverable in deliverables:
        for action in deliverable.actions:
            for column in action.periods:
                period = column.period
                if period.end < start or period.start > end:
                    problems.add(
                        action.row,
                        column.label,
                        "X",
                        f"a milestone inside the plan's period, {plan} ({period.label} runs "
                        f"from {period.start:%-d %b %Y} to {period.end:%-d %b %Y})",
                    )


def _in_plan(period: Period, start: date, end: date) -> Period:
    """The milestone a mark in `period` makes in a plan from start to end: the period itself
    when the plan holds it whole. When the plan's start or end cuts it (as the export's
    first and last quarters may be), the milestone is due when the plan's part of it ends:
    the longest period the calendar names that ends then and lies inside that part, such as
    Mar 2019 for Q4 2018/19 in a plan from 1 Feb 2019, or the day itself."""
    if start <= period.start and period.end <= end:
        return period
    first, last = max(period.start, start), min(period.end, end)
    longest_first = (
        year_period(year_of(last)),
        half_of(last),
        quarter_of(last),
        month_period(last),
    )
    for candidate in longest_first:
        if candidate.end == last and candidate.start >= first:
            return candidate
    return parse(last.isoformat())


def _unknown_owners(deliverables, layout: _Layout, problems: Problems, add: bool):
    """Owners PCN Hub does not know: problems, or (with `add`) the contacts to add, each
    with the row it is first named on."""
    column = layout.columns.get("owner") or layout.columns["action"]
    names: dict[str, tuple[str, int]] = {}
    for deliverable in deliverables:
        for action in deliverable.actions:
            for name in action.owners:
                names.setdefault(name.casefold(), (name, action.row))
    owners = actions.Owners()
    unknown = {}
    for key, (name, row) in names.items():
        kind = owners.kind(name)
        if kind == "ambiguous":  # a person's name two people share: never a new contact
            problems.add(row, column.label, name, "the owner's username: two people have that name")
        elif kind is None:
            unknown[key] = (name, row)
    if not add:
        for deliverable in deliverables:
            for action in deliverable.actions:
                for name in action.owners:
                    if name.casefold() in unknown:
                        problems.add(
                            action.row,
                            column.label,
                            name,
                            "an owner who is a person in PCN Hub (username or full name) or a "
                            "contact; or choose to add new names as contacts",
                        )
    return list(unknown.values())


# Writing ----------------------------------------------------------------------------------


def _message(error) -> str:
    return "; ".join(error.messages if isinstance(error, ValidationError) else [str(error)])


def _write(programme, deliverables, layout, by, problems: Problems, result) -> None:
    """Through the actions; whatever they refuse becomes a problem on its row."""
    plan = load(programme, timezone.localdate(), measures=False)
    owners = actions.Owners()  # once, after any contacts the file brought were added
    existing = {d.reference.casefold(): d for d in plan.deliverables}
    instances = Deliverable.objects.in_bulk([d.id for d in plan.deliverables])
    action_ids = {a.id for a in plan.actions.values()}
    action_instances = Action.objects.select_related("deliverable__programme").in_bulk(action_ids)
    deliverable_label = layout.columns["deliverable"].label
    action_label = layout.columns["action"].label
    cut: dict[str, str] = {}  # a period column the plan's period cuts, and what its marks made
    for row in deliverables:
        known = existing.get(row.reference.casefold())
        try:
            if known is None:
                deliverable = actions.add_deliverable(
                    programme=programme,
                    kind=row.kind,
                    reference=row.reference,
                    title=row.title,
                    national_milestone=row.national_milestone,
                    by=by,
                )
                result.deliverables_created += 1
                titles = {}
            else:
                deliverable = instances[known.id]
                result.deliverables_matched += 1
                if " ".join(known.title.split()).casefold() != row.title.casefold():
                    result.warnings.append(
                        f"row {row.row}: {row.reference} is already in the plan as "
                        f"{known.title[:60]!r}; that title is kept"
                    )
                titles = {" ".join(a.title.split()).casefold(): a for a in known.actions}
        except (ValidationError, PermissionDenied) as error:
            problems.add(row.row, deliverable_label, row.text, f"a deliverable: {_message(error)}")
            continue
        for item in row.actions:
            known_action = titles.get(item.title.casefold())
            try:
                if known_action is None:
                    action = actions.add_action(
                        deliverable=deliverable,
                        title=item.title,
                        owners=item.owners,
                        by=by,
                        people=owners,
                    )
                    result.actions_created += 1
                    ends = []
                else:
                    action = action_instances[known_action.id]
                    result.actions_matched += 1
                    ends = [m.end for m in known_action.milestones]
                for column in item.periods:
                    # Covered by a milestone the action has that ends in the column's period,
                    # whatever its own: the export marks a month or day in its quarter.
                    if any(end in column.period for end in ends):
                        continue
                    period = _in_plan(column.period, programme.start, programme.end)
                    text = period.start.isoformat() if period.kind == "day" else period.label
                    actions.add_milestone(action=action, period=text, by=by)
                    result.milestones_created += 1
                    if period != column.period:
                        cut[column.label] = period.label
            except (ValidationError, PermissionDenied) as error:
                problems.add(item.row, action_label, item.title, f"a key action: {_message(error)}")
    plan_period = f"{programme.start:%-d %b %Y} to {programme.end:%-d %b %Y}"
    for label, due in cut.items():
        result.warnings.append(
            f"{label} runs beyond the plan's period ({plan_period}): its marks are milestones "
            f"due {due}, when the plan's part of it ends"
        )
