"""Sign-up pages: an area's practices by service as at a date with the share signed up, a
practice's statuses with their history and the form to record one, and the import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import (
    Permission,
    has_permission,
    holds_anywhere,
    scope_filter,
    widest_held,
)
from imports.problems import ImportRejected
from organisations.decorators import as_at_date, organisation_from_code
from organisations.models import Organisation, OrgKind
from pcnhub.forms import add_action_errors, uploaded
from services.actions import may_record, record_signup
from services.catalogue import services
from services.forms import SignUpFileForm, SignUpForm
from services.models import SignUpStatus
from services.queries import (
    NOT_RECORDED,
    SERVICE_AREA_KINDS,
    area_practices,
    count,
    grid,
    signup_history,
    standing_signups,
)
from services.signup_import import import_signups

PAGE_REASON = "recorded on the practice page"  # the history's why, when none is given


def area_or_404(user, code: str | None) -> Organisation | None:
    """The region, ICS, commissioner or PCN the URL names (None: England), or 404 when it
    does not exist or the user may not see it."""
    if code is None:
        if not has_permission(user, Permission.VIEW_REGISTRY):
            raise Http404("No such page")
        return None
    org = Organisation.objects.filter(
        code=code.strip().upper(), kind__in=SERVICE_AREA_KINDS
    ).first()
    if org is None or not has_permission(user, Permission.VIEW_REGISTRY, org):
        raise Http404("No such organisation")
    return org


def as_at_context(as_at, as_at_raw, as_at_error, today) -> dict:
    return {
        "as_at": as_at,
        "as_at_raw": as_at_raw,
        "today": today,
        "errors": [("as_at", as_at_error)] if as_at_error else [],
    }


@require_GET
@as_at_date
def area(request, code=None, **dates):
    """Practices by service as at the day, with counts and the share signed up (or live) per
    service. England shows the counts only; its grid would be every practice."""
    if code is None and not has_permission(request.user, Permission.VIEW_REGISTRY):
        own = widest_held(request.user, SERVICE_AREA_KINDS)
        if own is None:
            raise Http404("No such page")
        return redirect("services_area", code=own.code)
    scope = area_or_404(request.user, code)
    day = dates["as_at"]
    within = scope_filter(request.user, Permission.VIEW_REGISTRY)
    if scope is None:
        practice_ids = area_practices(None, day, within)
        rows, counts = [], count(practice_ids, standing_signups(practice_ids, day))
    else:
        rows, counts = grid(scope, day, within)
    context = {
        **as_at_context(**dates),
        "scope": scope,
        "rows": rows,
        "counts": counts,
        "services": list(services().values()),
        "statuses": [*SignUpStatus.choices, (NOT_RECORDED, "Not recorded")],
        "can_import": holds_anywhere(request.user, Permission.RECORD_SERVICES),
    }
    template = "services/_area.htmx.html" if request.htmx else "services/area.html"
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
@organisation_from_code
def practice(request, org):
    """A practice's status for each service today, the history of its records with who
    changed what and why, and, for those who may, the form to record a status."""
    if org.kind != OrgKind.PRACTICE:
        raise Http404("No such practice")
    can_record = may_record(request.user, org)
    initial = {"service": request.GET.get("service", "")}
    posted = request.POST if request.method == "POST" else None
    form = SignUpForm(posted, initial=initial) if can_record else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such page")
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason").strip() or PAGE_REASON
            try:
                record_signup(practice=org, by=request.user, reason=reason, **data)
            except ValidationError as error:
                add_action_errors(form, error)
            except PermissionDenied as error:
                raise Http404(str(error)) from None
            else:
                name = services()[data["service"]].name
                status = SignUpStatus(data["status"]).label.lower()
                messages.success(
                    request, f"{org.name}: {name} {status} from {data['valid_from']:%-d %B %Y}"
                )
                return redirect("services_practice", code=org.code)
    today = timezone.localdate()
    standing = standing_signups([org.pk], today)
    context = {
        "practice": org,
        "form": form,
        "today": today,
        "current": [(s, standing.get((org.pk, s.key))) for s in services().values()],
        "history": signup_history(org),
    }
    return TemplateResponse(request, "services/practice.html", context)


@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload sign-ups as a spreadsheet; checked whole, saved whole or not at all."""
    if not holds_anywhere(request.user, Permission.RECORD_SERVICES):
        raise Http404("No such page")
    posted = request.method == "POST"
    form = SignUpFileForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form, "problems": None}
    if request.method == "POST" and form.is_valid():
        with uploaded(form.cleaned_data["file"]) as path:
            try:
                result = import_signups(path=path, by=request.user)
            except ImportRejected as rejected:
                context.update(problems=rejected.problems, total=rejected.total)
            else:
                messages.success(
                    request,
                    f"Imported: {result.created} status(es) recorded, {result.corrected} corrected",
                )
                for warning in result.warnings[:20]:
                    messages.warning(request, warning)
                return redirect(reverse("services"))
    return TemplateResponse(request, "services/import.html", context)
