"""Payment pages: a PCN's statement (every line with why), an area's schedule summary, the
exports, marking a month paid, and the rate tables with their versions."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Permission, has_permission, holds_anywhere, widest_held
from imports.problems import ImportRejected
from organisations.models import Organisation, OrgKind
from payments import exports
from payments.area_exports import area_overview, file_name, kind_words, request_export
from payments.arrs import monthly_claim, no_maximum, scheme
from payments.calendar import calendar_for
from payments.entries import (
    add_staff,
    approve_override,
    claim_month,
    flat_warnings,
    load_beds,
    make_claim,
    network_arrs,
    parse_weights,
    record_share_rule,
    save_inputs,
    staff_facts,
)
from payments.forms import (
    AdvanceForm,
    AwardForm,
    BedsFileForm,
    ClaimForm,
    DecisionForm,
    FundForm,
    InputsForm,
    OverrideForm,
    RevisionForm,
    ShareRuleForm,
    SpendForm,
    StaffForm,
    StatementForm,
)
from payments.funds import advance, create_fund, progress, record_eoi, record_spend
from payments.inputs import SCOPE_KINDS, pcns_in
from payments.models import (
    Achievement,
    AreaExport,
    ArrsOverride,
    AwardStage,
    CareHomeBeds,
    LocalFund,
    PaidMonth,
    RateVersion,
    RevisionStatus,
    ShareRule,
    StaffMember,
)
from payments.rates import ENTITLEMENTS
from payments.reconcile import load_statement, reconcile
from payments.schedule import VIEWS, mark_paid, schedule
from payments.shareout import share_out
from payments.versions import (
    approve_revision,
    may_decide,
    propose_revision,
    reject_revision,
    versions_for,
)
from payments.whatif import what_if
from pcnhub.forms import add_action_errors, uploaded
from pcnhub.nhs_calendar import financial_year, month_of, months, year_of
from pcnhub.progress import RunStatus


def _years() -> list[str]:
    return list(RateVersion.objects.order_by("year").values_list("year", flat=True).distinct())


def _year(request) -> str:
    years = _years()
    asked = request.GET.get("year", "")
    if asked in years:
        return asked
    current = year_of(timezone.localdate())
    return current if current in years else years[-1]


def _scope(request, code) -> Organisation | None:
    """The PCN or area named by the URL (None: England), or 404 when out of scope."""
    if code is None:
        if not has_permission(request.user, Permission.VIEW_REGISTRY):
            raise Http404("No such page")
        return None
    org = Organisation.objects.filter(code=code.upper(), kind__in=SCOPE_KINDS).first()
    if org is None or not has_permission(request.user, Permission.VIEW_REGISTRY, org):
        raise Http404("No such organisation")
    return org


@require_GET
def statement(request, code=None):
    """A PCN's statement: months across, entitlements down, and each line opening onto its
    formula, population, rate, version and source. An area's page is its overview (`_area`)."""
    if code is None and not has_permission(request.user, Permission.VIEW_REGISTRY):
        own = widest_held(request.user, SCOPE_KINDS)
        if own is not None:
            return redirect("payments", code=own.code)
    scope = _scope(request, code)
    year = _year(request)
    pcns = pcns_in(scope, year)
    view = _view(request)
    if scope is None or scope.kind != OrgKind.PCN:
        return _area(request, scope, pcns, year, view)
    found = schedule(pcns, year)
    paid = set(
        PaidMonth.objects.filter(pcn__in=pcns, month__in=found.months).values_list(
            "month", flat=True
        )
    )
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "schedule": found,
        "table": found.table(view),
        "view": view,
        "views": VIEWS,
        "view_words": VIEWS[view],
        "is_pcn": True,
        "paid_months": paid,
        "can_mark_paid": has_permission(request.user, Permission.MANAGE_PAYMENTS, scope),
        "can_enter_inputs": has_permission(request.user, Permission.ENTER_PAYMENT_INPUTS, scope),
        "next_unpaid": found.next_to_pay(paid),
        "lines": found.lines,
    }
    return TemplateResponse(request, "payments/statement.html", context)


def _view(request) -> str:
    """By month paid (what a statement shows) unless by month earned is asked for."""
    view = request.GET.get("view", "paid")
    return view if view in VIEWS else "paid"


def _area(request, scope, pcns, year: str, view: str):
    """An area's overview (payments.overview): a row per network and payee (England: per
    region), months across, totals, what changed; and its PDF and Excel built in the
    background."""
    _, _, found = area_overview(scope, pcns, year, view)
    asked = request.GET.get("export", "")
    export = AreaExport.objects.filter(pk=asked, scope=scope).first() if asked.isdigit() else None
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "overview": found,
        "view": view,
        "views": VIEWS,
        "view_words": VIEWS[view],
        "pcns": pcns,
        "kind": kind_words(scope),
        "formats": AreaExport.FORMATS,
        "export": export,
    }
    return TemplateResponse(request, "payments/area.html", context)


@require_POST
def area_export(request, fmt, code=None):
    """Ask for the area's overview as a file: the one already built from the same figures, or
    a new one queued for the background worker. htmx swaps in its progress bar; without
    JavaScript the page is shown again with it."""
    scope = _scope(request, code)
    if (scope is not None and scope.kind == OrgKind.PCN) or fmt not in AreaExport.FORMATS:
        raise Http404("No such export")
    year, view = _year(request), _view(request)
    export = request_export(scope=scope, year=year, view=view, fmt=fmt, by=request.user)
    if request.htmx:
        return _export_progress(request, export)
    page = reverse("payments", args=[scope.code]) if scope else reverse("payments_england")
    return redirect(f"{page}?year={year}&view={view}&export={export.pk}#area-export")


def _export_in_scope(request, pk) -> AreaExport:
    """The export, or 404 unless the user may see its area."""
    export = AreaExport.objects.select_related("scope").filter(pk=pk).first()
    if export is None:
        raise Http404("No such export")
    _scope(request, export.scope.code if export.scope else None)
    return export


def _export_progress(request, export: AreaExport):
    context = {"export": export, "kind": kind_words(export.scope)}
    return TemplateResponse(request, "payments/_area_export.html", context)


@require_GET
def area_export_progress(request, pk):
    """The export's progress bar alone, polled by htmx each second; its link once built."""
    return _export_progress(request, _export_in_scope(request, pk))


@require_GET
def area_export_download(request, pk):
    export = _export_in_scope(request, pk)
    if export.status != RunStatus.SUCCEEDED:
        raise Http404("Not built yet")
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=file_name(export))


@require_GET
def export(request, fmt, code=None):
    scope = _scope(request, code)
    year = _year(request)
    found = schedule(pcns_in(scope, year), year)
    name = f"pcn-payments-{scope.code if scope else 'ENG'}-{year.replace('/', '-')}"
    if fmt == "csv":
        body, kind = exports.schedule_csv(found).encode("utf-8-sig"), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.schedule_xlsx(found)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        title = f"{scope.name} ({scope.code})" if scope else "England"
        body, kind = exports.statement_pdf(found, title), "application/pdf"
    else:
        raise Http404("No such format")
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
def paid(request, code):
    """Finance marks the next month paid: its lines are kept as they are now, for good."""
    scope = _scope(request, code)
    if scope.kind != OrgKind.PCN or not has_permission(
        request.user, Permission.MANAGE_PAYMENTS, scope
    ):
        raise Http404("No such page")
    try:
        month = date.fromisoformat(request.POST.get("month", ""))
    except ValueError:
        raise Http404("No such month") from None
    try:
        mark_paid(pcn=scope, month=month, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{month:%B %Y} marked paid for {scope.name}")
    return redirect(reverse("payments", args=[scope.code]) + f"?year={year_of(month)}")


@require_GET
def rates(request):
    """Every year's rate versions in force with their sources and notes, and the proposals
    awaiting a second approver (not paid on until approved)."""
    year = _year(request)
    versions = (
        RateVersion.objects.filter(year=year)
        .select_related("created_by", "supersedes")
        .prefetch_related("rates")
        .order_by("published", "pk")
    )
    proposals = [v for v in versions if v.status == RevisionStatus.PROPOSED]
    context = {
        "year": year,
        "years": _years(),
        "versions": [v for v in versions if v.status == RevisionStatus.APPROVED],
        "proposals": [(v, may_decide(request.user, v)) for v in proposals],
        "can_revise": holds_anywhere(request.user, Permission.EDIT_RATES),
        "calendar": calendar_for(year),
    }
    return TemplateResponse(request, "payments/rates.html", context)


def _effect(request, year: str, published: date, proposal):
    """What a proposal (made by `proposal()`) would change in the user's area once approved:
    put in force inside the what-if's rolled-back transaction, so nothing is saved."""

    def in_force():
        RateVersion.objects.filter(pk=proposal().pk).update(status=RevisionStatus.APPROVED)
        return []

    return what_if(
        pcns=pcns_in(widest_held(request.user, SCOPE_KINDS), year),
        year=year,
        known_on=max(timezone.localdate(), published),
        change=in_force,
    )


@require_http_methods(["GET", "POST"])
def revise(request):
    """Finance proposes a revision of one rate: a new version superseding the latest, in force
    once a second person approves it. "Preview" shows what it would change for the user's own
    area, month by month, and saves nothing."""
    if not holds_anywhere(request.user, Permission.EDIT_RATES):
        raise Http404("No such page")
    year = _year(request)
    chain = versions_for(year)
    form = RevisionForm(request.POST or None, year=year, chain=chain)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def propose():
            return propose_revision(year=year, by=request.user, **data)

        try:
            if "preview" in request.POST:
                preview = _effect(request, year, data["published"], propose)
            else:
                propose()
                messages.success(
                    request,
                    f"{year} rate revision proposed: it takes effect once a second person with "
                    "England-wide finance rights approves it",
                )
                return redirect(reverse("rates") + f"?year={year}")
        except ValidationError as error:
            add_action_errors(form, error)
    context = {"form": form, "year": year, "preview": preview}
    return TemplateResponse(request, "payments/revise.html", context)


@require_http_methods(["GET", "POST"])
def decide(request, pk):
    """A second person with England-wide finance rights sees what a proposed revision would
    change and approves it, or rejects it with a reason. Anyone else: 404."""
    version = (
        RateVersion.objects.filter(pk=pk, status=RevisionStatus.PROPOSED)
        .select_related("created_by", "supersedes")
        .first()
    )
    if version is None or not may_decide(request.user, version):
        raise Http404("No such proposal")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if request.POST.get("decision") == "approve":
                approve_revision(version=version, by=request.user, reason=reason)
                done = f"{version.label} approved: it is now in force"
            else:
                reject_revision(version=version, by=request.user, reason=reason)
                done = f"{version.label} rejected"
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("rates") + f"?year={version.year}")
    context = {
        "form": form,
        "version": version,
        "year": version.year,
        "preview": _effect(request, version.year, version.published, lambda: version),
    }
    return TemplateResponse(request, "payments/decide.html", context)


@require_http_methods(["GET", "POST"])
def reconciliation(request, code):
    """Expected against received for the scope and year, and (finance) loading a statement."""
    scope = _scope(request, code)
    year = _year(request)
    can_load = holds_anywhere(request.user, Permission.MANAGE_PAYMENTS)
    form = StatementForm(request.POST or None, request.FILES or None) if can_load else None
    problems = None
    if request.method == "POST":
        if form is None:
            raise Http404("No such page")
        if form.is_valid():
            years = _years()
            first, _ = financial_year(years[0])
            _, last = financial_year(years[-1])
            try:
                with uploaded(form.cleaned_data["file"]) as path:
                    loaded = load_statement(
                        path=path, by=request.user, first_month=first, last_month=last
                    )
            except ImportRejected as rejected:
                problems = rejected
            else:
                messages.success(request, f"{loaded.file_name}: {loaded.rows.count()} rows loaded")
                return redirect(reverse("reconciliation", args=[code]) + f"?year={year}")
    variances, agreed = reconcile(schedule(pcns_in(scope, year), year))
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "variances": variances,
        "agreed": agreed,
        "form": form,
        "problems": problems.problems if problems else None,
        "total": problems.total if problems else 0,
    }
    return TemplateResponse(request, "payments/reconciliation.html", context)


@require_http_methods(["GET", "POST"])
def inputs_page(request, code):
    """The figures a commissioner enters for a PCN's year, or loads from a spreadsheet."""
    scope = _scope(request, code)
    if scope.kind != OrgKind.PCN or not has_permission(
        request.user, Permission.ENTER_PAYMENT_INPUTS, scope
    ):
        raise Http404("No such page")
    year = _year(request)
    first, last = financial_year(year)
    months_of_year = months(first, last)
    beds = dict(
        CareHomeBeds.objects.filter(pcn=scope, month__in=months_of_year).values_list(
            "month", "beds"
        )
    )
    achievement = Achievement.objects.filter(pcn=scope, year=year).first()
    posted = request.POST if "reason" in request.POST else None
    form = InputsForm(posted, months=months_of_year, beds=beds, achievement=achievement)
    upload = BedsFileForm(request.POST if "file" in request.FILES else None, request.FILES or None)
    problems = None
    back = redirect(reverse("payments", args=[scope.code]) + f"?year={year}")
    if posted is not None and form.is_valid():
        try:
            save_inputs(
                pcn=scope,
                year=year,
                beds=form.beds(),
                iif_points=form.cleaned_data["iif_points"],
                improvement_share=form.share(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{year} figures saved for {scope.name}")
            return back
    if "file" in request.FILES and upload.is_valid():
        try:
            with uploaded(upload.cleaned_data["file"]) as path:
                count = load_beds(path=path, by=request.user)
        except ImportRejected as rejected:
            problems = rejected
        else:
            messages.success(request, f"{count} bed figures loaded")
            return back
    context = {
        "scope": scope,
        "year": year,
        "form": form,
        "upload": upload,
        "problems": problems.problems if problems else None,
        "total": problems.total if problems else 0,
    }
    return TemplateResponse(request, "payments/inputs.html", context)


@require_http_methods(["GET", "POST"])
def share_out_page(request, code):
    """A PCN's share-out of its network money to its practices, month by month."""
    scope = _scope(request, code)
    if scope.kind != OrgKind.PCN:
        raise Http404("No such page")
    year = _year(request)
    found = schedule([scope], year)
    entitlements = sorted(
        {s.line.entitlement for s in found.lines if s.line.basis != "practice_weighted"}
    )
    can_record = has_permission(request.user, Permission.NETWORK_FINANCES, scope)
    form = ShareRuleForm(request.POST or None, entitlements=entitlements) if can_record else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such page")
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_share_rule(
                    pcn=scope,
                    year=year,
                    entitlement=data["entitlement"],
                    method=data["method"],
                    weights=parse_weights(data["weights"]),
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Share-out rule saved")
                return redirect(reverse("share_out", args=[scope.code]) + f"?year={year}")
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "result": share_out(scope, found),
        "rules": ShareRule.objects.filter(pcn=scope, year=year).order_by("entitlement"),
        "labels": ENTITLEMENTS,
        "form": form,
    }
    return TemplateResponse(request, "payments/share_out.html", context)


@require_http_methods(["GET", "POST"])
def arrs_page(request, code):
    """A PCN's ARRS: the year's budget, staff records and monthly claims."""
    scope = _scope(request, code)
    if scope.kind != OrgKind.PCN:
        raise Http404("No such page")
    year = _year(request)
    first, last = financial_year(year)
    can_edit = has_permission(request.user, Permission.NETWORK_FINANCES, scope)
    staff = list(StaffMember.objects.filter(pcn=scope).prefetch_related("claims"))
    roles, _ = scheme()
    staff_form = StaffForm(
        request.POST if "staff-ref" in request.POST else None, roles=roles.values(), prefix="staff"
    )
    if request.method == "POST" and "claim-all" in request.POST:
        if not can_edit:
            raise Http404("No such page")
        try:
            made = claim_month(
                pcn=scope,
                month=date.fromisoformat(request.POST["claim-all"]),
                by=request.user,
                over_budget_confirmed=request.POST.get("claim-all-over-budget") == "yes",
            )
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    messages.error(request, f"No claims made: {problem}")
        else:
            messages.success(request, f"{len(made)} claim{'s' if len(made) != 1 else ''} made")
        return redirect(reverse("arrs", args=[scope.code]) + f"?year={year}")
    claim_form = ClaimForm(
        request.POST if "claim-staff" in request.POST else None,
        request.FILES or None,
        staff=staff,
        months=months(first, last),
        prefix="claim",
    )
    can_approve = has_permission(request.user, Permission.MANAGE_PAYMENTS, scope)
    override_form = OverrideForm(
        request.POST if "override-staff" in request.POST else None,
        staff=staff,
        months=months(first, last),
        prefix="override",
    )
    if request.method == "POST":
        if not (can_approve if override_form.is_bound else can_edit):
            raise Http404("No such page")
        done = _arrs_post(request, scope, staff_form, claim_form) or _override_post(
            request, scope, override_form
        )
        if done:
            messages.success(request, done)
            return redirect(reverse("arrs", args=[scope.code]) + f"?year={year}")
    found = network_arrs([scope], year)[scope.pk]
    rows = []
    for member in staff:
        made = {c.month: c for c in member.claims.all()}
        facts = staff_facts(member)
        cells = [
            (made.get(m) or monthly_claim(facts, m), no_maximum(member.role, m))
            for m in months(first, last)
        ]
        rows.append((member, cells))
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "budget": found.main,
        "budgets": found.budgets,
        "network": found,
        "rows": rows,
        "months": months(first, last),
        "flat": found.flat,
        "flat_warnings": flat_warnings(scope, year, found.flat),
        "staff_form": staff_form if can_edit else None,
        "claim_form": claim_form if can_edit and staff else None,
        "override_form": override_form if can_approve and staff else None,
        "overrides": ArrsOverride.objects.filter(
            staff__pcn=scope, month__gte=first, month__lte=last
        ).select_related("staff", "approved_by"),
    }
    return TemplateResponse(request, "payments/arrs.html", context)


@require_GET
def arrs_area(request, code):
    """ARRS across a commissioner, ICS or region: each network's budgets for the year with
    claimed, committed, remaining, projected and the projected underspend; totals; the claims
    for roles with no maximum on file. For commissioners and finance over the area."""
    from payments.arrs_report import PROJECTION_RULE, area_arrs, may_see

    scope = _scope(request, code)
    if scope.kind == OrgKind.PCN or not may_see(request.user, scope):
        raise Http404("No such page")
    year = _year(request)
    report = area_arrs(pcns_in(scope, year), year)
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "report": report,
        "totals": list(report.totals.values()),
        "projection_rule": PROJECTION_RULE,
    }
    return TemplateResponse(request, "payments/arrs_area.html", context)


def _arrs_post(request, scope, staff_form, claim_form) -> str:
    """Save a staff record or a claim; '' when the form shows what is wrong."""
    if staff_form.is_bound and staff_form.is_valid():
        try:
            member = add_staff(pcn=scope, by=request.user, **staff_form.record())
        except ValidationError as error:
            add_action_errors(staff_form, error)
        else:
            return f"Staff record {member.ref} added"
    if claim_form.is_bound and claim_form.is_valid():
        data = claim_form.cleaned_data
        member = StaffMember.objects.get(pk=data["staff"], pcn=scope)
        try:
            claim = make_claim(
                member=member,
                month=date.fromisoformat(data["month"]),
                by=request.user,
                amount=data["amount"],
                evidence=data["evidence"],
                over_budget_confirmed=data["over_budget"],
            )
        except ValidationError as error:
            add_action_errors(claim_form, error)
        else:
            return f"Claimed £{claim.amount:,.2f} for {member.ref}, {claim.month:%B %Y}"
    return ""


def _override_post(request, scope, form) -> str:
    """Approve a claim above the maximum; '' when the form shows what is wrong."""
    if not (form.is_bound and form.is_valid()):
        return ""
    data = form.cleaned_data
    member = StaffMember.objects.get(pk=data["staff"], pcn=scope)
    try:
        override = approve_override(
            member=member,
            month=date.fromisoformat(data["month"]),
            amount=data["amount"],
            reason=data["reason"],
            by=request.user,
        )
    except ValidationError as error:
        add_action_errors(form, error)
        return ""
    return f"{member.ref} may claim up to £{override.amount:,.2f} for {override.month:%B %Y}"


@require_http_methods(["GET", "POST"])
def funds_page(request, code):
    """A commissioner's own funds for the year: allocation, awards, spend and trajectory."""
    scope = _scope(request, code)
    if scope.kind != OrgKind.COMMISSIONER:
        raise Http404("No such page")
    year = _year(request)
    can_manage = has_permission(request.user, Permission.ENTER_PAYMENT_INPUTS, scope)
    form = FundForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such page")
        if form.is_valid():
            data = form.cleaned_data
            try:
                fund = create_fund(commissioner=scope, year=year, by=request.user, **data)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, f"{fund.name} created: £{fund.allocation:,.2f}")
                return redirect("fund", pk=fund.pk)
    today = timezone.localdate()
    funds = LocalFund.objects.filter(commissioner=scope, year=year)
    context = {
        "scope": scope,
        "year": year,
        "years": _years(),
        "progress": [progress(fund, today) for fund in funds],
        "form": form,
    }
    return TemplateResponse(request, "payments/funds.html", context)


@require_http_methods(["GET", "POST"])
def fund_page(request, pk):
    """One fund: its awards from expression of interest to transfer, and their spend."""
    fund = LocalFund.objects.select_related("commissioner").filter(pk=pk).first()
    if fund is None or not has_permission(
        request.user, Permission.VIEW_REGISTRY, fund.commissioner
    ):
        raise Http404("No such fund")
    can_manage = has_permission(request.user, Permission.ENTER_PAYMENT_INPUTS, fund.commissioner)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    forms_by_step = {
        "eoi": AwardForm(request.POST if step == "eoi" else None, prefix="eoi"),
        "advance": AdvanceForm(request.POST if step == "advance" else None, prefix="advance"),
        "spend": SpendForm(request.POST if step == "spend" else None, prefix="spend"),
    }
    if request.method == "POST":
        if not can_manage or step not in forms_by_step:
            raise Http404("No such page")
        form = forms_by_step[step]
        if form.is_valid():
            try:
                _fund_step(fund, step, form.cleaned_data, request.user)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Saved")
                return redirect("fund", pk=fund.pk)
    context = {
        "fund": fund,
        "progress": progress(fund, timezone.localdate()),
        "awards": fund.awards.select_related("recipient").prefetch_related("spend"),
        "forms": forms_by_step if can_manage else None,
        "stages": AwardStage.choices,
    }
    return TemplateResponse(request, "payments/fund.html", context)


def _fund_step(fund: LocalFund, step: str, data: dict, by) -> None:
    if step == "eoi":
        record_eoi(fund=fund, by=by, **data)
        return
    award = fund.awards.filter(pk=data["award"]).first()
    if award is None:
        raise ValidationError("No such award in this fund")
    if step == "advance":
        advance(award=award, to=data["to"], on=data["on"], by=by)
    else:
        month = month_of(data["month"])
        if month is None:
            raise ValidationError({"month": ["Enter a month such as 2019-11 or Nov 2019"]})
        record_spend(award=award, month=month, amount=data["amount"], by=by)
