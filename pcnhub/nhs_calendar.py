"""The NHS financial calendar: years run April to March ("2019/20"), quarters Q1 = April to
June, halves H1 = April to September. Plans, payments and assurance all count in it."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

KINDS = ("day", "month", "quarter", "half", "year")
YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def financial_year(label: str) -> tuple[date, date]:
    """'2019/20' -> (1 April 2019, 31 March 2020)."""
    found = YEAR.match(label.strip())
    if not found or (int(found[1]) + 1) % 100 != int(found[2]):
        raise ValueError(f"{label!r} is not a financial year like 2019/20")
    first = int(found[1])
    return date(first, 4, 1), date(first + 1, 3, 31)


def year_of(day: date) -> str:
    """The financial year a day falls in: 1 April 2024 -> '2024/25'; 31 March 2024 -> '2023/24'."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def months(start: date, end: date) -> list[date]:
    """First days of the months from start's to end's, inclusive."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str
    label: str

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end


def month_period(day: date) -> Period:
    return Period(day.replace(day=1), _month_end(day.year, day.month), "month", f"{day:%b %Y}")


def quarter(year: str, number: int) -> Period:
    if number not in (1, 2, 3, 4):
        raise ValueError(f"Q{number}: a quarter is Q1 to Q4")
    first, _ = financial_year(year)
    start = date(first.year + (1 if number == 4 else 0), (3 * number + 1) % 12 or 12, 1)
    end_month = start.month + 2
    return Period(start, _month_end(start.year, end_month), "quarter", f"Q{number} {year}")


def half(year: str, number: int) -> Period:
    if number not in (1, 2):
        raise ValueError(f"H{number}: a half is H1 or H2")
    first, last = financial_year(year)
    if number == 1:
        return Period(first, date(first.year, 9, 30), "half", f"H1 {year}")
    return Period(date(first.year, 10, 1), last, "half", f"H2 {year}")


def year_period(year: str) -> Period:
    first, last = financial_year(year)
    return Period(first, last, "year", year)


def quarter_of(day: date) -> Period:
    year = year_of(day)
    number = ((day.month - 4) % 12) // 3 + 1
    return quarter(year, number)


def half_of(day: date) -> Period:
    return half(year_of(day), 1 if 4 <= day.month <= 9 else 2)


PATTERNS = (
    (re.compile(r"^([QH])([1-4])\s+(\d{4}/\d{2})$", re.I), "numbered"),
    (re.compile(r"^(\d{4}/\d{2})\s+([QH])([1-4])$", re.I), "year_first"),
    (re.compile(r"^\d{4}/\d{2}$"), "year"),
)


DAY_AND_MONTH_FORMATS = (
    ("%Y-%m-%d", "day"),
    ("%d/%m/%Y", "day"),
    ("%d %b %Y", "day"),  # as a day's label reads: 15 Jul 2019
    ("%d %B %Y", "day"),
    ("%Y-%m", "month"),
    ("%m/%Y", "month"),
    ("%b %Y", "month"),
    ("%B %Y", "month"),
)


def parse(text: str) -> Period:
    """A period as plans write it: 'Q1 2019/20', '2019/20 Q1', 'H2 2020/21', '2019/20',
    'Jul 2019', 'July 2019', '2019-07', '07/2019' (months) or '2019-07-15', '15/07/2019',
    '15 Jul 2019' (days). A period's own label always reads back as the same period."""
    text = " ".join(text.split())
    for pattern, shape in PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        if shape == "year":
            return year_period(text)
        letter, number, year = (
            found.groups() if shape == "numbered" else (found[2], found[3], found[1])
        )
        make = quarter if letter.upper() == "Q" else half
        return make(year, int(number))
    for fmt, kind in DAY_AND_MONTH_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if kind == "day":
            return Period(day, day, "day", f"{day:%-d %b %Y}")
        return month_period(day)
    raise ValueError(
        f"{text!r} is not a period: give a quarter (Q1 2019/20), a half (H2 2019/20), a year "
        "(2019/20), a month (Jul 2019) or a date (2019-07-15)"
    )


def periods(start: date, end: date, kind: str) -> list[Period]:
    """Every period of a kind that overlaps start..end, in order."""
    make = {
        "month": month_period,
        "quarter": quarter_of,
        "half": half_of,
        "year": lambda d: year_period(year_of(d)),
    }[kind]
    found: list[Period] = []
    day = start
    while day <= end:
        period = make(day)
        found.append(period)
        day = date.fromordinal(period.end.toordinal() + 1)
    return found


def month_of(text: str) -> date | None:
    """The first of the month a month or day as people write it falls in ('Apr 2024',
    '2024-04', '04/2024', '2024-04-15'), or None when it is neither."""
    try:
        period = parse(text)
    except ValueError:
        return None
    return period.start.replace(day=1) if period.kind in ("month", "day") else None
