"""Template helpers for registry pages: scope-aware links and NHS-style labels."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from accounts.permissions import Permission, has_permission
from imports.models import RunStatus
from organisations.models import OrgKind

register = template.Library()

_STATUS_TAGS = {
    RunStatus.QUEUED: "nhsuk-tag--grey",
    RunStatus.RUNNING: "nhsuk-tag--blue",
    RunStatus.SUCCEEDED: "nhsuk-tag--green",
    RunStatus.FAILED: "nhsuk-tag--red",
}


@register.simple_tag(takes_context=True)
def org_url(context, org):
    """The organisation's page, keeping the chosen as-at date while the user moves around."""
    url = reverse("organisation", args=[org.code])
    as_at, today = context.get("as_at"), context.get("today")
    if as_at and today and as_at != today:
        url += "?" + urlencode({"as_at": as_at.isoformat()})
    return url


@register.simple_tag(takes_context=True)
def org_link(context, org, text=None, css_class=""):
    """A link when the user may open the page, plain text when not: a parent or member out of
    scope is named but not offered (its page would answer 404)."""
    label = text if text is not None else org.name
    if not can_view(context, org):
        return label
    if css_class:
        return format_html(
            '<a class="{}" href="{}">{}</a>', css_class, org_url(context, org), label
        )
    return format_html('<a href="{}">{}</a>', org_url(context, org), label)


@register.simple_tag(takes_context=True)
def can_view(context, org) -> bool:
    """has_permission for templates; the user's scopes are cached, so this costs no query."""
    return has_permission(context["request"].user, Permission.VIEW_REGISTRY, org)


@register.filter
def kind_label(kind: str) -> str:
    try:
        return OrgKind(kind).label
    except ValueError:
        return kind


@register.filter
def age_label(age: str) -> str:
    """Published bands are written 5_9; people read 5 to 9."""
    return age.replace("_", " to ")


@register.filter
def run_status_class(status: str) -> str:
    return _STATUS_TAGS.get(status, "nhsuk-tag--grey")


@register.filter
def duration_words(value) -> str:
    """A timedelta as people say it: 1 hour, 30 minutes, 1 hour 30 minutes."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
