"""Status tags in the NHS.UK colours, the same on every plan page."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from delivery.models import Status

register = template.Library()

TAG_CLASSES = {
    Status.COMPLETE: "nhsuk-tag--blue",
    Status.ON_TRACK: "nhsuk-tag--green",
    Status.AT_RISK: "nhsuk-tag--yellow",
    Status.OFF_TRACK: "nhsuk-tag--red",
    Status.NOT_STARTED: "nhsuk-tag--grey",
}


@register.simple_tag
def status_tag(status: str) -> str:
    """The NHS.UK tag for a status (a tag, not an include: plans list thousands)."""
    label = escape(status_label(status))
    # Safe: the class and the label come from the Status choices, the label escaped as well.
    return mark_safe(f'<strong class="nhsuk-tag {status_tag_class(status)}">{label}</strong>')  # noqa: S308


@register.filter
def status_tag_class(status: str) -> str:
    return TAG_CLASSES.get(status, "nhsuk-tag--grey")


# The NHS.UK palette behind the tags, for charts that colour by status.
STATUS_COLOURS = {
    Status.NOT_STARTED: "#768692",
    Status.ON_TRACK: "#007f3b",
    Status.AT_RISK: "#ffb81c",
    Status.OFF_TRACK: "#d5281b",
    Status.COMPLETE: "#005eb8",
}


@register.simple_tag
def status_colours() -> str:
    return ",".join(STATUS_COLOURS[s] for s in Status.values)


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


@register.simple_tag
def gantt_track(lane) -> str:
    """A timeline lane's bars, built here rather than by template loops: a 500-deliverable
    plan draws some 20,000 marks, and this keeps its page well inside half a second."""
    parts = ['<div class="pcnhub-gantt__track" aria-hidden="true">']
    if lane.span:
        span = lane.span
        parts.append(
            f'<span class="pcnhub-gantt__span pcnhub-gantt--{span.state}" '
            f'data-left="{span.left:.3f}" data-width="{span.width:.3f}"></span>'
        )
    # Marks' labels are PCN Hub's own words (counts, months, period labels, states), so they
    # go in unescaped: escaping 20,000 of them was a tenth of the page's time.
    parts.extend(
        f'<span class="pcnhub-gantt__mark pcnhub-gantt--{mark.state}" '
        f'data-left="{mark.left:.3f}" data-width="{mark.width:.3f}" title="{mark.label}"></span>'
        for mark in lane.marks
    )
    parts.append(f'</div><span class="nhsuk-u-visually-hidden">{escape(lane.summary)}</span>')
    return mark_safe("".join(parts))  # noqa: S308 - our own words, or escaped above
