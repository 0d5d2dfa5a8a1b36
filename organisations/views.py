"""Registry pages: search, and one page per organisation read through the as-at queries."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Permission, has_permission, scope_filter
from organisations import actions, queries
from organisations.counted import counted_practices
from organisations.decorators import as_at_date, organisation_from_code
from organisations.forms import OrganisationForm, PopulationForm
from organisations.models import HIERARCHY, Organisation, OrgKind, PopulationFigure
from organisations.population import combined, populations
from pcnhub.forms import form_page

SEARCH_LIMIT = 50
KIND_PLURALS = {
    OrgKind.ICS: "STPs / ICSs",
    OrgKind.COMMISSIONER: "commissioners",
    OrgKind.PCN: "Primary Care Networks",
    OrgKind.PRACTICE: "GP practices",
}
RELATIONSHIP_LIMIT = 200
RUN_LIMIT = 20
FIGURE_LIMIT = 40


@require_GET
def search(request):
    """Search within the user's scope; an exact ODS code goes straight to its page, since
    most searches are for a code copied from a letter or a spreadsheet."""
    term = request.GET.get("q", "").strip()
    within = scope_filter(request.user, Permission.VIEW_REGISTRY)
    results = []
    if term:
        exact = Organisation.objects.filter(within, code__iexact=term).first()
        if exact is not None:
            return redirect("organisation", code=exact.code)
        results = list(queries.search(term, limit=SEARCH_LIMIT, within=within))
        results.sort(key=lambda org: HIERARCHY.index(org.kind))
    context = {
        "q": term,
        "results": results,
        "truncated": len(results) == SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
    }
    return TemplateResponse(request, "organisations/search.html", context)


@require_GET
@organisation_from_code
@as_at_date
def organisation(request, org, *, as_at, as_at_raw, as_at_error, today):
    """One page for every kind: where it sat, who belonged, how many patients, on any date."""
    context = {
        "org": org,
        "as_at": as_at,
        "as_at_raw": as_at_raw,
        "today": today,
        "errors": [("as_at", as_at_error)] if as_at_error else [],
        "is_practice": org.kind == OrgKind.PRACTICE,
        "open_on_as_at": org.is_open_on(as_at),
        "can_edit": has_permission(request.user, Permission.EDIT_REGISTRY, org),
        "can_enter_population": org.kind in (OrgKind.PRACTICE, OrgKind.PCN)
        and actions.may_enter_population(request.user, org),
        **_population_figures(org),
        **_place(org, as_at),
        **_list_sizes(org, as_at, today),
        **_history(org),
    }
    return TemplateResponse(request, "organisations/organisation.html", context)


def _place(org, day):
    """Breadcrumbs up the hierarchy and the members below, both as they stood on day. Totals
    are the population rule's sums, naming the members without a list rather than adding 0;
    practices in no PCN that do not count are listed apart, each with why."""
    trail = queries.ancestors(org, day)
    members = list(queries.members(org, day))
    sizes = on_the_day(members, day) if members else {}
    outside = list(queries.practices_in_no_pcn(org, day))
    apart = counted_practices(outside, day)
    member_kind = queries.child_kind(org.kind) if org.kind != OrgKind.PRACTICE else None
    rows = [(member, sizes[member.pk]) for member in members]
    unaffiliated = [(p, apart.lists[p.pk]) for p in outside if p.pk in apart.lists]
    return {
        "trail": trail,
        "parent": trail[-1] if trail else None,
        "members": rows,
        "members_total": _total(org, rows, day),
        "unaffiliated": unaffiliated,
        "unaffiliated_total": _total(org, unaffiliated, day),
        "unaffiliated_not_counted": [
            (p, apart.not_counted[p.pk]) for p in outside if p.pk in apart.not_counted
        ],
        "counted_words": apart.rule.words,
        "member_kind_label": OrgKind(member_kind).label if member_kind else "",
        "member_kind_plural": KIND_PLURALS.get(member_kind, ""),
        "member_is_practice": member_kind == OrgKind.PRACTICE,
    }


def _total(org, rows, day):
    """The rows' figures summed by the population rule: its `missing` names those left out."""
    return combined(org.code, [figure for _, figure in rows], day, purpose="on_the_day")


def on_the_day(orgs, day):
    """Registered lists on `day` by the one population rule, with basis, source and warnings."""
    return populations(orgs, day, purpose="on_the_day")


def _list_sizes(org, day, today):
    size_now = on_the_day([org], today)[org.pk]
    size_then = size_now if day == today else on_the_day([org], day)[org.pk]
    profile_date, profile = queries.age_sex_profile(org, day)
    return {
        "size_now": size_now,
        "size_then": size_then,
        "trend": queries.list_size_trend(org),
        "profile_date": profile_date,
        "profile": profile,
        "stale_months": settings.POPULATION_STALE_MONTHS,
    }


def _population_figures(org):
    """Weighted, adjusted and entered figures on file for this organisation, newest first."""
    figures = list(
        PopulationFigure.objects.filter(organisation=org)
        .select_related("import_run", "entered_by")
        .order_by("-as_at", "measure")[: FIGURE_LIMIT + 1]
    )
    return {
        "population_figures": figures[:FIGURE_LIMIT],
        "population_figures_truncated": len(figures) > FIGURE_LIMIT,
    }


def _history(org):
    relationships = list(queries.relationships_of(org)[: RELATIONSHIP_LIMIT + 1])
    return {
        "relationships": relationships[:RELATIONSHIP_LIMIT],
        "relationships_truncated": len(relationships) > RELATIONSHIP_LIMIT,
        "runs": list(queries.import_runs_touching(org)[:RUN_LIMIT]),
        "field_changes": queries.field_changes(org),
        "revisions": list(queries.figure_revisions(org)[:RUN_LIMIT]),
    }


@require_http_methods(["GET", "POST"])
@organisation_from_code(Permission.EDIT_REGISTRY)
def edit(request, org):
    """Correct an organisation by hand; the change and its reason go into the history."""
    form = OrganisationForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if changes:
            actions.update_organisation(
                organisation=org, by=request.user, reason=form.cleaned_data["reason"], **changes
            )
            messages.success(request, f"{org.name} updated: {', '.join(changes)}")
        return redirect("organisation", code=org.code)
    return TemplateResponse(request, "organisations/edit.html", {"org": org, "form": form})


@require_http_methods(["GET", "POST"])
@organisation_from_code
def enter_population(request, org):
    """Enter a weighted, adjusted or registered population by hand, with where it is from."""
    if org.kind not in (OrgKind.PRACTICE, OrgKind.PCN) or not actions.may_enter_population(
        request.user, org
    ):
        raise Http404("No such organisation")

    def save(data):
        figure = actions.enter_population(organisation=org, by=request.user, **data)
        return f"{reverse('organisation', args=[org.code])}?as_at={figure.as_at}#populations"

    return form_page(
        request,
        PopulationForm(request.POST or None),
        save=save,
        done=f"Population entered for {org.name}",
        template="organisations/enter_population.html",
        org=org,
    )
