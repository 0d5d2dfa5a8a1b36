"""Import an assurance return into an open round, in the layout of NHS England's assessment of
a CCG's plan (seed 004): one row per requirement, grouped by area.

File layout: a CSV (UTF-8; Windows-1252 as Excel writes it is accepted) or the first sheet of an
.xlsx workbook. Row 1 is the header; columns are matched by name, ignoring case, spacing and
punctuation, in any order. A column not listed here is refused (it means another layout).

    column                               whose       what
    Area                                 -           optional per row; when given, the
                                                     requirement's area
    Requirement                          -           the requirement's title or key
    Assurance rating                     assurance   on the framework's scale (label, value,
                                         team        or R/A/G), or blank
    Assurance rating and reasons         assurance   why the rating was given
                                         team
    Brief explanation to cover why and   commissioner  its response
      what actions are being taken to
      resolve
    Date plan will be fully assured      commissioner  a date, month or quarter with an
                                                     optional note in brackets, or words
                                                     saying when (assurance.expected)
    Reviewer comments                    assurance   the reviewer's comments
                                         team
    Actions (optional)                   commissioner  what is being done to resolve it
    Apr 2019, May 2019 ... (optional)    commissioner  planned actions for the month, for a
                                                     framework that plans by month

A row whose Area or Requirement reads "Overall assurance" carries the round's overall rating
and the reviewer's overall comments.

Each person sets only their side's columns: a value in the other side's column must be blank
or what the round already holds (so a return exported, filled in and sent back imports). A
blank cell leaves what the round holds. Everything is checked before anything is written;
then the changes go through assurance.actions inside one transaction, and any problem, found
before or while writing, rejects the whole file: nothing is written.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assurance import actions
from assurance.expected import EXPECTED, NotADate, expected_label, read_expected
from assurance.frameworks import OVERALL, expected_grades, rating_label, read_grade
from assurance.models import Framework, Rating, Round
from assurance.rounds import ratings_of
from imports.problems import Problems
from imports.source import SourceFile, read_table

# Ours -> the header names seen; the first is what the export writes.
COLUMNS = {
    "area": ("Area", "Assurance area"),
    "requirement": ("Requirement", "Requirements", "Assurance requirement"),
    "rating": ("Assurance rating", "Rating", "RAG rating"),
    "reasons": ("Assurance rating and reasons", "Reasons", "Rating reasons"),
    "response": (
        "Brief explanation to cover why and what actions are being taken to resolve",
        "Brief explanation (response and actions)",
        "Brief explanation",
        "Response",
    ),
    "expected": (
        "Date plan will be fully assured",
        "Date CCG plan will be fully assured",
        "Date commissioner plan will be fully assured",
        "Date fully assured",
    ),
    "reviewer": ("Reviewer comments", "Reviewer's comments", "Comments"),
}
ACTIONS_COLUMN = {"actions": ("Actions", "Actions being taken")}
TEAM_COLUMNS = ("rating", "reasons", "reviewer")
# What each of the commissioner's and the team's columns is called when it is refused.
WHAT = {
    "rating": "the rating",
    "reasons": "the reasons for the rating",
    "reviewer": "the reviewer's comments",
    "response": "the response",
    "actions": "the actions",
    "expected": "the date it expects to be fully assured",
}
# An action's refusal, by field, lands on the column it came from.
FIELD_COLUMNS = {
    "rating": "rating",
    "overall_rating": "rating",
    "reasons": "reasons",
    "reviewer_comments": "reviewer",
    "overall_comments": "reviewer",
    "response": "response",
    "actions": "actions",
    "expected_on": "expected",
    "expected_note": "expected",
}


def month_column(month: date) -> str:
    return f"m{month:%Y_%m}"


def month_columns(framework: Framework) -> dict[str, tuple[str, ...]]:
    """One optional column per month of the framework's plan, as people head them."""
    return {
        month_column(m): (f"{m:%b %Y}", f"{m:%B %Y}", f"{m:%b-%y}", f"{m:%Y-%m}")
        for m in framework.plan_months()
    }


@dataclass
class ImportResult:
    rated: list[str] = field(default_factory=list)
    responded: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    overall: bool = False

    @property
    def changed(self) -> int:
        return len({*self.rated, *self.responded, *self.planned}) + self.overall


@dataclass
class _Change:
    """What one row of the file changes."""

    at: int
    rating: Rating | None  # None: the round's overall row
    rate: dict | None = None
    respond: dict | None = None
    planned: dict[date, str] = field(default_factory=dict)


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def import_return(*, path: Path, round: Round, by) -> ImportResult:
    """Set what the file gives for the round's requirements, as far as `by` may.

    Raises ImportRejected, having written nothing, when anything in the file is wrong."""
    source = SourceFile.from_path(path)
    problems = Problems(source.name)
    round = Round.objects.select_related("framework", "commissioner").get(pk=round.pk)
    rater = actions.may_rate(by, round.commissioner)
    responder = actions.may_respond(by, round.commissioner)
    if not (rater or responder):
        problems.add(
            None,
            None,
            None,
            f"a return for a round you take part in: you may neither rate nor respond for "
            f"{round.commissioner.name}",
        )
    if not round.is_open:
        problems.add(None, None, round.label, "an open round; this one is closed and signed")
    problems.raise_if_any()
    frame = _read(source, problems, round.framework)
    problems.raise_if_any()
    changes = _check(frame, problems, round, rater, responder)
    problems.raise_if_any()
    result = ImportResult()
    with transaction.atomic():
        for change in changes:
            _write(change, round, by, problems, result)
        problems.raise_if_any()  # rolls the whole file back
    return result


def _read(source: SourceFile, problems: Problems, framework: Framework) -> pl.DataFrame | None:
    optional = {**ACTIONS_COLUMN, **month_columns(framework)}
    found = Problems(source.name)
    frame = read_table(source, found, required=COLUMNS, optional=optional)
    missing = [p for p in found.items if p.expected.startswith("a column named")]
    if frame is None and len(missing) == len(COLUMNS):
        # Not one column it needs: the first row is not this return's header at all.
        problems.add(
            1,
            None,
            None,
            f"the header row of an assurance return: {', '.join(a[0] for a in COLUMNS.values())}",
        )
        return None
    for problem in found.items:
        problems.add(problem.row, problem.column, problem.value, problem.expected)
    problems.total += found.total - len(found.items)
    problems.labels.update(found.labels)
    if frame is not None and frame.height == 0:
        problems.add(None, None, None, "at least one requirement row below the header")
        return None
    return frame


def _check(frame, problems: Problems, round: Round, rater: bool, responder: bool) -> list[_Change]:
    """Every check the file can fail, row by row, before anything is written."""
    framework = round.framework
    scale = framework.scale
    ratings = ratings_of(round)
    by_name = {}
    for rating in ratings:
        by_name[rating.requirement.key.casefold()] = rating
        by_name[" ".join(rating.requirement.title.split()).casefold()] = rating
    months = {month_column(m): m for m in framework.plan_months()}
    example = ratings[0].requirement.title if ratings else ""
    seen: dict[int | None, int] = {}
    changes = []
    for row in frame.iter_rows(named=True):
        at = row["__row"]
        name, area = row["requirement"], row["area"]
        if _same(name, OVERALL) or _same(area, OVERALL):
            if None in seen:
                problems.add(at, "requirement", name, f"one overall row; it is on row {seen[None]}")
                continue
            seen[None] = at
            changes.append(_check_overall(row, problems, round, rater))
            continue
        rating = by_name.get(" ".join((name or "").split()).casefold())
        if rating is None:
            problems.add(
                at,
                "requirement",
                name,
                f"a requirement of {framework.title}, by its title or key (e.g. {example!r})",
            )
            continue
        if rating.requirement_id in seen:
            problems.add(
                at,
                "requirement",
                name,
                f"each requirement once; it is on row {seen[rating.requirement_id]}",
            )
            continue
        seen[rating.requirement_id] = at
        if area and not _same(area, rating.requirement.area):
            problems.add(at, "area", area, f"the requirement's area, {rating.requirement.area}")
        change = _Change(at, rating)
        given = _given_grade(row, problems, scale)
        expected = _given_expected(row, problems)
        # A bad rating or date is already a problem; it changes nothing else.
        cells, row = row, {**row, "rating": given.value if given else None}
        held = {
            "rating": rating.rating,
            "reasons": rating.reasons,
            "reviewer": rating.reviewer_comments,
            "response": rating.response,
            "actions": rating.actions,
        }
        shown = {**held, "rating": rating_label(scale, rating.rating)}
        team = "NHS England's assurance team"
        if _changed(row, cells, held, shown, TEAM_COLUMNS, problems, rater, team):
            change.rate = {
                "rating": row["rating"] or rating.rating,
                "reasons": row["reasons"] or rating.reasons,
                "reviewer_comments": row["reviewer"] or rating.reviewer_comments,
            }
            if not change.rate["rating"] and cells["rating"] is None:
                problems.add(
                    at, "rating", None, f"a rating with the reasons: {expected_grades(scale)}"
                )
            if not change.rate["reasons"]:
                problems.add(at, "reasons", None, "the reasons for the rating")
        theirs = f"{round.commissioner.name}'s own team"
        responded = _changed(
            row, cells, held, shown, ("response", "actions"), problems, responder, theirs
        )
        if expected is not None and expected != (rating.expected_on, rating.expected_note):
            if responder:
                responded = True
            else:
                was = expected_label(rating.expected_on, rating.expected_note)
                _not_yours(problems, at, "expected", row["expected"], theirs, was)
        if responded:
            day, note = expected or (rating.expected_on, rating.expected_note)
            change.respond = {
                "response": row["response"] or rating.response,
                "actions": row["actions"] or rating.actions,
                "expected_on": day,
                "expected_note": note,
            }
            if not change.respond["response"]:
                problems.add(at, "response", None, "the explanation: why, and what is being done")
        planned = {p.month: p.text for p in rating.planned.all()}
        for column, month in months.items():
            text = row.get(column)
            if text is None or _same(text, planned.get(month)):
                continue
            if not responder:
                _not_yours(problems, at, column, text, theirs, planned.get(month, ""))
                continue
            change.planned[month] = text
        changes.append(change)
    return changes


def _given_grade(row, problems, scale):
    text = row["rating"]
    if text is None:
        return None
    found = read_grade(scale, text)
    if found is None:
        problems.add(row["__row"], "rating", text, f"one of {expected_grades(scale)}, or blank")
    return found


def _given_expected(row, problems):
    text = row["expected"]
    if text is None:
        return None
    try:
        return read_expected(text)
    except NotADate:
        problems.add(row["__row"], "expected", text, EXPECTED)
        return None


def _not_yours(problems, at, column, value, who, held) -> None:
    what = WHAT.get(column, "the planned actions")
    kept = f"blank, or what the round holds ({held[:40]!r})" if held else "blank"
    problems.add(at, column, value, f"{kept}: only {who} sets {what}")


def _changed(row, cells, held, shown, columns, problems, allowed: bool, who: str) -> bool:
    """Whether the row gives a new value in any of these columns; a new value in a column
    the importer may not set is a problem instead."""
    changed = False
    for column in columns:
        value = row[column]
        if value is None or _same(value, held[column]):
            continue
        if allowed:
            changed = True
        else:
            _not_yours(problems, row["__row"], column, cells[column], who, shown[column])
    return changed


def _check_overall(row, problems, round: Round, rater: bool) -> _Change:
    at = row["__row"]
    change = _Change(at, None)
    for column in ("reasons", "response", "expected", *ACTIONS_COLUMN):
        if row.get(column) is not None:
            problems.add(
                at,
                column,
                row[column],
                "blank on the overall row: it takes the overall rating and the reviewer's comments",
            )
    scale = round.framework.scale
    given = _given_grade(row, problems, scale)
    comments = row["reviewer"]
    new_rating = given is not None and given.value != round.overall_rating
    new_comments = comments is not None and not _same(comments, round.overall_comments)
    team = "NHS England's assurance team"
    if not rater:
        if new_rating:
            held = rating_label(scale, round.overall_rating)
            _not_yours(problems, at, "rating", row["rating"], team, held)
        if new_comments:
            _not_yours(problems, at, "reviewer", comments, team, round.overall_comments)
    elif new_rating or new_comments:
        change.rate = {
            "overall_rating": given.value if given is not None else round.overall_rating,
            "overall_comments": comments if comments is not None else round.overall_comments,
        }
    return change


def _write(change: _Change, round: Round, by, problems: Problems, result: ImportResult) -> None:
    """Through the actions, which check again; their refusals become the row's problems."""
    try:
        if change.rating is None:
            if change.rate:
                actions.review_round(round=round, by=by, **change.rate)
                result.overall = True
            return
        key = change.rating.requirement.key
        if change.rate:
            actions.rate(round=round, requirement=key, by=by, **change.rate)
            result.rated.append(key)
        if change.respond:
            actions.respond(round=round, requirement=key, by=by, **change.respond)
            result.responded.append(key)
        if change.planned:
            actions.plan_actions(round=round, requirement=key, planned=change.planned, by=by)
            result.planned.append(key)
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for name, texts in messages.items():
            for text in texts:
                problems.add(change.at, FIELD_COLUMNS.get(name), None, text)
    except PermissionDenied as error:
        problems.add(change.at, None, None, str(error))
