"""The board highlight report of a programme for a quarter: how many deliverables and key
actions stand at each status, the exceptions (actions at risk or off track, with why and the
owner's latest comment, by deliverable), the decisions the board is asked for (in an
action's latest report, while that report stands or when it was made in the quarter), the
milestones due in the next quarter and those overdue.

It is built as plain JSON content (readable dates, every figure as it was), so that a signed
report is frozen as a Snapshot (delivery.snapshots) and its PDF and page are drawn from what
was signed, never from the plan as it is later. The content's `items` key each exception,
decision and milestone, so any two signed reports compare item by item.

The report reads the plan as it stands on the day it is made (its `as_at`): the status rule
of delivery.status on that day, the latest update of each action. Any quarter's report may
be previewed so, but only the current quarter's or the one just ended's is signed
(signing_refusal): for an older quarter today's plan is not its account.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from fpdf import FPDF

from delivery.models import Programme, Snapshot, Status
from delivery.plan import ActionRow, MilestoneRow, Plan
from delivery.status import SEVERITY
from pcnhub.nhs_calendar import Period, parse, periods, quarter_of
from pcnhub.pdf import fit, latin1, wrap

EXCEPTIONS = (Status.OFF_TRACK, Status.AT_RISK)
DAY = "%-d %b %Y"
# Each milestone list names this many at most, soonest due first (so the most overdue lead);
# its count stays whole. A report of a few pages is read; one of a thousand is not.
MILESTONES_LISTED = 200


def subject(programme: Programme) -> str:
    """What a programme's snapshots are of; reports compare within one subject."""
    return f"programme:{programme.pk}"


def signed_reports(programme: Programme):
    return Snapshot.objects.filter(
        kind=Snapshot.Kind.BOARD_REPORT, subject=subject(programme)
    ).select_related("signed_by")


def quarters(programme: Programme) -> list[Period]:
    """The quarters a programme reports on: every quarter its period touches."""
    return periods(programme.start, programme.end, "quarter")


def default_quarter(programme: Programme, today: date) -> Period:
    """The current quarter; before the plan starts its first, after it ends its last."""
    found = quarters(programme)
    current = quarter_of(today)
    return current if current in found else (found[0] if today < found[0].start else found[-1])


def find_quarter(programme: Programme, label: str) -> Period:
    try:
        period = parse(label)
    except ValueError:
        period = None
    found = quarters(programme)
    if period not in found:
        raise ValidationError(
            {"period": [f"a quarter of the plan, {found[0].label} to {found[-1].label}"]}
        )
    return period


def signing_refusal(quarter: Period, today: date) -> str | None:
    """Why a quarter's report may not be signed today, or None when it may. The report reads
    the plan as it stands on the day it is made, so it is signed only while that is the
    quarter's own account: during the quarter, or in the quarter just after it, when its
    board meets. Signed later it would freeze today's statuses under an old quarter's label,
    and take that label for good."""
    current = quarter_of(today)
    just_ended = quarter_of(current.start - timedelta(days=1))
    rule = (
        "a report is signed during its quarter or in the quarter just after it, when its "
        "board meets"
    )
    if quarter.start > today:
        return f"{quarter.label} has not begun: {rule}"
    if quarter not in (current, just_ended):
        return (
            f"{quarter.label} ended on {quarter.end:{DAY}}: {rule}, so only {current.label} or "
            f"{just_ended.label} can be signed now; its preview shows the plan as it stands "
            "today, not as it stood then"
        )
    return None


def _owners(action: ActionRow) -> str:
    return ", ".join(action.owners) or "no owner"


def _day(value: date | None) -> str:
    return f"{value:{DAY}}" if value else ""


def _action(action: ActionRow, reference: str) -> dict:
    latest = action.latest
    return {
        "id": action.id,
        "deliverable": reference,
        "title": action.title,
        "owners": _owners(action),
        "status": action.status,
        "status_label": Status(action.status).label,
        "reason": action.standing.reason,
        "commentary": latest.commentary if latest else "",
        "by": latest.by if latest else "",
        "at": _day(timezone.localdate(latest.at)) if latest else "",
    }


def _milestone(milestone: MilestoneRow, action: ActionRow, reference: str) -> dict:
    return {
        "id": milestone.id,
        "deliverable": reference,
        "action": action.title,
        "owners": _owners(action),
        "period": milestone.period,
        "due": _day(milestone.end),
        "done_on": _day(milestone.done_on),
    }


def _still_asked(action: ActionRow, quarter: Period) -> bool:
    """Whether the decision the action's latest report asks for is before the board: while
    that report stands (it lapses once the dates move PCN Hub's reading on from what it was,
    delivery.status.standing), or when it was made within the report's quarter."""
    return action.standing.source != "lapsed" or timezone.localdate(action.latest.at) in quarter


NO_ACTION_LATE = "No key action of it is late: its outcome measures are behind their trajectory."


def board_report(plan: Plan, quarter: Period) -> dict:
    """The report's content: JSON-able, every date written out as the board reads it."""
    programme = plan.programme
    following = quarter_of(quarter.end + timedelta(days=1))
    by_deliverable = {d.id: d for d in plan.deliverables}
    deliverable_counts, action_counts = plan.counts("deliverables"), plan.counts("actions")
    summary = [
        {
            "status": status,
            "label": Status(status).label,
            "deliverables": deliverable_counts[status],
            "actions": action_counts[status],
        }
        for status in SEVERITY
    ]
    exceptions, decisions = [], []
    for deliverable in plan.deliverables:
        late = sorted(
            (a for a in deliverable.actions if a.status in EXCEPTIONS),
            key=lambda a: SEVERITY.index(a.status),
        )
        # A deliverable its measures put at risk or off track is an exception too, even with
        # no key action late: its reason names the measure.
        if late or deliverable.status in EXCEPTIONS:
            exceptions.append(
                {
                    "id": deliverable.id,
                    "reference": deliverable.reference,
                    "title": deliverable.title,
                    "status": deliverable.status,
                    "status_label": Status(deliverable.status).label,
                    "reason": deliverable.derived.reason,
                    "actions": [_action(a, deliverable.reference) for a in late],
                }
            )
        for action in deliverable.actions:
            if action.latest and action.latest.decision_needed and _still_asked(action, quarter):
                decisions.append(
                    {
                        **_action(action, deliverable.reference),
                        "decision": action.latest.decision_needed,
                    }
                )
    coming, overdue = [], []
    for milestone in plan.milestones():
        action = plan.actions[milestone.action_id]
        reference = by_deliverable[action.deliverable_id].reference
        if following.start <= milestone.end <= following.end:
            coming.append((milestone, action, reference))
        if milestone.done_on is None and milestone.end < plan.today:
            overdue.append((milestone, action, reference))
    coming.sort(key=lambda m: (m[0].end, m[0].id))
    overdue.sort(key=lambda m: (m[0].end, m[0].id))
    content = {
        "title": f"Board highlight report: {quarter.label}",
        "programme": {
            "id": programme.pk,
            "name": programme.name,
            "period": f"{_day(programme.start)} to {_day(programme.end)}",
        },
        "period": quarter.label,
        "next_period": following.label,
        "as_at": _day(plan.today),
        "summary": summary,
        "exceptions": exceptions,
        "decisions": decisions,
        "next_milestones": [_milestone(*m) for m in coming[:MILESTONES_LISTED]],
        "next_milestones_total": len(coming),
        "overdue": [_milestone(*m) for m in overdue[:MILESTONES_LISTED]],
        "overdue_total": len(overdue),
    }
    content["items"] = _items(content)
    return content


def _items(content: dict) -> list[dict]:
    """What two reports compare on: the counts, each exception, decision and milestone."""
    items = [
        {
            "key": f"summary:{of}",
            "label": f"{title} by status",
            "fields": {row["label"]: row[of] for row in content["summary"]},
        }
        for of, title in (("deliverables", "Deliverables"), ("actions", "Key actions"))
    ]
    for group in content["exceptions"]:
        items.append(
            {
                "key": f"deliverable:{group['id']}",
                "label": f"{group['reference']}: {group['title']}",
                "fields": {"Status": group["status_label"], "Why": group["reason"]},
            }
        )
        items += [
            {
                "key": f"action:{a['id']}",
                "label": f"{a['deliverable']}: {a['title']}",
                "fields": {
                    "Status": a["status_label"],
                    "Why": a["reason"],
                    "Latest commentary": a["commentary"],
                },
            }
            for a in group["actions"]
        ]
    items += [
        {
            "key": f"decision:{d['id']}",
            "label": f"{d['deliverable']}: {d['title']}",
            "fields": {"Decision needed": d["decision"], "Asked by": f"{d['by']}, {d['at']}"},
        }
        for d in content["decisions"]
    ]
    for section, name in (("next_milestones", "Next period"), ("overdue", "Overdue")):
        items += [
            {
                "key": f"{section}:{m['id']}",
                "label": f"{m['deliverable']}: {m['action']} ({m['period']})",
                "fields": {"Section": name, "Due": m["due"], "Done": m["done_on"]},
            }
            for m in content[section]
        ]
    return items


# PDF --------------------------------------------------------------------------------------

NHS_BLUE = (0, 94, 184)
TEXT = (33, 43, 50)
SECONDARY = (66, 84, 98)
RULE = (216, 221, 224)
STATUS_COLOURS = {
    Status.OFF_TRACK: (213, 40, 27),
    Status.AT_RISK: (255, 184, 28),
    Status.ON_TRACK: (0, 127, 59),
    Status.NOT_STARTED: (118, 134, 146),
    Status.COMPLETE: (0, 94, 184),
}
SIZE = 8  # pt, table text
LINE = 3.6  # mm a line of table text
PAD = 1.2  # mm above and below a table row
MAX_LINES = 14  # a cell's lines at most; a longer comment ends in "..."


class _Report(FPDF):
    def __init__(self, content: dict, signature: str):
        super().__init__(format="A4")
        self.content = content
        self.signature = signature
        self.set_margins(15, 30, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(latin1(f"{content['programme']['name']}: {content['title']}"))
        self.set_author("PCN Hub")

    def header(self):
        self.set_fill_color(*NHS_BLUE)
        self.rect(0, 0, self.w, 22, style="F")
        self.set_text_color(255, 255, 255)
        self.set_xy(self.l_margin, 5)
        self.set_font("Helvetica", "B", 14)
        self.cell(self.epw, 7, fit(self, self.content["title"], self.epw))
        self.set_xy(self.l_margin, 13)
        self.set_font("Helvetica", "", 9)
        programme = self.content["programme"]
        line = f"{programme['name']} ({programme['period']}); as at {self.content['as_at']}"
        self.cell(self.epw, 5, fit(self, line, self.epw))
        self.set_text_color(*TEXT)
        self.set_xy(self.l_margin, self.t_margin)

    def footers(self) -> None:
        """The signature and "Page n of N" at the foot of every page, once the count is
        known (drawn as text, which never breaks a page)."""
        self.set_font("Helvetica", "", 7)
        self.set_text_color(*SECONDARY)
        self.set_fill_color(255, 255, 255)
        signature = fit(self, self.signature, self.epw - 25)
        total = self.pages_count
        for number in range(1, total + 1):
            self.page = number
            # Each page's content stream selects its own font: select it again on this one.
            self.current_font_is_set_on_page = False
            self.text(self.l_margin + self.c_margin, self.h - 8, signature)
            folio = f"Page {number} of {total}"
            right = self.w - self.r_margin - self.c_margin - self.get_string_width(folio)
            self.text(right, self.h - 8, folio)

    def room_for(self, height: float) -> bool:
        """Whether `height` fits above the footer; if not, a new page is begun."""
        if self.get_y() + height <= self.page_break_trigger:
            return True
        self.add_page()
        return False

    def heading(self, text: str) -> None:
        self.room_for(18)  # a heading never sits alone at the foot of a page
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.set_text_color(*NHS_BLUE)
        self.cell(self.epw, 7, fit(self, text, self.epw), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*TEXT)

    def paragraph(self, text: str, style: str = "", size: float = 9) -> None:
        self.set_font("Helvetica", style, size)
        lines = wrap(self, text, self.epw)
        height = len(lines) * (size * 0.45)
        self.room_for(height)
        self.text_lines(self.l_margin, self.get_y(), lines, size * 0.45)
        self.set_y(self.get_y() + height + 1)

    def text_lines(self, x: float, y: float, lines: list[str], step: float) -> None:
        for n, line in enumerate(lines):
            self.text(x + self.c_margin, y + step * (n + 0.78), line)

    def table(
        self,
        columns: list[tuple[str, float]],
        rows: list[list[str]],
        status_column: int = -1,
        caption: str = "",
    ):
        """Rows of wrapped text under a bold header, both repeated (with the caption, if any)
        on each page the table runs on to. The status column, if any, is drawn as a coloured
        tag (its cell holds the status value and label)."""
        widths = [width for _, width in columns]

        def header_row(continued: bool = False):
            height = LINE + 2 * PAD
            continued = not self.room_for(height + LINE + 2 * PAD) or continued
            if continued and caption:
                self.set_font("Helvetica", "B", 9)
                self.text_lines(self.l_margin, self.get_y(), [fit(self, caption, self.epw)], 4.5)
                self.set_y(self.get_y() + 5.5)
            self.set_font("Helvetica", "B", SIZE)
            y = self.get_y()
            self.set_fill_color(232, 237, 238)
            self.rect(self.l_margin, y, sum(widths), height, style="F")
            x = self.l_margin
            for name, width in columns:
                self.text_lines(x, y + PAD, [fit(self, name, width)], LINE)
                x += width
            self.set_y(y + height)
            self.set_font("Helvetica", "", SIZE)

        header_row()
        self.set_draw_color(*RULE)
        for row in rows:
            cells = []
            for n, (value, width) in enumerate(zip(row, widths, strict=True)):
                if n == status_column:
                    cells.append([value[1]])
                else:
                    cells.append(wrap(self, value, width, MAX_LINES))
            height = max(len(c) for c in cells) * LINE + 2 * PAD
            if not self.room_for(height):
                header_row(continued=True)
            y, x = self.get_y(), self.l_margin
            for n, (lines, width) in enumerate(zip(cells, widths, strict=True)):
                if n == status_column:
                    self.tag(x, y + PAD, row[n][0], row[n][1])
                else:
                    self.text_lines(x, y + PAD, lines, LINE)
                x += width
            self.line(self.l_margin, y + height, self.l_margin + sum(widths), y + height)
            self.set_y(y + height)

    def tag(self, x: float, y: float, status: str, label: str) -> None:
        self.set_fill_color(*STATUS_COLOURS.get(status, SECONDARY))
        self.rect(x + self.c_margin, y + 0.4, 2.6, 2.6, style="F")
        self.text(x + self.c_margin + 3.6, y + LINE * 0.78, latin1(label))


def _milestone_rows(milestones: list[dict]) -> list[list[str]]:
    return [
        [
            m["due"],
            f"{m['deliverable']}: {m['action']} ({m['owners']})",
            m["period"],
            f"Done {m['done_on']}" if m["done_on"] else "Not done",
        ]
        for m in milestones
    ]


def report_pdf(content: dict, signature: str) -> bytes:
    """The report on A4: NHS-blue header band, page numbers and the signature (or that it
    is a preview) at the foot of every page."""
    pdf = _Report(content, signature)
    pdf.add_page()
    width = pdf.epw
    pdf.heading("Summary")
    actions = sum(row["actions"] for row in content["summary"])
    deliverables = sum(row["deliverables"] for row in content["summary"])
    pdf.paragraph(
        f"{deliverables} deliverables and {actions} key actions, by the status that stands on "
        f"{content['as_at']}: PCN Hub's reading of the milestone dates, or an owner's report."
    )
    pdf.table(
        [("Status", width - 60), ("Deliverables", 30), ("Key actions", 30)],
        [
            [(row["status"], row["label"]), str(row["deliverables"]), str(row["actions"])]
            for row in content["summary"]
        ],
        status_column=0,
    )
    count = sum(len(group["actions"]) for group in content["exceptions"])
    pdf.heading(f"Exceptions: what is at risk or off track ({count} key actions)")
    if not content["exceptions"]:
        pdf.paragraph("None: no key action is at risk or off track.")
    for group in content["exceptions"]:
        pdf.ln(1)
        pdf.room_for(30)  # the deliverable's heading starts a page rather than end one
        pdf.paragraph(
            f"{group['reference']}: {group['title']} ({group['status_label'].lower()}: "
            f"{group['reason']})",
            style="B",
        )
        if not group["actions"]:
            pdf.paragraph(NO_ACTION_LATE)
            continue
        pdf.table(
            [
                ("Key action (owners)", 60),
                ("Status", 20),
                ("Why", 45),
                ("Latest commentary", width - 125),
            ],
            [
                [
                    f"{a['title']} ({a['owners']})",
                    (a["status"], a["status_label"]),
                    a["reason"],
                    f"{a['commentary']} ({a['by']}, {a['at']})" if a["commentary"] else "",
                ]
                for a in group["actions"]
            ],
            status_column=1,
            caption=f"{group['reference']}, continued: {group['title']}",
        )
    pdf.heading(f"Decisions needed ({len(content['decisions'])})")
    if content["decisions"]:
        pdf.table(
            [("Key action (owners)", 62), ("Decision needed", width - 102), ("Asked by", 40)],
            [
                [
                    f"{d['deliverable']}: {d['title']} ({d['owners']})",
                    d["decision"],
                    f"{d['by']}, {d['at']}",
                ]
                for d in content["decisions"]
            ],
        )
    else:
        pdf.paragraph("None asked for.")
    milestone_columns = [
        ("Due", 22),
        ("Key action (owners)", width - 72),
        ("Period", 24),
        ("Done", 26),
    ]
    for key, title in (
        ("next_milestones", f"Milestones in the next period, {content['next_period']}"),
        ("overdue", "Overdue milestones"),
    ):
        total = content[f"{key}_total"]
        pdf.heading(f"{title} ({total})")
        if len(content[key]) < total:
            pdf.paragraph(f"The first {len(content[key])} of {total}, soonest due first.")
        if content[key]:
            pdf.table(milestone_columns, _milestone_rows(content[key]))
        else:
            pdf.paragraph("None.")
    pdf.footers()
    return bytes(pdf.output())


def signature_line(snapshot: Snapshot | None, as_at: str) -> str:
    if snapshot is None:
        return f"Preview, not signed: the plan as it stands on {as_at}."
    signed = timezone.localtime(snapshot.signed_at)
    who = snapshot.signed_by.get_full_name() or snapshot.signed_by.username
    return (
        f"Signed by {who} on {signed:%-d %b %Y} at {signed:%H:%M}; "
        f"content SHA-256 {snapshot.digest[:16]}"
    )
