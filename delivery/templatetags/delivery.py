"""Status tags in the NHS.UK colours, the same on every plan page."""

from django import template

from delivery.models import Status

register = template.Library()

TAG_CLASSES = {
    Status.COMPLETE: "nhsuk-tag--blue",
    Status.ON_TRACK: "nhsuk-tag--green",
    Status.AT_RISK: "nhsuk-tag--yellow",
    Status.OFF_TRACK: "nhsuk-tag--red",
    Status.NOT_STARTED: "nhsuk-tag--grey",
}


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
