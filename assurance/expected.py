"""When a commissioner expects to be fully assured, as a return writes it in one cell: a date
or a period with an optional note in brackets ("April 2017 (subject to NHS England
approval)", "Q4 2018/19", "2019-06-30"), or, where no date can be given, words saying when
("when national guidance is published").

A period stands for its last day: assured by the end of April 2017. Words with figures in
them that do not read as a date ("31/02/2019", "Juune 2019") are refused rather than kept as
a note, so a mistyped date never passes silently; a note that must mention a figure begins
"No date:". `expected_text` writes what `read_expected` reads back.
"""

import re
from datetime import date, datetime

from pcnhub.nhs_calendar import parse

NO_DATE = "No date:"  # begins a note that mentions a figure but gives no date
EXPECTED = (
    "a date (2019-06-30 or 30/06/2019), a month (Jun 2019) or a quarter (Q1 2019/20), with an "
    "optional note in brackets; or words without a date saying when (e.g. when national "
    "guidance is published; begin with 'No date:' if they mention a figure)"
)
# Figures in words that are not a date are a date mistyped ("31/02/2019", "Juune 2019"),
# unless the note says outright that it gives no date.
LOOKS_LIKE_A_DATE = re.compile(r"\d")


class NotADate(ValueError):
    pass


def _day(text: str) -> date | None:
    """The last day of the period or the date the text names, or None when it names none."""
    text = " ".join(text.split()).removesuffix(" 00:00:00")  # Excel's dates read as text
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        pass
    try:
        return parse(text).end
    except ValueError:
        return None


def read_expected(text: str | None) -> tuple[date | None, str]:
    """(date, note) from a cell; raises NotADate for something that is neither."""
    text = " ".join((text or "").split())
    if not text:
        return None, ""
    if text.casefold().startswith(NO_DATE.casefold()):
        return None, text[len(NO_DATE) :].strip()
    head, bracket, rest = text.partition("(")
    day = _day(head)
    if day is not None:
        note = rest.strip().removesuffix(")").strip() if bracket else ""
        return day, note
    if LOOKS_LIKE_A_DATE.search(text):
        raise NotADate(text)
    return None, text


def expected_text(day: date | None, note: str) -> str:
    if day is None:
        if note and LOOKS_LIKE_A_DATE.search(note):
            return f"{NO_DATE} {note}"
        return note
    return f"{day.isoformat()} ({note})" if note else day.isoformat()


def expected_label(day: date | None, note: str) -> str:
    """For people: '30 April 2017 (subject to approval)', or the note alone."""
    if day is None:
        return note
    return f"{day:%-d %B %Y}" + (f" ({note})" if note else "")
