"""Payment schedules as files: CSV (one row per line, every input named), an Excel workbook
(a summary, then a sheet per payee with the months as columns) and a PDF statement, the
layouts finance teams and practice managers check against their ledgers.

Two views of the months: by month paid (the statement a payee receives, the default: the
"Summary" sheet, each payee's sheet and the PDF) and by month earned (the month each line is
for: the "By month earned" sheet). The CSV has both
months on every row, `for_month` and `paid_month` (ISO dates of the month's first day); its
"Month" is the month the line is placed in (for an arrears line, the month it is added to).

A line that cannot be calculated, or that is withheld (the network not approved on the
month's first day, or no nominated payee), is in every one of them with its reason and no
amount, and every total says how many it excludes.

An area's overview (payments.overview) as a PDF and a workbook: a row per network and payee,
the months across, totals, totals by entitlement and what changed; built in the background
(payments.area_exports)."""

import io
from collections.abc import Iterator

from fpdf import FPDF, XPos, YPos
from xlsxwriter.utility import xl_col_to_name

from payments.engine import Payee
from payments.overview import ZERO, Overview, signed
from payments.schedule import VIEWS, Schedule, uncalculable_words, withheld_words
from pcnhub.pdf import fit, latin1, wrap
from pcnhub.spreadsheet import SafeWriter, safe_workbook

CSV_HEADER = (
    "Payee ODS code",
    "Payee",
    "PCN ODS code",
    "PCN",
    "Entitlement",
    "Month",
    "for_month",
    "paid_month",
    "Amount",
    "Paid",
    "Arrears for",
    "Formula",
    "Population basis",
    "Population",
    "Population as at",
    "Rate",
    "Rate version",
    "Rate status",
    "Rate note",
    "Cannot be calculated",
    "Withheld",
)


def csv_rows(schedule: Schedule) -> Iterator[tuple]:
    yield CSV_HEADER
    for item in schedule.lines:
        line = item.line
        yield (
            line.payee.code,
            line.payee.name,
            line.pcn.code,
            line.pcn.name,
            line.label,
            line.month.isoformat(),
            item.for_month.isoformat(),
            item.paid_month.isoformat(),
            "" if line.amount is None else f"{line.amount:.2f}",
            "Yes" if item.paid else "No",
            item.arrears_for.isoformat() if item.arrears_for else "",
            line.formula,
            line.basis,
            "" if line.basis_value is None else f"{line.basis_value}",
            line.basis_as_at.isoformat() if line.basis_as_at else "",
            f"{line.rate}" if line.rate else "",
            line.version,
            line.rate_status,
            line.rate_note,
            line.missing,
            line.withheld,
        )
    if schedule.uncalculable or schedule.withheld:
        # A closing row for the reader; no amount, so summing the column still gives the total.
        closing = [""] * len(CSV_HEADER)
        closing[CSV_HEADER.index("Entitlement")] = f"Total, {schedule.missing_note}"
        closing[CSV_HEADER.index("Formula")] = (
            f"£{schedule.total:,.2f} in all, {schedule.missing_note}"
        )
        yield tuple(closing)


def total_words(schedule: Schedule) -> str:
    """'Total £1,234.00' and, when some lines cannot be calculated, how many it excludes."""
    note = f", {schedule.missing_note}" if schedule.missing_note else ""
    return f"Total £{schedule.total:,.2f}{note}"


def schedule_csv(schedule: Schedule) -> str:
    out = io.StringIO()
    SafeWriter(out, lineterminator="\r\n").writerows(csv_rows(schedule))
    return out.getvalue()


def _sheet_name(payee, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name, each name once."""
    base = "".join(c for c in f"{payee.code} {payee.name}" if c not in "[]:*?/\\")[:31]
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:27]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _summary_rows(sheet, table, months, money, money_bold) -> None:
    for row, (payee, rows) in enumerate(table, start=1):
        sheet.write_string(row, 0, payee.code)
        sheet.write_string(row, 1, payee.name)
        totals = [sum(values[i] or 0 for _, values, _ in rows) for i in range(len(months))]
        for col, value in enumerate(totals, start=2):
            sheet.write_number(row, col, float(value), money)
        sheet.write_number(row, len(months) + 2, float(sum(totals)), money_bold)


def _grid(sheet, top: int, rows, months, header, money, money_bold) -> None:
    """Entitlements down, months across, from row `top`."""
    sheet.write_row(
        top, 0, ["Entitlement", *[m.strftime("%b %Y") for m in months], "Total"], header
    )
    for r, (label, values, total) in enumerate(rows, start=top + 1):
        sheet.write_string(r, 0, label)
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.write_number(r, col, float(value), money)
        sheet.write_number(r, len(months) + 1, float(total), money_bold)


def _formats(book) -> tuple:
    """Bold, money, bold money and the header row's format."""
    return (
        book.add_format({"bold": True}),
        book.add_format({"num_format": "£#,##0.00"}),
        book.add_format({"num_format": "£#,##0.00", "bold": True}),
        book.add_format({"bold": True, "bg_color": "#E8EDEE", "border": 1}),
    )


def schedule_xlsx(schedule: Schedule) -> bytes:
    """The "Summary" sheet by month paid (what each statement pays), "By month earned" by the
    month each line is for, then a sheet per payee by month paid."""
    out = io.BytesIO()
    book = safe_workbook(out)
    bold, money, money_bold, header = _formats(book)
    months = schedule.months
    titles = ["Payee ODS code", "Payee", *[m.strftime("%b %Y") for m in months], "Total"]
    summary = book.add_worksheet("Summary")
    summary.write_row(0, 0, titles, header)
    earned_sheet = book.add_worksheet("By month earned")
    earned_sheet.write_row(0, 0, titles, header)
    used = {"summary", "by month earned"}
    table = schedule.table("paid")
    earned = schedule.table("earned")
    _summary_rows(summary, table, months, money, money_bold)
    _summary_rows(earned_sheet, earned, months, money, money_bold)
    for payee, rows in table:
        sheet = book.add_worksheet(_sheet_name(payee, used))
        sheet.write_string(0, 0, f"{payee.name} ({payee.code}), {schedule.year}", bold)
        sheet.write_string(1, 0, "By month paid (see the By month earned sheet for the other view)")
        _grid(sheet, 2, rows, months, header, money, money_bold)
        sheet.set_column(0, 0, 46)
        sheet.set_column(1, len(months) + 1, 12)
        sheet.freeze_panes(3, 1)
    for sheet, words in (
        (summary, "By month paid: each line in the month it is paid in, as a statement shows it."),
        (
            earned_sheet,
            "By month earned: each line in the month it is for (arrears in the month "
            "they make good).",
        ),
    ):
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 1, 44)
        sheet.set_column(2, len(months) + 2, 12)
        sheet.freeze_panes(1, 2)
        sheet.write_string(len(table) + 2, 0, words)
        sheet.write_string(
            len(table) + 3,
            0,
            f"Rates as known on {schedule.known_on:%-d %B %Y}. "
            "Each line is rounded to the penny, half up.",
        )
        sheet.write_string(len(table) + 4, 0, f"{total_words(schedule)}.", bold)
    _reasons_sheets(book, schedule, header, used)
    book.close()
    return out.getvalue()


def _reasons_sheets(book, schedule: Schedule, header, used: set[str]) -> None:
    """A sheet each for the lines that cannot be calculated and those withheld, if any."""
    if schedule.uncalculable:
        _reasons_sheet(
            book,
            Payee("Cannot", "be calculated"),
            f"{uncalculable_words(len(schedule.uncalculable))}, left out of every total",
            schedule.uncalculable,
            lambda line: line.missing,
            header,
            used,
        )
    if schedule.withheld:
        _reasons_sheet(
            book,
            Payee("Withheld", ""),
            f"{withheld_words(len(schedule.withheld))}, left out of every total; paid as "
            "arrears once the cause is cleared",
            schedule.withheld,
            lambda line: line.withheld,
            header,
            used,
        )


def _reasons_sheet(book, name: Payee, intro: str, items, reason, header, used) -> None:
    """A sheet of the lines with no amount (cannot be calculated, or withheld), each with why."""
    sheet = book.add_worksheet(_sheet_name(name, used))
    sheet.write_string(0, 0, intro)
    sheet.write_row(
        2, 0, ["Payee ODS code", "Payee", "PCN ODS code", "Entitlement", "Month", "Reason"], header
    )
    for r, item in enumerate(items, start=3):
        line = item.line
        sheet.write_row(
            r,
            0,
            [
                line.payee.code,
                line.payee.name,
                line.pcn.code,
                line.label,
                f"{line.month:%b %Y}",
                reason(line),
            ],
        )
    sheet.set_column(0, 4, 14)
    sheet.set_column(5, 5, 90)


def statement_pdf(schedule: Schedule, title: str) -> bytes:
    """A statement a practice manager can check by hand: per payee, the months' amounts by
    entitlement by month paid (as the payments arrive), then every line with its formula,
    population and rate version, and the month it is paid in where that is another."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(
        0,
        9,
        fit(pdf, f"Payment statement {schedule.year}: {title}", pdf.epw),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        6,
        latin1(
            f"Rates as known on {schedule.known_on:%-d %B %Y}; each line rounded to the penny, "
            f"half up. {total_words(schedule)}. Months are the months paid in."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    months = schedule.months
    label_width = 62
    cell = (pdf.epw - label_width - 22) / max(len(months), 1)
    for payee, rows in schedule.table():
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(
            0,
            7,
            fit(pdf, f"{payee.name} ({payee.code})", pdf.epw),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font("Helvetica", "B", 7)
        pdf.cell(label_width, 5, "Entitlement", border="B")
        for month in months:
            pdf.cell(cell, 5, month.strftime("%b %y"), border="B", align="R")
        pdf.cell(22, 5, "Total", border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 7)
        for label, values, total in rows:
            pdf.cell(label_width, 5, fit(pdf, label, label_width))
            for value in values:
                pdf.cell(cell, 5, "" if value is None else f"{value:,.2f}", align="R")
            pdf.cell(22, 5, f"{total:,.2f}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Every line, and how it is worked out", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 7)
    for item in schedule.lines:
        line = item.line
        arrears = f" (arrears for {item.arrears_for:%b %Y})" if item.arrears_for else ""
        paid = " [paid]" if item.paid else ""
        if item.paid_month != line.month:
            arrears += f" (paid in {item.paid_month:%b %Y})"
        if line.amount is None and not line.missing:
            text = (
                f"{line.month:%b %Y}  {line.payee.code}  {line.label}: no amount, "
                f"withheld: {line.withheld}. {line.version}."
            )
        elif line.amount is None:
            text = (
                f"{line.month:%b %Y}  {line.payee.code}  {line.label}: no amount, "
                f"cannot be calculated: {line.missing}. {line.version}."
            )
        else:
            text = (
                f"{line.month:%b %Y}  {line.payee.code}  {line.label}{arrears}: "
                f"£{line.amount:,.2f}{paid}. {line.formula}. {line.basis_source}. {line.version}."
            )
        pdf.multi_cell(0, 3.6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def overview_words(found: Overview) -> str:
    """The line under an area overview's title: the view, the rates, the total and what it
    excludes, the month compared."""
    note = f", {found.missing_note}" if found.missing_note else ""
    since = f" against {found.previous:%B %Y}" if found.previous else ""
    return (
        f"{VIEWS[found.view].capitalize()}; rates as known on {found.known_on:%-d %B %Y}. "
        f"{found.networks:,} networks. Total £{found.total:,.2f}{note}. "
        f"Changes: {found.current:%B %Y}{since}."
    )


def _money_or_blank(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def area_pdf(found: Overview, title: str, on_progress=None) -> bytes:
    """The area overview on A3 landscape: a row per network and payee with the months across,
    the totals, the totals by entitlement, what changed since last month and what the totals
    exclude; each network's own statement holds its lines."""
    pdf = FPDF(orientation="L", format="A3")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(10, 10, 10)
    pdf.c_margin = 0.6
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 9, fit(pdf, f"Payment overview {found.year}: {title}", pdf.epw))
    pdf.ln(9)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 6, fit(pdf, overview_words(found), pdf.epw))
    pdf.ln(6)
    network_width, payee_width, total_width = 66, 62, 28
    cell = (pdf.epw - network_width - payee_width - total_width) / len(found.months)
    height = 4.4

    def header(first: str, second: str) -> None:
        pdf.set_font("Helvetica", "B", 7)
        pdf.cell(network_width, height, first, border="B")
        pdf.cell(payee_width, height, second, border="B")
        for month in found.months:
            pdf.cell(cell, height, f"{month:%b %Y}", border="B", align="R")
        pdf.cell(total_width, height, "Total", border="B", align="R")
        pdf.ln(height)
        pdf.set_font("Helvetica", "", 6)
        pdf.cell(network_width + payee_width, height - 1, "Marked paid")
        for state in found.states:
            pdf.cell(cell, height - 1, fit(pdf, state.short, cell), align="R")
        pdf.ln(height - 1)
        pdf.set_font("Helvetica", "", 7)

    def row(first: str, second: str, values, total, style: str = "") -> None:
        if pdf.get_y() + height > pdf.h - 12:
            pdf.add_page()
            header("Network", "Paid to")
            pdf.set_font("Helvetica", style, 7)
        pdf.cell(network_width, height, fit(pdf, first, network_width))
        pdf.cell(payee_width, height, fit(pdf, second, payee_width))
        for value in values:
            pdf.cell(cell, height, _money_or_blank(value), align="R")
        pdf.cell(total_width, height, _money_or_blank(total), align="R")
        pdf.ln(height)

    def section(text: str) -> None:
        if pdf.get_y() + 20 > pdf.h - 12:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, latin1(text))
        pdf.ln(7)

    def paragraph(text: str) -> None:
        pdf.set_font("Helvetica", "", 8)
        for line in wrap(pdf, text, pdf.epw):
            if pdf.get_y() + 4 > pdf.h - 12:
                pdf.add_page()
            pdf.cell(0, 4, line)
            pdf.ln(4)

    header("Network", "Paid to")
    network = None
    for number, each in enumerate(found.rows, start=1):
        first = "" if each.network == network else f"{each.network.name} ({each.network.code})"
        network = each.network
        missing = f" [{each.missing_note.removeprefix('excluding ')}]" if each.missing_note else ""
        row(first, each.label + missing, each.amounts, each.total)
        if on_progress and number % 50 == 0:
            on_progress(number, len(found.rows))
    pdf.set_font("Helvetica", "B", 7)
    row("Total", found.missing_note, found.month_totals, found.total, "B")

    section("Totals by entitlement")
    header("Entitlement", "")
    for label, values, total in found.entitlements:
        row(label, "", values, total)
    pdf.set_font("Helvetica", "B", 7)
    row("Total", "", found.month_totals, found.total, "B")

    section(f"What changed in {found.current:%B %Y}")
    if found.previous is None:
        paragraph(f"{found.current:%B %Y} is the year's first month: nothing to compare with.")
    else:
        paragraph(
            f"Against {found.previous:%B %Y}: £{_money_or_blank(found.last_total) or '0.00'} "
            f"then, £{_money_or_blank(found.this_total) or '0.00'} now, "
            f"{signed(found.change_total)}. Only rows with a change are listed."
        )
        for each in found.changed:
            paragraph(
                f"{each.network.name} ({each.network.code}), {each.label}: "
                f"{signed(each.change or ZERO)}. {'; '.join(each.changes)}."
            )
    section("What the totals exclude")
    paragraph(
        f"Every total is {found.missing_note or 'complete: every entitlement has an amount'}. "
        "A line withheld (the network not approved on the month's first day, or no nominated "
        "payee with bank details) or that cannot be calculated (a figure not on file) has no "
        "amount and is never counted as nothing; each network's statement lists each with "
        "its reason."
    )
    for each in found.rows:
        if each.missing_note:
            paragraph(
                f"{each.network.name} ({each.network.code}), {each.label}: {each.missing_note}."
            )
    if on_progress:
        on_progress(len(found.rows), len(found.rows))
    return bytes(pdf.output())


def area_xlsx(found: Overview, schedule: Schedule, title: str, on_progress=None) -> bytes:
    """The area overview as a workbook: "Overview" (a row per network and payee, amounts as
    numbers in £, totals as formulas), "Entitlements", "Changes", then the lines with no
    amount and why."""
    out = io.BytesIO()
    book = safe_workbook(out)
    bold, money, money_bold, header = _formats(book)
    months = found.months
    sheet = book.add_worksheet("Overview")
    sheet.write_string(0, 0, f"Payment overview {found.year}: {title}", bold)
    sheet.write_string(1, 0, overview_words(found))
    columns = [
        "Network ODS code",
        "Network",
        "Paid to",
        *[m.strftime("%b %Y") for m in months],
        "Total",
        "Withheld",
        "Cannot be calculated",
    ]
    sheet.write_row(3, 0, columns, header)
    sheet.write_row(4, 2, ["Marked paid", *[s.words for s in found.states]])
    first = 5
    for r, each in enumerate(found.rows, start=first):
        sheet.write_row(r, 0, [each.network.code, each.network.name, each.label])
        for c, value in enumerate(each.amounts, start=3):
            if value is not None:
                sheet.write_number(r, c, float(value), money)
        sheet.write_number(r, len(months) + 3, float(each.total), money_bold)
        sheet.write_number(r, len(months) + 4, each.withheld)
        sheet.write_number(r, len(months) + 5, each.uncalculable)
        if on_progress and (r - first + 1) % 200 == 0:
            on_progress(r - first + 1, len(found.rows))
    _total_row(
        sheet, first, first + len(found.rows), 3, [*found.month_totals, found.total], money_bold
    )
    sheet.write_string(first + len(found.rows), 2, "Total", bold)
    sheet.write_string(first + len(found.rows) + 1, 0, found.missing_note)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 2, 36)
    sheet.set_column(3, len(months) + 5, 13)
    sheet.freeze_panes(first, 3)

    entitlements = book.add_worksheet("Entitlements")
    _grid(entitlements, 0, found.entitlements, months, header, money, money_bold)
    end = len(found.entitlements) + 1
    entitlements.write_string(end, 0, "Total", bold)
    _total_row(entitlements, 1, end, 1, [*found.month_totals, found.total], money_bold)
    entitlements.set_column(0, 0, 46)
    entitlements.set_column(1, len(months) + 1, 13)
    entitlements.freeze_panes(1, 1)

    changes = book.add_worksheet("Changes")
    since = f"against {found.previous:%B %Y}" if found.previous else "(the year's first month)"
    changes.write_string(0, 0, f"What changed in {found.current:%B %Y} {since}", bold)
    changes.write_row(
        2,
        0,
        ["Network ODS code", "Network", "Paid to", "Last month", "This month", "Change"],
        header,
    )
    for r, each in enumerate(found.changed, start=3):
        changes.write_row(r, 0, [each.network.code, each.network.name, each.label])
        for c, value in enumerate((each.last, each.this, each.change), start=3):
            if value is not None:
                changes.write_number(r, c, float(value), money)
        changes.write_string(r, 6, "; ".join(each.changes))
    changes.set_column(0, 0, 12)
    changes.set_column(1, 2, 36)
    changes.set_column(3, 5, 13)
    changes.set_column(6, 6, 100)
    _reasons_sheets(book, schedule, header, {"overview", "entitlements", "changes"})
    book.close()
    return out.getvalue()


def _total_row(sheet, top: int, end: int, left: int, values, style) -> None:
    """SUM formulas in row `end` over rows top..end-1, from column `left`, with their values
    cached for readers that do not calculate."""
    for c, value in enumerate(values, start=left):
        column = xl_col_to_name(c)
        sheet.write_formula(
            end, c, f"=SUM({column}{top + 1}:{column}{end})", style, float(value or 0)
        )
