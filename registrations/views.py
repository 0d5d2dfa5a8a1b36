"""Registration and coverage pages. Views load, check scope and hand over to actions; a
refusal from an action comes back through the form's error summary."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import (
    Permission,
    has_permission,
    holds_anywhere,
    scope_filter,
    widest_held,
)
from imports.problems import ImportRejected
from organisations.decorators import as_at_date
from organisations.models import Organisation, OrgKind
from payments.versions import versions_for
from pcnhub.forms import add_action_errors, uploaded
from pcnhub.nhs_calendar import year_of
from registrations import actions, exports, maps
from registrations.changes import (
    decide_change,
    entitlement_effect,
    impact,
    registration_in_force,
    request_change,
)
from registrations.coverage import AREA_KINDS, coverage, find_area
from registrations.facts import current_members, results_for, with_members
from registrations.form_import import import_registrations
from registrations.forms import (
    ChangeDecisionForm,
    ChangeForm,
    DecisionForm,
    DetailsForm,
    DocumentForm,
    MembersForm,
    ReasonForm,
    RegistrationFileForm,
    VariationForm,
)
from registrations.models import (
    AWAITING_DECISION,
    EDITABLE_STATUSES,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Registration,
    RegistrationMember,
    Status,
)
from registrations.rules import Result, worst
from registrations.years import des_year, des_years, year_in_force


def _registration(request, pk) -> Registration:
    """The registration, or 404 when it does not exist or is out of the user's scope."""
    registration = with_members(Registration.objects.filter(pk=pk)).first()
    if registration is None or not has_permission(
        request.user, Permission.VIEW_REGISTRY, registration.pcn
    ):
        raise Http404("No such registration")
    return registration


def overdue(registration: Registration, today: date) -> str:
    """What the registration is late for, by the year's timetable, or ''."""
    year = des_year(registration.des_year)
    due = None
    if registration.status in EDITABLE_STATUSES:
        due, what = year.submission_deadline, "Submission"
    elif registration.status in AWAITING_DECISION:
        due, what = year.decision_deadline, "Decision"
    if due is None or today <= due:
        return ""
    return f"{what} was due {due:%-d %b %Y}"


def _chosen_year(request, visible) -> str:
    asked = request.GET.get("year", "")
    if asked in des_years():
        return asked
    latest = visible.order_by("-des_year").values_list("des_year", flat=True).first()
    return latest or year_in_force(timezone.localdate()).label


@require_GET
def registration_list(request):
    """The registrations the user may see for one DES year, with their rule results and what
    is overdue, and the networks that have not started one."""
    today = timezone.localdate()
    visible = Registration.objects.filter(
        scope_filter(request.user, Permission.VIEW_REGISTRY, "pcn_id")
    )
    year = des_year(_chosen_year(request, visible))
    registrations = list(with_members(visible.filter(des_year=year.label)))
    results = results_for(registrations, today)
    rows = [
        {
            "registration": r,
            "members": len(current_members(r)),
            "fails": sum(1 for x in results[r.pk] if x.result == Result.FAIL),
            "warnings": sum(1 for x in results[r.pk] if x.result == Result.WARNING),
            "overdue": overdue(r, today),
        }
        for r in registrations
    ]
    not_started = (
        Organisation.objects.filter(
            scope_filter(request.user, Permission.DRAFT_REGISTRATION), kind=OrgKind.PCN
        )
        .filter(Q(close_date__isnull=True) | Q(close_date__gte=year.go_live))
        .exclude(registrations__des_year=year.label)
        .order_by("name")
    )
    context = {
        "year": year,
        "years": list(des_years().values()),
        "rows": rows,
        "not_started": list(not_started),
        "can_import": holds_anywhere(request.user, Permission.DRAFT_REGISTRATION),
        "today": today,
    }
    return TemplateResponse(request, "registrations/list.html", context)


@require_POST
def start(request):
    pcn = Organisation.objects.filter(
        code=request.POST.get("pcn", "").upper(), kind=OrgKind.PCN
    ).first()
    if pcn is None or not has_permission(request.user, Permission.DRAFT_REGISTRATION, pcn):
        raise Http404("No such PCN")
    try:
        registration = actions.start_registration(
            pcn=pcn, year_label=request.POST.get("year", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("registrations")
    messages.success(request, f"Registration for {registration.des_year} started")
    return redirect("registration", pk=registration.pk)


@require_GET
def detail(request, pk):
    registration = _registration(request, pk)
    today = timezone.localdate()
    year = des_year(registration.des_year)
    results = results_for([registration], today)[registration.pk]
    user = request.user
    documents = {d.key: d for d in registration.documents.all()}
    context = {
        "registration": registration,
        "year": year,
        "members": current_members(registration),
        "results": results,
        "overall": worst(r.result for r in results),
        "documents": [(d, documents.get(d.key)) for d in year.documents],
        "transitions": registration.transitions.select_related("by"),
        "overdue": overdue(registration, today),
        "map": maps.area_svg_paths(registration.area_map) if registration.area_map else None,
        "today": today,
        "can_draft": registration.is_editable
        and has_permission(user, Permission.DRAFT_REGISTRATION, registration.pcn),
        "can_decide": registration.status in AWAITING_DECISION
        and has_permission(user, Permission.DECIDE_REGISTRATION, registration.commissioner),
        "can_review": registration.status == Status.SUBMITTED
        and has_permission(user, Permission.DECIDE_REGISTRATION, registration.commissioner),
        "can_assure": registration.status in (Status.APPROVED, Status.APPROVED_EXCEPTION)
        and has_permission(user, Permission.ASSURE_REGISTRATION, registration.commissioner),
        "can_record_variations": has_permission(
            user, Permission.DECIDE_REGISTRATION, registration.commissioner
        ),
        "sees_bank_details": has_permission(user, Permission.VIEW_BANK_DETAILS, registration.pcn),
        "can_request_change": registration.is_approved
        and has_permission(user, Permission.DRAFT_REGISTRATION, registration.pcn),
    }
    return TemplateResponse(request, "registrations/detail.html", context)


def _form_page(request, registration, form, template, heading, **extra):
    context = {"registration": registration, "form": form, "heading": heading, **extra}
    return TemplateResponse(request, template, context)


def _editable(request, pk) -> Registration:
    registration = _registration(request, pk)
    if not has_permission(request.user, Permission.DRAFT_REGISTRATION, registration.pcn):
        raise Http404("No such registration")
    return registration


@require_http_methods(["GET", "POST"])
def edit_members(request, pk):
    registration = _editable(request, pk)
    initial = {"codes": "\n".join(m.practice.code for m in current_members(registration))}
    form = MembersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_members(
                registration=registration, codes=form.cleaned_data["codes"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Members saved")
            return redirect("registration", pk=pk)
    return _form_page(request, registration, form, "registrations/form.html", "Member practices")


@require_http_methods(["GET", "POST"])
def edit_details(request, pk):
    registration = _editable(request, pk)
    members = [m.practice for m in current_members(registration)]
    form = DetailsForm(
        request.POST or None, request.FILES or None, registration=registration, members=members
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_details(
                registration=registration,
                by=request.user,
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Registration details saved")
            return redirect("registration", pk=pk)
    return _form_page(
        request, registration, form, "registrations/form.html", "Registration details", upload=True
    )


@require_http_methods(["GET", "POST"])
def add_document(request, pk):
    registration = _editable(request, pk)
    year = des_year(registration.des_year)
    form = DocumentForm(request.POST or None, request.FILES or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            actions.attach_document(registration=registration, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Document recorded")
            return redirect("registration", pk=pk)
    return _form_page(
        request, registration, form, "registrations/form.html", "Add a signed document", upload=True
    )


def _step(request, pk, form_class, heading, run, **form_kwargs):
    """A workflow step: a form, an action, and back to the registration."""
    registration = _registration(request, pk)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            run(registration, form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{heading}: done")
            return redirect("registration", pk=pk)
    return _form_page(request, registration, form, "registrations/form.html", heading)


@require_http_methods(["GET", "POST"])
def submit(request, pk):
    return _step(
        request,
        pk,
        ReasonForm,
        "Submit the registration",
        lambda r, data: actions.submit(registration=r, by=request.user, reason=data["reason"]),
    )


@require_http_methods(["GET", "POST"])
def review(request, pk):
    return _step(
        request,
        pk,
        ReasonForm,
        "Start the review",
        lambda r, data: actions.start_review(registration=r, by=request.user),
    )


@require_http_methods(["GET", "POST"])
def decide(request, pk):
    return _step(
        request,
        pk,
        DecisionForm,
        "Record the panel decision",
        lambda r, data: actions.decide(registration=r, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def assure(request, pk):
    return _step(
        request,
        pk,
        ReasonForm,
        "Assure the decision",
        lambda r, data: actions.assure(registration=r, by=request.user, reason=data["reason"]),
    )


@require_http_methods(["GET", "POST"])
def variation(request, pk, member_pk):
    member = get_object_or_404(RegistrationMember, pk=member_pk, registration_id=pk)
    return _step(
        request,
        pk,
        VariationForm,
        f"Contract variation for {member.practice.name}",
        lambda r, data: actions.record_variation(
            member=member, status=data["status"], signed_on=data["signed_on"], by=request.user
        ),
        initial={"status": member.variation_status, "signed_on": member.variation_signed_on},
    )


@require_GET
def bank_details(request, pk):
    """The full bank details, for finance; each view is recorded, and the page is not cached."""
    registration = _registration(request, pk)
    if not has_permission(request.user, Permission.VIEW_BANK_DETAILS, registration.pcn):
        raise Http404("No such page")
    details = actions.reveal_bank_details(registration=registration, by=request.user)
    response = TemplateResponse(
        request,
        "registrations/bank_details.html",
        {"registration": registration, "details": details},
    )
    response["Cache-Control"] = "no-store"
    return response


def _coverage_area(request, code):
    if code is None:
        if not has_permission(request.user, Permission.VIEW_REGISTRY):
            raise Http404("No such page")
        return None
    area = find_area(code)
    if area is None or not has_permission(request.user, Permission.VIEW_REGISTRY, area):
        raise Http404("No such area")
    return area


@require_GET
@as_at_date
def coverage_page(request, code=None, *, as_at, as_at_raw, as_at_error, today):
    """Coverage of a commissioner, ICS or region (England without a code) on any date; the
    England link takes someone working for one area to that area."""
    if code is None and not has_permission(request.user, Permission.VIEW_REGISTRY):
        own = widest_held(request.user, AREA_KINDS)
        if own is not None:
            return redirect("coverage", code=own.code)
    area = _coverage_area(request, code)
    year_label = request.GET.get("year") if request.GET.get("year") in des_years() else None
    found = coverage(area, as_at, year_label)
    context = {
        "coverage": found,
        "area": area,
        "as_at": as_at,
        "as_at_raw": as_at_raw,
        "today": today,
        "errors": [("as_at", as_at_error)] if as_at_error else [],
        "years": list(des_years().values()),
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "registrations/coverage.html", context)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", lambda c: exports.networks_csv(c).encode("utf-8-sig")),
    "sizes.csv": ("text/csv; charset=utf-8", lambda c: exports.sizes_csv(c).encode("utf-8-sig")),
    "uncovered.csv": (
        "text/csv; charset=utf-8",
        lambda c: exports.uncovered_csv(c).encode("utf-8-sig"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.coverage_xlsx,
    ),
    "pdf": ("application/pdf", exports.coverage_pdf),
}


@require_GET
@as_at_date
def coverage_export(request, fmt, code=None, *, as_at, as_at_raw, as_at_error, today):
    """The NHS England coverage return as CSV or Excel, and a one-page PDF for committee."""
    if fmt not in EXPORTS or as_at_error:
        raise Http404("No such export")
    area = _coverage_area(request, code)
    year_label = request.GET.get("year") if request.GET.get("year") in des_years() else None
    content_type, render = EXPORTS[fmt]
    response = HttpResponse(render(coverage(area, as_at, year_label)), content_type=content_type)
    name = f"pcn-coverage-{area.code if area else 'ENG'}-{as_at.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _change(request, pk) -> ChangeRequest:
    change = (
        ChangeRequest.objects.select_related(
            "pcn",
            "target_pcn",
            "practice",
            "absorbing_practice",
            "clinical_director_practice",
            "payee_practice",
            "requested_by",
            "decided_by",
            "created_pcn",
        )
        .filter(pk=pk)
        .first()
    )
    if change is None or not has_permission(request.user, Permission.VIEW_REGISTRY, change.pcn):
        raise Http404("No such change")
    return change


@require_GET
def change_list(request):
    """Change requests the user may see: those awaiting a decision first."""
    visible = ChangeRequest.objects.filter(
        scope_filter(request.user, Permission.VIEW_REGISTRY, "pcn_id")
    ).select_related("pcn", "target_pcn", "practice", "requested_by")
    context = {
        "waiting": list(visible.filter(status=ChangeStatus.REQUESTED).order_by("effective_date")),
        "decided": list(visible.exclude(status=ChangeStatus.REQUESTED)[:100]),
    }
    return TemplateResponse(request, "registrations/change_list.html", context)


@require_http_methods(["GET", "POST"])
def change_new(request, code):
    """Request a change to a network: first its kind, then the kind's own fields."""
    pcn = Organisation.objects.filter(code=code.upper(), kind=OrgKind.PCN).first()
    if pcn is None or not has_permission(request.user, Permission.DRAFT_REGISTRATION, pcn):
        raise Http404("No such PCN")
    kind = request.GET.get("kind", "")
    if kind not in ChangeKind.values:
        context = {"pcn": pcn, "kinds": ChangeKind.choices}
        return TemplateResponse(request, "registrations/change_kind.html", context)
    form = ChangeForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        practices = fields.pop("practices", None)
        try:
            change = request_change(
                by=request.user, kind=kind, pcn=pcn, practices=practices, **fields
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Change requested: the preview below goes to the committee")
            return redirect("change", pk=change.pk)
    context = {"pcn": pcn, "form": form, "kind_label": ChangeKind(kind).label}
    return TemplateResponse(request, "registrations/change_new.html", context)


@require_http_methods(["GET", "POST"])
def change_detail(request, pk):
    """The change, its impact on both networks, and the committee's decision."""
    change = _change(request, pk)
    source = registration_in_force(change.pcn, change.effective_date)
    may_decide = change.status == ChangeStatus.REQUESTED and has_permission(
        request.user,
        Permission.DECIDE_REGISTRATION,
        source.commissioner if source else change.pcn,
    )
    form = ChangeDecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:
            raise Http404("Nothing to decide")
        if form.is_valid():
            data = form.cleaned_data
            try:
                decide_change(
                    change=change,
                    by=request.user,
                    approve=data["decision"] == "approve",
                    committee=data["committee"],
                    decision_date=data["decision_date"],
                    notes=data["decision_notes"],
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, f"Change {change.get_status_display().lower()}")
                return redirect("change", pk=pk)
    money_year = year_of(change.effective_date)
    context = {
        "change": change,
        "practices": list(change.practices.all()),
        "impact": impact(change) if change.status == ChangeStatus.REQUESTED else None,
        "money": entitlement_effect(change, request.user)
        if change.status == ChangeStatus.REQUESTED and source is not None
        else None,
        "money_year": money_year,
        "rates_cover": bool(versions_for(money_year)),
        "form": form,
        "source": source,
    }
    return TemplateResponse(request, "registrations/change_detail.html", context)


@require_http_methods(["GET", "POST"])
def import_form(request):
    """Upload registration forms as a spreadsheet; checked whole, saved whole or not at all."""
    if not holds_anywhere(request.user, Permission.DRAFT_REGISTRATION):
        raise Http404("No such page")
    form = RegistrationFileForm(request.POST or None, request.FILES or None)
    context = {"form": form, "problems": None}
    if request.method == "POST" and form.is_valid():
        with uploaded(form.cleaned_data["file"]) as path:
            try:
                result = import_registrations(
                    path=path, by=request.user, submit=form.cleaned_data["submit"] == "yes"
                )
            except ImportRejected as rejected:
                context.update(problems=rejected.problems, total=rejected.total)
            else:
                done = ", ".join(r.pcn.code for r in result.registrations)
                messages.success(request, f"Imported {len(result.registrations)}: {done}")
                for warning in result.warnings[:20]:
                    messages.warning(request, warning)
                return redirect("registrations")
    return TemplateResponse(request, "registrations/import.html", context)
