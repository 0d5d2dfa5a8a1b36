"""Roll-ups: ratings per requirement across the commissioners of an ICS, a region or England
(each one's latest round by the page's date), with a chart and drill-down to each round."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from accounts.permissions import Permission, has_permission, scope_filter, widest_held
from assurance.models import Framework
from assurance.rollup import rollup
from organisations.decorators import as_at_date
from organisations.models import Organisation, OrgKind
from organisations.queries import ancestors

AREA_KINDS = (OrgKind.REGION, OrgKind.ICS)


@require_GET
@as_at_date
def area_page(request, code=None, *, as_at, as_at_raw, as_at_error, today):
    """England without a code; the England link takes someone working for one area there."""
    user = request.user
    if code is None and not has_permission(user, Permission.VIEW_REGISTRY):
        own = widest_held(user, (*AREA_KINDS, OrgKind.COMMISSIONER))
        if own is None:
            raise Http404("No such page")
        return redirect("assurance_area", code=own.code)
    area = None
    if code is not None:
        area = Organisation.objects.filter(code=code.strip().upper()).first()
        if area is None or not has_permission(user, Permission.VIEW_REGISTRY, area):
            raise Http404("No such area")
        if area.kind == OrgKind.COMMISSIONER:
            return redirect("assurance_commissioner", code=area.code)
        if area.kind not in AREA_KINDS:
            raise Http404("Roll-ups are of an ICS, a region or England")
    frameworks = list(Framework.objects.all())
    chosen = next((f for f in frameworks if f.key == request.GET.get("framework")), None)
    chosen = chosen or (frameworks[0] if frameworks else None)
    if chosen is None:
        raise Http404("No frameworks on file")
    within = scope_filter(user, Permission.VIEW_REGISTRY)
    found = rollup(chosen, area, as_at, within)
    context = {
        "rollup": found,
        "area": area,
        "trail": ancestors(area, as_at) if area else [],
        "frameworks": frameworks,
        "framework": chosen,
        "shows_ics": area is None or area.kind == OrgKind.REGION,
        "keep": [("framework", chosen.key)],
        "as_at": as_at,
        "as_at_raw": as_at_raw,
        "today": today,
        "errors": [("as_at", as_at_error)] if as_at_error else [],
    }
    return TemplateResponse(request, "assurance/area.html", context)
