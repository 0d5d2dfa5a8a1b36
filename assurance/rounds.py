"""A round read whole, in a fixed number of queries; the round as a snapshot's content (the
contract in delivery.snapshots: items keyed by requirement, each with labelled fields); and
what changed since the round before, requirement by requirement."""

from dataclasses import dataclass

from django.db.models import Prefetch

from assurance.expected import expected_label
from assurance.frameworks import OVERALL, Grade, grades, rating_label
from assurance.models import PlannedAction, Rating, Round
from delivery.snapshots import FieldChange, compare

RATING = "Rating"
REASONS = "Reasons"
REVIEWER = "Reviewer's comments"
RESPONSE = "Response"
ACTIONS = "Actions"
EXPECTED = "Expected fully assured"
FIGURE = "Live figure when signed"
AREA = "Area"


def subject(round: Round) -> str:
    """All snapshots of one commissioner's framework share it, so they compare together."""
    return f"assurance:{round.framework.key}:{round.commissioner.code}"


def ratings_of(round: Round) -> list[Rating]:
    """The round's requirements in framework order with their planned actions and deadlines:
    three queries however many there are."""
    return list(
        Rating.objects.filter(round=round)
        .select_related("requirement", "rated_by", "responded_by")
        .prefetch_related(
            "requirement__deadlines",
            Prefetch("planned", queryset=PlannedAction.objects.order_by("month")),
        )
        .order_by("requirement__order")
    )


def round_content(round: Round, ratings: list[Rating], figures: dict | None = None) -> dict:
    """The round as plain JSON: the overall assessment first, then each requirement."""
    scale = round.framework.scale
    items = [
        {
            "key": "overall",
            "label": OVERALL,
            "fields": {
                RATING: rating_label(scale, round.overall_rating),
                REVIEWER: round.overall_comments,
            },
        }
    ]
    for rating in ratings:
        requirement = rating.requirement
        fields = {
            AREA: requirement.area,
            RATING: rating_label(scale, rating.rating),
            REASONS: rating.reasons,
            REVIEWER: rating.reviewer_comments,
            RESPONSE: rating.response,
            ACTIONS: rating.actions,
            EXPECTED: expected_label(rating.expected_on, rating.expected_note),
        }
        fields.update({f"Planned {p.month:%b %Y}": p.text for p in rating.planned.all()})
        live = (figures or {}).get(requirement.pk)
        if live is not None:
            fields[FIGURE] = live.text()
        items.append({"key": requirement.key, "label": requirement.title, "fields": fields})
    return {
        "framework": round.framework.key,
        "framework_title": round.framework.title,
        "scale": scale,
        "commissioner": round.commissioner.code,
        "commissioner_name": round.commissioner.name,
        "round": round.label,
        "submitted_on": round.submitted_on.isoformat(),
        "items": items,
    }


@dataclass(frozen=True)
class RequirementChange:
    key: str
    title: str
    before: Grade | None
    after: Grade | None
    movement: str  # improved, worsened, unchanged, newly rated, not rated yet, not rated, new
    fields: tuple[FieldChange, ...]  # every other field that changed

    @property
    def changed(self) -> bool:
        return self.movement not in ("unchanged", "not rated") or bool(self.fields)


def _movement(scale: str, before: Grade | None, after: Grade | None) -> str:
    if before is None and after is None:
        return "not rated"
    if before is None:
        return "newly rated"
    if after is None:
        return "not rated yet"
    order = [g.value for g in grades(scale)]
    step = order.index(after.value) - order.index(before.value)
    return "unchanged" if step == 0 else "improved" if step < 0 else "worsened"


def changes_between(scale: str, before: dict | None, after: dict) -> list[RequirementChange]:
    """Per requirement (and the overall assessment) of `after`: its rating before and after,
    and the other fields that changed. `before` None: everything is new."""
    old = {item["key"]: item for item in before["items"]} if before else {}
    changed = {c.key: c for c in compare(before, after)} if before else {}
    by_label = {g.label: g for g in grades(scale)}
    found = []
    for item in after["items"]:
        was = old.get(item["key"])
        now_grade = by_label.get(item["fields"].get(RATING, ""))
        if was is None:
            found.append(RequirementChange(item["key"], item["label"], None, now_grade, "new", ()))
            continue
        then_grade = by_label.get(was["fields"].get(RATING, ""))
        change = changed.get(item["key"])
        fields = tuple(f for f in change.fields if f.field != RATING) if change else ()
        movement = _movement(scale, then_grade, now_grade)
        found.append(
            RequirementChange(item["key"], item["label"], then_grade, now_grade, movement, fields)
        )
    return found


def changes_since_previous(round: Round) -> tuple[Round | None, list[RequirementChange]]:
    """What changed in this round since the one before it (live, not from snapshots). The
    one before is `Round.previous`, set when the round was opened (open_round: the latest
    round, which must be closed and submitted earlier); nothing recomputes it."""
    previous = (
        Round.objects.select_related("framework", "commissioner").get(pk=round.previous_id)
        if round.previous_id
        else None
    )
    after = round_content(round, ratings_of(round))
    before = round_content(previous, ratings_of(previous)) if previous else None
    return previous, changes_between(round.framework.scale, before, after)
