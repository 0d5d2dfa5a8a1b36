"""A plan as the STP implementation plan lays it out (seed 002), as an Excel workbook and a
CSV: a row a key action (owners in parentheses) under its deliverable, an X in each period
it has a milestone in, then where it stands (Status, Why, Latest commentary).
delivery.plan_import reads both back: it ignores the status columns, which PCN Hub works out.

Period columns are the plan's quarters, with the financial year over them in a header row
above; a year whose milestones are all half-years is shown by its halves (as the STP plan
shows its later years), and halves or a whole year sit beside the quarters where a year has
both. A milestone set to a month or a day is marked in its quarter: imported into a new plan
it reads back as a milestone for that quarter, not its month or day; imported back into its
own plan it is already there (delivery.plan_import counts a column covered when one of the
action's milestones ends in its period), so nothing is added.
A quarter the plan's start or end falls inside (Q4 2018/19 of a plan from 1 February 2019)
has its column too, so a milestone in the plan's part of it is marked; delivery.plan_import
reads a mark there as a milestone due when the plan's part of the quarter ends.
"""

from dataclasses import dataclass, replace
from io import BytesIO, StringIO

from django.utils import timezone

from delivery.models import Status
from delivery.plan import ActionRow, DeliverableRow, Plan
from pcnhub.nhs_calendar import Period, parse, periods, quarter_of, year_of
from pcnhub.spreadsheet import SafeWriter, safe_workbook

DELIVERABLE = "Deliverable (National milestone date)"
ACTION = "Key actions (Action owner)"
STATUS_COLUMNS = ("Status", "Why", "Latest commentary")


@dataclass
class Layout:
    """The plan's cells: two header rows, then a row a key action."""

    columns: list[Period]
    header: list[list[str | None]]
    rows: list[list[str | None]]
    groups: list[tuple[int, int]]  # first and last row of each deliverable, for merged cells
    years: list[tuple[int, int, str]]  # first and last column of each year, for merged cells


def _clipped(period: Period, start, end) -> Period:
    """The part of a period inside start..end, under the period's own label."""
    return replace(period, start=max(period.start, start), end=min(period.end, end))


def column_periods(plan: Plan) -> list[Period]:
    """The periods heading the mark columns, year by year over the plan's period; a quarter
    the plan's start or end cuts is clipped to the plan (and keeps its label)."""
    kinds: dict[str, set[str]] = {}
    for label in {m.period for m in plan.milestones()}:
        try:
            period = parse(label)
        except ValueError:
            continue
        kinds.setdefault(year_of(period.start), set()).add(period.kind)
    programme = plan.programme
    found: list[Period] = []
    for year in periods(programme.start, programme.end, "year"):
        used = kinds.get(year.label, set())
        # Every quarter the plan touches, those its start or end cuts clipped to it: a month or
        # day milestone is marked in its quarter, and may fall in one the plan only partly
        # covers (a plan from 1 February has two months of Q4). Halves and years only whole:
        # a milestone set to one lies inside the plan, so a cut one would stay empty.
        quarters = [
            _clipped(p, programme.start, programme.end)
            for p in periods(year.start, year.end, "quarter")
            if p.start <= programme.end and p.end >= programme.start
        ]
        halves = [
            p
            for p in periods(year.start, year.end, "half")
            if p.start >= programme.start and p.end <= programme.end
        ]
        if used == {"half"} and halves:
            chosen = halves
        else:
            chosen = quarters + (halves if "half" in used else [])
            if "year" in used:
                chosen.append(year)
        found += sorted(chosen, key=lambda p: (p.end, -p.start.toordinal()))
    return found


def _deliverable_text(deliverable: DeliverableRow) -> str:
    text = f"{deliverable.reference} - {deliverable.title}"
    if deliverable.national_milestone:
        text += f" ({deliverable.national_milestone:%-d %B %Y})"
    return text


def _action_text(action: ActionRow) -> str:
    """The title, then its owners in parentheses; empty ones when it has none but its title
    ends in parentheses of its own, which would otherwise read back as owners."""
    if action.owners or action.title.endswith(")"):
        return f"{action.title} ({', '.join(action.owners)})"
    return action.title


def _latest(action: ActionRow) -> str:
    latest = action.latest
    if latest is None:
        return ""
    return f"{latest.commentary} ({latest.by}, {timezone.localdate(latest.at):%-d %b %Y})"


def layout(plan: Plan, columns: list[Period] | None = None) -> Layout:
    columns = column_periods(plan) if columns is None else columns
    by_label = {p.label: i for i, p in enumerate(columns)}
    top: list[str | None] = [DELIVERABLE, ACTION]
    sub: list[str | None] = [None, None]
    years: list[tuple[int, int, str]] = []
    for i, period in enumerate(columns, start=2):
        year = year_of(period.start)
        if years and years[-1][2] == year:
            years[-1] = (years[-1][0], i, year)
            top.append(None)
        else:
            years.append((i, i, year))
            top.append(year)
        sub.append("Year" if period.kind == "year" else period.label.split()[0])
    top += list(STATUS_COLUMNS)
    sub += [None] * len(STATUS_COLUMNS)
    rows, groups = [], []
    for deliverable in plan.deliverables:
        first = len(rows)
        if not deliverable.actions:
            rows.append(
                [_deliverable_text(deliverable), None, *[None] * len(columns)]
                + [Status(deliverable.status).label, deliverable.derived.reason, None]
            )
        for n, action in enumerate(deliverable.actions):
            marks: list[str | None] = [None] * len(columns)
            for milestone in action.milestones:
                at = by_label.get(milestone.period)
                if at is None:
                    at = by_label.get(quarter_of(milestone.end).label)
                if at is not None:
                    marks[at] = "X"
            rows.append(
                [_deliverable_text(deliverable) if n == 0 else None, _action_text(action)]
                + marks
                + [Status(action.status).label, action.standing.reason, _latest(action)]
            )
        groups.append((first, len(rows) - 1))
    return Layout(columns, [top, sub], rows, groups, years)


def plan_csv(plan: Plan) -> str:
    """The plan's two header rows and its rows, a merged cell's text in its first cell only
    (as Excel saves a merged sheet); callers encode it as utf-8-sig for Excel."""
    found = layout(plan)
    out = StringIO()
    writer = SafeWriter(out)
    for row in [*found.header, *found.rows]:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


STATUS_COLOURS = {
    Status.OFF_TRACK: "#F6D4D1",
    Status.AT_RISK: "#FFF9C4",
    Status.ON_TRACK: "#CCE5D8",
    Status.COMPLETE: "#CCDFF1",
}


def plan_xlsx(plan: Plan) -> bytes:
    """The plan as one sheet: its name and period, then the table with merged year and
    deliverable cells, frozen below the header; status cells tinted by status."""
    found = layout(plan)
    programme = plan.programme
    buffer = BytesIO()
    book = safe_workbook(buffer)
    sheet = book.add_worksheet("Plan")
    base = {"text_wrap": True, "valign": "top", "border": 1}
    header = book.add_format({**base, "bold": True, "bg_color": "#DCE6F1", "align": "center"})
    text = book.add_format(base)
    mark = book.add_format({**base, "align": "center"})
    tinted = {
        Status(status).label: book.add_format({**base, "bg_color": colour})
        for status, colour in STATUS_COLOURS.items()
    }
    sheet.write_string(0, 0, programme.name, book.add_format({"bold": True, "font_size": 14}))
    sheet.write_string(
        1,
        0,
        f"{programme.start:%-d %B %Y} to {programme.end:%-d %B %Y}. Status as at "
        f"{plan.today:%-d %B %Y}: PCN Hub's reading of the dates, or the owner's report.",
    )
    top = 3  # the header's first row, under the title and a blank row
    width = len(found.header[0])
    first, last = 2, 2 + len(found.columns) - 1
    for column in [*range(first), *range(last + 1, width)]:
        sheet.merge_range(top, column, top + 1, column, found.header[0][column], header)
    for start, end, year in found.years:
        if start == end:
            sheet.write_string(top, start, year, header)
        else:
            sheet.merge_range(top, start, top, end, year, header)
    for column in range(first, last + 1):
        sheet.write_string(top + 1, column, found.header[1][column], header)
    body = top + 2
    for r, row in enumerate(found.rows, start=body):
        for c, value in enumerate(row):
            if c == 0:
                continue  # written below, merged over the deliverable's rows
            if first <= c <= last:
                fmt = mark
            elif c == last + 1:  # Status
                fmt = tinted.get(value, text)
            else:
                fmt = text
            if value is None:
                sheet.write_blank(r, c, None, fmt)
            else:
                sheet.write_string(r, c, value, fmt)
    for start, end in found.groups:
        value = found.rows[start][0]
        if start == end:
            sheet.write_string(body + start, 0, value, text)
        else:
            sheet.merge_range(body + start, 0, body + end, 0, value, text)
    sheet.set_column(0, 1, 48)
    sheet.set_column(first, last, 7)
    sheet.set_column(last + 1, last + 1, 11)
    sheet.set_column(last + 2, last + 3, 40)
    sheet.freeze_panes(body, 2)
    book.close()
    return buffer.getvalue()
