"""The audit page: who saw bank details in full and who added rate revisions, filtered, with
a CSV of everything that matches."""

from django import forms
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from accounts import audit
from pcnhub.forms import date_field


class AuditFilterForm(forms.Form):
    start = date_field("From", required=False)
    end = date_field("To", required=False)
    person = forms.CharField(label="Username contains", max_length=150, required=False)
    organisation = forms.CharField(
        label="PCN ODS code (bank details) or financial year (rates)",
        max_length=10,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date")
        return data


@require_GET
def audit_page(request):
    lists = audit.lists_for(request.user)
    if not lists:
        raise Http404("No such page")
    name = request.GET.get("list", lists[0])
    if name not in lists:
        raise Http404("No such list")
    form = AuditFilterForm(request.GET or None)
    filters = audit.Filters(**form.cleaned_data) if form.is_valid() else audit.Filters()
    items = (
        audit.bank_views(request.user, filters) if name == "bank" else audit.rate_revisions(filters)
    )
    if request.GET.get("format") == "csv" and not form.errors:
        response = HttpResponse(
            audit.as_csv(name, items).encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="pcnhub-audit-{name}.csv"'
        return response
    shown = list(items[: audit.ROWS_SHOWN + 1])
    context = {
        "form": form,
        "lists": [(key, audit.LISTS[key]) for key in lists],
        "list": name,
        "title": audit.LISTS[name],
        "headers": audit.HEADERS[name],
        "rows": [audit.row(name, item) for item in shown[: audit.ROWS_SHOWN]],
        "more": len(shown) > audit.ROWS_SHOWN,
        "limit": audit.ROWS_SHOWN,
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "accounts/audit.html", context)
