"""Views of a whole plan: the timeline (Gantt), the dashboard counting by status with
drill-down to the actions behind each count, and baselines with slippage. Each reads the plan
once (delivery.plan.load) and only arranges it."""

from collections import Counter

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from delivery.actions import can_edit
from delivery.baselines import baseline_ends, slippage, summary
from delivery.forms import record_number
from delivery.models import Baseline, Status
from delivery.plan import group_owners, load
from delivery.timeline import Scale, action_lane, deliverable_lanes, headings
from delivery.views.plans import programme_or_404

DRILL_PAGE = 100


@require_GET
def timeline(request, pk):
    programme = programme_or_404(request.user, pk)
    plan = load(programme, timezone.localdate())
    scale = Scale(programme.start, programme.end)
    baselines = list(programme.baselines.all())
    context = {
        "programme": programme,
        "lanes": deliverable_lanes(plan),
        "years": headings(programme.start, programme.end, "year"),
        "quarters": headings(programme.start, programme.end, "quarter"),
        "today": scale.at(plan.today) if programme.start <= plan.today <= programme.end else None,
        "baselines": baselines,
        "baseline": _baseline(request, programme, baselines),
    }
    return TemplateResponse(request, "delivery/timeline.html", context)


def _baseline(request, programme, baselines):
    wanted = record_number(request.GET.get("baseline", ""))
    if wanted is None:
        return None
    found = next((b for b in baselines if b.pk == wanted), None)
    if found is None:
        raise Http404("No such baseline of this plan")
    return found


@require_GET
def timeline_actions(request, pk, deliverable_pk):
    """One deliverable's actions as lanes, fetched when its row is opened (htmx)."""
    programme = programme_or_404(request.user, pk)
    plan = load(programme, timezone.localdate(), measures=False)
    deliverable = next((d for d in plan.deliverables if d.id == deliverable_pk), None)
    if deliverable is None:
        raise Http404("No such deliverable in this plan")
    baseline = _baseline(request, programme, list(programme.baselines.all()))
    ends = baseline_ends(baseline) if baseline else {}
    scale = Scale(programme.start, programme.end)
    lanes = [action_lane(scale, a, plan.today, ends) for a in deliverable.actions]
    context = {"programme": programme, "lanes": lanes, "deliverable": deliverable}
    return TemplateResponse(request, "delivery/_timeline_actions.htmx.html", context)


@require_GET
def dashboard(request, pk):
    programme = programme_or_404(request.user, pk)
    plan = load(programme, timezone.localdate())
    actions, deliverables = plan.counts("actions"), plan.counts("deliverables")
    context = {
        "programme": programme,
        "plan": plan,
        "statuses": Status.choices,
        "totals": [(s, label, actions[s], deliverables[s]) for s, label in Status.choices],
        "by_deliverable": [(d, _by_status(d.actions)) for d in plan.deliverables],
        "by_owner": [(owner, _by_status(rows)) for owner, rows in group_owners(plan).items()],
        "can_edit": can_edit(request.user, programme),
    }
    return TemplateResponse(request, "delivery/dashboard.html", context)


def _by_status(actions) -> list[tuple[str, str, int]]:
    counts = Counter(a.status for a in actions)
    return [(status, label, counts.get(status, 0)) for status, label in Status.choices]


@require_GET
def action_list(request, pk):
    """The actions behind a dashboard count: by status, deliverable and owner."""
    programme = programme_or_404(request.user, pk)
    plan = load(programme, timezone.localdate(), measures=False)
    status = request.GET.get("status", "")
    owner = request.GET.get("owner", "")
    deliverable = request.GET.get("deliverable", "")
    if status and status not in Status.values:
        raise Http404("No such status")
    rows = [
        (d, a)
        for d in plan.deliverables
        if not deliverable or str(d.id) == deliverable
        for a in d.actions
        if (not status or a.status == status)
        and (not owner or owner in (a.owners or ["(no owner)"]))
    ]
    page = Paginator(rows, DRILL_PAGE).get_page(request.GET.get("page"))
    filters = {"status": status, "owner": owner, "deliverable": deliverable}
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    context = {
        "programme": programme,
        "page": page,
        "status": status,
        "owner": owner,
        "deliverable": next((d for d in plan.deliverables if str(d.id) == deliverable), None),
        "query": query,
    }
    return TemplateResponse(request, "delivery/action_list.html", context)


@require_GET
def baselines(request, pk):
    programme = programme_or_404(request.user, pk)
    context = {
        "programme": programme,
        "baselines": programme.baselines.select_related("by"),
        "can_edit": can_edit(request.user, programme),
    }
    return TemplateResponse(request, "delivery/baselines.html", context)


@require_GET
def baseline(request, pk):
    found = get_object_or_404(Baseline.objects.select_related("programme", "by"), pk=pk)
    programme = programme_or_404(request.user, found.programme_id)
    plan = load(programme, timezone.localdate(), measures=False)
    slips = slippage(found, plan)
    context = {
        "programme": programme,
        "baseline": found,
        "slips": slips,
        "summary": summary(slips),
    }
    return TemplateResponse(request, "delivery/baseline.html", context)
