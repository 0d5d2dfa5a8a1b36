"""Signed snapshots of closed rounds: the list, one as it was signed (and whether it still is),
and any two compared requirement by requirement (delivery.snapshots.compare)."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from assurance.forms import CompareForm
from assurance.views.decorators import visible_snapshots
from delivery.snapshots import compare, intact


def _listed(user):
    return visible_snapshots(user).select_related(
        "signed_by", "assurance_round__commissioner", "assurance_round__framework"
    )


@require_GET
def snapshot_list(request):
    snapshots = list(_listed(request.user))
    form = CompareForm(snapshots=snapshots) if len(snapshots) > 1 else None
    return TemplateResponse(
        request, "assurance/snapshots.html", {"snapshots": snapshots, "form": form}
    )


@require_GET
def snapshot_page(request, pk):
    found = _listed(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such snapshot")
    context = {"snapshot": found, "intact": intact(found), "round": found.assurance_round}
    return TemplateResponse(request, "assurance/snapshot.html", context)


@require_GET
def snapshot_compare(request):
    """Any two snapshots the user may see; one of another subject is compared all the same,
    with a note, since requirements are keyed by the framework's keys."""
    snapshots = list(_listed(request.user))
    form = CompareForm(request.GET or None, snapshots=snapshots)
    if not form.is_valid():
        raise Http404("Choose two snapshots you may see")
    by_pk = {s.pk: s for s in snapshots}
    before, after = by_pk[int(form.cleaned_data["a"])], by_pk[int(form.cleaned_data["b"])]
    context = {
        "before": before,
        "after": after,
        "changes": compare(before, after),
        "same_subject": before.subject == after.subject,
        "form": form,
    }
    return TemplateResponse(request, "assurance/snapshot_compare.html", context)
