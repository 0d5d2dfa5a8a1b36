"""Plan pages: a programme's quarter grid with each action's status and why, an action's
status form, and "my actions" for an owner."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Permission, scope_filter
from delivery.actions import can_edit, derived_status, set_status
from delivery.forms import StatusForm
from delivery.measures import rows as measure_rows
from delivery.models import Action, Programme, StatusUpdate
from delivery.reminders import WINDOW_DAYS, due
from pcnhub.forms import add_action_errors
from pcnhub.nhs_calendar import periods


def _visible_programmes(user):
    within = scope_filter(user, Permission.VIEW_REGISTRY, "organisations__pk")
    return Programme.objects.filter(within).distinct()


def _rows(actions, today):
    """Each action with its milestones, its latest update and the status derived now."""
    rows = []
    for action in actions:
        updates = list(action.updates.all())
        rows.append(
            {
                "action": action,
                "derived": derived_status(action, today),
                "latest": updates[0] if updates else None,
            }
        )
    return rows


def _actions():
    return Action.objects.select_related("deliverable").prefetch_related(
        "milestones",
        "owners",
        "contacts",
        Prefetch("updates", queryset=StatusUpdate.objects.select_related("by")),
    )


@require_GET
def programme_list(request):
    return TemplateResponse(
        request, "delivery/list.html", {"programmes": _visible_programmes(request.user)}
    )


@require_GET
def programme(request, pk):
    found = _visible_programmes(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such programme")
    today = timezone.localdate()
    quarters = periods(found.start, found.end, "quarter")
    # Every action of the programme in one go, then grouped: the page's queries do not grow
    # with the number of deliverables.
    by_deliverable: dict[int, list] = {}
    for row in _rows(_actions().filter(deliverable__programme=found), today):
        ends = {m.end for m in row["action"].milestones.all()}
        row["marks"] = [any(q.start <= end <= q.end for end in ends) for q in quarters]
        by_deliverable.setdefault(row["action"].deliverable_id, []).append(row)
    deliverables = [(d, by_deliverable.get(d.pk, [])) for d in found.deliverables.all()]
    measures = [(m, measure_rows(m, today)) for m in found.measures.prefetch_related("points")]
    context = {
        "programme": found,
        "measures": measures,
        "quarters": quarters,
        "deliverables": deliverables,
        "can_edit": can_edit(request.user, found),
        "today": today,
    }
    return TemplateResponse(request, "delivery/programme.html", context)


@require_GET
def my_actions(request):
    today = timezone.localdate()
    rows = _rows(_actions().filter(owners=request.user), today)
    return TemplateResponse(request, "delivery/my_actions.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def action_status(request, pk):
    action = _actions().filter(pk=pk).first()
    if (
        action is None
        or not _visible_programmes(request.user).filter(pk=action.deliverable.programme_id).exists()
    ):
        raise Http404("No such action")
    form = StatusForm(request.POST or None, initial={"status": derived_status(action).status})
    if request.method == "POST" and form.is_valid():
        try:
            set_status(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied as error:
            raise Http404(str(error)) from None
        else:
            messages.success(request, "Status recorded")
            return redirect("programme", pk=action.deliverable.programme_id)
    context = {"action": action, "form": form, "derived": derived_status(action)}
    return TemplateResponse(request, "delivery/status.html", context)


@require_GET
def due_list(request):
    """Milestones overdue and coming up in the plans the user may see."""
    today = timezone.localdate()
    items = due(today, programmes=_visible_programmes(request.user))
    context = {
        "overdue": [i for i in items if i.overdue],
        "coming": [i for i in items if not i.overdue],
        "days": WINDOW_DAYS,
    }
    return TemplateResponse(request, "delivery/due.html", context)
