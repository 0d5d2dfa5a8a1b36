"""The payment calendar: the month each month's entitlement is paid in, as data per financial
year (payments/calendar/*.toml), each rule with its source, status and note.

A line is placed in the month it is for (`Line.month`, its `for_month`) and paid in the month
the calendar gives (`Line.paid_month`). The usual rule is "same_month" (paid with the
statement of the month it is for, at its end) or "following_month"; a catch-up pays a run of
months with one later statement (2019/20: core's April-July with July's). Arrears are not
calendar data: they are paid in the next month not yet paid (payments.schedule).

A calendar whose paid month comes before a month it pays for is refused on loading, and so is
one that pays a month outside its financial year (a schedule is one year; a March paid in
April of the next year is not supported).

`paid_month` and `place` are pure: no database, no files; `calendar_for` reads the file.
"""

import tomllib
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from payments.engine import Line
from payments.rates import ENTITLEMENTS, STATUSES, RateDataError
from pcnhub.nhs_calendar import financial_year, months

CALENDAR_DIR = Path(__file__).parent / "calendar"
RULES = ("same_month", "following_month")


class CalendarError(RateDataError):
    """A payment calendar that cannot be used as it stands."""


@dataclass(frozen=True)
class Rule:
    rule: str
    source: str
    status: str
    note: str = ""
    entitlement: str = ""  # blank: every entitlement without a rule of its own

    @property
    def label(self) -> str:
        return ENTITLEMENTS.get(self.entitlement, self.entitlement)


@dataclass(frozen=True)
class CatchUp:
    entitlement: str
    first: date
    last: date
    paid: date
    source: str
    status: str
    note: str = ""

    @property
    def label(self) -> str:
        return ENTITLEMENTS.get(self.entitlement, self.entitlement)


@dataclass(frozen=True)
class YearCalendar:
    year: str
    usual: Rule
    usual_for: tuple[Rule, ...] = ()
    catch_ups: tuple[CatchUp, ...] = ()


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def paid_month(calendar: YearCalendar, entitlement: str, for_month: date) -> date:
    """The month the line for `for_month` of `entitlement` is paid in: a catch-up's month
    where one covers it, else the entitlement's usual rule, else the year's."""
    for_month = for_month.replace(day=1)
    for catch_up in calendar.catch_ups:
        if catch_up.entitlement == entitlement and catch_up.first <= for_month <= catch_up.last:
            return catch_up.paid
    rule = next((r for r in calendar.usual_for if r.entitlement == entitlement), calendar.usual)
    return for_month if rule.rule == "same_month" else _next_month(for_month)


def place(lines: list[Line], calendar: YearCalendar) -> list[Line]:
    """The lines, each with the month it is paid in."""
    return [
        replace(line, paid_month=paid_month(calendar, line.entitlement, line.month))
        for line in lines
    ]


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CalendarError(f"{where}: '{key}' must be given, found {value!r}")
    return value


def _status(data: dict, where: str) -> tuple[str, str]:
    status = _text(data, "status", where)
    if status not in STATUSES:
        raise CalendarError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    note = str(data.get("note", ""))
    if status != "confirmed" and not note:
        raise CalendarError(f"{where}: a {status} rule must say why in its note")
    return status, note


def _entitlement(data: dict, where: str) -> str:
    entitlement = _text(data, "entitlement", where)
    if entitlement not in ENTITLEMENTS:
        raise CalendarError(f"{where}: entitlement {entitlement!r} is not known")
    return entitlement


def _rule(data: dict, where: str, entitlement: str = "") -> Rule:
    rule = _text(data, "rule", where)
    if rule not in RULES:
        raise CalendarError(f"{where}: rule {rule!r} is not one of {', '.join(RULES)}")
    status, note = _status(data, where)
    return Rule(rule, _text(data, "source", where), status, note, entitlement)


def _month(data: dict, key: str, where: str) -> date:
    value = data.get(key)
    if not isinstance(value, date) or value.day != 1:
        raise CalendarError(f"{where}: '{key}' must be the first day of a month, found {value!r}")
    return value


def parse_calendar(data: dict, where: str) -> YearCalendar:
    """A year's calendar from its TOML, checked (`check_calendar`)."""
    year = _text(data, "year", where)
    if not isinstance(data.get("usual"), dict):
        raise CalendarError(f"{where}: a [usual] rule must be given")
    usual_for = tuple(
        _rule(item, f"{where} usual_for {i}", _entitlement(item, f"{where} usual_for {i}"))
        for i, item in enumerate(data.get("usual_for", []), start=1)
    )
    catch_ups = []
    for i, item in enumerate(data.get("catch_up", []), start=1):
        at = f"{where} catch_up {i}"
        status, note = _status(item, at)
        catch_ups.append(
            CatchUp(
                entitlement=_entitlement(item, at),
                first=_month(item, "first", at),
                last=_month(item, "last", at),
                paid=_month(item, "paid", at),
                source=_text(item, "source", at),
                status=status,
                note=note,
            )
        )
    calendar = YearCalendar(
        year=year,
        usual=_rule(data["usual"], f"{where} usual"),
        usual_for=usual_for,
        catch_ups=tuple(catch_ups),
    )
    check_calendar(calendar, where)
    return calendar


def check_calendar(calendar: YearCalendar, where: str = "") -> None:
    """Refuse a calendar that pays a month before it is for, or outside its year."""
    where = where or calendar.year
    start, end = financial_year(calendar.year)
    for i, catch_up in enumerate(calendar.catch_ups, start=1):
        at = f"{where} catch_up {i} ({catch_up.entitlement})"
        if catch_up.last < catch_up.first:
            raise CalendarError(f"{at}: its last month {catch_up.last} is before its first")
        if catch_up.paid < catch_up.last:
            raise CalendarError(
                f"{at}: paid in {catch_up.paid:%B %Y}, before {catch_up.last:%B %Y} that it "
                "pays for; a month is never paid before it is earned"
            )
        if not (start <= catch_up.first and catch_up.paid <= end):
            raise CalendarError(f"{at}: its months must fall in {calendar.year}")
        for other in calendar.catch_ups[i:]:
            if other.entitlement == catch_up.entitlement and not (
                other.last < catch_up.first or catch_up.last < other.first
            ):
                raise CalendarError(f"{at}: overlaps another catch-up for the same entitlement")
    for entitlement in ("", *ENTITLEMENTS):
        for month in months(start, end):
            paid = paid_month(calendar, entitlement, month)
            if paid < month:
                raise CalendarError(
                    f"{where}: {entitlement or 'the usual rule'} pays {month:%B %Y} in "
                    f"{paid:%B %Y}, before it is earned"
                )
            if paid > end:
                raise CalendarError(
                    f"{where}: {entitlement or 'the usual rule'} pays {month:%B %Y} in "
                    f"{paid:%B %Y}, after {calendar.year} ends; a schedule is one financial "
                    "year, so this is not supported"
                )


def unconfirmed_year(year: str) -> YearCalendar:
    """The calendar for a year without a file: the same month, unconfirmed, saying so."""
    return YearCalendar(
        year=year,
        usual=Rule(
            "same_month",
            source="no payment calendar on file",
            status="unconfirmed",
            note=f"payments/calendar has no file for {year}; each month is taken as paid "
            "in its own month",
        ),
    )


@cache
def calendar_files() -> dict[str, YearCalendar]:
    found = {}
    for path in sorted(CALENDAR_DIR.glob("*.toml")):
        calendar = parse_calendar(tomllib.loads(path.read_text("utf-8")), path.name)
        found[calendar.year] = calendar
    return found


def calendar_for(year: str) -> YearCalendar:
    return calendar_files().get(year) or unconfirmed_year(year)
