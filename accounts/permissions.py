"""One access rule for pages, API and CLI: has_permission(user, permission, org=...).

A role is held over an organisation and reaches everything below it in the hierarchy: over
any period for commissioners and above (they still see a practice that has since moved
away), as it stands today for a PCN's or a practice's own staff. A role with
no organisation reaches all of England. Objects out of scope answer 404, never 403.
"""

from datetime import date
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from organisations.models import Organisation, Relationship
from organisations.queries import valid_on


class Permission(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    RUN_IMPORTS = "run_imports"
    VIEW_BANK_DETAILS = "view_bank_details"
    # DES registration: a network drafts and submits its own; the commissioner decides; the
    # STP/ICS assures (issue 3, the 2019 timetable in seeds 001 and 003).
    DRAFT_REGISTRATION = "draft_registration"
    DECIDE_REGISTRATION = "decide_registration"
    ASSURE_REGISTRATION = "assure_registration"
    # Money: every viewer of a PCN sees its payments; finance marks them paid and revises rates.
    MANAGE_PAYMENTS = "manage_payments"
    EDIT_RATES = "edit_rates"
    ENTER_PAYMENT_INPUTS = "enter_payment_inputs"  # beds, IIF points, assessed shares
    EDIT_PLANS = "edit_plans"  # programmes, deliverables, actions and milestones
    # Assurance (seeds 000 and 004): NHS England's team rates a commissioner's plan; the
    # commissioner answers each rating with its response and actions.
    RATE_ASSURANCE = "rate_assurance"
    RESPOND_ASSURANCE = "respond_assurance"
    NETWORK_FINANCES = "network_finances"  # a PCN's own: share-out, ARRS staff and claims
    # Service roll-out: a practice's sign-ups and the extended access a PCN or practice
    # offers. The commissioner records them for its area; a PCN's or a practice's own
    # staff for their current practices, as they are the ones who know.
    RECORD_SERVICES = "record_services"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.NATIONAL_VIEWER: frozenset({Permission.VIEW_REGISTRY}),
    Role.READ_ONLY: frozenset({Permission.VIEW_REGISTRY}),
    Role.ASSURANCE: frozenset({Permission.VIEW_REGISTRY, Permission.RATE_ASSURANCE}),
    Role.PROGRAMME_OFFICE: frozenset(
        {Permission.VIEW_REGISTRY, Permission.ASSURE_REGISTRATION, Permission.EDIT_PLANS}
    ),
    Role.COMMISSIONER: frozenset(
        {
            Permission.VIEW_REGISTRY,
            Permission.EDIT_REGISTRY,
            Permission.DRAFT_REGISTRATION,
            Permission.DECIDE_REGISTRATION,
            Permission.ENTER_PAYMENT_INPUTS,
            Permission.EDIT_PLANS,
            Permission.RESPOND_ASSURANCE,
            Permission.RECORD_SERVICES,
        }
    ),
    Role.COMMISSIONER_FINANCE: frozenset(
        {
            Permission.VIEW_REGISTRY,
            Permission.VIEW_BANK_DETAILS,
            Permission.MANAGE_PAYMENTS,
            Permission.EDIT_RATES,
            Permission.ENTER_PAYMENT_INPUTS,
            Permission.NETWORK_FINANCES,
        }
    ),
    Role.PCN_MANAGER: frozenset(
        {
            Permission.VIEW_REGISTRY,
            Permission.DRAFT_REGISTRATION,
            Permission.NETWORK_FINANCES,
            Permission.RECORD_SERVICES,
        }
    ),
    Role.PRACTICE_MANAGER: frozenset({Permission.VIEW_REGISTRY, Permission.RECORD_SERVICES}),
    Role.REGISTRY_ADMIN: frozenset(
        {Permission.VIEW_REGISTRY, Permission.EDIT_REGISTRY, Permission.RUN_IMPORTS}
    ),
}

# A network's or a practice's own staff see its members as they are now; a practice that has
# moved away is no longer theirs to see. Commissioners and above keep their area's history.
CURRENT_MEMBERS_ONLY = {Role.PCN_MANAGER, Role.PRACTICE_MANAGER}

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
        current = {org_id for role, org_id in assignments if role in CURRENT_MEMBERS_ONLY}
        roots = {org_id for _, org_id in assignments if org_id is not None} - current
        reach = descendants(roots) | descendants(current, on=timezone.localdate())
        for role, org_id in assignments:
            for permission in ROLE_PERMISSIONS.get(role, ()):
                if org_id is None:
                    scopes[permission] = None
                elif permission not in scopes or scopes[permission] is not None:
                    scopes.setdefault(permission, set()).update(reach[org_id])
    setattr(user, _CACHE_ATTR, scopes)
    return scopes


def descendants(roots: set[int], on: date | None = None) -> dict[int, set[int]]:
    """Every organisation below each root, through relationships of any date (or, with `on`,
    only those holding on that date). One query per level of the hierarchy (at most four)."""
    reach = {root: {root} for root in roots}
    frontier = {root: {root} for root in roots}
    links_on = Relationship.objects.filter(valid_on(on)) if on else Relationship.objects.all()
    while any(frontier.values()):
        wanted = set().union(*frontier.values())
        links: dict[int, set[int]] = {}
        for parent_id, child_id in links_on.filter(parent_id__in=wanted).values_list(
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


def reaches_on(user, permissions, org: Organisation, day: date) -> bool:
    """Whether a role of the user's holding one of `permissions` reaches `org` through the
    relationships holding on `day`: for writes that move money (a population a network is
    paid on), only whoever commissions the organisation that day, not whoever once did."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roots = {
        org_id
        for role, org_id in user.role_assignments.values_list("role", "organisation_id")
        if any(permission in ROLE_PERMISSIONS.get(role, ()) for permission in permissions)
    }
    if None in roots:
        return True
    return any(org.pk in reach for reach in descendants(roots, on=day).values())


def scope_filter(user, permission: Permission, field: str = "pk") -> Q:
    """A filter keeping rows whose organisation (at `field`) the user may reach."""
    scopes = _scopes(user)
    if permission not in scopes:
        return Q(pk__in=[])
    reach = scopes[permission]
    if reach is None:
        return Q()
    return Q(**{f"{field}__in": reach})


def holds_anywhere(user, permission: Permission) -> bool:
    """Whether the user holds the permission over some organisation (or all of England)."""
    scopes = _scopes(user)
    return permission in scopes and scopes[permission] != set()


def sees_import_runs(user) -> bool:
    """Import runs record national reference files, not any one organisation's business:
    anyone who may view some part of the registry may read them (pages and API alike)."""
    return holds_anywhere(user, Permission.VIEW_REGISTRY)


def visible_organisations(user, permission: Permission = Permission.VIEW_REGISTRY):
    return Organisation.objects.filter(scope_filter(user, permission))


def widest_held(user, kinds) -> Organisation | None:
    """The organisation highest in `kinds` (listed widest first) that the user holds a role
    over: where the national menu links take someone working for one area."""
    held = [a.organisation for a in user.role_assignments.select_related("organisation")]
    found = [org for org in held if org is not None and org.kind in kinds]
    return min(found, key=lambda org: list(kinds).index(org.kind), default=None)
