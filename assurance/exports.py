"""The assurance return as Excel and CSV, in the layout assurance.return_import reads: the
same header names, one row per requirement in the framework's order and the overall row
last, dates as the importer reads them. A return exported, filled in and sent back imports
unchanged where nobody changed it."""

from collections.abc import Iterator, Sequence
from io import BytesIO, StringIO

from django.utils import timezone

from assurance.expected import expected_text
from assurance.frameworks import OVERALL, SCALE_NAMES, rating_label
from assurance.models import Round
from assurance.return_import import ACTIONS_COLUMN, COLUMNS
from assurance.rounds import ratings_of
from pcnhub.spreadsheet import SafeWriter, safe_workbook

Row = Sequence[str]


def header(round: Round) -> list[str]:
    months = [f"{m:%b %Y}" for m in round.framework.plan_months()]
    first = [COLUMNS[c][0] for c in ("area", "requirement", "rating", "reasons", "response")]
    return [
        *first,
        ACTIONS_COLUMN["actions"][0],
        COLUMNS["expected"][0],
        COLUMNS["reviewer"][0],
        *months,
    ]


def return_rows(round: Round) -> Iterator[Row]:
    """Header, then a row per requirement, then the overall row."""
    scale = round.framework.scale
    months = round.framework.plan_months()
    yield header(round)
    for rating in ratings_of(round):
        requirement = rating.requirement
        planned = {p.month: p.text for p in rating.planned.all()}
        yield (
            requirement.area,
            requirement.title,
            rating_label(scale, rating.rating),
            rating.reasons,
            rating.response,
            rating.actions,
            expected_text(rating.expected_on, rating.expected_note),
            rating.reviewer_comments,
            *(planned.get(m, "") for m in months),
        )
    blanks = [""] * len(months)
    overall = rating_label(scale, round.overall_rating)
    yield (OVERALL, "", overall, "", "", "", "", round.overall_comments, *blanks)


def return_csv(round: Round) -> str:
    """Each cell on one line: the importer reads a CSV line by line."""
    out = StringIO()
    writer = SafeWriter(out)
    for row in return_rows(round):
        writer.writerow([" ".join(value.split()) for value in row])
    return out.getvalue()


def _about(round: Round) -> list[tuple[str, str]]:
    framework = round.framework
    return [
        ("Framework", framework.title),
        ("Published by", f"{framework.publisher}: {framework.document}"),
        ("Ratings", SCALE_NAMES[framework.scale]),
        ("Commissioner", f"{round.commissioner.name} ({round.commissioner.code})"),
        ("Round", round.label),
        ("Submitted on", round.submitted_on.isoformat()),
        ("State", round.get_state_display()),
        ("Exported", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (
            "To import it back",
            "Keep the Return sheet's header row. NHS England's assurance team fills in the "
            "rating, its reasons and the reviewer's comments; the commissioner the explanation, "
            "actions, date and planned months. A blank cell leaves what PCN Hub holds.",
        ),
    ]


def return_xlsx(round: Round) -> bytes:
    """The Return sheet first (what the importer reads), then About."""
    buffer = BytesIO()
    workbook = safe_workbook(buffer)
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet("Return")
    names, *body = list(return_rows(round))
    sheet.write_row(0, 0, names, head)
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            # Always text: a response beginning with '=' must never become a formula.
            sheet.write_string(r, c, value, wrap)
    widths = [18, 40, 16, 50, 60, 40, 24, 50] + [30] * (len(names) - 8)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 2)
    about = workbook.add_worksheet("About")
    bold = workbook.add_format({"bold": True, "valign": "top"})
    for r, (label, value) in enumerate(_about(round)):
        about.write_string(r, 0, label, bold)
        about.write_string(r, 1, value, wrap)
    about.set_column(0, 0, 18)
    about.set_column(1, 1, 90)
    workbook.close()
    return buffer.getvalue()
