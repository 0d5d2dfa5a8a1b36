"""The DES registration checker: facts in, one result per rule out. No database here.

A year file (registrations/years/*.toml) lists which checks apply and with what parameters;
each check below reads the facts and says pass, warning or fail in plain English. The
facts are gathered from the registry by registrations.facts.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from registrations.years import DesYear, RuleSpec


class Result(StrEnum):
    PASS = "pass"  # noqa: S105 (a rule result, not a password)
    WARNING = "warning"
    FAIL = "fail"


_SEVERITY = {Result.PASS: 0, Result.WARNING: 1, Result.FAIL: 2}


def worst(results) -> Result:
    return max(results, key=_SEVERITY.__getitem__, default=Result.PASS)


@dataclass(frozen=True)
class MemberFacts:
    code: str
    name: str
    is_open: bool
    contract_type: str  # "" when the registry does not know it
    commissioner_code: str | None
    list_size: int | None
    list_size_date: date | None = None
    list_size_basis: str = ""  # the population rule's words: "QOF list size at 1 Jan 2019"
    list_size_source: str = ""  # the file it came from
    other_pcns: tuple[str, ...] = ()  # other PCNs holding this practice on the same date


@dataclass(frozen=True)
class RegistrationFacts:
    pcn_code: str
    commissioner_code: str
    members: tuple[MemberFacts, ...]
    today: date
    clinical_director_name: str = ""
    clinical_director_practice: str = ""  # ODS code
    payee_practice: str = ""  # ODS code of a member practice, or
    payee_provider: str = ""  # the name of another provider
    has_bank_details: bool = False
    documents: Mapping[str, date] = field(default_factory=dict)  # key -> date signed
    population_exception: str = ""  # the commissioner's approved reason, if any
    cross_boundary_reason: str = ""
    area_parts: int | None = None  # disconnected parts of the mapped area; None: no map

    @property
    def list_size(self) -> int:
        """The sum of the members' lists known; see `unlisted` before trusting it."""
        return sum(m.list_size or 0 for m in self.members)

    @property
    def unlisted(self) -> tuple[str, ...]:
        """Members with no registered list for the year: the sum cannot be calculated."""
        return tuple(sorted(m.code for m in self.members if m.list_size is None))

    @property
    def member_codes(self) -> set[str]:
        return {m.code for m in self.members}


@dataclass(frozen=True)
class RuleResult:
    code: str
    title: str
    result: Result
    reason: str
    source: str

    @property
    def failed(self) -> bool:
        return self.result == Result.FAIL


Outcome = tuple[Result, str]
Check = Callable[[RegistrationFacts, dict, DesYear], Outcome]


def _n(value: int) -> str:
    return f"{value:,}"


def _sizes_note(facts: RegistrationFacts, year: DesYear) -> str:
    other_dates = sorted(
        {m.list_size_date for m in facts.members if m.list_size_date} - {year.list_size_date}
    )
    if not other_dates:
        return ""
    days = ", ".join(d.strftime("%-d %b %Y") for d in other_dates)
    return f" (latest lists on or before {year.list_size_date:%-d %b %Y} used, from {days})"


def uncalculable(facts: RegistrationFacts, year: DesYear) -> str:
    """Why the network's list cannot be summed, in words; "" when every member has a list."""
    if not facts.unlisted:
        return ""
    return (
        f"cannot be calculated: no registered list for {', '.join(facts.unlisted)} on or before "
        f"{year.list_size_date:%-d %b %Y}"
    )


def list_size_at_least(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    minimum = int(params["minimum"])
    size = facts.list_size
    when = year.list_size_date.strftime("%-d %B %Y")
    note = _sizes_note(facts, year)
    missing = uncalculable(facts, year)
    if missing and facts.population_exception:
        return Result.WARNING, (
            f"{missing}; the commissioner approved an exception: {facts.population_exception}"
        )
    if missing:
        return Result.FAIL, f"{missing}, so the {_n(minimum)} minimum cannot be shown to be met"
    if size >= minimum:
        return Result.PASS, f"{_n(size)} patients at {when}, at or above {_n(minimum)}{note}"
    if facts.population_exception:
        return Result.WARNING, (
            f"{_n(size)} patients at {when}, below {_n(minimum)}; the commissioner approved an "
            f"exception: {facts.population_exception}{note}"
        )
    return Result.FAIL, (
        f"{_n(size)} patients at {when}, below the {_n(minimum)} minimum, and no exception "
        f"has been approved{note}"
    )


def list_size_at_most(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    maximum = int(params["maximum"])
    size = facts.list_size
    missing = uncalculable(facts, year)
    if missing:
        return Result.WARNING, f"{missing}, so the {_n(maximum)} maximum cannot be checked"
    if size > maximum:
        return Result.WARNING, (
            f"{_n(size)} patients, above {_n(maximum)}: allowed, no approval needed; consider "
            "neighbourhood teams"
        )
    return Result.PASS, f"{_n(size)} patients, at or below {_n(maximum)}"


def _either(items: list[str]) -> str:
    return " or ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def members_eligible(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    if not facts.members:
        return Result.FAIL, "the registration names no member practices"
    contracts = list(params.get("contracts", ()))
    closed = [m.code for m in facts.members if not m.is_open]
    wrong = [
        f"{m.code} ({m.contract_type})"
        for m in facts.members
        if m.contract_type and m.contract_type not in contracts
    ]
    unknown = [m.code for m in facts.members if not m.contract_type]
    if closed or wrong:
        parts = []
        if closed:
            parts.append(f"closed: {', '.join(closed)}")
        if wrong:
            parts.append(f"not a {_either(contracts)} contract: {', '.join(wrong)}")
        return Result.FAIL, "; ".join(parts)
    if unknown:
        return Result.WARNING, (
            f"contract type not recorded for {', '.join(unknown)}: confirm each holds a "
            f"{_either(contracts)} contract"
        )
    return Result.PASS, f"all {len(facts.members)} members are open with an eligible contract"


def single_membership(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    doubled = [
        f"{m.code} (also in {', '.join(m.other_pcns)})" for m in facts.members if m.other_pcns
    ]
    if doubled:
        return Result.FAIL, "in another PCN on the same date: " + "; ".join(doubled)
    return Result.PASS, "no member is in another PCN"


def clinical_director_in_members(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    if not facts.clinical_director_name:
        return Result.FAIL, "no Clinical Director named"
    if facts.clinical_director_practice not in facts.member_codes:
        where = facts.clinical_director_practice or "no practice given"
        return Result.FAIL, (
            f"{facts.clinical_director_name} works at {where}, which is not a member practice"
        )
    name, practice = facts.clinical_director_name, facts.clinical_director_practice
    return Result.PASS, f"{name} works at member practice {practice}"


def nominated_payee(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    if facts.payee_practice:
        if facts.payee_practice not in facts.member_codes:
            return Result.FAIL, f"the payee {facts.payee_practice} is not a member practice"
        payee = f"member practice {facts.payee_practice}"
    elif facts.payee_provider:
        payee = f"provider {facts.payee_provider}"
    else:
        return Result.FAIL, "no nominated payee named"
    if not facts.has_bank_details:
        return Result.FAIL, f"{payee} is named but its bank details are missing"
    return Result.PASS, f"{payee}, with bank details"


def documents_by_deadline(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    outcomes: list[Outcome] = []
    for document in year.documents:
        due = document.due.date
        due_text = due.strftime("%-d %b %Y")
        signed = facts.documents.get(document.key)
        if signed is None:
            if facts.today <= due:
                outcomes.append((Result.WARNING, f"{document.label}: due by {due_text}"))
            else:
                outcomes.append((Result.FAIL, f"{document.label}: missing, was due {due_text}"))
        elif signed > due:
            signed_text = signed.strftime("%-d %b %Y")
            outcomes.append(
                (Result.WARNING, f"{document.label}: signed late, {signed_text} (due {due_text})")
            )
    if not outcomes:
        return Result.PASS, f"all {len(year.documents)} documents present on time"
    return worst(r for r, _ in outcomes), "; ".join(text for _, text in outcomes)


def same_commissioner(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    outside = [
        f"{m.code} ({m.commissioner_code or 'no commissioner'})"
        for m in facts.members
        if m.commissioner_code != facts.commissioner_code
    ]
    if not outside:
        return Result.PASS, f"all members are under {facts.commissioner_code}"
    if facts.cross_boundary_reason:
        return Result.WARNING, (
            f"cross-boundary network, flagged: {facts.cross_boundary_reason}; outside "
            f"{facts.commissioner_code}: {', '.join(outside)}"
        )
    return Result.FAIL, (
        f"members outside {facts.commissioner_code}: {', '.join(outside)}; flag the "
        "cross-boundary case or change the members"
    )


def contiguous_area(facts: RegistrationFacts, params: dict, year: DesYear) -> Outcome:
    if facts.area_parts is None:
        return Result.PASS, "no map uploaded; the area description stands"
    if facts.area_parts > 1:
        return Result.WARNING, f"the mapped area is in {facts.area_parts} separate parts"
    return Result.PASS, "the mapped area is one contiguous area"


CHECKS: dict[str, Check] = {
    "list_size_at_least": list_size_at_least,
    "list_size_at_most": list_size_at_most,
    "members_eligible": members_eligible,
    "single_membership": single_membership,
    "clinical_director_in_members": clinical_director_in_members,
    "nominated_payee": nominated_payee,
    "documents_by_deadline": documents_by_deadline,
    "same_commissioner": same_commissioner,
    "contiguous_area": contiguous_area,
}


def run_rule(spec: RuleSpec, facts: RegistrationFacts, year: DesYear) -> RuleResult:
    result, reason = CHECKS[spec.check](facts, spec.params, year)
    return RuleResult(spec.code, spec.title, result, reason, spec.source)


def check(facts: RegistrationFacts, year: DesYear) -> list[RuleResult]:
    """Every rule of the year, in the year file's order."""
    return [run_rule(spec, facts, year) for spec in year.rules]
