"""Which practices count: GP practices with registered patients on a day.

ODS lists extended access hubs, out-of-hours services and the like beside GP practices, and a
practice can sit in epraccur without a registered list. Coverage and "practices in no PCN"
count only practices whose prescribing setting says GP practice and that have a registered
list on or before the day by the population rule; the rest are named apart, never silently
dropped. The rule is data: the [counted_practices] table of organisations/populations.toml.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from organisations.models import Organisation
from organisations.population import RULES_FILE, Population, practice_populations


@dataclass(frozen=True)
class CountedRule:
    settings: tuple[str, ...]
    unrecorded_setting_counts: bool
    kind: str
    words: str
    source: str


@cache
def counted_rule() -> CountedRule:
    data = tomllib.loads(RULES_FILE.read_text())["counted_practices"]
    return CountedRule(
        settings=tuple(data["settings"]),
        unrecorded_setting_counts=bool(data["unrecorded_setting_counts"]),
        kind=data["kind"],
        words=data["words"],
        source=data["source"],
    )


@dataclass
class Counted:
    """The practices that count on a day, with their lists, and the others with why not."""

    on: date
    lists: dict[int, Population] = field(default_factory=dict)  # counted practice -> its list
    not_counted: dict[int, str] = field(default_factory=dict)  # practice -> why not, in words
    rule: CountedRule | None = None

    @property
    def ids(self) -> set[int]:
        return set(self.lists)

    @property
    def summary(self) -> str:
        """'not counted: 612 organisations without registered patients, such as ...'"""
        n = len(self.not_counted)
        if not n:
            return ""
        return (
            f"not counted: {n:,} organisation{'s' if n != 1 else ''} without registered patients, "
            "such as extended access hubs"
        )


def is_gp_practice(practice: Organisation) -> bool:
    """Whether ODS calls it a GP practice (by the rule's settings), whatever its list."""
    rule = counted_rule()
    setting = practice.prescribing_setting
    return setting in rule.settings or (not setting and rule.unrecorded_setting_counts)


def gp_practices(practice_ids) -> list[Organisation]:
    """Of the organisations given, the GP practices: one query."""
    found = Organisation.objects.filter(pk__in=set(practice_ids)).only(
        "pk", "code", "prescribing_setting"
    )
    return [p for p in found if is_gp_practice(p)]


def counted_practices(
    practice_ids, on: date, *, kind: str | None = None, allow_later: bool = False
) -> Counted:
    """Of the practices given (ids, or Organisations already read), those that count on `on`,
    each with its registered list (of `kind`, default the rule's) by the population rule for
    the day. Two queries, one when Organisations are given."""
    rule = counted_rule()
    given = list(practice_ids)
    found = Counted(on=on, rule=rule)
    if not given:
        return found
    practices = [p for p in given if isinstance(p, Organisation)]
    ids = {p for p in given if not isinstance(p, Organisation)} - {p.pk for p in practices}
    if ids:
        practices += Organisation.objects.filter(pk__in=ids).only(
            "pk", "code", "prescribing_setting"
        )
    gp = [p for p in practices if is_gp_practice(p)]
    gp_ids = {p.pk for p in gp}
    for p in practices:
        if p.pk not in gp_ids:
            found.not_counted[p.pk] = (
                f"{p.code}: prescribing setting {p.prescribing_setting} is not a GP practice"
            )
    lists = practice_populations(
        gp, on, purpose="on_the_day", kind=kind or rule.kind, allow_later=allow_later
    )
    for p in gp:
        if lists[p.pk].value is None:
            found.not_counted[p.pk] = f"{p.code}: {lists[p.pk].reason}"
        else:
            found.lists[p.pk] = lists[p.pk]
    return found
