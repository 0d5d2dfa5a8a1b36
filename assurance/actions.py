"""Assurance writes. NHS England's assurance team (RATE_ASSURANCE over the commissioner) rates
each requirement with reasons, comments as reviewer and closes the round, which signs and
freezes it; the commissioner (RESPOND_ASSURANCE) answers each rating with its response,
actions, expected date and planned actions month by month. Either may open a round (a new
submission). A closed round refuses every change: the next submission is a new round.

Each action is one transaction, re-reads the round under a lock so a round closed meanwhile
is refused, and keeps who and when in the history (django-simple-history).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.permissions import Permission, has_permission
from assurance.figures import figures
from assurance.frameworks import expected_grades, grade
from assurance.models import Framework, PlannedAction, Rating, Requirement, Round
from assurance.rounds import ratings_of, round_content, subject
from delivery.models import Snapshot
from delivery.snapshots import freeze
from organisations.models import Organisation, OrgKind
from pcnhub.nhs_calendar import quarter_of

NOTE_LENGTH = Rating._meta.get_field("expected_note").max_length


def may_rate(user, commissioner: Organisation) -> bool:
    return has_permission(user, Permission.RATE_ASSURANCE, commissioner)


def may_respond(user, commissioner: Organisation) -> bool:
    return has_permission(user, Permission.RESPOND_ASSURANCE, commissioner)


def _require_rater(user, round: Round) -> None:
    if not may_rate(user, round.commissioner):
        raise PermissionDenied(
            f"only NHS England's assurance team rates {round.commissioner.name}'s requirements"
        )


def _require_responder(user, round: Round) -> None:
    if not may_respond(user, round.commissioner):
        raise PermissionDenied(f"only {round.commissioner.name}'s own team responds to its ratings")


def _locked(round: Round) -> Round:
    """The round as it is now, locked for this transaction; a closed one is refused."""
    current = (
        # Only the round's row is locked: PostgreSQL cannot lock the nullable side of a join.
        Round.objects.select_for_update(of=("self",))
        .select_related("framework", "commissioner", "closed_by")
        .get(pk=round.pk)
    )
    if not current.is_open:
        who = current.closed_by.get_full_name() or current.closed_by.username
        raise ValidationError(
            {
                "round": [
                    f"the round {current.label!r} was closed and signed by {who} on "
                    f"{current.closed_at:%-d %B %Y}; it can no longer change (open a new round "
                    "for the next submission)"
                ]
            }
        )
    return current


def _rating(round: Round, requirement: Requirement | str) -> Rating:
    """The round's row for the requirement; one outside the round's framework is refused."""
    rows = Rating.objects.select_related("requirement").filter(round=round)
    if isinstance(requirement, Requirement):
        found, name = rows.filter(requirement=requirement).first(), requirement.title
    else:
        found, name = rows.filter(requirement__key=requirement).first(), requirement
    if found is None:
        raise ValidationError(
            {
                "requirement": [
                    f"{name!r} is not a requirement of {round.framework.title}, the framework "
                    f"of the round {round.label!r}"
                ]
            }
        )
    return found


@transaction.atomic
def open_round(
    *,
    framework: Framework,
    commissioner: Organisation,
    label: str,
    submitted_on: date,
    by,
    carry_forward: bool = True,
) -> Round:
    """A new submission: a row for each of the framework's requirements; with
    `carry_forward`, the previous round's responses, expected dates and planned actions are
    copied in to be revised (never its ratings, which are assessed afresh)."""
    if commissioner.kind != OrgKind.COMMISSIONER:
        raise ValidationError(
            {"commissioner": [f"{commissioner.code} is not a commissioner: rounds are theirs"]}
        )
    if not (may_rate(by, commissioner) or may_respond(by, commissioner)):
        raise PermissionDenied(
            f"only NHS England's assurance team or {commissioner.name}'s own team opens a round"
        )
    errors: dict[str, list[str]] = {}
    if not label.strip():
        errors["label"] = ["name the round, e.g. 23 December submission"]
    latest = (
        Round.objects.select_for_update()
        .filter(framework=framework, commissioner=commissioner)
        .order_by("-submitted_on")
        .first()
    )
    if latest is not None and latest.is_open:
        errors["label"] = [
            f"the round {latest.label!r} is still open: the assurance team closes it before the "
            "next submission"
        ]
    elif latest is not None and submitted_on <= latest.submitted_on:
        errors["submitted_on"] = [
            f"must be after {latest.submitted_on:%-d %B %Y}, the date of the round {latest.label!r}"
        ]
    if errors:
        raise ValidationError(errors)
    round = Round(
        framework=framework,
        commissioner=commissioner,
        label=label.strip(),
        submitted_on=submitted_on,
        previous=latest,
        opened_by=by,
    )
    round._history_user = by
    round.save()
    earlier = {r.requirement_id: r for r in ratings_of(latest)} if latest and carry_forward else {}
    rows = []
    for requirement in framework.requirements.filter(withdrawn=False):
        row = Rating(round=round, requirement=requirement)
        if (was := earlier.get(requirement.pk)) is not None:
            row.response, row.actions = was.response, was.actions
            row.expected_on, row.expected_note = was.expected_on, was.expected_note
        rows.append(row)
    bulk_create_with_history(rows, Rating, default_user=by)
    if earlier:
        made = {r.requirement_id: r for r in Rating.objects.filter(round=round)}
        plans = [
            PlannedAction(rating=made[req_id], month=p.month, text=p.text)
            for req_id, was in earlier.items()
            if req_id in made
            for p in was.planned.all()
        ]
        bulk_create_with_history(plans, PlannedAction, default_user=by)
    return round


@transaction.atomic
def rate(
    *,
    round: Round,
    requirement: Requirement | str,
    rating: str,
    reasons: str,
    by,
    reviewer_comments: str = "",
) -> Rating:
    """The assurance team's rating of one requirement, on the framework's scale, with why."""
    _require_rater(by, round)
    round = _locked(round)
    row = _rating(round, requirement)
    scale = round.framework.scale
    errors: dict[str, list[str]] = {}
    found = grade(scale, rating) if rating else None
    if found is None:
        given = f"{rating!r} is not a rating on this framework's scale; " if rating else ""
        errors["rating"] = [f"{given}choose one of {expected_grades(scale)}"]
    if not reasons.strip():
        errors["reasons"] = ["give the reasons for the rating"]
    if errors:
        raise ValidationError(errors)
    row.rating, row.reasons = found.value, reasons.strip()
    row.reviewer_comments = reviewer_comments.strip()
    row.rated_by, row.rated_at = by, timezone.now()
    row._history_user = by
    row.save()
    return row


@transaction.atomic
def respond(
    *,
    round: Round,
    requirement: Requirement | str,
    response: str,
    by,
    actions: str = "",
    expected_on: date | None = None,
    expected_note: str = "",
    planned: dict[date, str] | None = None,
) -> Rating:
    """The commissioner's answer to one requirement: why, what it is doing, and when it
    expects to be fully assured (a date, or a note where none can be given); with `planned`,
    its planned actions by month as plan_actions takes them, checked with the rest so the
    answer and its plan are written together or not at all."""
    _require_responder(by, round)
    round = _locked(round)
    row = _rating(round, requirement)
    errors: dict[str, list[str]] = {}
    if not response.strip():
        errors["response"] = ["explain why, and what is being done to resolve it"]
    if expected_on is not None and expected_on < round.submitted_on:
        errors["expected_on"] = [
            f"the date it expects to be fully assured cannot be before the submission, "
            f"{round.submitted_on:%-d %B %Y}"
        ]
    if len(expected_note.strip()) > NOTE_LENGTH:
        errors["expected_note"] = [f"keep the note to {NOTE_LENGTH} characters"]
    if planned and (refused := _plan_refusal(round.framework, planned)):
        errors["planned"] = [refused]
    if errors:
        raise ValidationError(errors)
    row.response, row.actions = response.strip(), actions.strip()
    row.expected_on, row.expected_note = expected_on, " ".join(expected_note.split())
    row.responded_by, row.responded_at = by, timezone.now()
    row._history_user = by
    row.save()
    if planned:
        _write_plan(row, planned, by)
    return row


@transaction.atomic
def plan_actions(
    *, round: Round, requirement: Requirement | str, planned: dict[date, str], by
) -> Rating:
    """The commissioner's planned actions for a requirement by month, inside the framework's
    span; a month given blank is cleared, a month not given is left as it is."""
    _require_responder(by, round)
    round = _locked(round)
    row = _rating(round, requirement)
    if refused := _plan_refusal(round.framework, planned):
        raise ValidationError({"planned": [refused]})
    _write_plan(row, planned, by)
    return row


def _plan_refusal(framework: Framework, planned: dict[date, str]) -> str:
    """Why the months cannot be planned in this framework; blank when they can."""
    allowed = framework.plan_months()
    if not allowed:
        return f"{framework.title} takes no planned actions month by month"
    outside = sorted(m for m in planned if m not in allowed)
    if outside:
        return (
            f"{', '.join(f'{m:%-d %b %Y}' for m in outside)}: planned actions are kept "
            f"for the months {allowed[0]:%b %Y} to {allowed[-1]:%b %Y}"
        )
    return ""


def _write_plan(row: Rating, planned: dict[date, str], by) -> None:
    """Each month's text: a blank one deletes the month, an unchanged one writes nothing."""
    held = {p.month: p for p in row.planned.all()}
    for month, text in sorted(planned.items()):
        text = text.strip()
        item = held.get(month)
        if not text:
            if item is not None:
                item._history_user = by
                item.delete()
            continue
        if item is not None and item.text == text:
            continue
        item = item or PlannedAction(rating=row, month=month)
        item.text = text
        item._history_user = by
        item.save()


@transaction.atomic
def review_round(*, round: Round, overall_rating: str, overall_comments: str, by) -> Round:
    """The reviewer's overall rating and comments on the submission."""
    _require_rater(by, round)
    given, round = round, _locked(round)
    if overall_rating and grade(round.framework.scale, overall_rating) is None:
        raise ValidationError(
            {
                "overall_rating": [
                    f"{overall_rating!r} is not a rating on this framework's scale; choose one "
                    f"of {expected_grades(round.framework.scale)}, or none"
                ]
            }
        )
    round.overall_rating = overall_rating
    round.overall_comments = overall_comments.strip()
    round._history_user = by
    round.save()
    given.refresh_from_db()
    return round


@transaction.atomic
def close_round(*, round: Round, statement: str, by, assessed_on: date | None = None) -> Snapshot:
    """Close the round once every requirement is rated, signing and freezing it as it stands,
    live figures included: later edits cannot change what was signed.

    The live figures are frozen as on `assessed_on`, the day the assessment being signed was
    made: today, unless it is entered afterwards. Pages and the API always sign today's; the
    demo (assurance.demo) enters its 2016 and 2019 rounds as assessed on their own days, so
    their figures are the registry's then, not today's. A day given must fall between the
    submission and today."""
    _require_rater(by, round)
    given, round = round, _locked(round)
    ratings = ratings_of(round)
    today = timezone.localdate()
    day = assessed_on or today
    errors: dict[str, list[str]] = {}
    unrated = [r.requirement.title for r in ratings if not r.rating]
    if unrated:
        listed = "; ".join(unrated[:5]) + (f"; and {len(unrated) - 5} more" if unrated[5:] else "")
        errors["round"] = [f"rate every requirement before closing the round; not rated: {listed}"]
    if not statement.strip():
        errors["statement"] = ["say what you are signing, e.g. that this is the assessment agreed"]
    if assessed_on is not None and not round.submitted_on <= assessed_on <= today:
        errors["assessed_on"] = [
            f"the assessment is made between the submission, {round.submitted_on:%-d %B %Y}, "
            f"and today, {today:%-d %B %Y}; {assessed_on:%-d %B %Y} is not"
        ]
    if errors:
        raise ValidationError(errors)
    live = figures([r.requirement for r in ratings], round.commissioner, day)
    snapshot = freeze(
        kind=Snapshot.Kind.ASSURANCE_ROUND,
        title=f"{round.commissioner.name}: {round.framework.title}, {round.label}"[:200],
        subject=subject(round),
        period=quarter_of(round.submitted_on).label,
        content=round_content(round, ratings, live),
        by=by,
        statement=statement.strip(),
    )
    round.state = Round.State.CLOSED
    round.closed_by, round.closed_at, round.snapshot = by, snapshot.signed_at, snapshot
    round._history_user = by
    round.save()
    given.refresh_from_db()  # the caller's copy shows the round closed
    return snapshot
