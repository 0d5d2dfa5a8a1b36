"""DES years as data: timetable, required documents, rules and change-control policy.

Each year is one TOML file in registrations/years/ naming the source of every figure. Adding
a year means adding a file; the checker reads whatever rules the file lists.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

YEARS_DIR = Path(__file__).parent / "years"
MILESTONE_KINDS = ("submission", "decision", "agreement", "go_live")


class YearDataError(ValueError):
    """A year file that does not say what the checker needs."""


@dataclass(frozen=True)
class Milestone:
    key: str
    kind: str
    label: str
    date: date
    source: str


@dataclass(frozen=True)
class RequiredDocument:
    key: str
    label: str
    due: Milestone
    source: str


@dataclass(frozen=True)
class RuleSpec:
    code: str
    title: str
    check: str
    source: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DesYear:
    label: str  # "2019/20"
    title: str
    starts: date
    ends: date
    list_size_date: date
    list_size_source: str
    milestones: tuple[Milestone, ...]
    documents: tuple[RequiredDocument, ...]
    rules: tuple[RuleSpec, ...]
    notice_days: int
    notice_source: str

    def milestone(self, kind: str) -> Milestone | None:
        return next((m for m in self.milestones if m.kind == kind), None)

    @property
    def submission_deadline(self) -> date | None:
        found = self.milestone("submission")
        return found.date if found else None

    @property
    def decision_deadline(self) -> date | None:
        found = self.milestone("decision")
        return found.date if found else None

    @property
    def go_live(self) -> date:
        found = self.milestone("go_live")
        return found.date if found else self.starts

    def rule(self, code: str) -> RuleSpec | None:
        return next((r for r in self.rules if r.code == code), None)

    def __str__(self) -> str:
        return self.label


def _require(data: dict, key: str, kind, where: str):
    value = data.get(key)
    if not isinstance(value, kind):
        raise YearDataError(f"{where}: '{key}' must be a {kind.__name__}, found {value!r}")
    return value


def parse_year(data: dict, where: str, known_checks) -> DesYear:
    label = _require(data, "year", str, where)
    milestones = []
    for i, item in enumerate(data.get("milestones", []), start=1):
        at = f"{where} milestone {i}"
        kind = _require(item, "kind", str, at)
        if kind not in MILESTONE_KINDS:
            raise YearDataError(f"{at}: kind {kind!r} is not one of {', '.join(MILESTONE_KINDS)}")
        milestones.append(
            Milestone(
                key=_require(item, "key", str, at),
                kind=kind,
                label=_require(item, "label", str, at),
                date=_require(item, "date", date, at),
                source=_require(item, "source", str, at),
            )
        )
    by_key = {m.key: m for m in milestones}
    documents = []
    for i, item in enumerate(data.get("documents", []), start=1):
        at = f"{where} document {i}"
        due = _require(item, "due", str, at)
        if due not in by_key:
            raise YearDataError(f"{at}: due {due!r} names no milestone of {label}")
        documents.append(
            RequiredDocument(
                key=_require(item, "key", str, at),
                label=_require(item, "label", str, at),
                due=by_key[due],
                source=_require(item, "source", str, at),
            )
        )
    rules = []
    for i, item in enumerate(data.get("rules", []), start=1):
        at = f"{where} rule {i}"
        check = _require(item, "check", str, at)
        if check not in known_checks:
            raise YearDataError(f"{at}: check {check!r} is not one the checker knows")
        rules.append(
            RuleSpec(
                code=_require(item, "code", str, at),
                title=_require(item, "title", str, at),
                check=check,
                source=_require(item, "source", str, at),
                params=dict(item.get("params", {})),
            )
        )
    change_control = data.get("change_control", {})
    return DesYear(
        label=label,
        title=_require(data, "title", str, where),
        starts=_require(data, "starts", date, where),
        ends=_require(data, "ends", date, where),
        list_size_date=_require(data, "list_size_date", date, where),
        list_size_source=_require(data, "list_size_source", str, where),
        milestones=tuple(milestones),
        documents=tuple(documents),
        rules=tuple(rules),
        notice_days=int(change_control.get("notice_days", 0)),
        notice_source=str(change_control.get("notice_source", "")),
    )


@cache
def des_years() -> dict[str, DesYear]:
    """Every DES year on file, oldest first."""
    from registrations.rules import CHECKS

    years = [
        parse_year(tomllib.loads(path.read_text("utf-8")), path.name, CHECKS)
        for path in sorted(YEARS_DIR.glob("*.toml"))
    ]
    return {year.label: year for year in sorted(years, key=lambda y: y.starts)}


def des_year(label: str) -> DesYear:
    try:
        return des_years()[label]
    except KeyError:
        known = ", ".join(des_years())
        raise YearDataError(f"no DES year {label!r} on file (known: {known})") from None


def year_choices() -> list[tuple[str, str]]:
    return [(label, year.title) for label, year in des_years().items()]


def year_in_force(day: date) -> DesYear | None:
    """The latest DES year that has started by `day`: a registration rolls over until the next."""
    started = [year for year in des_years().values() if year.starts <= day]
    return started[-1] if started else None
