"""The NHS England coverage return, from a `Coverage`, as CSV, Excel workbook and one-page PDF.

Every format is built from the same rows (`network_rows`, `uncovered_rows`), so a figure in the
committee paper is the one in the spreadsheet and the CSV. The CSV is for machines (one table,
a header row, ISO dates, plain integers); the workbook and PDF are for people.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

from fpdf import FPDF, XPos, YPos

from pcnhub.pdf import fit, latin1
from pcnhub.spreadsheet import SafeWriter, safe_workbook
from registrations.coverage import Coverage, Network

ENGLAND = ("ENG", "England")
AREA_HEADER = ("Area code", "Area name", "As at", "DES year")
NETWORK_HEADER = (
    *AREA_HEADER,
    "PCN ODS code",
    "PCN name",
    "Commissioner code",
    "Status",
    "Member practices",
    "List size (1 January)",
    "List size note",
    "Under minimum",
    "Over guide maximum",
    "Single practice",
)
UNCOVERED_HEADER = (
    *AREA_HEADER,
    "Practice ODS code",
    "Practice name",
    "Patients",
    "ODS PCN",
)
PROGRESS_HEADER = ("Milestone", "Date", "Done", "Total", "Overdue")
# Columns of patient counts, shown with thousands separators in the workbook.
MAX_MILESTONES = 8
MAX_UNCOVERED = 10
MAX_WARNINGS = 3
LINE = 6  # mm, one table row
FOOTER_HEIGHT = 14  # mm kept clear at the bottom for the source line
THOUSANDS_COLUMNS = frozenset({"List size (1 January)", "Patients"})

Row = Sequence[object]


# Shared rows -----------------------------------------------------------------------------


def area_code_name(coverage: Coverage) -> tuple[str, str]:
    """The area's code and name; England has no Organisation row, so it gets ENG."""
    return (coverage.area.code, coverage.area.name) if coverage.area else ENGLAND


def _area_columns(coverage: Coverage) -> tuple[object, ...]:
    """Repeated on every row so each CSV stands alone once separated from its request."""
    code, name = area_code_name(coverage)
    return (code, name, coverage.day, coverage.year.label if coverage.year else "")


def network_rows(coverage: Coverage, networks: Iterable[Network] | None = None) -> Iterator[Row]:
    """Header then one row per network in force (or the `networks` given, e.g. outliers).

    Values stay Python types (dates, ints, bools) so each format renders them its own way.
    A network whose list size cannot be calculated has a blank size and blank under/over
    flags (it is judged against neither threshold), with the reason in the note, as on the page.
    """
    yield NETWORK_HEADER
    area = _area_columns(coverage)
    for network in coverage.networks if networks is None else networks:
        registration = network.registration
        yield (
            *area,
            registration.pcn.code,
            registration.pcn.name,
            registration.commissioner.code,
            network.status_label,
            network.practices,
            network.list_size,
            network.list_note,
            None if network.list_note else network.under_minimum,
            None if network.list_note else network.over_maximum,
            network.single_practice,
        )


def uncovered_rows(coverage: Coverage) -> Iterator[Row]:
    """Header then one row per practice in the area that no approved PCN covers."""
    yield UNCOVERED_HEADER
    area = _area_columns(coverage)
    for item in coverage.uncovered:
        yield (*area, item.practice.code, item.practice.name, item.patients, item.ods_pcn)


def progress_rows(coverage: Coverage) -> Iterator[Row]:
    """Header then the timetable progress of the DES year's registrations."""
    yield PROGRESS_HEADER
    for step in coverage.progress:
        yield (step.label, step.date, step.done, step.total, step.overdue)


SIZES_HEADER = (*AREA_HEADER, "Figure", "Value")


def distribution_rows(coverage: Coverage) -> Iterator[Row]:
    """Header then the PCN size distribution, one figure a row, with which PCNs and lists it
    counts, so the figures can be checked by hand."""
    yield SIZES_HEADER
    area = _area_columns(coverage)
    if coverage.sizes is None:
        return
    for label, value in coverage.sizes.rows():
        yield (*area, label, value)
    yield (*area, "PCNs not sized (a member without a list)", len(coverage.unsized))
    yield (*area, "Lists used", _bases_text(coverage.size_bases, "PCN"))
    yield (*area, "List dates", ", ".join(d.isoformat() for d in coverage.sizes_dates))
    yield (*area, "Which PCNs and lists", coverage.sizes_words)


def figure_rows(coverage: Coverage) -> Iterator[Row]:
    """Header then every headline figure and the size distribution, one a row: the CLI's
    output (pcnhub coverage), in the same words as the page."""
    yield SIZES_HEADER
    area = _area_columns(coverage)
    for label, value in (
        ("Practices counted", coverage.practices),
        ("Practices in an approved PCN", coverage.practices_covered),
        ("% practices in an approved PCN", coverage.practices_pct),
        ("Registered patients", coverage.patients),
        ("Patients in an approved PCN", coverage.patients_covered),
        ("% patients in an approved PCN", coverage.patients_pct),
        ("Practices in a PCN according to ODS", coverage.practices_in_ods_pcn),
        ("Lists counted", _bases_text(coverage.list_bases, "practice")),
        ("List sources", ", ".join(coverage.list_sources)),
        *(("List warning", w) for w in coverage.list_warnings),
        ("How practices are counted", coverage.counted_words),
        ("Not counted", coverage.not_counted_summary or "none"),
    ):
        yield (*area, label, value)
    yield from list(distribution_rows(coverage))[1:]


def _bases_text(bases: Sequence[tuple[str, int]], unit: str) -> str:
    return "; ".join(f"{words} ({n:,} {unit}{'s' if n != 1 else ''})" for words, n in bases)


def _long_date(day: date) -> str:
    return day.strftime("%-d %B %Y")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


# CSV -------------------------------------------------------------------------------------


def _csv_text(value: object) -> str:
    """One cell as text a loader can parse: Yes/No, ISO dates, integers without separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv(rows: Iterable[Row]) -> str:
    """The rows as CSV with \\r\\n line ends; callers encode as utf-8-sig for Excel."""
    out = StringIO()
    writer = SafeWriter(out)
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return out.getvalue()


def networks_csv(coverage: Coverage) -> str:
    """One row per network in force in the area, for the NHS England return."""
    return _csv(network_rows(coverage))


def sizes_csv(coverage: Coverage) -> str:
    """The PCN size distribution, one figure a row."""
    return _csv(distribution_rows(coverage))


def figures_csv(coverage: Coverage) -> str:
    """Every headline figure and the size distribution, one a row (pcnhub coverage)."""
    return _csv(figure_rows(coverage))


def uncovered_csv(coverage: Coverage) -> str:
    """One row per practice not covered by an approved PCN, for the NHS England return."""
    return _csv(uncovered_rows(coverage))


# Excel -----------------------------------------------------------------------------------


def _formats(workbook) -> dict:
    return {
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "top"}
        ),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
        "thousands": workbook.add_format({"num_format": "#,##0"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
    }


def _write_cell(sheet, row: int, col: int, value: object, formats: dict, fmt=None) -> None:
    """Write by type: numbers as numbers, dates as dates, bools as Yes/No.

    Text always goes through write_string so a name beginning with '=' is never a formula.
    """
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt or formats["date"])
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _width(values: Iterable[object]) -> int:
    """A column width that fits its longest value, within reason."""
    longest = max((len(_csv_text(v)) for v in values), default=0)
    return min(max(longest + 2, 8), 60)


def _table_sheet(sheet, formats: dict, rows: Iterable[Row]) -> None:
    """A filterable table: formatted header frozen at the top, columns sized to their data."""
    header, *body = list(rows)
    sheet.write_row(0, 0, header, formats["header"])
    for r, row in enumerate(body, start=1):
        for c, value in enumerate(row):
            fmt = formats["thousands"] if header[c] in THOUSANDS_COLUMNS else None
            _write_cell(sheet, r, c, value, formats, fmt)
    for c, name in enumerate(header):
        sheet.set_column(c, c, _width([name, *(row[c] for row in body)]))
    sheet.autofilter(0, 0, len(body), len(header) - 1)
    sheet.freeze_panes(1, 0)


def _summary_items(coverage: Coverage) -> list[tuple[str, object, str | None]]:
    """Label, value and number format of each headline figure."""
    code, name = area_code_name(coverage)

    def fraction(pct: float | None) -> float | None:
        return None if pct is None else pct / 100

    return [
        ("Area", f"{name} ({code})", None),
        ("As at", coverage.day, "date"),
        ("DES year", coverage.year.label if coverage.year else "", None),
        ("Practices", coverage.practices, "thousands"),
        ("Practices in an approved PCN", coverage.practices_covered, "thousands"),
        ("% practices in an approved PCN", fraction(coverage.practices_pct), "percent"),
        ("Registered patients", coverage.patients, "thousands"),
        ("Patients in an approved PCN", coverage.patients_covered, "thousands"),
        ("% patients in an approved PCN", fraction(coverage.patients_pct), "percent"),
        ("Practices in a PCN according to ODS", coverage.practices_in_ods_pcn, "thousands"),
        (
            "List-size extract dates used",
            ", ".join(d.isoformat() for d in coverage.size_dates),
            None,
        ),
        ("Lists counted", _bases_text(coverage.list_bases, "practice"), None),
        ("List sources", ", ".join(coverage.list_sources), None),
        *(("List warning", w, None) for w in coverage.list_warnings),
        ("Practices counted", coverage.counted_words, None),
        ("Not counted", coverage.not_counted_summary or "none", None),
        (
            "Contract variations signed",
            f"{coverage.variations_signed} of {coverage.variations_total}",
            None,
        ),
    ]


def _summary_sheet(sheet, formats: dict, coverage: Coverage) -> None:
    """Headline figures as label/value rows, then the timetable progress table below them."""
    sheet.write_string(0, 0, f"PCN coverage: {area_code_name(coverage)[1]}", formats["title"])
    items = _summary_items(coverage)
    for r, (label, value, fmt) in enumerate(items, start=2):
        sheet.write_string(r, 0, label, formats["bold"])
        _write_cell(sheet, r, 1, value, formats, formats[fmt] if fmt else None)
    top = len(items) + 3
    sheet.write_string(top, 0, "Timetable progress", formats["title"])
    header, *body = progress_rows(coverage)
    sheet.write_row(top + 1, 0, header, formats["header"])
    for r, row in enumerate(body, start=top + 2):
        for c, value in enumerate(row):
            _write_cell(sheet, r, c, value, formats)
    sheet.set_column(0, 0, _width([label for label, _, _ in items] + [row[0] for row in body]))
    sheet.set_column(1, 4, 14)


def coverage_xlsx(coverage: Coverage) -> bytes:
    """The return as a workbook: Summary, Networks, Not covered, PCN sizes and Outliers."""
    buffer = BytesIO()
    workbook = safe_workbook(buffer)
    formats = _formats(workbook)
    _summary_sheet(workbook.add_worksheet("Summary"), formats, coverage)
    _table_sheet(workbook.add_worksheet("Networks"), formats, network_rows(coverage))
    _table_sheet(workbook.add_worksheet("Not covered"), formats, uncovered_rows(coverage))
    _table_sheet(workbook.add_worksheet("PCN sizes"), formats, distribution_rows(coverage))
    outliers = network_rows(coverage, coverage.outliers)
    _table_sheet(workbook.add_worksheet("Outliers"), formats, outliers)
    workbook.close()
    return buffer.getvalue()


# PDF -------------------------------------------------------------------------------------


# Characters common in pasted names that the latin-1 core fonts cannot draw.
def _body_bottom(pdf: FPDF) -> float:
    return pdf.h - pdf.b_margin - FOOTER_HEIGHT


def _row(pdf: FPDF, cells: Sequence[tuple[str, float, str]], bold: bool = False) -> bool:
    """One table row of (text, width, align); skipped, returning False, if it would reach
    the footer, so the paper can never run onto a second page."""
    if pdf.get_y() + LINE > _body_bottom(pdf):
        return False
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for text, width, align in cells:
        pdf.cell(width, LINE, fit(pdf, text, width), border="B", align=align)
    pdf.ln(LINE)
    return True


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, fit(pdf, text, pdf.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _text_line(pdf: FPDF, text: str, size: int = 10, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.cell(0, LINE, fit(pdf, text, pdf.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _pdf_title(pdf: FPDF, coverage: Coverage) -> None:
    pdf.set_font("Helvetica", "B", 18)
    title = f"PCN coverage: {area_code_name(coverage)[1]}"
    pdf.cell(0, 10, fit(pdf, title, pdf.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    year = coverage.year.label if coverage.year else "none in force"
    _text_line(pdf, f"As at {_long_date(coverage.day)}, DES year {year}", size=11)


def _pdf_headline(pdf: FPDF, coverage: Coverage) -> None:
    """The two figures the committee asks for first, side by side in large bold type."""
    pdf.ln(4)
    half = pdf.epw / 2
    figures = [
        (
            coverage.practices_pct,
            f"of practices ({coverage.practices_covered:,} of "
            f"{coverage.practices:,}) in an approved PCN",
        ),
        (
            coverage.patients_pct,
            f"of patients ({coverage.patients_covered:,} of "
            f"{coverage.patients:,}) in an approved PCN",
        ),
    ]
    pdf.set_font("Helvetica", "B", 28)
    for pct, _ in figures:
        pdf.cell(half, 13, _percent(pct))
    pdf.ln(13)
    pdf.set_font("Helvetica", "", 9)
    for _, caption in figures:
        pdf.cell(half, 5, fit(pdf, caption, half))
    pdf.ln(5)


def _pdf_text(value: object) -> str:
    """One cell as the paper reads it: dates written out, numbers with thousands separators."""
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return _csv_text(value)


def _pdf_table(
    pdf: FPDF, rows: Iterable[Row], widths: Sequence[float], aligns: str, limit: int
) -> int:
    """Header and up to `limit` rows; returns how many body rows were drawn."""
    header, *body = rows
    _row(pdf, list(zip(header, widths, aligns, strict=True)), bold=True)
    shown = 0
    for row in body[:limit]:
        texts = [_pdf_text(value) for value in row]
        if not _row(pdf, list(zip(texts, widths, aligns, strict=True))):
            break
        shown += 1
    return shown


def _pdf_progress(pdf: FPDF, coverage: Coverage) -> None:
    _heading(pdf, "Timetable progress")
    if not coverage.progress:
        _text_line(pdf, "No registrations for the DES year in the area.")
        return
    widths = (pdf.epw - 80, 26, 18, 18, 18)
    _pdf_table(pdf, progress_rows(coverage), widths, "LLRRR", MAX_MILESTONES)


def _pdf_outliers(pdf: FPDF, coverage: Coverage) -> None:
    networks = coverage.networks
    _heading(pdf, f"Networks outside the size rules ({len(coverage.outliers)} of {len(networks)})")
    minimum = f" of {coverage.minimum:,} patients" if coverage.minimum else ""
    maximum = f" of {coverage.maximum:,} patients" if coverage.maximum else ""
    counts = [
        (f"Under the minimum{minimum}", sum(n.under_minimum for n in networks)),
        (f"Over the guide maximum{maximum}", sum(n.over_maximum for n in networks)),
        ("Single practice", sum(n.single_practice for n in networks)),
        ("List size cannot be calculated", len(coverage.networks_not_sized)),
    ]
    widths = (pdf.epw - 30, 30)
    for label, count in counts:
        _row(pdf, [(label, widths[0], "L"), (f"{count:,}", widths[1], "R")])


def _pdf_sizes(pdf: FPDF, coverage: Coverage) -> None:
    """The size distribution in three lines; the footer names the lists it used."""
    sizes = coverage.sizes
    if sizes is None:
        return
    _heading(
        pdf, f"PCN sizes on the day ({sizes.pcns:,} PCNs sized, {len(coverage.unsized):,} not)"
    )
    _text_line(
        pdf,
        f"Below {sizes.minimum:,}: {sizes.below:,}; {sizes.minimum:,} to {sizes.maximum:,}: "
        f"{sizes.within:,}; above {sizes.maximum:,}: {sizes.above:,}; single-practice: "
        f"{sizes.single_practice:,}; more than 10 practices: {sizes.over_ten_practices:,}",
        size=9,
    )
    shown = ", ".join(f"{p}th {'n/a' if v is None else f'{v:,}'}" for p, v in sizes.percentiles)
    _text_line(pdf, f"Percentiles of PCN size (Excel PERCENTILE.INC): {shown}", size=9)
    _text_line(pdf, f"Lists: {_bases_text(coverage.size_bases, 'PCN') or 'none'}", size=9)


def _pdf_uncovered(pdf: FPDF, coverage: Coverage) -> None:
    """The first few uncovered practices, the columns of the Not covered table less the area."""
    total = len(coverage.uncovered)
    _heading(pdf, f"Practices not in an approved PCN ({total:,})")
    if not total:
        _text_line(pdf, "None: every practice in the area is in an approved PCN.")
        return
    skip = len(AREA_HEADER)
    rows = [row[skip:] for row in uncovered_rows(coverage)]
    widths = (34, pdf.epw - 34 - 22 - 30, 22, 30)
    shown = _pdf_table(pdf, rows, widths, "LLRL", MAX_UNCOVERED)
    if shown < total:
        _text_line(pdf, f"and {total - shown:,} more", size=9, style="I")


def _dates_text(dates: Sequence[date]) -> str:
    """The lists' dates for the source line, summarised when there are many so it stays short."""
    if len(dates) <= 3:
        return ", ".join(_long_date(d) for d in dates)
    return f"{_long_date(dates[0])} to {_long_date(dates[-1])} ({len(dates)} dates)"


def _pdf_warnings(pdf: FPDF, coverage: Coverage) -> None:
    """The lists' warnings (stale or later figures) under the figures they qualify, as the
    page and CLI give them; the first few, then how many more."""
    warnings = coverage.list_warnings
    for warning in warnings[:MAX_WARNINGS]:
        _text_line(pdf, f"Note: {warning}", size=8, style="I")
    if len(warnings) > MAX_WARNINGS:
        _text_line(pdf, f"and {len(warnings) - MAX_WARNINGS:,} more notes", size=8, style="I")


def _few(items: Sequence[str], shown: int = 3) -> str:
    more = f" and {len(items) - shown:,} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more


def _pdf_footer(pdf: FPDF, coverage: Coverage) -> None:
    """Where the figures come from, built from the lists actually counted (their bases, dates
    and files), never a fixed description of them."""
    pdf.set_y(_body_bottom(pdf) + 4)
    pdf.set_font("Helvetica", "", 8)
    bases = [f"{words} ({n:,} practice{'s' if n != 1 else ''})" for words, n in coverage.list_bases]
    text = "Source: PCN Hub, registrations approved by the commissioner; lists counted: "
    text += _few(bases) if bases else "no list on file"
    if len(bases) > 3:
        text += f" (dated {_dates_text(coverage.size_dates)})"
    if coverage.list_sources:
        text += f"; from {_few(list(coverage.list_sources))}"
    if coverage.not_counted_summary:
        text += f"; {coverage.not_counted_summary}"
    pdf.multi_cell(0, 4, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def coverage_pdf(coverage: Coverage) -> bytes:
    """One A4 page for a committee paper. Lists are cut short and page breaks are off, so
    no area is too big for one page; a second page would be a bug and raises."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False, margin=15)  # the margin sets where the footer sits
    pdf.set_margins(15, 15, 15)
    pdf.set_title(latin1(f"PCN coverage: {area_code_name(coverage)[1]}"))
    pdf.add_page()
    _pdf_title(pdf, coverage)
    _pdf_headline(pdf, coverage)
    _pdf_warnings(pdf, coverage)
    _pdf_progress(pdf, coverage)
    _pdf_outliers(pdf, coverage)
    _pdf_sizes(pdf, coverage)
    _pdf_uncovered(pdf, coverage)
    _pdf_footer(pdf, coverage)
    if pdf.pages_count != 1:
        raise RuntimeError(f"coverage paper ran to {pdf.pages_count} pages")
    return bytes(pdf.output())
