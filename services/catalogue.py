"""The service catalogue and the extended access thresholds, read from services/services.toml
and checked whole: a sign-up or a measure names a service by its key, so a file that does not
say what a service is, or where it comes from, is refused rather than half-read."""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from payments.rates import STATUSES  # how sure a source is: one vocabulary with the rates

CATALOGUE_FILE = Path(__file__).parent / "services.toml"
KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
YEAR = re.compile(r"^\d{4}/\d{2}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def status_label(status: str) -> str:
    """As people read it: single_source is "single source"."""
    return status.replace("_", " ")


class CatalogueError(ValueError):
    """services.toml does not say what PCN Hub needs."""


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    description: str
    source: str
    status: str
    note: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class Threshold:
    """Minutes of extended access a week per 1,000 patients that a scheme asked for."""

    key: str
    name: str
    minutes_per_1000: int
    population: str
    start: date
    end: date | None  # the last day; None while it runs
    source: str
    status: str
    note: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ListDate:
    """The date a scheme counts a network's population at, for one DES year."""

    year: str  # "2019/20"
    on: date
    source: str
    status: str
    note: str

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class Window:
    """Part of the Network Standard Hours: `days` a week from `start` to `end`."""

    part: str  # the provision's minutes it is set against: "evening" or "weekend"
    days: int
    start: str
    end: str
    words: str

    @property
    def minutes(self) -> int:
        """The window's length a week: the fewest minutes that could cover it."""
        (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (self.start, self.end))
        return self.days * ((h2 * 60 + m2) - (h1 * 60 + m1))


ROUNDINGS = ("quarter_hour", "none")
PROVIDER_KINDS = ("pcn", "practice")


@dataclass(frozen=True)
class Scheme:
    """An access scheme: who provides it, when it ran, what it counts and asks for."""

    key: str
    name: str
    threshold: Threshold
    providers: tuple[str, ...]
    population: str  # a kind of organisations/populations.toml
    start: date
    end: date | None
    requirement: bool  # a network's weekly requirement is worked out
    rounding: str
    rounding_source: str
    funding: str
    source: str
    status: str
    note: str
    list_dates: tuple[ListDate, ...] = ()
    standard_hours: tuple[Window, ...] = ()
    standard_hours_source: str = ""

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def minutes_per_1000(self) -> int:
        return self.threshold.minutes_per_1000

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def list_date(self, year: str) -> ListDate | None:
        return next((d for d in self.list_dates if d.year == year), None)

    @property
    def dates_words(self) -> str:
        end = f"to {self.end:%-d %B %Y}" if self.end else "onwards"
        return f"{self.start:%-d %B %Y} {end}"


@dataclass(frozen=True)
class Catalogue:
    services: dict[str, Service]
    thresholds: tuple[Threshold, ...]
    schemes: dict[str, Scheme]


def _text(item: dict, name: str, where: str, *, required: bool = True) -> str:
    value = item.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CatalogueError(f"{where}: '{name}' must be some text, found {value!r}")
    return value.strip()


def _sure(item: dict, where: str) -> tuple[str, str]:
    """How sure the source is; anything short of confirmed says why in a note."""
    status = _text(item, "status", where)
    if status not in STATUSES:
        raise CatalogueError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    note = _text(item, "note", where, required=status != "confirmed")
    return status, note


def _key(item: dict, where: str, seen: set[str]) -> str:
    key = _text(item, "key", where)
    if not KEY.match(key):
        raise CatalogueError(f"{where}: key {key!r} must be lower case letters, digits and _")
    if key in seen:
        raise CatalogueError(f"{where}: key {key!r} is used twice")
    seen.add(key)
    return key


def parse(data: dict, where: str = CATALOGUE_FILE.name) -> Catalogue:
    services: dict[str, Service] = {}
    for i, item in enumerate(data.get("services", []), start=1):
        at = f"{where} service {i}"
        key = _key(item, at, set(services))
        status, note = _sure(item, at)
        services[key] = Service(
            key=key,
            name=_text(item, "name", at),
            description=_text(item, "description", at),
            source=_text(item, "source", at),
            status=status,
            note=note,
        )
    if not services:
        raise CatalogueError(f"{where}: no [[services]]")
    thresholds, seen = [], set()
    for i, item in enumerate(data.get("thresholds", []), start=1):
        at = f"{where} threshold {i}"
        key = _key(item, at, seen)
        minutes = item.get("minutes_per_1000")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
            raise CatalogueError(f"{at}: 'minutes_per_1000' must be a whole number above 0")
        start, end = item.get("from"), item.get("to")
        if not isinstance(start, date) or not (end is None or isinstance(end, date)):
            raise CatalogueError(f"{at}: 'from' (and 'to', if given) must be dates")
        if end is not None and end < start:
            raise CatalogueError(f"{at}: 'to' {end} is before 'from' {start}")
        status, note = _sure(item, at)
        thresholds.append(
            Threshold(
                key=key,
                name=_text(item, "name", at),
                minutes_per_1000=minutes,
                population=_text(item, "population", at),
                start=start,
                end=end,
                source=_text(item, "source", at),
                status=status,
                note=note,
            )
        )
    thresholds = tuple(sorted(thresholds, key=lambda t: (t.start, t.key)))
    return Catalogue(services, thresholds, _schemes(data, where, thresholds))


def _dates(item: dict, at: str) -> tuple[date, date | None]:
    start, end = item.get("from"), item.get("to")
    if not isinstance(start, date) or not (end is None or isinstance(end, date)):
        raise CatalogueError(f"{at}: 'from' (and 'to', if given) must be dates")
    if end is not None and end < start:
        raise CatalogueError(f"{at}: 'to' {end} is before 'from' {start}")
    return start, end


def _list_dates(item: dict, at: str) -> tuple[ListDate, ...]:
    found = []
    for i, entry in enumerate(item.get("list_dates", []), start=1):
        where = f"{at} list date {i}"
        year = _text(entry, "year", where)
        if not YEAR.match(year):
            raise CatalogueError(f"{where}: year {year!r} must be like 2019/20")
        if not isinstance(entry.get("on"), date):
            raise CatalogueError(f"{where}: 'on' must be a date")
        if year in {d.year for d in found}:
            raise CatalogueError(f"{where}: {year} is given twice")
        status, note = _sure(entry, where)
        found.append(ListDate(year, entry["on"], _text(entry, "source", where), status, note))
    return tuple(found)


def _windows(item: dict, at: str) -> tuple[Window, ...]:
    found = []
    for i, entry in enumerate(item.get("standard_hours", []), start=1):
        where = f"{at} standard hours {i}"
        part = _text(entry, "part", where)
        if part not in ("evening", "weekend"):
            raise CatalogueError(f"{where}: part {part!r} must be evening or weekend")
        days = entry.get("days")
        times = [_text(entry, name, where) for name in ("start", "end")]
        if not isinstance(days, int) or not 1 <= days <= 7 or not all(map(TIME.match, times)):
            raise CatalogueError(f"{where}: 'days' 1 to 7 and times like 18:30")
        window = Window(part, days, *times, words=_text(entry, "words", where))
        if window.minutes <= 0:
            raise CatalogueError(f"{where}: ends before it starts")
        found.append(window)
    return tuple(found)


def _schemes(data: dict, where: str, thresholds) -> dict[str, Scheme]:
    by_key = {t.key: t for t in thresholds}
    schemes: dict[str, Scheme] = {}
    for i, item in enumerate(data.get("schemes", []), start=1):
        at = f"{where} scheme {i}"
        key = _key(item, at, set(schemes))
        threshold = by_key.get(item.get("threshold"))
        if threshold is None:
            raise CatalogueError(f"{at}: threshold {item.get('threshold')!r} is not on file")
        providers = item.get("providers")
        if not providers or not set(providers) <= set(PROVIDER_KINDS):
            raise CatalogueError(f"{at}: 'providers' must name some of {PROVIDER_KINDS}")
        start, end = _dates(item, at)
        requirement = item.get("requirement")
        if not isinstance(requirement, bool):
            raise CatalogueError(f"{at}: 'requirement' must be true or false")
        rounding = item.get("rounding", "none")
        if rounding not in ROUNDINGS:
            raise CatalogueError(f"{at}: rounding {rounding!r} is not one of {ROUNDINGS}")
        list_dates = _list_dates(item, at)
        if requirement and not list_dates:
            raise CatalogueError(f"{at}: a scheme with a requirement needs its list_dates")
        windows = _windows(item, at)
        status, note = _sure(item, at)
        schemes[key] = Scheme(
            key=key,
            name=_text(item, "name", at),
            threshold=threshold,
            providers=tuple(providers),
            population=_text(item, "population", at),
            start=start,
            end=end,
            requirement=requirement,
            rounding=rounding,
            rounding_source=_text(item, "rounding_source", at, required=requirement),
            funding=_text(item, "funding", at),
            source=_text(item, "source", at),
            status=status,
            note=note,
            list_dates=list_dates,
            standard_hours=windows,
            standard_hours_source=_text(item, "standard_hours_source", at, required=bool(windows)),
        )
    return schemes


@cache
def catalogue() -> Catalogue:
    return parse(tomllib.loads(CATALOGUE_FILE.read_text("utf-8")))


def services() -> dict[str, Service]:
    """Every service on file, in the file's order."""
    return catalogue().services


def service_choices() -> list[tuple[str, str]]:
    return [(s.key, s.name) for s in services().values()]


def thresholds_on(day: date) -> list[Threshold]:
    return [t for t in catalogue().thresholds if t.in_force(day)]


def schemes() -> dict[str, Scheme]:
    """The access schemes on file, in the file's order."""
    return catalogue().schemes


def scheme_choices() -> list[tuple[str, str]]:
    return [(s.key, s.name) for s in schemes().values()]


def network_scheme_on(day: date) -> Scheme | None:
    """The network scheme (one with a weekly requirement) in force on the day, if any."""
    return next((s for s in schemes().values() if s.requirement and s.in_force(day)), None)
