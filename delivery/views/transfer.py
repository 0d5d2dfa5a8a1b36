"""Plans in and out as spreadsheets: import a plan in the STP implementation plan's layout
into a programme or as a new one (checked whole, saved whole or not at all), and download a
plan as Excel or CSV in the same layout."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Permission, holds_anywhere
from delivery.actions import can_edit
from delivery.exports import plan_csv, plan_xlsx
from delivery.forms import NewPlanForm, PlanFileForm
from delivery.plan import load
from delivery.plan_import import PlanImportResult, import_plan
from delivery.views.plans import programme_or_404
from imports.problems import ImportRejected
from pcnhub.forms import add_action_errors, uploaded

EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", plan_xlsx),
    "csv": ("text/csv; charset=utf-8", lambda plan: plan_csv(plan).encode("utf-8-sig")),
}


def _imported(request, result: PlanImportResult) -> None:
    messages.success(
        request,
        f"Imported {result.deliverables_created} new deliverables "
        f"({result.deliverables_matched} already in the plan), {result.actions_created} key "
        f"actions ({result.actions_matched} already there) and {result.milestones_created} "
        "milestones",
    )
    if result.contacts_added:
        messages.info(request, f"New contacts: {', '.join(result.contacts_added)}")
    for warning in result.warnings[:20]:
        messages.warning(request, warning)


@require_http_methods(["GET", "POST"])
def import_into(request, pk):
    """Add a file's deliverables, key actions and milestones to a plan one may edit."""
    programme = programme_or_404(request.user, pk)
    if not can_edit(request.user, programme):
        raise Http404("No such page")
    form = PlanFileForm(request.POST or None, request.FILES or None)
    context = {"programme": programme, "form": form, "problems": None, "can_edit": True}
    if request.method == "POST" and form.is_valid():
        with uploaded(form.cleaned_data["file"]) as path:
            try:
                result = import_plan(
                    path=path,
                    by=request.user,
                    programme=programme,
                    add_contacts=form.cleaned_data["add_contacts"],
                )
            except ImportRejected as rejected:
                context.update(problems=rejected.problems, total=rejected.total)
            else:
                _imported(request, result)
                return redirect("programme", pk=programme.pk)
    return TemplateResponse(request, "delivery/plan_import.html", context)


@require_http_methods(["GET", "POST"])
def import_new(request):
    """A new programme from its name, period and organisations, and its plan from a file."""
    if not holds_anywhere(request.user, Permission.EDIT_PLANS):
        raise Http404("No such page")
    form = NewPlanForm(request.POST or None, request.FILES or None)
    context = {"programme": None, "form": form, "problems": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = {
            "name": data["name"],
            "start": data["start"],
            "end": data["end"],
            "organisations": data["organisations"],
        }
        with uploaded(data["file"]) as path:
            try:
                result = import_plan(
                    path=path,
                    by=request.user,
                    new_programme=details,
                    add_contacts=data["add_contacts"],
                )
            except ImportRejected as rejected:
                context.update(problems=rejected.problems, total=rejected.total)
            except ValidationError as error:
                add_action_errors(form, error)
            except PermissionDenied as error:
                form.add_error("organisations", str(error))
            else:
                _imported(request, result)
                return redirect("programme", pk=result.programme.pk)
    return TemplateResponse(request, "delivery/plan_import.html", context)


@require_GET
def export(request, pk, fmt):
    """The plan in the STP implementation plan's layout, for anyone who may see it."""
    programme = programme_or_404(request.user, pk)
    if fmt not in EXPORTS:
        raise Http404("No such export")
    content_type, render = EXPORTS[fmt]
    response = HttpResponse(
        render(load(programme, timezone.localdate())), content_type=content_type
    )
    name = f"{slugify(programme.name) or 'plan'}-plan.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
