"""A round's return: imported from a spreadsheet (checked whole, saved whole or not at all)
and exported as Excel or CSV in the same layout."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from assurance import actions, exports
from assurance.forms import ReturnFileForm
from assurance.return_import import COLUMNS, import_return
from assurance.views.decorators import round_from_pk
from imports.problems import ImportRejected
from pcnhub.forms import uploaded

FORMATS = {
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.return_xlsx,
    ),
    "csv": ("text/csv; charset=utf-8", lambda r: exports.return_csv(r).encode("utf-8-sig")),
}


@require_http_methods(["GET", "POST"])
@round_from_pk
def import_page(request, round):
    commissioner = round.commissioner
    if not (
        actions.may_rate(request.user, commissioner)
        or actions.may_respond(request.user, commissioner)
    ):
        raise Http404("No such page")
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    context = {"round": round, "form": form, "problems": None, "columns": COLUMNS}
    if request.method == "POST" and form.is_valid():
        with uploaded(form.cleaned_data["file"]) as path:
            try:
                result = import_return(path=path, round=round, by=request.user)
            except ImportRejected as rejected:
                context.update(problems=rejected.problems, total=rejected.total)
            else:
                messages.success(request, f"Return imported: {result.changed} row(s) changed")
                return redirect("assurance_round", pk=round.pk)
    return TemplateResponse(request, "assurance/import.html", context)


@require_GET
@round_from_pk
def export(request, round, fmt):
    if fmt not in FORMATS:
        raise Http404("No such export")
    content_type, render = FORMATS[fmt]
    response = HttpResponse(render(round), content_type=content_type)
    name = f"assurance-{round.framework.key}-{round.commissioner.code}-{round.submitted_on}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
