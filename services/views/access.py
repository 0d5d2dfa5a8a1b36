"""Extended access pages: an area's provision as at a date against the thresholds in force,
and one provider's records with their history and the forms to record or end provision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Permission, scope_filter
from organisations.decorators import as_at_date, organisation_from_code
from organisations.models import Organisation, OrgKind
from pcnhub.forms import add_action_errors
from services.actions import end_provision, may_record, record_provision
from services.catalogue import network_scheme_on
from services.forms import EndProvisionForm, ProvisionForm
from services.network_access import network_access, networks_in, no_scheme_reason
from services.queries import extended_access, provider_records, provision_history
from services.views.signups import area_or_404, as_at_context


@require_GET
@as_at_date
def area(request, code, **dates):
    """Who offers extended access to the area's practices on the day, the share of patients
    covered and the minutes per 1,000 a week, against the thresholds then in force."""
    scope = area_or_404(request.user, code)
    within = scope_filter(request.user, Permission.VIEW_REGISTRY)
    found = extended_access(scope, dates["as_at"], within)
    context = {**as_at_context(**dates), "scope": scope, "access": found}
    template = "services/_access.htmx.html" if request.htmx else "services/access.html"
    return TemplateResponse(request, template, context)


def _forms(request, provider):
    """The form posted (by its button's name), bound; the other one blank."""
    posted = request.POST if request.method == "POST" else None
    ending = posted is not None and "end" in posted
    record = ProvisionForm(None if ending else posted, prefix="provision")
    end = EndProvisionForm(posted if ending else None, prefix="end")
    return record, end, (end if ending else record if posted is not None else None)


def _with_codes(user, rows):
    """Each record with the codes of the practices it lists that the user may see now, and
    how many others it lists (for a PCN's staff, practices that have since left the PCN)."""
    codes = dict(
        Organisation.objects.filter(
            scope_filter(user, Permission.VIEW_REGISTRY),
            pk__in={p for row in rows for p in row.listed},
        ).values_list("pk", "code")
    )
    return [
        (
            row,
            sorted(codes[p] for p in row.listed if p in codes),
            sum(p not in codes for p in row.listed),
        )
        for row in rows
    ]


@require_http_methods(["GET", "POST"])
@organisation_from_code
def provider(request, org):
    """A PCN's or a practice's provision records, newest first, with the practices each
    covers and their history; those who may record get the forms."""
    if org.kind not in (OrgKind.PCN, OrgKind.PRACTICE):
        raise Http404("No such provider")
    can_record = may_record(request.user, org)
    record_form, end_form, posted = _forms(request, org)
    if posted is not None:
        if not can_record:
            raise Http404("No such page")
        if posted.is_valid():
            data = posted.cleaned_data
            try:
                if posted is end_form:
                    end_provision(
                        provider=org, scheme=data["scheme"], on=data["on"], by=request.user
                    )
                    done = f"No provision from {data['on']:%-d %B %Y}"
                else:
                    record_provision(provider=org, by=request.user, **data)
                    done = f"Provision from {data['valid_from']:%-d %B %Y} recorded"
            except ValidationError as error:
                if posted is end_form and hasattr(error, "error_dict"):
                    error = ValidationError(
                        {
                            ("scheme" if name == "scheme" else "on"): found
                            for name, found in error.error_dict.items()
                        }
                    )
                add_action_errors(posted, error)
            except PermissionDenied as error:  # a practice listed is not theirs to record
                posted.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("provider", code=org.code)
    records = _with_codes(request.user, provider_records(org))
    context = {
        "provider": org,
        "records": records,
        "history": provision_history(org),
        "record_form": record_form if can_record else None,
        "end_form": end_form if can_record else None,
    }
    return TemplateResponse(request, "services/provider.html", context)


@require_GET
@as_at_date
def requirements(request, code, **dates):
    """The weekly requirement of the network scheme in force on the day against what each
    network provides: one network's (a PCN's code) or the area's networks."""
    scope = area_or_404(request.user, code)
    within = scope_filter(request.user, Permission.VIEW_REGISTRY)
    networks = networks_in(scope, dates["as_at"], within)
    rows = network_access(networks, dates["as_at"])
    scheme = network_scheme_on(dates["as_at"])
    context = {
        **as_at_context(**dates),
        "scope": scope,
        "rows": rows,
        "scheme": scheme,
        "no_scheme": no_scheme_reason(dates["as_at"]) if scheme is None else "",
        "single": scope.kind == OrgKind.PCN,
    }
    return TemplateResponse(request, "services/requirements.html", context)
