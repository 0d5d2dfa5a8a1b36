"""Assurance frameworks as data: one TOML file per framework in assurance/frameworks/, each a
set of requirements grouped in areas, with guidance, deadlines, sources and, where a
requirement is measurable, a link to a measure PCN Hub computes (delivery.measures.computed).

A measure link's target is a floor to reach unless the file says otherwise: `direction` is
"up" (higher is better, at least the target: the default) or "down" (lower is better, at
most the target), as a plan's measure has one (delivery.models.Measure.Direction), because
the computed measure alone does not say which way a framework wants it to go.

Files are read and checked here, without the database; assurance.loader puts them in it on
every migrate. A file that fails a check names the file, the requirement and the field.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEY_LENGTH = 40  # a snapshot's subject is "assurance:<framework key>:<ODS code>", 60 at most
OVERALL = "Overall assurance"  # the round's own row in a return; no requirement may take it


@dataclass(frozen=True)
class Grade:
    value: str
    label: str
    colour: str  # the NHS.UK tag colour


# Best first: a round's comparison reads a move down the list as a worsening.
SCALES: dict[str, tuple[Grade, ...]] = {
    "assurance": (
        Grade("assured", "Assured", "green"),
        Grade("partially_assured", "Partially assured", "yellow"),
        Grade("not_assured", "Not assured", "red"),
    ),
    "rag": (
        Grade("green", "Green", "green"),
        Grade("amber", "Amber", "yellow"),
        Grade("red", "Red", "red"),
    ),
}
SCALE_NAMES = {"assurance": "Assured, partially assured or not assured", "rag": "Red, amber, green"}


def grades(scale: str) -> tuple[Grade, ...]:
    return SCALES[scale]


def grade(scale: str, value: str) -> Grade | None:
    return next((g for g in SCALES[scale] if g.value == value), None)


def rating_label(scale: str, value: str) -> str:
    """A stored rating as people read it; blank when not rated."""
    found = grade(scale, value) if value else None
    return found.label if found else ""


def read_grade(scale: str, text: str) -> Grade | None:
    """A rating as people write it: its label or value in any case ('Partially assured',
    'partially_assured'), or for RAG its initial ('A')."""
    wanted = " ".join(text.replace("_", " ").split()).casefold()
    for found in SCALES[scale]:
        names = {found.label.casefold(), found.value.replace("_", " ")}
        if scale == "rag":
            names.add(found.value[0])
        if wanted in names:
            return found
    return None


def expected_grades(scale: str) -> str:
    return ", ".join(g.label for g in SCALES[scale])


# A measure link's direction -> how its target reads: "at least 100", "at most 5".
DIRECTIONS = {"up": "at least", "down": "at most"}


class FrameworkDataError(ValueError):
    """A framework file that cannot be used as it stands."""


@dataclass(frozen=True)
class MeasureLink:
    key: str
    target: Decimal
    by: date
    direction: str = "up"  # a key of DIRECTIONS


@dataclass(frozen=True)
class RequirementSpec:
    key: str
    area: str
    title: str
    guidance: str
    source: str
    note: str
    deadlines: tuple[tuple[date, str], ...]
    measure: MeasureLink | None


@dataclass(frozen=True)
class FrameworkSpec:
    key: str
    title: str
    publisher: str
    document: str
    year: str
    scale: str
    plan_months: tuple[date, date] | None
    source: str
    note: str
    requirements: tuple[RequirementSpec, ...]


FRAMEWORK_FIELDS = {
    "key",
    "title",
    "publisher",
    "document",
    "year",
    "scale",
    "plan_months",
    "source",
    "note",
    "requirements",
}
REQUIREMENT_FIELDS = {"key", "area", "title", "guidance", "source", "note", "deadlines", "measure"}


def _text(data: dict, name: str, where: str, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise FrameworkDataError(f"{where}: '{name}' must be text, found {value!r}")
    return " ".join(value.split())


def _unknown(data: dict, allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise FrameworkDataError(
            f"{where}: unknown field(s) {', '.join(extra)}; known: {', '.join(sorted(allowed))}"
        )


def _key(data: dict, where: str) -> str:
    value = data.get("key")
    if not isinstance(value, str) or not KEY.match(value) or len(value) > KEY_LENGTH:
        raise FrameworkDataError(
            f"{where}: key {value!r} must be lower-case words joined by hyphens, "
            f"{KEY_LENGTH} characters at most"
        )
    return value


def _measure(data, where: str, known: set[str]) -> MeasureLink | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise FrameworkDataError(f"{where}: measure must be a table of key, target and by")
    _unknown(data, {"key", "target", "by", "direction"}, f"{where} measure")
    key = data.get("key")
    if key not in known:
        raise FrameworkDataError(
            f"{where}: measure {key!r} is not a measure PCN Hub computes "
            f"(known: {', '.join(sorted(known))})"
        )
    try:
        target = Decimal(data.get("target"))
    except (InvalidOperation, TypeError):
        raise FrameworkDataError(
            f"{where}: measure target {data.get('target')!r} is not a number"
        ) from None
    by = data.get("by")
    if not isinstance(by, date):
        raise FrameworkDataError(f"{where}: measure 'by' must be a date, found {by!r}")
    direction = data.get("direction", "up")
    if direction not in DIRECTIONS:
        raise FrameworkDataError(
            f"{where}: measure direction {direction!r} must be up (higher is better, at least "
            "the target) or down (lower is better, at most the target)"
        )
    return MeasureLink(key, target, by, direction)


def _deadlines(items, where: str) -> tuple[tuple[date, str], ...]:
    found = []
    for i, item in enumerate(items or [], start=1):
        at = f"{where} deadline {i}"
        if not isinstance(item, dict):
            raise FrameworkDataError(f"{at}: must be a table of due and what")
        _unknown(item, {"due", "what"}, at)
        due = item.get("due")
        if not isinstance(due, date):
            raise FrameworkDataError(f"{at}: 'due' must be a date, found {due!r}")
        found.append((due, _text(item, "what", at)))
    return tuple(found)


def _plan_months(value, where: str) -> tuple[date, date] | None:
    if value is None:
        return None
    if not (
        isinstance(value, list) and len(value) == 2 and all(isinstance(d, date) for d in value)
    ):
        raise FrameworkDataError(f"{where}: plan_months must be [first month, last month] dates")
    first, last = value
    if first.day != 1 or last.day != 1 or last < first:
        raise FrameworkDataError(
            f"{where}: plan_months must be the first days of two months, the earlier first"
        )
    return first, last


def parse_framework(data: dict, where: str, known_measures: set[str]) -> FrameworkSpec:
    _unknown(data, FRAMEWORK_FIELDS, where)
    scale = data.get("scale")
    if scale not in SCALES:
        raise FrameworkDataError(f"{where}: scale {scale!r} is not one of {', '.join(SCALES)}")
    requirements = []
    keys: dict[str, int] = {}
    titles: dict[str, int] = {}
    for i, item in enumerate(data.get("requirements", []), start=1):
        at = f"{where} requirement {i}"
        if not isinstance(item, dict):
            raise FrameworkDataError(f"{at}: must be a table")
        _unknown(item, REQUIREMENT_FIELDS, at)
        key = _key(item, at)
        at = f"{where} requirement {key!r}"
        title = _text(item, "title", at)
        if key in keys:
            raise FrameworkDataError(f"{at}: the key is also requirement {keys[key]}'s")
        if title.casefold() in titles:
            # Returns match a row to its requirement by title: two alike could not be told apart.
            raise FrameworkDataError(
                f"{at}: the title is also requirement {titles[title.casefold()]}'s"
            )
        if title.casefold() == OVERALL.casefold():
            raise FrameworkDataError(f"{at}: {OVERALL!r} names the round's own row in a return")
        keys[key], titles[title.casefold()] = i, i
        requirements.append(
            RequirementSpec(
                key=key,
                area=_text(item, "area", at),
                title=title,
                guidance=_text(item, "guidance", at),
                source=_text(item, "source", at),
                note=_text(item, "note", at, required=False),
                deadlines=_deadlines(item.get("deadlines"), at),
                measure=_measure(item.get("measure"), at, known_measures),
            )
        )
    if not requirements:
        raise FrameworkDataError(f"{where}: a framework needs at least one requirement")
    return FrameworkSpec(
        key=_key(data, where),
        title=_text(data, "title", where),
        publisher=_text(data, "publisher", where),
        document=_text(data, "document", where),
        year=_text(data, "year", where, required=False),
        scale=scale,
        plan_months=_plan_months(data.get("plan_months"), where),
        source=_text(data, "source", where),
        note=_text(data, "note", where, required=False),
        requirements=tuple(requirements),
    )


def known_measure_keys() -> set[str]:
    """Every key a requirement may link to: each measure PCN Hub computes."""
    from delivery.measures import computed_measures

    return {found.key for found in computed_measures()}


@cache
def framework_files() -> dict[str, FrameworkSpec]:
    """Every framework on file by key; a file is named after its framework's key."""
    found = {}
    known = known_measure_keys()
    for path in sorted(FRAMEWORKS_DIR.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise FrameworkDataError(f"{path.name}: {error}") from None
        spec = parse_framework(data, path.name, known)
        if path.stem != spec.key:
            raise FrameworkDataError(f"{path.name}: the file must be named {spec.key}.toml")
        found[spec.key] = spec
    return found
