"""Board highlight reports: a quarter's report as the plan stands (page and PDF), signing it
(which freezes it), the signed reports with their PDFs drawn from what was signed, and any
two compared."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from delivery.actions import can_edit, sign_board_report
from delivery.forms import SignReportForm
from delivery.plan import load
from delivery.report import (
    board_report,
    default_quarter,
    find_quarter,
    quarters,
    report_pdf,
    signature_line,
    signed_reports,
    signing_refusal,
)
from delivery.snapshots import compare, intact
from delivery.views.plans import programme_or_404
from pcnhub.forms import add_action_errors


def _quarter(programme, label: str | None, today):
    if not label:
        return default_quarter(programme, today)
    try:
        return find_quarter(programme, label)
    except ValidationError:
        raise Http404("No such quarter in this plan") from None


def _pdf(content: dict, signature: str, name: str) -> HttpResponse:
    response = HttpResponse(report_pdf(content, signature), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def _name(programme, period: str) -> str:
    return f"{slugify(programme.name) or 'plan'}-board-report-{slugify(period)}"


@require_http_methods(["GET", "POST"])
def preview(request, pk):
    """The quarter's report as the plan stands today, for any quarter of the plan; an editor
    may sign the current quarter's or the one just ended's."""
    programme = programme_or_404(request.user, pk)
    today = timezone.localdate()
    editor = can_edit(request.user, programme)
    if request.method == "POST" and not editor:
        raise Http404("No such page")
    form = SignReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = sign_board_report(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"The {snapshot.period} report is signed")
            return redirect("board_report_signed", pk=programme.pk, snapshot=snapshot.pk)
    quarter = _quarter(programme, request.POST.get("period") or request.GET.get("period"), today)
    signed = list(signed_reports(programme))
    refusal = signing_refusal(quarter, today)
    context = {
        "programme": programme,
        "can_edit": editor,
        "content": board_report(load(programme, today), quarter),
        "quarter": quarter,
        "quarters": quarters(programme),
        "signed": signed,
        "signed_this": next((s for s in signed if s.period == quarter.label), None),
        "can_sign": editor and refusal is None,
        "sign_refusal": refusal,
        "form": form,
    }
    return TemplateResponse(request, "delivery/report.html", context)


@require_GET
def preview_pdf(request, pk):
    programme = programme_or_404(request.user, pk)
    today = timezone.localdate()
    quarter = _quarter(programme, request.GET.get("period"), today)
    content = board_report(load(programme, today), quarter)
    return _pdf(content, signature_line(None, content["as_at"]), _name(programme, quarter.label))


def _signed_or_404(programme, pk):
    found = signed_reports(programme).filter(pk=pk).first()
    if found is None:
        raise Http404("No such signed report")
    return found


@require_GET
def signed_list(request, pk):
    """Every signed report of the plan, newest first, and a form to compare two."""
    programme = programme_or_404(request.user, pk)
    context = {
        "programme": programme,
        "can_edit": can_edit(request.user, programme),
        "signed": list(signed_reports(programme)),
    }
    return TemplateResponse(request, "delivery/reports.html", context)


@require_GET
def signed(request, pk, snapshot):
    programme = programme_or_404(request.user, pk)
    found = _signed_or_404(programme, snapshot)
    context = {
        "programme": programme,
        "can_edit": can_edit(request.user, programme),
        "snapshot": found,
        "content": found.content,
        "intact": intact(found),
    }
    return TemplateResponse(request, "delivery/report_signed.html", context)


@require_GET
def signed_pdf(request, pk, snapshot):
    """The PDF of a signed report, drawn from its frozen content."""
    programme = programme_or_404(request.user, pk)
    found = _signed_or_404(programme, snapshot)
    signature = signature_line(found, found.content["as_at"])
    return _pdf(found.content, signature, _name(programme, found.period))


@require_GET
def compare_signed(request, pk):
    """What changed from one signed report to another, item by item."""
    programme = programme_or_404(request.user, pk)
    try:
        ids = [int(request.GET.get(key, "")) for key in ("before", "after")]
    except ValueError:
        raise Http404("Choose two signed reports") from None
    before, after = (_signed_or_404(programme, i) for i in ids)
    context = {
        "programme": programme,
        "can_edit": can_edit(request.user, programme),
        "before": before,
        "after": after,
        "changes": compare(before, after),
    }
    return TemplateResponse(request, "delivery/report_compare.html", context)
