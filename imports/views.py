"""Import run pages: the list, one run's report (with live progress), and the upload form."""

from functools import wraps

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from accounts.permissions import Permission, has_permission
from imports.forms import UploadForm
from imports.models import ImportRun, RunStatus
from organisations.decorators import require_import_run_access, require_permission
from registrations.coverage import drift_for

RUNS_PER_PAGE = 50
# The ODS files that say which PCN a practice is in.
DRIFT_KINDS = ("epcn", "epcn-partners", "gp-reg-pat-prac-map")


def import_run_from_id(view):
    """Load the run named by the URL and pass it on, or answer 404."""

    @wraps(view)
    def wrapper(request, run_id, *args, **kwargs):
        run = ImportRun.objects.select_related("run_by").filter(pk=run_id).first()
        if run is None:
            raise Http404("No such import run")
        return view(request, run, *args, **kwargs)

    return wrapper


@require_GET
@require_import_run_access
def run_list(request):
    runs = ImportRun.objects.select_related("run_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "can_import": has_permission(request.user, Permission.RUN_IMPORTS)}
    return TemplateResponse(request, "imports/run_list.html", context)


@require_GET
@require_import_run_access
@import_run_from_id
def run_detail(request, run):
    """The run's report; after an ODS PCN file, where ODS now differs from what commissioners
    approved, so each difference becomes a change to approve or an instruction to ODS."""
    drift = None
    if run.kind in DRIFT_KINDS and run.status == RunStatus.SUCCEEDED and run.period:
        drift = drift_for(request.user, run.period)
    return TemplateResponse(request, "imports/run_detail.html", {"run": run, "drift": drift})


@require_GET
@require_import_run_access
@import_run_from_id
def run_progress(request, run):
    """The progress bar alone, polled by htmx each second. Once the run ends the whole page is
    reloaded, so the counts and problem report appear without the user asking."""
    if request.htmx and run.finished:
        return HttpResponseClientRefresh()
    return TemplateResponse(request, "imports/run_progress.htmx.html", {"run": run})


@require_http_methods(["GET", "POST"])
@require_permission(Permission.RUN_IMPORTS)
def upload(request):
    """Queue an uploaded file for the background worker and show its run page straight away:
    a national file takes minutes, longer than a request should wait."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from imports import actions

        run = actions.queue_import(
            uploaded_file=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"] or None,
            by=request.user,
            period=form.cleaned_data["period"],
        )
        return redirect("import_run", run_id=run.pk)
    return TemplateResponse(request, "imports/upload.html", {"form": form})
