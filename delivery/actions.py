"""Plan writes: programmes, deliverables, key actions with their owners and dependencies,
milestones in the financial calendar, baselines and status updates; each checked whole, and
each kept in the history with who and why."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Permission, has_permission, holds_anywhere
from delivery import report
from delivery.models import (
    Action,
    Baseline,
    BaselineMilestone,
    Contact,
    Deliverable,
    Milestone,
    Programme,
    Snapshot,
    Status,
    StatusUpdate,
)
from delivery.plan import load
from delivery.snapshots import freeze
from pcnhub.nhs_calendar import parse, periods

# The span any plan may take: PCN Hub plans within these financial years, a plan at most ten of
# them (the five-year programme and its run-in, with room to spare); anything wider is a typo.
PLANS_FROM, PLANS_TO = date(2000, 4, 1), date(2100, 3, 31)
MAX_PLAN_YEARS = 10


def can_edit(user, programme: Programme) -> bool:
    return any(
        has_permission(user, Permission.EDIT_PLANS, org) for org in programme.organisations.all()
    )


def require_editor(user, programme: Programme) -> None:
    if not can_edit(user, programme):
        raise PermissionDenied(f"you may not change the plan {programme.name!r}")


class Owners:
    """Owners' names to people and contacts, reading people and contacts once (an import
    resolves thousands of names).

    A name is a person's username, a person's full name, or a contact's name. A full name two
    people share is refused (give the username), so an action never gets the wrong owner and
    with it the owner's right to report on it."""

    def __init__(self):
        self.usernames = {}
        self.people: dict[str, list] = {}
        for user in get_user_model().objects.all():
            self.usernames[user.username.casefold()] = user
            if user.get_full_name():
                self.people.setdefault(user.get_full_name().casefold(), []).append(user)
        self.contacts = {c.name.casefold(): c for c in Contact.objects.all()}

    def kind(self, name: str) -> str | None:
        """ "person", "contact", "ambiguous" (a full name people share), or None: unknown."""
        key = name.strip().casefold()
        if key in self.usernames:
            return "person"
        if len(self.people.get(key, ())) > 1:
            return "ambiguous"
        if key in self.people:
            return "person"
        return "contact" if key in self.contacts else None

    def __call__(self, names: list[str]) -> tuple[list, list[Contact]]:
        users, named, unknown, ambiguous = [], [], [], []
        for name in (n.strip() for n in names if n.strip()):
            key, kind = name.casefold(), self.kind(name)
            if kind == "person":
                users.append(self.usernames.get(key) or self.people[key][0])
            elif kind == "contact":
                named.append(self.contacts[key])
            else:
                (ambiguous if kind == "ambiguous" else unknown).append(name)
        errors = []
        if unknown:
            errors.append(f"not a person or contact in PCN Hub: {', '.join(unknown)}")
        if ambiguous:
            errors.append(
                f"more than one person is called {', '.join(ambiguous)}: give their username"
            )
        if errors:
            raise ValidationError({"owners": errors})
        return users, named


def resolve_owners(names: list[str]) -> tuple[list, list[Contact]]:
    """Each owner named must be a person who signs in (username or full name) or a contact."""
    return Owners()(names)


def _save(obj, by, reason: str = "") -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _text(value: str, field: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: [what]})
    return value


@transaction.atomic
def add_contact(*, name: str, by, email: str = "", organisation=None) -> Contact:
    """Someone named in plans who does not sign in; one contact a name."""
    name = _text(name, "name", "give the contact's name")
    if Contact.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [f"{name} is already a contact"]})
    contact = Contact(name=name, email=email.strip(), organisation=organisation)
    _save(contact, by, "added")
    return contact


def _contacts(names, by) -> list[Contact]:
    """The contacts named, added where new: an SRO or lead is named on the programme itself."""
    found = []
    for name in (" ".join(n.split()) for n in names if n and n.strip()):
        contact = Contact.objects.filter(name__iexact=name).first()
        found.append(contact or add_contact(name=name, by=by))
    return found


def _check_period(start, end) -> None:
    """A plan's span: start before end, within the financial years PCN Hub plans for."""
    if start is None or end is None or start > end:
        raise ValidationError({"end": ["the plan ends on or after the day it starts"]})
    if start < PLANS_FROM or end > PLANS_TO:
        raise ValidationError(
            {"end": [f"a plan runs within {PLANS_FROM:%-d %B %Y} to {PLANS_TO:%-d %B %Y}"]}
        )
    years = len(periods(start, end, "year"))
    if years > MAX_PLAN_YEARS:
        raise ValidationError(
            {"end": [f"a plan spans at most {MAX_PLAN_YEARS} financial years; this one {years}"]}
        )


def _check_coverage(organisations, changed, by) -> None:
    """A plan covers at least one organisation, and a planner adds or drops only those they
    plan for."""
    if not organisations:
        raise ValidationError({"organisations": ["name at least one organisation it covers"]})
    outside = sorted(o.code for o in changed if not has_permission(by, Permission.EDIT_PLANS, o))
    if outside:
        raise ValidationError({"organisations": [f"you may not plan for {', '.join(outside)}"]})


@transaction.atomic
def create_programme(
    *,
    name: str,
    start,
    end,
    organisations: list,
    by,
    description: str = "",
    sro: str = "",
    leads: tuple[str, ...] = (),
) -> Programme:
    """A programme over organisations the person may plan for (its scope: who sees it)."""
    if not holds_anywhere(by, Permission.EDIT_PLANS):
        raise PermissionDenied("you may not start a plan")
    _check_coverage(organisations, organisations, by)
    _check_period(start, end)
    programme = Programme(
        name=_text(name, "name", "name the programme"),
        description=description.strip(),
        start=start,
        end=end,
    )
    [programme.sro] = _contacts([sro], by) or [None]
    _save(programme, by, "created")
    programme.organisations.set(organisations)  # history: the m2m change is recorded
    programme.leads.set(_contacts(leads, by))
    return programme


@transaction.atomic
def update_programme(*, programme: Programme, by, reason: str = "", **changes) -> Programme:
    """Name, description, period, SRO, leads and the organisations covered, all or none;
    milestones must stay inside the period."""
    require_editor(by, programme)
    for field in ("name", "description", "start", "end"):
        if field in changes:
            setattr(programme, field, changes[field])
    programme.name = _text(programme.name, "name", "name the programme")
    _check_period(programme.start, programme.end)
    outside = programme.deliverables.filter(actions__milestones__start__lt=programme.start)
    outside |= programme.deliverables.filter(actions__milestones__end__gt=programme.end)
    if outside.exists():
        raise ValidationError(
            {"start": ["some milestones fall outside that period: move them first"]}
        )
    if "sro" in changes:
        [programme.sro] = _contacts([changes["sro"]], by) or [None]
    _save(programme, by, reason or "edited")
    if "leads" in changes:
        programme.leads.set(_contacts(changes["leads"], by))
    if "organisations" in changes:
        cover_organisations(programme=programme, organisations=changes["organisations"], by=by)
    return programme


@transaction.atomic
def cover_organisations(*, programme: Programme, organisations: list, by) -> None:
    """Who the plan is for, and so who sees it; one may add or drop only organisations one
    plans for, and a plan always covers at least one."""
    require_editor(by, programme)
    changed = set(programme.organisations.all()).symmetric_difference(organisations)
    _check_coverage(organisations, changed, by)
    if changed:
        programme._history_user = by
        programme.organisations.set(organisations)


@transaction.atomic
def add_deliverable(
    *,
    programme: Programme,
    kind: str,
    reference: str,
    title: str,
    by,
    description: str = "",
    national_milestone=None,
) -> Deliverable:
    require_editor(by, programme)
    reference = _text(reference, "reference", "give its reference, e.g. National 1")
    if programme.deliverables.filter(reference__iexact=reference).exists():
        raise ValidationError({"reference": [f"{reference} is already in this plan"]})
    deliverable = Deliverable(
        programme=programme,
        kind=kind,
        reference=reference,
        title=_text(title, "title", "describe the deliverable"),
        description=description.strip(),
        national_milestone=national_milestone,
    )
    _save(deliverable, by, "added")
    return deliverable


@transaction.atomic
def update_deliverable(*, deliverable: Deliverable, by, **changes) -> Deliverable:
    require_editor(by, deliverable.programme)
    for field in ("kind", "reference", "title", "description", "national_milestone"):
        if field in changes:
            setattr(deliverable, field, changes[field])
    deliverable.title = _text(deliverable.title, "title", "describe the deliverable")
    clash = deliverable.programme.deliverables.filter(reference__iexact=deliverable.reference)
    if clash.exclude(pk=deliverable.pk).exists():
        raise ValidationError({"reference": [f"{deliverable.reference} is already in this plan"]})
    _save(deliverable, by, "edited")
    return deliverable


@transaction.atomic
def add_action(
    *, deliverable: Deliverable, title: str, owners: list[str], by, depends_on=(), people=None
) -> Action:
    """A key action with its owners (and what it waits on). `people`: an Owners made once
    for many actions, as an import does."""
    require_editor(by, deliverable.programme)
    users, contacts = (people or Owners())(owners)
    action = Action(deliverable=deliverable, title=_text(title, "title", "describe the action"))
    _save(action, by, "added")
    action.owners.set(users)
    action.contacts.set(contacts)
    if depends_on:
        set_dependencies(action=action, depends_on=list(depends_on), by=by)
    return action


@transaction.atomic
def update_action(
    *,
    action: Action,
    by,
    title: str | None = None,
    owners: list[str] | None = None,
    depends_on=None,
) -> Action:
    """Title, owners and what it waits on, all or none."""
    require_editor(by, action.deliverable.programme)
    if title is not None:
        action.title = _text(title, "title", "describe the action")
        _save(action, by, "edited")
    if owners is not None:
        users, contacts = resolve_owners(owners)
        action._history_user = by  # the m2m changes are recorded as theirs
        action.owners.set(users)
        action.contacts.set(contacts)
    if depends_on is not None:
        set_dependencies(action=action, depends_on=list(depends_on), by=by)
    return action


@transaction.atomic
def set_dependencies(*, action: Action, depends_on: list[Action], by) -> None:
    """What must be done first, within the same plan; a loop of dependencies is refused."""
    programme = action.deliverable.programme
    require_editor(by, programme)
    others = [a for a in depends_on if a.pk != action.pk]
    if len(others) != len(depends_on):
        raise ValidationError({"depends_on": ["an action cannot depend on itself"]})
    if any(a.deliverable.programme_id != programme.pk for a in others):
        raise ValidationError({"depends_on": ["an action depends only on actions of its plan"]})
    links: dict[int, tuple[int, ...]] = {}
    for from_id, to_id in Action.depends_on.through.objects.filter(
        from_action__deliverable__programme=programme
    ).values_list("from_action_id", "to_action_id"):
        links[from_id] = (*links.get(from_id, ()), to_id)
    links[action.pk] = tuple(a.pk for a in others)
    # A loop: following the links from this action's prerequisites leads back to it.
    stack, seen = list(links[action.pk]), set()
    while stack:
        current = stack.pop()
        if current == action.pk:
            raise ValidationError(
                {"depends_on": ["that would make a loop: an action would wait on itself"]}
            )
        if current not in seen:
            seen.add(current)
            stack.extend(links.get(current, ()))
    action._history_user = by
    action.depends_on.set(others)


@transaction.atomic
def add_milestone(*, action: Action, period: str, by, description: str = "") -> Milestone:
    """A milestone in a month, quarter, half-year or on a date, inside the plan's period."""
    programme = action.deliverable.programme
    require_editor(by, programme)
    found = _period_inside(programme, period)
    milestone = Milestone(
        action=action, period=found.label, start=found.start, end=found.end, description=description
    )
    _save(milestone, by, "added")
    return milestone


def _period_inside(programme: Programme, period: str):
    try:
        found = parse(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    if found.start < programme.start or found.end > programme.end:
        raise ValidationError(
            {
                "period": [
                    f"{found.label} ({found.start:%-d %b %Y} to {found.end:%-d %b %Y}) is outside "
                    f"the plan's period, {programme.start:%-d %b %Y} to {programme.end:%-d %b %Y}"
                ]
            }
        )
    return found


@transaction.atomic
def move_milestone(*, milestone: Milestone, period: str, reason: str, by) -> Milestone:
    """A new period for a milestone, with why; the baselines keep the old one."""
    require_editor(by, milestone.action.deliverable.programme)
    found = _period_inside(milestone.action.deliverable.programme, period)
    reason = _text(reason, "reason", "say why the milestone moves")
    milestone.period, milestone.start, milestone.end = found.label, found.start, found.end
    _save(milestone, by, reason)
    return milestone


def _require_owner_or_editor(action: Action, by) -> None:
    if not action.owners.filter(pk=by.pk).exists() and not can_edit(
        by, action.deliverable.programme
    ):
        raise PermissionDenied("only the action's owners or the programme office may report on it")


@transaction.atomic
def complete_milestone(*, milestone: Milestone, done_on, by) -> Milestone:
    """An owner (or the programme office) marks a milestone done on a day, not in the future."""
    _require_owner_or_editor(milestone.action, by)
    if done_on is None or done_on > timezone.localdate():
        raise ValidationError({"done_on": ["the day it was done, today or earlier"]})
    milestone.done_on = done_on
    _save(milestone, by, "done")
    return milestone


@transaction.atomic
def reopen_milestone(*, milestone: Milestone, reason: str, by) -> Milestone:
    _require_owner_or_editor(milestone.action, by)
    milestone.done_on = None
    _save(milestone, by, _text(reason, "reason", "say why it is not done after all"))
    return milestone


@transaction.atomic
def remove_milestone(*, milestone: Milestone, reason: str, by) -> None:
    require_editor(by, milestone.action.deliverable.programme)
    milestone._history_user = by
    milestone._change_reason = _text(reason, "reason", "say why the milestone goes")
    milestone.delete()


def action_row(action: Action, today=None):
    """The action as its plan reads it: derived status (after what it depends on), the
    standing status and the latest report."""
    plan = load(action.deliverable.programme, today or timezone.localdate(), measures=False)
    return plan.actions[action.pk]


@transaction.atomic
def set_status(
    *, action: Action, status: str, commentary: str, by, decision_needed: str = ""
) -> StatusUpdate:
    """An owner (or a plan editor) reports the action's status with a dated comment, and
    what the board is asked to decide, if anything."""
    _require_owner_or_editor(action, by)
    if not commentary.strip():
        raise ValidationError({"commentary": ["say what has happened"]})
    if status not in Status.values:
        raise ValidationError({"status": [f"one of {', '.join(Status.labels).lower()}"]})
    return StatusUpdate.objects.create(
        action=action,
        status=status,
        commentary=commentary.strip(),
        decision_needed=decision_needed.strip(),
        derived=action_row(action).derived.status,
        by=by,
    )


@transaction.atomic
def take_baseline(*, programme: Programme, name: str, by) -> Baseline:
    """Save every milestone's period now under a name, to show slippage against later."""
    require_editor(by, programme)
    name = _text(name, "name", "name the baseline, e.g. Board approval June 2019")
    if programme.baselines.filter(name__iexact=name).exists():
        raise ValidationError({"name": [f"{name} is already a baseline of this plan"]})
    baseline = Baseline.objects.create(programme=programme, name=name, by=by)
    BaselineMilestone.objects.bulk_create(
        BaselineMilestone(
            baseline=baseline, milestone_id=pk, action_title=title, period=period, end=end
        )
        for pk, title, period, end in Milestone.objects.filter(
            action__deliverable__programme=programme
        ).values_list("pk", "action__title", "period", "end")
    )
    return baseline


@transaction.atomic
def sign_board_report(*, programme: Programme, period: str, by, statement: str = "") -> Snapshot:
    """Freeze a quarter's board highlight report as the plan stands today, signed by a plan
    editor; only the current quarter's or the one just ended's (report.signing_refusal), as
    today's plan is their account and no older quarter's. One a programme and quarter, never
    signed again: what changes afterwards shows in the next quarter's report, and any two
    signed reports compare."""
    require_editor(by, programme)
    quarter = report.find_quarter(programme, period)
    today = timezone.localdate()
    refusal = report.signing_refusal(quarter, today)
    if refusal:
        raise ValidationError({"period": [refusal]})
    # One signer at a time per programme, so a quarter can never be signed twice.
    list(Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))
    signed = report.signed_reports(programme).filter(period=quarter.label).first()
    if signed is not None:
        who = signed.signed_by.get_full_name() or signed.signed_by.username
        raise ValidationError(
            {
                "period": [
                    f"the {quarter.label} report was signed by {who} on "
                    f"{timezone.localdate(signed.signed_at):%-d %b %Y}; it stands as signed"
                ]
            }
        )
    content = report.board_report(load(programme, today), quarter)
    return freeze(
        kind=Snapshot.Kind.BOARD_REPORT,
        title=f"{programme.name}: {content['title']}"[:200],
        subject=report.subject(programme),
        content=content,
        by=by,
        period=quarter.label,
        statement=statement.strip()
        or f"The {quarter.label} highlight report as presented to the programme board.",
    )
