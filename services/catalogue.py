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
class Catalogue:
    services: dict[str, Service]
    thresholds: tuple[Threshold, ...]


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
    return Catalogue(services, tuple(sorted(thresholds, key=lambda t: (t.start, t.key))))


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
