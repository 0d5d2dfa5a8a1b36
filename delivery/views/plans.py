"""Plan pages: a programme's quarter grid with each action's status and why, an action's
status form, "my actions" for an owner, and milestones overdue and coming up."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Permission, holds_anywhere, scope_filter
from delivery.actions import action_row, can_edit, set_status
from delivery.forms import StatusForm
from delivery.measures import rows as measure_rows
from delivery.models import Action, Programme
from delivery.plan import load, load_many
from delivery.reminders import WINDOW_DAYS, due
from organisations.queries import field_changes
from pcnhub.forms import add_action_errors
from pcnhub.nhs_calendar import periods

GRID_PAGE = 25  # deliverables a page of the quarter grid


def visible_programmes(user):
    within = scope_filter(user, Permission.VIEW_REGISTRY, "organisations__pk")
    return Programme.objects.filter(within).distinct()


def programme_or_404(user, pk) -> Programme:
    found = visible_programmes(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such programme")
    return found


@require_GET
def programme_list(request):
    today = timezone.localdate()
    programmes = visible_programmes(request.user).prefetch_related("organisations")
    context = {
        # Each plan's counts by status, so the list is itself the dashboard of dashboards.
        "rows": [(p.programme, p.counts()) for p in load_many(programmes, today, measures=False)],
        "can_plan": holds_anywhere(request.user, Permission.EDIT_PLANS),
    }
    return TemplateResponse(request, "delivery/list.html", context)


@require_GET
def programme(request, pk):
    found = programme_or_404(request.user, pk)
    today = timezone.localdate()
    plan = load(found, today)
    quarters = periods(found.start, found.end, "quarter")
    page = Paginator(plan.deliverables, GRID_PAGE).get_page(request.GET.get("page"))
    grid = [
        (deliverable, [(action, _marks(action, quarters)) for action in deliverable.actions])
        for deliverable in page.object_list
    ]
    measures = [
        (m, plan.measure_rows.get(m.pk) or measure_rows(m, today, plan.figures))
        for m in found.measures.prefetch_related("points")
    ]
    context = {
        "programme": found,
        "plan": plan,
        "grid": grid,
        "page": page,
        "measures": measures,
        "quarters": quarters,
        "can_edit": can_edit(request.user, found),
        "today": today,
    }
    return TemplateResponse(request, "delivery/programme.html", context)


def action_or_404(user, pk) -> Action:
    """An action its owners may open, and whoever may see its plan."""
    action = Action.objects.select_related("deliverable__programme").filter(pk=pk).first()
    if action is None or not (
        action.owners.filter(pk=user.pk).exists()
        or visible_programmes(user).filter(pk=action.deliverable.programme_id).exists()
    ):
        raise Http404("No such action")
    return action


def _marks(action, periods) -> list[bool]:
    """A mark in each period in which one of the action's milestones falls due."""
    return [any(p.start <= m.end <= p.end for m in action.milestones) for p in periods]


@require_GET
def my_actions(request):
    """The actions someone owns, with where each stands: whatever the registry scope of the
    plan they sit in (its page links only for those who may see it)."""
    today = timezone.localdate()
    visible = set(visible_programmes(request.user).values_list("pk", flat=True))
    owned = Programme.objects.filter(deliverables__actions__owners=request.user).distinct()
    rows = [
        (plan.programme, plan.programme.pk in visible, action)
        for plan in load_many(owned, today, measures=False)
        for action in plan.actions.values()
        if request.user.pk in action.owner_ids
    ]
    return TemplateResponse(request, "delivery/my_actions.html", {"rows": rows})


@require_GET
def action_detail(request, pk):
    """One key action: owners, milestones (done, moved, due), what it waits on and what waits
    on it, its status and why, the status reports and every change to it."""
    action = action_or_404(request.user, pk)
    programme = action.deliverable.programme
    plan = load(programme, timezone.localdate(), measures=False)
    row = plan.actions[action.pk]
    visible = visible_programmes(request.user).filter(pk=programme.pk).exists()
    context = {
        "action": action,
        "row": row,
        "programme": programme,
        # An owner outside the plan's scope sees their own action, not the rest of the plan.
        "visible": visible,
        "depends_on": [plan.actions[i] for i in row.depends_on] if visible else [],
        "dependents": [a for a in plan.actions.values() if action.pk in a.depends_on]
        if visible
        else [],
        "can_edit": can_edit(request.user, programme),
        "can_report": can_edit(request.user, programme) or request.user.pk in row.owner_ids,
        "updates": action.updates.select_related("by"),
        "changes": field_changes(action),
    }
    return TemplateResponse(request, "delivery/action.html", context)


@require_http_methods(["GET", "POST"])
def action_status(request, pk):
    action = action_or_404(request.user, pk)
    row = action_row(action)
    form = StatusForm(request.POST or None, initial={"status": row.status})
    if request.method == "POST" and form.is_valid():
        try:
            set_status(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied as error:
            raise Http404(str(error)) from None
        else:
            messages.success(request, "Status recorded")
            return redirect("action", pk=action.pk)
    context = {"action": action, "row": row, "form": form}
    return TemplateResponse(request, "delivery/status.html", context)


@require_GET
def due_list(request):
    """Milestones overdue and coming up in the plans the user may see."""
    today = timezone.localdate()
    items = due(today, programmes=visible_programmes(request.user))
    context = {
        "overdue": [i for i in items if i.overdue],
        "coming": [i for i in items if not i.overdue],
        "days": WINDOW_DAYS,
    }
    return TemplateResponse(request, "delivery/due.html", context)
