"""Loading and scope checks for page views, so the views themselves stay a few lines long.

Anything the user may not reach answers 404, never 403: a PCN manager must not learn from the
response that another network's page exists (accounts.permissions)."""

import re
from datetime import date
from functools import wraps

from django.http import Http404
from django.utils import timezone

from accounts.permissions import Permission, has_permission, sees_import_runs
from organisations.models import Organisation

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def organisation_from_code(view=None, permission: Permission = Permission.VIEW_REGISTRY):
    """Load the organisation named by the URL's ODS code and pass it on; 404 when it does not
    exist or the user lacks `permission` over it. Use bare, or as
    @organisation_from_code(Permission.EDIT_REGISTRY)."""
    if isinstance(view, Permission):
        view, permission = None, view
    if view is None:
        return lambda actual: organisation_from_code(actual, permission)

    @wraps(view)
    def wrapper(request, code, *args, **kwargs):
        org = Organisation.objects.filter(code=code.strip().upper()).first()
        if org is None or not has_permission(request.user, permission, org):
            raise Http404("No such organisation")
        return view(request, org, *args, **kwargs)

    return wrapper


def as_at_date(view):
    """Read ?as_at=YYYY-MM-DD into `as_at` (default today). A bad value does not crash the
    page: it shows today's registry with `as_at_error` for the error summary."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        today = timezone.localdate()
        raw = request.GET.get("as_at", "").strip()
        as_at, error = today, None
        if raw:
            try:
                # fromisoformat alone would also take 20190701 and week dates.
                if not ISO_DAY.fullmatch(raw):
                    raise ValueError(raw)
                as_at = date.fromisoformat(raw)
            except ValueError:
                error = "Enter a real date in the format YYYY-MM-DD, for example 2019-07-01"
        kwargs.update(as_at=as_at, as_at_raw=raw, as_at_error=error, today=today)
        return view(request, *args, **kwargs)

    return wrapper


def require_permission(permission: Permission):
    """404 unless the user holds permission across all of England (org=None): imports and other
    national actions belong to no one organisation."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_permission(request.user, permission):
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def require_import_run_access(view):
    """404 unless the user may read import runs (accounts.permissions.sees_import_runs)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not sees_import_runs(request.user):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper
