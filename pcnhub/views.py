from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.http import require_GET

from accounts.permissions import Permission, has_permission, scope_filter, visible_organisations
from delivery.reminders import WINDOW_DAYS, owned_counts
from imports.models import ImportRun
from organisations import queries
from organisations.models import OrgKind
from registrations.worklist import Work, worklist

LATEST_RUNS = 5


@require_GET
def home(request):
    """Where each user starts: search, what they can see, and how fresh the data is."""
    user = request.user
    today = timezone.localdate()
    counts = queries.counts_by_kind(today, within=scope_filter(user, Permission.VIEW_REGISTRY))
    areas = visible_organisations(user).filter(kind__in=[OrgKind.REGION, OrgKind.ICS])
    areas = list(areas.order_by("name"))
    sees_registry = has_permission(user, Permission.VIEW_REGISTRY) or bool(counts)
    context = {
        "today": today,
        "counts": counts,
        "regions": [org for org in areas if org.kind == OrgKind.REGION],
        "icss": [org for org in areas if org.kind == OrgKind.ICS],
        "roles": user.role_assignments.select_related("organisation").order_by("role"),
        "runs": ImportRun.objects.select_related("run_by")[:LATEST_RUNS] if sees_registry else [],
        "sees_registry": sees_registry,
        "can_import": has_permission(user, Permission.RUN_IMPORTS),
        "work": worklist(user) + _milestones_due(user, today),
    }
    return TemplateResponse(request, "home.html", context)


def _milestones_due(user, today) -> list[Work]:
    overdue, coming = owned_counts(user, today)
    items = [
        Work("Your milestones overdue", overdue, "my_actions"),
        Work(f"Your milestones due in the next {WINDOW_DAYS} days", coming, "my_actions"),
    ]
    return [item for item in items if item.count]


@login_not_required
def health(request):
    """For load balancers and uptime checks: answers without a login, says nothing private."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _api(request):
        return JsonResponse({"detail": "The request is malformed."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return JsonResponse({"detail": "You may not do this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """An API client gets JSON it can parse, never the site's HTML page."""
    if _api(request):
        return JsonResponse({"detail": f"No API endpoint at {request.path}."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": "Server error: it has been logged."}, status=500)
    return defaults.server_error(request)
