"""Loading and scope checks for the assurance pages: a round or snapshot the user may not see
answers 404, as everything out of scope does (accounts.permissions)."""

from functools import wraps

from django.http import Http404

from accounts.permissions import Permission, has_permission, scope_filter
from assurance.models import Round
from delivery.models import Snapshot


def visible_rounds(user):
    return Round.objects.filter(scope_filter(user, Permission.VIEW_REGISTRY, "commissioner_id"))


def visible_snapshots(user):
    """Assurance snapshots: those of rounds the user may see."""
    return Snapshot.objects.filter(
        kind=Snapshot.Kind.ASSURANCE_ROUND,
        assurance_round__in=visible_rounds(user),
    )


def round_from_pk(view):
    """Pass the round (with its framework and commissioner) in place of its pk."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        found = (
            Round.objects.select_related("framework", "commissioner", "closed_by", "snapshot")
            .filter(pk=pk)
            .first()
        )
        if found is None or not has_permission(
            request.user, Permission.VIEW_REGISTRY, found.commissioner
        ):
            raise Http404("No such round")
        return view(request, found, *args, **kwargs)

    return wrapper
