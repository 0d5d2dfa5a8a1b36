"""Import DES registrations from a file in the layout of the national registration form.

The Network Contract DES registration form (NHS England, 2019/20) asks, per network, for its
member practices with their ODS codes and registered list sizes at 1 January, the Clinical
Director, the nominated payee (a member practice or another provider) and the payee's bank
account. Commissioners collected the forms as spreadsheets with one row per member practice;
this module reads that layout.

File layout: a CSV (UTF-8; Windows-1252 as Excel writes it is accepted) or the first sheet of an
.xlsx workbook. Row 1 is the header; columns are matched by name, ignoring case, spacing and
punctuation, in any order. A column not listed here is refused (it means another layout).

    column                               given on      what
    DES year                             PCN           the year's label, e.g. 2019/20 (2019-20
                                                       is read the same)
    PCN ODS code                         every row     U and five digits
    PCN name                             PCN           optional, informational; a name that
                                                       differs from the registry's warns
    Member practice                      every row     the practice's name, informational
    Practice ODS code                    every row     a letter and five digits
    Practice's registered list size      every row     optional; a whole number. The registry's
      (as at 1 January)                                figure is used: one that differs in the
                                                       file is a warning, not a problem
    Clinical Director                    PCN           the Clinical Director's name
    Clinical Director practice ODS code  PCN           one of the PCN's member practices listed
    Nominated payee ODS code             PCN           one of the PCN's member practices listed
    Nominated payee name                 PCN           another provider, when the payee is not
                                                       a member (the code or the name, not both)
    Bank account name                    PCN
    Account number                       PCN           8 digits
    Sort code                            PCN           6 digits, e.g. 12-34-56 or 123456
    Network area                         PCN           optional; a description of the area

Every column but the optional ones must be present. The DES year, PCN ODS code and practice
ODS code must be filled in; other cells may be blank.

The PCN columns are the network's: fill them on the PCN's first row only, or repeat them on
every row; a repeated value that differs from the first is a problem. A file carries one
registration per PCN (its rows need not be next to each other). A blank PCN column leaves
that detail of an existing draft as it is.

Everything is checked before anything is written; then each network's registration is
started (or the editable one reused), its members and details set, and optionally
submitted, through registrations.actions, all inside one transaction. Any problem, found
before or while writing, rejects the whole file and nothing is written.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.permissions import Permission, has_permission
from imports.problems import Problems
from imports.source import ODS_PATTERNS, SourceFile, read_table
from organisations.models import Organisation, OrgKind
from registrations import actions
from registrations.actions import in_other_pcns
from registrations.facts import des_lists
from registrations.models import Origin, Registration
from registrations.years import DesYear, YearDataError, des_year, des_years

REQUIRED = {
    "des_year": ("DES year", "Year", "Network Contract DES year"),
    "pcn_code": ("PCN ODS code", "PCN code", "Network ODS code"),
    "practice_name": ("Member practice", "Member practice name", "Practice name"),
    "practice_code": ("Practice ODS code", "Member practice ODS code"),
    "cd_name": ("Clinical Director", "Clinical Director name", "Clinical Director's name"),
    "cd_practice": ("Clinical Director practice ODS code", "Clinical Director's practice ODS code"),
    "payee_code": ("Nominated payee ODS code",),
    "payee_name": ("Nominated payee name",),
    "bank_account_name": ("Bank account name", "Name of bank account"),
    "account_number": ("Account number", "Bank account number"),
    "sort_code": ("Sort code", "Bank sort code"),
}
OPTIONAL = {
    "pcn_name": ("PCN name", "Network name"),
    "list_size": (
        "Practice's registered list size (as at 1 January)",
        "Practices registered list size (as at 1 January)",
        *(f"Practice's registered list size (as at 1 January {y})" for y in range(2019, 2036)),
        "Registered list size",
        "List size",
    ),
    "area": ("Network area", "Network area description"),
}
# The network's columns: given once per PCN (or repeated identically).
PCN_COLUMNS = (
    "des_year",
    "pcn_name",
    "cd_name",
    "cd_practice",
    "payee_code",
    "payee_name",
    "bank_account_name",
    "account_number",
    "sort_code",
    "area",
)
CODE_COLUMNS = ("pcn_code", "practice_code", "cd_practice", "payee_code")


@dataclass
class ImportResult:
    created: list[Registration] = field(default_factory=list)
    updated: list[Registration] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def registrations(self) -> list[Registration]:
        return [*self.created, *self.updated]


@dataclass
class _Network:
    """One PCN's rows of the file and what was made of them."""

    code: str
    first_row: int
    rows: list[dict] = field(default_factory=list)
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # column -> (value, row)
    pcn: Organisation | None = None
    year: DesYear | None = None
    existing: Registration | None = None
    practices: dict[str, Organisation] = field(default_factory=dict)  # listed, in file order
    changes: dict = field(default_factory=dict)

    def value(self, column: str) -> str | None:
        found = self.values.get(column)
        return found[0] if found else None

    def row_of(self, column: str) -> int:
        found = self.values.get(column)
        return found[1] if found else self.first_row


def import_registrations(*, path: Path, by, submit: bool = False) -> ImportResult:
    """Create or update (and, with `submit`, submit) the registrations the file describes.

    Raises ImportRejected, having written nothing, when anything in the file is wrong."""
    source = SourceFile.from_path(path)
    problems = Problems(source.name)
    frame = _read(source, problems)
    problems.raise_if_any()
    result = ImportResult()
    networks = _check(frame, problems, by, result)
    problems.raise_if_any()
    with transaction.atomic():
        for network in networks:
            _write(network, source.name, by, submit, problems, result)
        problems.raise_if_any()  # rolls the whole file back
    return result


def _read(source: SourceFile, problems: Problems) -> pl.DataFrame | None:
    frame = read_table(source, problems, required=REQUIRED, optional=OPTIONAL)
    if frame is None:
        return None
    if frame.height == 0:
        problems.add(None, None, None, "at least one member practice row")
        return None
    return frame.with_columns(
        pl.col(c).str.to_uppercase().str.replace_all(r"\s", "") for c in CODE_COLUMNS
    )


def _same(column: str, value: str) -> str:
    """What counts as the same value when a PCN column is repeated."""
    if column in ("account_number", "sort_code"):
        return re.sub(r"[\s-]", "", value)
    return " ".join(value.split()).casefold()


def _check(frame, problems: Problems, by, result: ImportResult) -> list[_Network]:
    """Every check the file can fail, row by row, before anything is written."""
    networks: dict[str, _Network] = {}
    pcn_pattern, pcn_expected = ODS_PATTERNS["pcn"]
    for row in frame.iter_rows(named=True):
        at = row["__row"]
        code = row["pcn_code"]
        if not code or not re.fullmatch(pcn_pattern, code):
            problems.add(at, "pcn_code", code, pcn_expected)
            continue
        network = networks.setdefault(code, _Network(code, at))
        network.rows.append(row)
        for column in PCN_COLUMNS:
            value = row[column]
            if value is None:
                continue
            first = network.values.setdefault(column, (value, at))
            if _same(column, first[0]) != _same(column, value):
                problems.add(
                    at,
                    column,
                    value,
                    f"the value given for {network.code} on row {first[1]} ({first[0]!r}), "
                    "or blank",
                )
    found = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in=[
                row[c] for n in networks.values() for row in n.rows for c in CODE_COLUMNS if row[c]
            ]
        )
    }
    for network in networks.values():
        _check_network(network, found, problems, by, result)
    _check_practices(list(networks.values()), found, problems, result)
    for network in networks.values():
        _check_details(network, problems)
    return list(networks.values())


def _check_network(network: _Network, found, problems: Problems, by, result) -> None:
    pcn = found.get(network.code)
    if pcn is None or pcn.kind != OrgKind.PCN:
        what = f"; {network.code} is a {pcn.get_kind_display().lower()}" if pcn else ""
        problems.add(
            network.first_row,
            "pcn_code",
            network.code,
            f"the ODS code of a PCN in the registry{what}",
        )
        pcn = None
    elif not has_permission(by, Permission.DRAFT_REGISTRATION, pcn):
        problems.add(
            network.first_row,
            "pcn_code",
            network.code,
            f"a PCN you may register for: you may not register for {network.code}",
        )
        pcn = None
    network.pcn = pcn
    label = network.value("des_year")
    if label is None:
        problems.add(
            network.first_row, "des_year", None, "the DES year, e.g. 2019/20, on the PCN's row"
        )
    else:
        try:
            network.year = des_year(re.sub(r"\s", "", label).replace("-", "/"))
        except YearDataError:
            problems.add(
                network.row_of("des_year"),
                "des_year",
                label,
                f"a DES year on file ({', '.join(des_years())})",
            )
    if pcn is None or network.year is None:
        return
    name = network.value("pcn_name")
    if name and " ".join(name.split()).casefold() != pcn.name.casefold():
        result.warnings.append(
            f"row {network.row_of('pcn_name')}: the file names {pcn.code} {name!r}; "
            f"the registry calls it {pcn.name!r}"
        )
    network.existing = Registration.objects.filter(pcn=pcn, des_year=network.year.label).first()
    if network.existing and not network.existing.is_editable:
        status = network.existing.get_status_display().lower()
        problems.add(
            network.first_row,
            "pcn_code",
            network.code,
            f"a PCN whose {network.year.label} registration can still be changed (a draft or "
            f"returned one); {network.code}'s is {status}",
        )


def _check_practices(networks: list[_Network], found, problems: Problems, result) -> None:
    pattern, expected = ODS_PATTERNS["practice"]
    seen: dict[tuple[str | None, str], int] = {}
    for network in networks:
        year = network.year
        for row in network.rows:
            at, code = row["__row"], row["practice_code"]
            if not code or not re.fullmatch(pattern, code):
                problems.add(at, "practice_code", code, expected)
                continue
            key = (year.label if year else None, code)
            if key in seen:
                problems.add(
                    at,
                    "practice_code",
                    code,
                    f"each practice once; it is listed on row {seen[key]}",
                )
                continue
            seen[key] = at
            practice = found.get(code)
            if practice is None or practice.kind != OrgKind.PRACTICE:
                problems.add(
                    at, "practice_code", code, "the ODS code of a GP practice in the registry"
                )
            elif year and practice.close_date and practice.close_date < year.go_live:
                problems.add(
                    at,
                    "practice_code",
                    code,
                    f"a practice open at the {year.label} go-live ({year.go_live:%-d %B %Y}); "
                    f"it closed on {practice.close_date:%-d %B %Y}",
                )
            else:
                network.practices[code] = practice
    for network in networks:
        if network.pcn is None or network.year is None or not network.practices:
            continue
        rows = {row["practice_code"]: row for row in network.rows}
        _check_registry_pcn(network, rows, problems)
        _check_list_sizes(network, rows, problems, result)


def _check_registry_pcn(network: _Network, rows: dict, problems: Problems) -> None:
    """A practice the registry holds in another PCN at go-live moves by change request."""
    on = network.year.go_live
    ids = {p.pk: code for code, p in network.practices.items()}
    for practice_id, pcn_code in in_other_pcns(network.pcn, ids, on).items():
        code = ids[practice_id]
        problems.add(
            rows[code]["__row"],
            "practice_code",
            code,
            f"a practice the registry does not hold in another PCN; on {on:%-d %B %Y} it is in "
            f"{pcn_code} (move it through a change request)",
        )


def _check_list_sizes(network: _Network, rows: dict, problems: Problems, result) -> None:
    """The registry's figure counts; a different one in the file is only worth a warning."""
    lists = des_lists([p.pk for p in network.practices.values()], network.year)
    for code, practice in network.practices.items():
        value = rows[code]["list_size"]
        if value is None:
            continue
        text = re.sub(r"[\s,]", "", value).removesuffix(".0")
        if not text.isdigit():
            problems.add(
                rows[code]["__row"], "list_size", value, "a whole number of patients, or blank"
            )
            continue
        given = int(text)
        found = lists.get(practice.pk)
        where = f"row {rows[code]['__row']}: {code}"
        if found is None or found.value is None:
            reason = found.reason if found else f"no registered list for {code}"
            result.warnings.append(
                f"{where} lists {given:,} patients; the registry holds none by the population "
                f"rule ({reason}), so none is counted and the network's list cannot be "
                "calculated until one is imported"
            )
        elif found.patients != given:
            result.warnings.append(
                f"{where} lists {given:,} patients; the registry holds {found.patients:,} "
                f"({found.basis}; {found.source}), which is the figure used"
            )


def _check_details(network: _Network, problems: Problems) -> None:
    """The network's details, turned into update_details changes."""
    listed = network.practices
    members = ", ".join(listed) or "none"
    changes = network.changes
    for column, target, role in (
        ("cd_practice", "clinical_director_practice", "the Clinical Director's practice"),
        ("payee_code", "payee_practice", "the nominated payee"),
    ):
        code = network.value(column)
        if code is None:
            continue
        if code in listed:
            changes[target] = listed[code]
        else:
            problems.add(
                network.row_of(column),
                column,
                code,
                f"{role} to be one of {network.code}'s member practices in this file ({members})",
            )
    if network.value("payee_code") and network.value("payee_name"):
        problems.add(
            network.row_of("payee_name"),
            "payee_name",
            network.value("payee_name"),
            "the payee as a member practice's ODS code or another provider's name, not both",
        )
    if network.value("payee_code"):
        changes.update(payee_provider_name="", payee_provider_code="")
    elif network.value("payee_name"):
        changes.update(payee_practice=None, payee_provider_name=network.value("payee_name"))
    for column, normalise, expected in (
        ("sort_code", actions.normalise_sort_code, "a sort code of 6 digits, like 12-34-56"),
        ("account_number", actions.normalise_account_number, "an account number of 8 digits"),
    ):
        value = network.value(column)
        if value is None:
            continue
        try:
            changes[f"bank_{column}"] = normalise(value)
        except ValidationError:
            problems.add(network.row_of(column), column, value, expected)
    for column, target in (
        ("cd_name", "clinical_director_name"),
        ("bank_account_name", "bank_account_name"),
        ("area", "area_description"),
    ):
        if network.value(column):
            changes[target] = network.value(column)
    existing = network.existing
    if existing is None or not existing.is_editable or not listed:
        return
    ids = {p.pk for p in listed.values()}
    for column, target, role in (
        ("cd_practice", "clinical_director_practice", "the Clinical Director's practice"),
        ("payee_code", "payee_practice", "the nominated payee"),
    ):
        kept = getattr(existing, f"{target}_id")
        if target not in changes and kept is not None and kept not in ids:
            code = getattr(existing, target).code
            problems.add(
                network.first_row,
                column,
                None,
                f"{role} among the members: the {existing.des_year} draft names {code}, "
                "which this file does not list",
            )


def _write(network: _Network, file_name: str, by, submit: bool, problems, result) -> None:
    """One network through the actions; what they refuse becomes a problem on its first row."""
    try:
        with transaction.atomic():
            registration = network.existing
            if registration is None:
                registration = actions.start_registration(
                    pcn=network.pcn, year_label=network.year.label, by=by
                )
                registration.origin = Origin.IMPORT  # saved by the actions below
            actions.set_members(registration=registration, codes=list(network.practices), by=by)
            actions.update_details(
                registration=registration,
                by=by,
                reason=f"imported from {file_name}",
                **network.changes,
            )
            if submit:
                actions.submit(
                    registration=registration, by=by, reason=f"imported from {file_name}"
                )
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        for message in messages:
            problems.add(
                network.first_row,
                None,
                network.code,
                f"a registration PCN Hub accepts for {network.code}: {message}",
            )
        return
    (result.updated if network.existing else result.created).append(registration)
