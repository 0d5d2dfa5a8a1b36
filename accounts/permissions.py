"""One access rule for pages, API and CLI: has_permission(user, permission, org=...).

A role is held over an organisation and reaches everything below it in the hierarchy (over
any period, so a commissioner still sees a practice that has since moved away). A role with
no organisation reaches all of England. Objects out of scope answer 404, never 403.
"""

from enum import StrEnum

from django.db.models import Q

from accounts.models import Role
from organisations.models import Organisation, Relationship


class Permission(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    RUN_IMPORTS = "run_imports"
    VIEW_BANK_DETAILS = "view_bank_details"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.NATIONAL_VIEWER: frozenset({Permission.VIEW_REGISTRY}),
    Role.READ_ONLY: frozenset({Permission.VIEW_REGISTRY}),
    Role.PROGRAMME_OFFICE: frozenset({Permission.VIEW_REGISTRY}),
    Role.COMMISSIONER: frozenset({Permission.VIEW_REGISTRY, Permission.EDIT_REGISTRY}),
    Role.COMMISSIONER_FINANCE: frozenset({Permission.VIEW_REGISTRY, Permission.VIEW_BANK_DETAILS}),
    Role.PCN_MANAGER: frozenset({Permission.VIEW_REGISTRY}),
    Role.PRACTICE_MANAGER: frozenset({Permission.VIEW_REGISTRY}),
    Role.REGISTRY_ADMIN: frozenset(
        {Permission.VIEW_REGISTRY, Permission.EDIT_REGISTRY, Permission.RUN_IMPORTS}
    ),
}

_CACHE_ATTR = "_pcnhub_scopes"


def _scopes(user) -> dict[Permission, set[int] | None]:
    """For each permission the user holds: the organisation ids it reaches, or None for all."""
    if not user or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scopes: dict[Permission, set[int] | None] = {}
    if user.is_superuser:
        scopes = {permission: None for permission in Permission}
    else:
        assignments = list(user.role_assignments.values_list("role", "organisation_id"))
        roots = {org_id for _, org_id in assignments if org_id is not None}
        reach = descendants(roots)
        for role, org_id in assignments:
            for permission in ROLE_PERMISSIONS.get(role, ()):
                if org_id is None:
                    scopes[permission] = None
                elif permission not in scopes or scopes[permission] is not None:
                    scopes.setdefault(permission, set()).update(reach[org_id])
    setattr(user, _CACHE_ATTR, scopes)
    return scopes


def descendants(roots: set[int]) -> dict[int, set[int]]:
    """Every organisation below each root, through relationships of any date.

    One query per level of the hierarchy (at most four)."""
    reach = {root: {root} for root in roots}
    frontier = {root: {root} for root in roots}
    while any(frontier.values()):
        wanted = set().union(*frontier.values())
        links: dict[int, set[int]] = {}
        for parent_id, child_id in Relationship.objects.filter(parent_id__in=wanted).values_list(
            "parent_id", "child_id"
        ):
            links.setdefault(parent_id, set()).add(child_id)
        for root, ids in frontier.items():
            found = set().union(*(links.get(i, set()) for i in ids)) - reach[root]
            reach[root] |= found
            frontier[root] = found
    return reach


def has_permission(user, permission: Permission, org: Organisation | None = None) -> bool:
    scopes = _scopes(user)
    if permission not in scopes:
        return False
    reach = scopes[permission]
    if reach is None:
        return True
    return org is not None and org.pk in reach


def scope_filter(user, permission: Permission, field: str = "pk") -> Q:
    """A filter keeping rows whose organisation (at `field`) the user may reach."""
    scopes = _scopes(user)
    if permission not in scopes:
        return Q(pk__in=[])
    reach = scopes[permission]
    if reach is None:
        return Q()
    return Q(**{f"{field}__in": reach})


def visible_organisations(user, permission: Permission = Permission.VIEW_REGISTRY):
    return Organisation.objects.filter(scope_filter(user, permission))
